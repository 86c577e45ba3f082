"""Enqueue and run background tasks: the one way the rest of IPX hands work to the queue.

``enqueue(func, **kwargs)`` writes a journal row in the caller's transaction and hands it to
the queue engine once that transaction commits: a task never runs against uncommitted rows,
never runs if the transaction rolls back, and is never lost if it commits (a row the store
could not take stays ``queued`` and the workers' maintenance loop hands it over later).
``run_at(when, func, **kwargs)`` is the schedule slot: the same, due at ``when``.
Delivery is at least once, so every task function must be idempotent.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import socket
import traceback
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.db.models import Q
from django.utils import timezone

from ipx.tasks import engine
from ipx.tasks.models import Task

logger = logging.getLogger(__name__)

S = Task.Status
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"
# A row handed over this long ago and still waiting was lost by the store (e.g. a Redis
# restart without persistence, a process killed between commit and hand-over): hand it again.
REPUSH_AFTER = timedelta(minutes=2)


class MissingFunction(Exception):
    """The task names a function that no longer exists (renamed or removed code)."""


def task_name(func: Callable[..., Any] | str) -> str:
    if isinstance(func, str):
        return func
    return f"{func.__module__}.{func.__qualname__}"


def resolve(name: str) -> Callable[..., Any]:
    module_name, _, attribute = name.rpartition(".")
    try:
        func: object = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError, ValueError) as exc:
        raise MissingFunction(name) from exc
    if not callable(func):
        raise MissingFunction(name)
    return func


# --- Enqueueing -------------------------------------------------------------------------------

def enqueue(func: Callable[..., Any] | str, **kwargs: Any) -> Task:
    """Queue ``func(**kwargs)`` to run once the enclosing transaction commits."""
    return _journal(task_name(func), kwargs, run_after=None, key=None)


def run_at(when: datetime, func: Callable[..., Any] | str, **kwargs: Any) -> Task:
    """Queue ``func(**kwargs)`` to run at ``when`` (an aware datetime): auctions close lots,
    loans fall due, publicity periods end with it."""
    return _journal(task_name(func), kwargs, run_after=when, key=None)


def enqueue_once(key: str, func: Callable[..., Any] | str, **kwargs: Any) -> Task | None:
    """Queue ``func`` unless a task with ``key`` was ever queued; None when it was (a second
    scheduler's enqueue of the same periodic slot)."""
    try:
        with transaction.atomic():
            return _journal(task_name(func), kwargs, run_after=None, key=key)
    except IntegrityError:
        return None


def run_at_once(key: str, when: datetime, func: Callable[..., Any] | str, **kwargs: Any) -> Task | None:
    """``run_at`` unless a task with ``key`` was ever queued (a lot's close at one time is
    queued once however many requests extend it to that time)."""
    try:
        with transaction.atomic():
            return _journal(task_name(func), kwargs, run_after=when, key=key)
    except IntegrityError:
        return None


def _journal(name: str, kwargs: dict[str, Any], *, run_after: datetime | None, key: str | None) -> Task:
    # pushed_at is set now (the hand-over follows the commit) so the normal path costs no
    # second write; a failed hand-over clears it.
    task = Task.objects.create(name=name, kwargs=kwargs, run_after=run_after, key=key, pushed_at=timezone.now())
    transaction.on_commit(lambda: push(task.pk, eta=run_after))
    return task


def push(task_id: int, *, eta: datetime | None = None) -> bool:
    """Hand a committed row to the store; False (row left for the maintenance loop) if the
    store is down. Never raises for the store: the caller's change has committed."""
    try:
        engine.push(task_id, eta=eta if eta and eta > timezone.now() else None)
    except engine.StoreUnavailable as exc:
        logger.warning("task %s stays in the journal: the queue store is unreachable (%s)", task_id, exc)
        Task.objects.filter(pk=task_id, status__in=(S.QUEUED, S.RETRYING)).update(pushed_at=None)
        return False
    return True


def rerun(task_ids: Iterable[int]) -> int:
    """Queue failed tasks again through the same path (the admin's "Run again")."""
    ids = list(Task.objects.filter(pk__in=list(task_ids), status=S.FAILED).values_list("pk", flat=True))
    count = Task.objects.filter(pk__in=ids, status=S.FAILED).update(
        status=S.QUEUED, attempts=0, run_after=None, worker="", heartbeat_at=None,
        finished_at=None, pushed_at=timezone.now())
    for task_id in ids:
        transaction.on_commit(partial(push, task_id))
    return count


# --- Running ----------------------------------------------------------------------------------

# Our own table name; every value is bound.
CLAIM_SQL = (
    f"UPDATE {Task._meta.db_table} SET status = %s, worker = %s, heartbeat_at = %s, started_at = %s "  # noqa: S608
    "WHERE id = %s AND status IN (%s, %s) RETURNING name, kwargs, attempts")


def claim(task_id: int) -> Task | None:
    """Atomically move a waiting task to running for this worker; None if someone else has it
    (a second delivery of the same row) or it is finished. One statement (UPDATE ...
    RETURNING, in SQLite and PostgreSQL alike): the claim is most of a trivial task's cost."""
    connection = connections[Task.objects.db]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(CLAIM_SQL, [S.RUNNING, WORKER_ID, now, now, task_id, S.QUEUED, S.RETRYING])
        row = cursor.fetchone()
    if row is None:
        return None
    name, kwargs, attempts = row
    return Task(pk=task_id, name=name, kwargs=json.loads(kwargs) if isinstance(kwargs, str) else kwargs,
                attempts=attempts, status=S.RUNNING)


def run_task(task_id: int, *, retries_left: int = 0, retry_delay: float = 0) -> bool | None:
    """Run a journal row once: True if it succeeded, False if it failed (or will be retried),
    None if it was not there to claim. Exceptions are recorded on the row; the engine's retry
    is asked for by re-raising while retries are left."""
    task = claim(task_id)
    if task is None:
        return None
    attempts = task.attempts + 1
    try:
        func = resolve(task.name)
    except MissingFunction:
        # No retry: renamed or removed code does not come back by waiting.
        _finish(task_id, S.FAILED, attempts=attempts, last_error=(
            f"The function {task.name} no longer exists (renamed or removed code); nothing was run. "
            "Restore it, or delete this task."))
        logger.error("task %s names a function that no longer exists", task)
        return False
    try:
        func(**task.kwargs)
    except Exception:
        error = traceback.format_exc()[-4000:]
        if retries_left > 0:
            next_run = timezone.now() + timedelta(seconds=retry_delay)
            Task.objects.filter(pk=task_id, status=S.RUNNING).update(
                status=S.RETRYING, attempts=attempts, last_error=error, run_after=next_run,
                worker="", heartbeat_at=None, pushed_at=timezone.now())
            logger.warning("task %s failed, retry in %ss (%s left)", task, retry_delay, retries_left)
            raise  # the engine schedules the retry with its backoff
        logger.exception("task %s failed", task)
        _finish(task_id, S.FAILED, attempts=attempts, last_error=error)
        return False
    _finish(task_id, S.DONE, attempts=attempts, last_error="")
    return True


def _finish(task_id: int, status: str, *, attempts: int, last_error: str) -> None:
    Task.objects.filter(pk=task_id, status=S.RUNNING).update(
        status=status, attempts=attempts, last_error=last_error, finished_at=timezone.now(),
        heartbeat_at=None)


def run_due() -> int:
    """Run every waiting task that is due, here and now, without the store (``ipx worker
    --burst``: drain the journal by hand); returns how many ran."""
    done = 0
    while True:
        due = (Task.objects.filter(status__in=(S.QUEUED, S.RETRYING))
               .filter(Q(run_after__isnull=True) | Q(run_after__lte=timezone.now()))
               .order_by("id").values_list("pk", flat=True)[:50])
        ran = [task_id for task_id in list(due) if _run_quietly(task_id) is not None]
        if not ran:
            return done
        done += len(ran)


def _run_quietly(task_id: int) -> bool | None:
    try:
        return run_task(task_id)
    except Exception:  # recorded on the row by run_task
        return False


# --- Maintenance (a thread in each worker, see maintenance.py) ---------------------------------

def heartbeat(worker: str = WORKER_ID) -> int:
    return Task.objects.filter(status=S.RUNNING, worker=worker).update(heartbeat_at=timezone.now())


def reclaim_stale(*, stale_after: timedelta | None = None) -> list[int]:
    """Queue again the tasks whose worker died (heartbeat too old); each row with one
    conditional UPDATE, so that of two workers reclaiming at once only one hands it over."""
    limit = timezone.now() - (stale_after or timedelta(seconds=settings.IPX_TASKS_STALE_SECONDS))
    stale = Task.objects.filter(status=S.RUNNING).filter(Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True))
    reclaimed = []
    for task_id, beat in list(stale.values_list("pk", "heartbeat_at")[:100]):
        if Task.objects.filter(pk=task_id, status=S.RUNNING, heartbeat_at=beat).update(
                status=S.QUEUED, worker="", heartbeat_at=None, pushed_at=timezone.now()) == 1:
            logger.warning("task %s: its worker stopped answering; queued again", task_id)
            reclaimed.append(task_id)
            push(task_id)
    return reclaimed


