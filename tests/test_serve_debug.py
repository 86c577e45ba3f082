"""`ipx serve` runs with DEBUG off unless `--dev` asks for it, whatever the shell says; on one
machine it starts the task worker beside the server, where Redis is shared it checks Redis
and leaves the workers to their own processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from typing import Any

import django
import django.db
import gunicorn.app.wsgiapp
import pytest

import ipx.serve
from ipx.serve import debug_environment, serve
from ipx.tasks.engine import reset


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch, settings: Any) -> list[tuple[Any, ...]]:
    """What serve() starts, instead of starting it; the shell asks for DEBUG on; one machine."""
    monkeypatch.setenv("DEBUG", "1")
    settings.REDIS_URL = ""
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(ipx.serve, "start_embedded_worker", lambda: calls.append(("task worker",)))
    monkeypatch.setattr(ipx.serve, "check_redis", lambda: calls.append(("redis check",)))
    monkeypatch.setattr(ipx.serve, "check_search_index", lambda: calls.append(("search index check",)))
    monkeypatch.setattr(ipx.serve, "check_address_free", lambda bind: calls.append(("address check", bind)))
    monkeypatch.setattr(django, "setup", lambda: calls.append(("setup", os.environ["DEBUG"])))
    monkeypatch.setattr(ipx.serve, "check_embedding_model_before_forking", lambda: None)
    monkeypatch.setattr(ipx.serve, "call_command", lambda *args, **kwargs: calls.append(("command", *args)))
    monkeypatch.setattr(django.db.connections, "close_all", lambda: calls.append(("close connections",)))
    monkeypatch.setattr(gunicorn.app.wsgiapp, "run", lambda: calls.append(("gunicorn", sys.argv[1])))
    monkeypatch.setattr(ipx.serve, "run_development_server", lambda bind: calls.append(("uvicorn --reload", bind)))
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    return calls


def test_serve_defaults_to_debug_off(started: list[tuple[Any, ...]]) -> None:
    serve(["--bind", "127.0.0.1:8123"])

    assert started == [("address check", "127.0.0.1:8123"), ("setup", "0"), ("task worker",),
                       ("search index check",), ("command", "collectstatic"),
                       # The workers open their own connections (a forked one would share the socket).
                       ("close connections",), ("gunicorn", "ipx.asgi:application")]
    # Each worker on a socket of its own (tests/test_serve_worker.py).
    assert sys.argv[sys.argv.index("--worker-class") + 1] == "ipx.serve_worker.SpreadingWorker"
    assert "--reuse-port" in sys.argv


def test_serve_dev_turns_debug_on(started: list[tuple[Any, ...]]) -> None:
    os.environ["DEBUG"] = "0"

    serve(["--dev", "--bind", "127.0.0.1:8123"])

    assert started == [("setup", "1"), ("task worker",), ("search index check",),
                       ("uvicorn --reload", "127.0.0.1:8123")]


def test_serve_starts_no_task_worker_when_asked_not_to(started: list[tuple[Any, ...]]) -> None:
    serve(["--no-worker"])

    assert ("task worker",) not in started


def test_servers_sharing_redis_check_it_and_leave_tasks_to_their_workers(started: list[tuple[Any, ...]],
                                                                         settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"

    serve([])

    assert started[1:3] == [("setup", "0"), ("redis check",)]
    assert ("task worker",) not in started


def test_an_unreachable_redis_stops_serve_naming_redis_url(settings: Any) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        nobody = f"redis://127.0.0.1:{probe.getsockname()[1]}/0"
    settings.IPX_TASKS_REDIS_URL = settings.REDIS_URL = nobody
    settings.IPX_TASKS_IMMEDIATE = False
    reset()
    try:
        with pytest.raises(SystemExit, match=r"REDIS_URL=redis://127\.0\.0\.1"):
            ipx.serve.check_redis()
    finally:
        reset()


@pytest.mark.parametrize(("dev", "shown"), [(False, "False"), (True, "True")])
def test_the_settings_read_the_debug_serve_chooses(dev: bool, shown: str) -> None:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "ipx.settings", "DEBUG": "1" if not dev else "0",
                   **debug_environment(dev=dev)}
    environment.pop("IPX_ENV", None)
    printed = subprocess.run(  # noqa: S603 - this interpreter, a fixed line of code
        [sys.executable, "-c", "from django.conf import settings; print(settings.DEBUG)"],
        env=environment, capture_output=True, text=True, check=True, timeout=120)

    assert printed.stdout.strip() == shown


@pytest.mark.django_db
def test_serve_queues_the_rebuild_of_an_unusable_search_index_and_says_so(
        settings: Any, tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from ipx.search.backends import reset_backends
    from ipx.search.state import REBUILD_TASK
    from ipx.tasks.models import Task

    settings.IPX_SEARCH_BACKEND = "tantivy"
    settings.IPX_SEARCH_INDEX_DIR = tmp_path / "search"  # a new server: nothing under var/
    reset_backends()
    ipx.serve.check_search_index()

    assert "search index missing (tantivy)" in capsys.readouterr().out
    assert Task.objects.filter(name=REBUILD_TASK, kwargs__engine="tantivy").count() == 1
