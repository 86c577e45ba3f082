"""What every app relies on: the database answers, its schema is the code's, Redis answers
where it is configured, and var/ has room for the files derived from the database."""

from __future__ import annotations

import shutil
import time
from collections.abc import Mapping
from pathlib import Path

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ipx.core.health import Check, JSONScalar
from ipx.health.secrets import address, redis_urls, scrub

# Redis is asked once, briefly: a Redis that takes longer is failing for its callers too.
REDIS_TIMEOUT_SECONDS = 1.0


def database() -> Check:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return Check(
            name="database", status="failing",
            detail=_("The database does not answer: %(error)s") % {"error": scrub(str(exc))},
            remedy=_("Start the database server or correct DATABASE_URL, then restart IPX."),
            facts={"vendor": connection.vendor})
    latency_ms = round((time.perf_counter() - started) * 1000, 1)
    return Check(
        name="database", status="ok",
        detail=_("The database answers (%(vendor)s, %(latency).1f ms).") % {
            "vendor": connection.vendor, "latency": latency_ms},
        facts={"vendor": connection.vendor, "latency_ms": latency_ms})


def migrations() -> Check:
    """Loading the migration graph costs ~0.1 s the first time in a process (importing the
    migration modules) and a few milliseconds after that, so it is done on every call rather
    than remembered: a remembered answer would hide a rollback of the database."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        return _unknown_migrations(executor) or Check(
            name="migrations", status="ok", detail=_("Every migration is applied."), facts={"unapplied": 0})
    first, _backwards = plan[0]
    first_name = f"{first.app_label}.{first.name}"
    return Check(
        name="migrations", status="failing",
        detail=ngettext("%(count)d migration is not applied (%(first)s); pages that read its tables or "
                        "columns fail until it is.",
                        "%(count)d migrations are not applied (the first: %(first)s); pages that read their "
                        "tables or columns fail until they are.", len(plan)) % {
                            "count": len(plan), "first": first_name},
        remedy=_("Run ipx migrate."),
        facts={"unapplied": len(plan), "first_unapplied": first_name})


def _unknown_migrations(executor: MigrationExecutor) -> Check | None:
    """Migrations recorded in the database that this code does not have: a newer release
    migrated this database, and this older code may not understand its tables."""
    loader = executor.loader
    replaced = {key for migration in loader.replacements.values() for key in migration.replaces}
    applied = loader.applied_migrations or {}
    unknown = sorted(key for key in applied if key not in loader.graph.nodes and key not in replaced)
    if not unknown:
        return None
    app_label, name = unknown[0]
    return Check(
        name="migrations", status="degraded",
        detail=ngettext("The database has %(count)d migration this release does not know (%(first)s); a newer "
                        "release has migrated it.",
                        "The database has %(count)d migrations this release does not know (the first: %(first)s); "
                        "a newer release has migrated it.", len(unknown)) % {
                            "count": len(unknown), "first": f"{app_label}.{name}"},
        remedy=_("Run the release that migrated this database, or restore a backup made for this one."),
        facts={"unapplied": 0, "unknown": len(unknown)})


def redis_checks() -> list[Check]:
    """Only where Redis is configured (several servers): there the task queue and the shared
    caches live in it."""
    return [_redis(name, url) for name, url in redis_urls().items()]


def _redis(name: str, url: str) -> Check:
    facts: dict[str, JSONScalar] = {"address": address(url)}
    client = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_SECONDS,
                                  socket_connect_timeout=REDIS_TIMEOUT_SECONDS)
    try:
        started = time.perf_counter()
        try:
            client.ping()
        except redis.RedisError as exc:
            return Check(
                name=name, status="failing",
                detail=_("Redis at %(address)s does not answer: %(error)s") % {
                    "address": facts["address"], "error": scrub(f"{type(exc).__name__}: {exc}")},
                remedy=_("Start Redis or correct REDIS_URL; queued tasks and live updates wait until it answers."),
                facts=facts)
        facts["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
        if name == "redis":  # REDIS_URL: the shared cache lives there
            facts.update(_memory_settings(client))
    finally:
        client.close()
    problem = _memory_problem(facts, holds_tasks=url == settings.IPX_TASKS_REDIS_URL)
    if problem is not None:
        return Check(name=name, status="degraded", detail=problem % facts, remedy=_(
            "Set maxmemory (e.g. a quarter of the machine's memory) and maxmemory-policy volatile-lru in Redis's "
            "configuration: old cached answers are then dropped first, queued tasks never."), facts=facts)
    return Check(name=name, status="ok",
                 detail=_("Redis at %(address)s answers (%(latency).1f ms).") % {
                     "address": facts["address"], "latency": facts["latency_ms"]}, facts=facts)


def _memory_settings(client: redis.Redis) -> dict[str, JSONScalar]:
    """Redis's memory limit and what it drops at the limit (nothing where INFO is not allowed)."""
    try:
        info = client.info("memory")
    except redis.RedisError:
        return {}
    return {"maxmemory": int(info.get("maxmemory", 0)), "maxmemory_policy": str(info.get("maxmemory_policy", ""))}


def _memory_problem(facts: Mapping[str, JSONScalar], *, holds_tasks: bool) -> str | None:
    """Anonymous readers choose the addresses whose answers the shared cache keeps, so the cache
    grows as far as Redis lets it. Every cached answer expires and the task queue's keys never
    do: a memory limit with a ``volatile-*`` policy drops old answers and keeps the queue.
    Nothing to judge where the memory settings were not read (a Redis without the cache, or one
    that refuses INFO)."""
    if "maxmemory" not in facts:
        return None
    policy = str(facts["maxmemory_policy"])
    if not facts["maxmemory"]:
        return _("Redis at %(address)s has no memory limit: the answers kept for anonymous readers can fill the "
                 "machine's memory.")
    if holds_tasks and policy.startswith("allkeys-"):
        return _("Redis at %(address)s drops any key when full, queued tasks too (maxmemory-policy "
                 "%(maxmemory_policy)s).")
    if policy == "noeviction":
        return _("Redis at %(address)s refuses every write when full (maxmemory-policy noeviction): cached answers "
                 "could fill it for good.")
    return None


def _existing(path: Path) -> Path:
    """The data directory, or the nearest folder above it: what is derived from the database
    (search index, embedding cache) is made there when first needed, on that disk."""
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def disk_space() -> Check:
    try:
        usage = shutil.disk_usage(_existing(Path(settings.VAR_DIR)))
    except OSError as exc:
        return Check(name="disk_space", status="failing",
                     detail=_("The data directory cannot be read: %(error)s") % {"error": exc.strerror or exc},
                     remedy=_("Create the data directory (IPX_VAR_DIR) and let IPX write to it."))
    minimum = int(settings.IPX_HEALTH_DISK_MIN_FREE_BYTES)
    facts = {"free_bytes": usage.free, "total_bytes": usage.total, "minimum_free_bytes": minimum}
    if usage.free < minimum:
        return Check(
            name="disk_space", status="degraded",
            detail=_("Only %(free)s free on the disk of the data directory (below %(minimum)s).") % {
                "free": filesizeformat(usage.free), "minimum": filesizeformat(minimum)},
            remedy=_("Free space on that disk: the search index and the embedding cache are rebuilt there, "
                     "and a rebuild that runs out of space fails."),
            facts=facts)
    return Check(name="disk_space", status="ok",
                 detail=_("%(free)s free on the disk of the data directory.") % {"free": filesizeformat(usage.free)},
                 facts=facts)