def push_pending() -> int:
    """Hand over the rows the store never took (it was down) or lost; returns how many."""
    now = timezone.now()
    waiting = Task.objects.filter(status__in=(S.QUEUED, S.RETRYING)).filter(
        Q(pushed_at__isnull=True) | Q(pushed_at__lt=now - REPUSH_AFTER, run_after__isnull=True)
        | Q(pushed_at__lt=now - REPUSH_AFTER, run_after__lt=now - REPUSH_AFTER))
    pushed = 0
    for task_id, pushed_at, run_after in list(waiting.values_list("pk", "pushed_at", "run_after")[:500]):
        # Conditional, so two maintenance loops do not both hand the same row over.
        if Task.objects.filter(pk=task_id, pushed_at=pushed_at).update(pushed_at=timezone.now()) != 1:
            continue
        if not push(task_id, eta=run_after):
            break  # still down: try again on the next round
        pushed += 1
    return pushed


def purge_finished() -> int:
    """Delete finished tasks older than IPX_TASKS_KEEP_DAYS (failed ones stay for the admin)."""
    limit = timezone.now() - timedelta(days=settings.IPX_TASKS_KEEP_DAYS)
    deleted, _ = Task.objects.filter(status=S.DONE, finished_at__lt=limit).delete()
    return deleted
