"""Runs health probes side by side, each within a time limit.

A load balancer stops waiting after a few seconds and then takes the server out anyway, so a
check that hangs (a database that accepts the connection and never answers, a network volume
that blocks) must come back as "failing" in time rather than hold the whole answer.

Each probe runs in a daemon thread of its own: Python cannot stop a thread, so an overrunning
probe is left to finish on its own, and until it does, the next callers reuse its run instead
of starting another (at most one stuck thread per probe, however often ``/readyz`` is asked).
Daemon threads, because ``ipx doctor`` must exit even when a probe never returns.
Inside a transaction (tests) probes run in the caller's thread instead (``_run_here``).
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ipx.core.health import Check
from ipx.health.secrets import scrub


@dataclass(frozen=True)
class Probe:
    """``names``: the checks this probe answers for, reported failing when it overruns or
    stops with an error. ``run`` may return fewer checks (none, e.g. Redis when not set)."""

    names: tuple[str, ...]
    run: Callable[[], Sequence[Check]]


@dataclass(frozen=True)
class _Run:
    future: Future[list[Check]]
    started: float  # time.monotonic()


_lock = threading.Lock()
_runs: dict[tuple[str, ...], _Run] = {}


def time_limit() -> float:
    return float(settings.IPX_HEALTH_CHECK_SECONDS)


def run_probes(probes: Sequence[Probe], limit: float | None = None) -> list[Check]:
    """The probes' checks in the probes' order; every probe answers within ``limit``
    seconds (all run at once, so the whole call takes about ``limit`` at most)."""
    if _inside_transaction():
        return [check for probe in probes for check in _run_here(probe)]
    limit = time_limit() if limit is None else limit
    language = translation.get_language()
    runs = [(probe, _start(probe, language)) for probe in probes]
    checks: list[Check] = []
    for probe, run in runs:
        # A run another caller started long ago has had its time: do not wait for it again.
        wait = max(0.0, run.started + limit - time.monotonic())
        try:
            checks.extend(run.future.result(timeout=wait))
        except TimeoutError:
            seconds = time.monotonic() - run.started
            checks.extend(_overran(name, limit, seconds) for name in probe.names)
        except Exception as exc:  # a probe's bug or a lost connection is its check failing, not a 500
            checks.extend(_crashed(name, exc) for name in probe.names)
    return checks


def _inside_transaction() -> bool:
    """The caller has a transaction open (tests wrap each one in a transaction; requests and
    ipx doctor never run in one). A probe's own thread would not see its uncommitted rows
    (PostgreSQL) or would be locked out by them (SQLite's shared in-memory database)."""
    return any(conn.in_atomic_block for conn in connections.all(initialized_only=True))


def _run_here(probe: Probe) -> list[Check]:
    """In the caller's thread and transaction, without a time limit (a thread of its own
    is what makes one possible)."""
    try:
        # A savepoint: a probe's failed query must not break the caller's transaction.
        with transaction.atomic():
            return [_settled(check) for check in probe.run()]
    except Exception as exc:  # as in run_probes: the check fails, the caller goes on
        return [_crashed(name, exc) for name in probe.names]


def _start(probe: Probe, language: str | None) -> _Run:
    with _lock:
        running = _runs.get(probe.names)
        if running is not None and not running.future.done():
            return running
        run = _Run(Future(), time.monotonic())
        _runs[probe.names] = run
    thread = threading.Thread(target=_work, args=(probe, run.future, language), daemon=True,
                              name=f"health-{'-'.join(probe.names)}")
    thread.start()
    return run


def _work(probe: Probe, future: Future[list[Check]], language: str | None) -> None:
    future.set_running_or_notify_cancel()
    try:
        # Translations are per thread: the details are put into the caller's language here,
        # while it is active, not later in the caller's thread.
        with translation.override(language):
            checks = [_settled(check) for check in probe.run()]
    except BaseException as exc:  # handed to the waiting caller, which reports it
        future.set_exception(exc)
    else:
        future.set_result(checks)
    finally:
        # This thread's own database connections; nobody else will ever close them.
        connections.close_all()


def _settled(check: Check) -> Check:
    """Lazy translations made into text in the probe's language, secrets taken out."""
    return dataclasses.replace(check, detail=scrub(str(check.detail)), remedy=scrub(str(check.remedy)))


def _overran(name: str, limit: float, seconds: float) -> Check:
    return Check(
        name=name, status="failing",
        detail=_("No answer after %(seconds).1f s (the limit is %(limit).1f s).") % {
            "seconds": seconds, "limit": limit},
        remedy=_("Find out what this check waits for (database, disk, network) on this server; "
                 "run ipx doctor to see every check."),
        facts={"seconds": round(seconds, 1), "limit_seconds": limit})


def _crashed(name: str, exc: Exception) -> Check:
    error = scrub(f"{type(exc).__name__}: {exc}")
    if isinstance(exc, ImportError):
        return Check(name=name, status="failing",
                     detail=_("This check is not available: %(error)s") % {"error": error},
                     remedy=_("Reinstall IPX: part of it is missing on this server."),
                     facts={"error": type(exc).__name__})
    if isinstance(exc, DatabaseError):
        # Usually the database itself or its migrations: their own checks say what to do.
        remedy = _("Repair what the database and migrations checks report first; this check reads the database.")
    else:
        remedy = _("Read the error above and the server log; run ipx doctor again after the repair.")
    return Check(name=name, status="failing",
                 detail=_("The check stopped with an error: %(error)s") % {"error": error},
                 remedy=remedy, facts={"error": type(exc).__name__})
