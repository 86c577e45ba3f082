"""The checks of the server's own footing (database, migrations, Redis, disk) and the runner
that bounds every check in time."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import redis
from django.conf import settings as django_settings
from django.db import OperationalError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from ipx.health import infrastructure
from ipx.health.checks import all_checks, overall_status, readiness_body
from ipx.health.secrets import address, scrub
from ipx.health.tests.helpers import fake_domain_checks, fixed, use_probes
from ipx.testing.databases import needs_redis

pytestmark = pytest.mark.django_db


def test_database_answers_with_its_vendor_and_latency() -> None:
    check = infrastructure.database()
    assert (check.name, check.status, check.remedy) == ("database", "ok", "")
    assert check.facts["vendor"] == connection.vendor
    assert isinstance(check.facts["latency_ms"], float)


def test_a_database_that_does_not_answer_fails_without_quoting_its_password(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(django_settings.DATABASES["default"], "PASSWORD", "db-pass-4711")

    def refused() -> None:
        raise OperationalError('connection to "db.internal" failed: password "db-pass-4711" refused')

    monkeypatch.setattr(connection, "cursor", refused)
    check = infrastructure.database()
    assert check.status == "failing"
    assert "db-pass-4711" not in check.detail
    assert check.detail == 'The database does not answer: connection to "db.internal" failed: password "***" refused'
    assert "DATABASE_URL" in check.remedy


def test_every_migration_applied_is_ok() -> None:
    check = infrastructure.migrations()
    assert (check.status, check.facts) == ("ok", {"unapplied": 0})


def test_unapplied_migrations_fail_and_say_to_migrate(monkeypatch: pytest.MonkeyPatch) -> None:
    pending = [(SimpleNamespace(app_label="search", name="0003_new_table"), False),
               (SimpleNamespace(app_label="tasks", name="0009_new_column"), False)]
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: pending)
    check = infrastructure.migrations()
    assert check.status == "failing"
    assert check.remedy == "Run ipx migrate."
    assert check.facts == {"unapplied": 2, "first_unapplied": "search.0003_new_table"}
    assert "2 migrations are not applied (the first: search.0003_new_table)" in check.detail


def test_migrations_of_a_newer_release_are_reported() -> None:
    MigrationRecorder(connection).record_applied("search", "9999_from_a_newer_release")
    check = infrastructure.migrations()
    assert check.status == "degraded"
    assert "search.9999_from_a_newer_release" in check.detail
    assert check.facts == {"unapplied": 0, "unknown": 1}


def test_disk_space_below_the_minimum_is_degraded(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    settings.IPX_HEALTH_DISK_MIN_FREE_BYTES = 1024**3
    usage = SimpleNamespace(total=100 * 1024**3, used=0, free=300 * 1024**2)
    monkeypatch.setattr(infrastructure.shutil, "disk_usage", lambda path: usage)
    check = infrastructure.disk_space()
    assert check.status == "degraded"
    assert check.facts == {"free_bytes": 300 * 1024**2, "total_bytes": 100 * 1024**3, "minimum_free_bytes": 1024**3}
    assert check.detail == "Only 300.0\xa0MB free on the disk of the data directory (below 1.0\xa0GB)."


def test_disk_space_above_the_minimum_is_ok(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    settings.IPX_HEALTH_DISK_MIN_FREE_BYTES = 1024**3
    usage = SimpleNamespace(total=100 * 1024**3, used=0, free=2 * 1024**3)
    monkeypatch.setattr(infrastructure.shutil, "disk_usage", lambda path: usage)
    assert infrastructure.disk_space().status == "ok"


def test_a_data_directory_not_made_yet_is_measured_where_it_will_be(
        monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "not" / "made" / "yet"
    measured: list[Path] = []

    def usage(path: Path) -> SimpleNamespace:
        measured.append(path)
        return SimpleNamespace(total=10 * 1024**3, used=0, free=5 * 1024**3)

    monkeypatch.setattr(infrastructure.shutil, "disk_usage", usage)
    assert infrastructure.disk_space().status == "ok"
    assert measured == [tmp_path]


def test_a_data_directory_that_cannot_be_read_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(path: Path) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(infrastructure.shutil, "disk_usage", refused)
    check = infrastructure.disk_space()
    assert (check.status, check.detail) == ("failing", "The data directory cannot be read: Permission denied")
    assert "IPX_VAR_DIR" in check.remedy


def test_redis_is_checked_only_where_configured(settings: Any) -> None:
    settings.REDIS_URL = ""
    settings.IPX_TASKS_REDIS_URL = ""
    assert infrastructure.redis_checks() == []


def test_a_redis_that_does_not_answer_fails_with_its_address_and_no_password(settings: Any) -> None:
    # Port 1: nothing listens there, so the connection is refused at once.
    settings.REDIS_URL = "redis://ipx:red-pass-0815@127.0.0.1:1/0"
    settings.IPX_TASKS_REDIS_URL = settings.REDIS_URL
    [check] = infrastructure.redis_checks()
    assert (check.name, check.status) == ("redis", "failing")
    assert check.facts == {"address": "127.0.0.1:1"}
    assert "red-pass-0815" not in check.detail + check.remedy
    assert check.detail.startswith("Redis at 127.0.0.1:1 does not answer: ConnectionError")


@pytest.mark.redis
@needs_redis
def test_a_redis_that_answers_is_ok(settings: Any) -> None:
    settings.REDIS_URL = os.environ["REDIS_URL"]
    settings.IPX_TASKS_REDIS_URL = settings.REDIS_URL
    [check] = infrastructure.redis_checks()
    assert (check.name, check.status, check.remedy) == ("redis", "ok", "")
    assert check.facts["address"] == address(settings.REDIS_URL)
    assert isinstance(check.facts["latency_ms"], float)
    # scripts/with-redis.sh starts it as the deployment guide asks: a limit, old answers dropped first.
    assert (check.facts["maxmemory"], check.facts["maxmemory_policy"]) == (256 * 2**20, "volatile-lru")


class _RedisAnswering:
    """A Redis that answers PING and INFO memory with the given limit and policy."""

    def __init__(self, memory: dict[str, Any] | None) -> None:
        self.memory = memory

    def ping(self) -> bool:
        return True

    def info(self, section: str) -> dict[str, Any]:
        assert section == "memory"
        if self.memory is None:
            raise redis.ResponseError("NOPERM this user has no permissions to run the 'info' command")
        return {"used_memory": 1_000_000, **self.memory}

    def close(self) -> None:
        pass


@pytest.mark.parametrize(("memory", "shared_with_tasks", "status", "said"), [
    ({"maxmemory": 0, "maxmemory_policy": "noeviction"}, True, "degraded", "has no memory limit"),
    ({"maxmemory": 2**30, "maxmemory_policy": "allkeys-lru"}, True, "degraded", "queued tasks too (maxmemory-policy "
                                                                               "allkeys-lru)"),
    ({"maxmemory": 2**30, "maxmemory_policy": "allkeys-lru"}, False, "ok", "answers"),
    ({"maxmemory": 2**30, "maxmemory_policy": "noeviction"}, True, "degraded", "refuses every write when full"),
    ({"maxmemory": 2**30, "maxmemory_policy": "volatile-lru"}, True, "ok", "answers"),
    ({"maxmemory": 2**30, "maxmemory_policy": "volatile-lfu"}, True, "ok", "answers"),
    (None, True, "ok", "answers"),  # INFO not allowed to this user: nothing to judge
])
def test_the_shared_caches_redis_has_a_memory_limit_that_keeps_the_queue(
        settings: Any, monkeypatch: pytest.MonkeyPatch, memory: dict[str, Any] | None, shared_with_tasks: bool,
        status: str, said: str) -> None:
    settings.REDIS_URL = "redis://:red-pass-0815@cache.internal:6379/0"
    settings.IPX_TASKS_REDIS_URL = settings.REDIS_URL if shared_with_tasks else "redis://queue.internal:6379/0"
    monkeypatch.setattr(infrastructure.redis.Redis, "from_url", lambda url, **_options: _RedisAnswering(memory))
    check = infrastructure.redis_checks()[0]
    assert (check.name, check.status) == ("redis", status)
    assert check.detail.startswith("Redis at cache.internal:6379 ") and said in check.detail
    assert ("maxmemory-policy volatile-lru" in check.remedy) == (status == "degraded")
    if memory is not None:
        assert check.facts["maxmemory"] == memory["maxmemory"]
    assert "red-pass-0815" not in check.detail + check.remedy + str(check.facts)


def test_a_second_redis_for_tasks_gets_its_own_check(settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.IPX_TASKS_REDIS_URL = "redis://127.0.0.1:1/1"
    assert [check.name for check in infrastructure.redis_checks()] == ["redis", "redis_tasks"]


def test_credentials_are_taken_out_of_any_text(settings: Any) -> None:
    settings.REDIS_URL = "rediss://:p%40ss-word@cache.internal:6380/0"
    assert scrub("cannot reach rediss://:p%40ss-word@cache.internal:6380/0") == (
        "cannot reach rediss://:***@cache.internal:6380/0")
    assert scrub("AUTH p@ss-word refused") == "AUTH *** refused"
    assert scrub("postgres://ipx:hunter22@db/ipx") == "postgres://ipx:***@db/ipx"
    assert address(settings.REDIS_URL) == "cache.internal:6380"
    assert address("redis://:secret@cache.internal") == "cache.internal:6379"


def test_a_missing_check_module_is_failing_not_available(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_domain_checks(monkeypatch)
    monkeypatch.setitem(sys.modules, "ipx.search.state", None)  # import now fails
    by_name = {check.name: check for check in all_checks()}
    assert by_name["search_index"].status == "failing"
    assert by_name["search_index"].detail.startswith("This check is not available: ")
    assert by_name["tasks"].status == "ok"


def test_all_checks_gather_the_server_and_the_apps(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    settings.REDIS_URL = ""
    settings.IPX_TASKS_REDIS_URL = ""
    fake_domain_checks(monkeypatch)
    result = all_checks()
    assert [check.name for check in result] == ["database", "migrations", "disk_space", "search_index", "tasks",
                                                "embedding_model", "matching_vectors", "backups"]
    assert result[0].status == "ok" and result[1].status == "ok"


def test_the_worst_status_is_the_servers(monkeypatch: pytest.MonkeyPatch) -> None:
    use_probes(monkeypatch, fixed("a", "ok"), fixed("b", "degraded"))
    assert overall_status(all_checks()) == "degraded"
    use_probes(monkeypatch, fixed("a", "failing"), fixed("b", "degraded"))
    body = readiness_body(all_checks())
    assert body["status"] == "failing"
    assert overall_status([]) == "ok"
