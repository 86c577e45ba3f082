"""`ipx serve` runs with DEBUG off unless `--dev` asks for it, whatever the shell says."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import django
import gunicorn.app.wsgiapp
import pytest

import ipx.serve
from ipx.serve import debug_environment, serve


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """What serve() starts, instead of starting it; the shell asks for DEBUG on."""
    monkeypatch.setenv("DEBUG", "1")
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(django, "setup", lambda: calls.append(("setup", os.environ["DEBUG"])))
    monkeypatch.setattr(ipx.serve, "check_embedding_model_before_forking", lambda: None)
    monkeypatch.setattr(ipx.serve, "call_command", lambda *args, **kwargs: calls.append(("command", *args)))
    monkeypatch.setattr(gunicorn.app.wsgiapp, "run", lambda: calls.append(("gunicorn", sys.argv[1])))
    monkeypatch.setattr(ipx.serve, "run_development_server", lambda bind: calls.append(("uvicorn --reload", bind)))
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    return calls


def test_serve_defaults_to_debug_off(started: list[tuple[Any, ...]]) -> None:
    serve(["--bind", "127.0.0.1:8123"])

    assert started == [("setup", "0"), ("command", "collectstatic"), ("gunicorn", "ipx.asgi:application")]
    assert sys.argv[sys.argv.index("--worker-class") + 1] == "uvicorn_worker.UvicornWorker"


def test_serve_dev_turns_debug_on(started: list[tuple[Any, ...]]) -> None:
    os.environ["DEBUG"] = "0"

    serve(["--dev", "--bind", "127.0.0.1:8123"])

    assert started == [("setup", "1"), ("uvicorn --reload", "127.0.0.1:8123")]


@pytest.mark.parametrize(("dev", "shown"), [(False, "False"), (True, "True")])
def test_the_settings_read_the_debug_serve_chooses(dev: bool, shown: str) -> None:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "ipx.settings", "DEBUG": "1" if not dev else "0",
                   **debug_environment(dev=dev)}
    environment.pop("IPX_ENV", None)
    printed = subprocess.run(  # noqa: S603 - this interpreter, a fixed line of code
        [sys.executable, "-c", "from django.conf import settings; print(settings.DEBUG)"],
        env=environment, capture_output=True, text=True, check=True, timeout=120)

    assert printed.stdout.strip() == shown
