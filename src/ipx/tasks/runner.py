"""Enqueue and run background tasks.

Every task is a row first, so nothing queued is lost. ``IPX_TASKS_MODE`` decides who runs it
once the enqueuing transaction commits: ``inline`` runs it right there, ``thread`` hands it to
a small pool in this process (the embedded default, so a long import does not hold a
request), ``worker`` leaves it for ``ipx worker`` processes (several app servers).
"""

from __future__ import annotations

import importlib
import logging
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from ipx.tasks.models import Task

logger = logging.getLogger(__name__)

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def task_name(func: Callable[..., Any] | str) -> str:
    if isinstance(func, str):
        return func
    return f"{func.__module__}.{func.__qualname__}"


def resolve(name: str) -> Callable[..., Any]:
    module_name, _, attribute = name.rpartition(".")
    func: object = getattr(importlib.import_module(module_name), attribute)
    if not callable(func):
        raise TypeError(f"{name} is not callable")
    return func


def enqueue(func: Callable[..., Any] | str, **kwargs: Any) -> Task:
    task = Task.objects.create(name=task_name(func), kwargs=kwargs)
    mode = settings.IPX_TASKS_MODE
    if mode == "inline":
        transaction.on_commit(lambda: run_task(task.pk))
    elif mode == "thread":
        transaction.on_commit(lambda: _pool().submit(_run_in_thread, task.pk))
    return task


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="ipx-task")
        return _executor


def _run_in_thread(task_id: int) -> None:
    try:
        run_task(task_id)
    finally:
        connection.close()


def claim(task_id: int) -> bool:
    """Atomically move a queued task to running; False if someone else has it."""
    claimed = Task.objects.filter(pk=task_id, status=Task.Status.QUEUED).update(
        status=Task.Status.RUNNING, started_at=timezone.now()
    )
    return claimed == 1


def run_task(task_id: int) -> bool | None:
    """Run a queued task once: True if it succeeded, False if it failed, None if it was
    not there to claim (already taken by another runner)."""
    if not claim(task_id):
        return None
    task = Task.objects.get(pk=task_id)
    try:
        resolve(task.name)(**task.kwargs)
    except Exception:
        logger.exception("task %s failed", task)
        Task.objects.filter(pk=task_id).update(
            status=Task.Status.FAILED,
            attempts=task.attempts + 1,
            last_error=traceback.format_exc()[-4000:],
            finished_at=timezone.now(),
        )
        return False
    Task.objects.filter(pk=task_id).update(
        status=Task.Status.DONE, attempts=task.attempts + 1, finished_at=timezone.now()
    )
    return True


def run_next() -> bool:
    """Claim and run the oldest queued task; False when the queue is empty."""
    close_old_connections()
    queued = Task.objects.filter(status=Task.Status.QUEUED).order_by("id")
    # A None means another runner took that task first: try the next one.
    return any(run_task(task_id) is not None for task_id in queued.values_list("id", flat=True)[:10])
