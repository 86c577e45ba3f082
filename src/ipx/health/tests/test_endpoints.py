"""/healthz and /readyz as a load balancer sees them."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from ipx.core.health import Check
from ipx.health import views
from ipx.health.runner import Probe
from ipx.health.tests.helpers import fake_domain_checks, fixed, use_probes


def test_liveness_answers_without_the_database(client: Client) -> None:
    # No database access is allowed in this test: a query would fail it.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert response.cookies == {}


@pytest.mark.django_db
def test_readiness_lists_every_check(client: Client, monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    settings.REDIS_URL = ""
    settings.IPX_TASKS_REDIS_URL = ""
    fake_domain_checks(monkeypatch)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["status"] == "ok"
    assert [check["name"] for check in body["checks"]] == [
        "database", "migrations", "disk_space", "search_index", "tasks", "embedding_model", "matching_vectors",
        "backups"]
    assert set(body["checks"][0]) == {"name", "status", "detail", "remedy", "facts"}
    assert body["checks"][1] == {"name": "migrations", "status": "ok", "detail": "Every migration is applied.",
                                 "remedy": "", "facts": {"unapplied": 0}}


def test_a_degraded_server_stays_ready(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    use_probes(monkeypatch, fixed("database", "ok"), fixed("search_index", "degraded", remedy="wait"))
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"


def test_a_failing_check_makes_the_server_unready(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    use_probes(monkeypatch, fixed("database", "ok"),
               fixed("migrations", "failing", "2 migrations are not applied", "Run ipx migrate."))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"][1] == {"name": "migrations", "status": "failing", "detail": "2 migrations are not applied",
                                 "remedy": "Run ipx migrate.", "facts": {}}


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()


def test_a_hanging_check_answers_503_instead_of_hanging(client: Client, monkeypatch: pytest.MonkeyPatch,
                                                         settings: Any, gate: threading.Event) -> None:
    settings.IPX_HEALTH_CHECK_SECONDS = 0.2

    def hangs() -> list[Check]:
        gate.wait()
        return []

    use_probes(monkeypatch, fixed("database", "ok"), Probe(("search_index",), hangs))
    response = client.get("/readyz")
    assert response.status_code == 503
    [database, search] = response.json()["checks"]
    assert (database["status"], search["name"], search["status"]) == ("ok", "search_index", "failing")
    assert search["facts"]["limit_seconds"] == 0.2


@pytest.mark.django_db
def test_no_secret_in_the_answer(client: Client, monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    settings.REDIS_URL = "redis://ipx:red-pass-0815@127.0.0.1:1/0"
    settings.IPX_TASKS_REDIS_URL = settings.REDIS_URL
    fake_domain_checks(monkeypatch)
    response = client.get("/readyz")
    body = response.content.decode()
    assert "red-pass-0815" not in body
    assert settings.SECRET_KEY not in body
    redis = next(check for check in response.json()["checks"] if check["name"] == "redis")
    assert (redis["status"], redis["facts"]) == ("failing", {"address": "127.0.0.1:1"})
    assert response.status_code == 503


def test_a_load_balancers_plain_request_is_answered(client: Client, monkeypatch: pytest.MonkeyPatch,
                                                     settings: Any) -> None:
    """Plain HTTP, the server's address as Host, no cookies: not redirected to HTTPS, not
    refused for its Host, no session started."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["exchange.example"]
    use_probes(monkeypatch, fixed("database", "ok"))
    for path in ("/healthz", "/readyz"):
        response = client.get(path, HTTP_HOST="10.0.0.7:8000")
        assert response.status_code == 200, path
        assert response.cookies == {}
        assert "Vary" not in response
    # The same request to a page is redirected to HTTPS (so the settings above are in force).
    assert client.get("/", HTTP_HOST="exchange.example").status_code == 301


def test_other_methods_are_refused(client: Client) -> None:
    assert client.post("/readyz").status_code == 405
    assert client.post("/healthz").status_code == 405


def test_head_is_answered_like_get(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    use_probes(monkeypatch, fixed("database", "failing"))
    assert client.head("/readyz").status_code == 503
    assert client.head("/healthz").status_code == 200


def test_the_answer_is_json_a_monitor_can_read(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    use_probes(monkeypatch, fixed("disk_space", "degraded", "Only 300 MB free", "Free space", free_bytes=300))
    body = json.loads(client.get("/readyz").content)
    assert body == {"status": "degraded", "checks": [
        {"name": "disk_space", "status": "degraded", "detail": "Only 300 MB free", "remedy": "Free space",
         "facts": {"free_bytes": 300}}]}


def test_failing_is_logged_when_it_starts_and_ends_not_on_every_request(
        client: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(views, "_last_failing", set())
    failing = fixed("migrations", "failing", "2 migrations are not applied", "Run ipx migrate.")
    use_probes(monkeypatch, fixed("database", "ok"), failing)
    # The project's loggers do not propagate to the root, where caplog listens.
    logger = logging.getLogger("ipx.health")
    logger.addHandler(caplog.handler)
    try:
        assert [client.get("/readyz").status_code for _poll in range(3)] == [503, 503, 503]
        use_probes(monkeypatch, fixed("database", "ok"), fixed("migrations", "ok"))
        assert client.get("/readyz").status_code == 200
    finally:
        logger.removeHandler(caplog.handler)
    assert [(record.name, record.levelname, record.getMessage()) for record in caplog.records] == [
        ("ipx.health", "ERROR", "readiness: migrations is failing: 2 migrations are not applied"),
        ("ipx.health", "WARNING", "readiness: migrations is no longer failing"),
    ]


def test_a_check_can_be_left_out_of_readiness(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    use_probes(monkeypatch, fixed("database", "ok"), fixed("search_index", "failing"),
               fixed("matching_vectors", "degraded"))
    assert client.get("/readyz").status_code == 503
    for query in ("exclude=search_index", "exclude=search_index,matching_vectors",
                  "exclude=search_index&exclude=matching_vectors"):
        response = client.get(f"/readyz?{query}")
        assert response.status_code == 200, query
        assert "search_index" not in {check["name"] for check in response.json()["checks"]}
    assert client.get("/readyz?exclude=search_index,matching_vectors").json()["status"] == "ok"


def test_a_misspelt_exclusion_is_refused(client: Client) -> None:
    response = client.get("/readyz?exclude=search")
    assert response.status_code == 400
    assert response["Cache-Control"] == "no-store"
    error = response.json()["error"]
    assert (error["code"], error["fields"]) == ("invalid", {"exclude": "search"})
    assert error["message"].startswith("No such check: search. The checks are: backups, database, disk_space, ")
