"""Every health check, in the order operators read them: what the server stands on first,
then the derived state the apps keep beside the database.

The apps' own checks are imported when they run, not when this module loads: a check whose
module is broken or missing on a server then reports itself failing, and ``/healthz``,
``/readyz`` and the other checks keep answering.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ipx.core.health import Check, Status
from ipx.health import infrastructure
from ipx.health.runner import Probe, run_probes


def _search_index() -> list[Check]:
    from ipx.search.state import search_check

    return [search_check()]


def _task_queue() -> list[Check]:
    from ipx.tasks.health import tasks_check

    return [tasks_check()]


def _matching() -> list[Check]:
    from ipx.matching.matches.health import matching_checks

    return list(matching_checks())


def _backups() -> list[Check]:
    from ipx.backups.health import backups_check

    return [backups_check()]


PROBES: tuple[Probe, ...] = (
    Probe(("database",), lambda: [infrastructure.database()]),
    Probe(("migrations",), lambda: [infrastructure.migrations()]),
    Probe(("redis",), infrastructure.redis_checks),
    Probe(("disk_space",), lambda: [infrastructure.disk_space()]),
    Probe(("search_index",), _search_index),
    Probe(("tasks",), _task_queue),
    Probe(("embedding_model", "matching_vectors"), _matching),
    Probe(("backups",), _backups),
)

# Names as the back-office shows them; a check not listed shows its name.
LABELS: dict[str, Promise] = {
    "database": _("Database"),
    "migrations": _("Migrations"),
    "redis": _("Redis"),
    "redis_tasks": _("Redis (task queue)"),
    "disk_space": _("Disk space"),
    "search_index": _("Search index"),
    "tasks": _("Task queue"),
    "embedding_model": _("Embedding model"),
    "matching_vectors": _("Matching vectors"),
    "backups": _("Backups"),
}
STATUS_LABELS: dict[Status, Promise] = {"ok": _("OK"), "degraded": _("Degraded"), "failing": _("Failing")}
SEVERITY: dict[Status, int] = {"ok": 0, "degraded": 1, "failing": 2}


def check_names() -> frozenset[str]:
    return frozenset(name for probe in PROBES for name in probe.names) | {"redis_tasks"}


def all_checks(exclude: frozenset[str] = frozenset()) -> list[Check]:
    """``exclude``: checks the caller does not count (``/readyz?exclude=search_index``), e.g. a
    load balancer that keeps servers whose search answers from the database fallback while
    their index is rebuilt: were it counted, a rebuild on every server at once (a restored
    database) would take the whole site out of rotation."""
    return [check for check in run_probes(PROBES) if check.name not in exclude]


def overall_status(checks: Sequence[Check]) -> Status:
    """The worst status: a degraded server still takes traffic, a failing one should not."""
    worst: Status = "ok"
    for check in checks:
        if SEVERITY[check.status] > SEVERITY[worst]:
            worst = check.status
    return worst


def readiness_body(checks: Sequence[Check]) -> dict[str, object]:
    """The ``/readyz`` answer, also ``ipx doctor --json``."""
    return {"status": overall_status(checks), "checks": [check.as_json() for check in checks]}


def label(name: str) -> str:
    return str(LABELS.get(name, name))
