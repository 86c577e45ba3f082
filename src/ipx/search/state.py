"""Whether the search index agrees with the database, and keeping it so.

``index_status()`` compares the index's stamp with the database: its identity (an index
from another database is *foreign*), the stamp and the index files (absent: *missing*;
unreadable: *corrupt*), the published listings against the documents and the latest change
against the watermark (*stale* beyond ``IPX_SEARCH_STALE_SECONDS``), and the notes of a
rebuild (*rebuilding*, or *failed* with its error). ``keep_current()`` runs every minute:
for each kept engine it applies the change feed (``catch_up``) or queues one full rebuild
across all servers.

Searches consult ``search_availability()``, cheaper (the stamp and the identity): while the
configured engine's index is missing, foreign or corrupt, the database's own index (kept
beside an embedded engine, ``kept_engines``) answers; when neither can, search says "being
rebuilt" rather than "nothing matches". An index without a stamp that holds exactly the
published listings (a new site, filled by the handlers from an empty start) answers normally
until its first rebuild stamps it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from ipx.core.health import Check, JSONScalar, Status
from ipx.core.identity import database_identity
from ipx.listings.selectors import (
    latest_listing_change,
    listing_ids_changed_since,
    published_count,
    published_listing_ids,
)
from ipx.search.backends import EMBEDDED, configured_engine, engine_location, get_backend, kept_engines
from ipx.search.backends.base import Progress
from ipx.search.query import SearchQuery
from ipx.search.rebuild import RebuildRunning, exclusive, read_progress
from ipx.search.services import index_listings
from ipx.search.stamp import Stamp, StampUnreadable, index_dir, read_stamp, schema_version, write_stamp

State = Literal["ready", "stale", "missing", "foreign", "corrupt", "rebuilding", "failed"]
SERVING: tuple[State, ...] = ("ready", "stale")
UNUSABLE: tuple[State, ...] = ("missing", "foreign", "corrupt", "failed")
REBUILD_TASK = "ipx.search.rebuild.rebuild_task"
CATCH_UP_CHUNK = 500


@dataclass(frozen=True)
class IndexStatus:
    state: State
    engine: str
    detail: str
    remedy: str = ""
    facts: dict[str, JSONScalar] = field(default_factory=dict)
    # Whether searches may be answered from this index (a rebuild may run beside it).
    serving: bool = False
    done: int = 0
    total: int = 0


def _stale_seconds() -> float:
    return float(settings.IPX_SEARCH_STALE_SECONDS)


def _rebuild_note(engine: str) -> dict[str, object] | None:
    """The rebuild's note while it is alive; a note not refreshed for long was left by a crash."""
    note = read_progress(engine)
    if not note:
        return None
    at = parse_datetime(str(note.get("at") or ""))
    limit = float(settings.IPX_SEARCH_REBUILD_SILENT_SECONDS)
    if note.get("state") == "rebuilding" and (at is None or (timezone.now() - at).total_seconds() > limit):
        return None
    return note


def _valid_stamp(engine: str) -> tuple[Stamp | None, State | None, str]:
    """The stamp when it matches this database and layout, else the state it puts the index in."""
    try:
        stamp = read_stamp(engine)
    except StampUnreadable as exc:
        return None, "corrupt", _("The search index's stamp cannot be read (%(error)s).") % {"error": exc}
    if stamp is None:
        return None, "missing", _("The search index has not been built here yet.")
    if stamp.identity != database_identity():
        return None, "foreign", _("The search index was built from another database.")
    if stamp.schema != schema_version(engine):
        return None, "missing", _("The search index has an older layout.")
    if engine in EMBEDDED and not engine_location(engine, index_dir(), stamp.generation).exists():
        return None, "missing", _("The search index's files are gone.")
    return stamp, None, ""


def _probe(engine: str) -> tuple[int | None, str]:
    """The index's document count after a trivial search, or None and the error."""
    try:
        backend = get_backend(engine)
        backend.search(SearchQuery(limit=1, with_facets=False))
        return backend.count(), ""
    except Exception as exc:  # any engine error here means the files cannot serve
        return None, f"{type(exc).__name__}: {exc}"


def _complete_without_stamp(state: State | None, stamp: Stamp | None, indexed: int | None, published: int) -> bool:
    """A new site's index filled by the handlers from empty, never stamped: it may answer while
    it holds exactly the published listings (its rebuild is queued all the same)."""
    return state == "missing" and stamp is None and indexed == published


def index_status(engine: str = "") -> IndexStatus:
    """The state of ``engine``'s index (the configured engine's by default)."""
    engine = engine or configured_engine()
    published = published_count()
    facts: dict[str, JSONScalar] = {"engine": engine, "published": published}
    stamp, state, detail = _valid_stamp(engine)
    indexed, error = _probe(engine) if state != "foreign" else (None, "")
    facts["indexed"] = indexed
    if indexed is None and state is None:
        state, detail = "corrupt", _("The search index cannot be read (%(error)s).") % {"error": error}
    # An index holding nothing while listings are published would only answer "nothing matches".
    serving = (state is None and not (indexed == 0 and published > 0)) or _complete_without_stamp(
        state, stamp, indexed, published)
    if stamp is not None:
        latest = latest_listing_change()
        lag = max(0.0, (latest - stamp.watermark).total_seconds()) if latest else 0.0
        facts.update(watermark=stamp.watermark.isoformat(), built_at=stamp.built_at.isoformat(),
                     lag_seconds=round(lag, 1))
        if state is None:
            if indexed != published:
                state, detail = "stale", _("The search index holds %(indexed)d listings; %(published)d are "
                                           "published.") % {"indexed": indexed or 0, "published": published}
            elif lag > _stale_seconds():
                state, detail = "stale", _("Listings changed %(seconds)d seconds after the search index last "
                                           "caught up.") % {"seconds": int(lag)}
            else:
                state, detail = "ready", _("The search index holds every published listing.")
    assert state is not None
    note = _rebuild_note(engine)
    done = total = 0
    if note:
        done, total = int(str(note.get("done") or 0)), int(str(note.get("total") or 0))
        facts.update(rebuild_done=done, rebuild_total=total)
        if note.get("state") == "rebuilding":
            facts["serving_state"] = state
            state = "rebuilding"
            detail = _("The search index is being rebuilt (%(done)d of %(total)d listings).") % {
                "done": done, "total": total}
        elif note.get("state") == "failed":
            facts["serving_state"], facts["error"] = state, str(note.get("error") or "")
            state = "failed"
            detail = _("The last rebuild of the search index failed: %(error)s") % {"error": facts["error"]}
    return IndexStatus(state=state, engine=engine, detail=detail, remedy=_remedy(state), facts=facts,
                       serving=serving, done=done, total=total or published)


def _remedy(state: State) -> str:
    texts = {
        "stale": _("None needed: it catches up within a minute; or run “ipx reindex”."),
        "rebuilding": _("None needed: wait for the rebuild to finish."),
        "missing": _("Run “ipx reindex --full”, or wait: the periodic repair queues a rebuild."),
        "foreign": _("Run “ipx reindex --full”: the index belongs to another database."),
        "corrupt": _("Run “ipx reindex --full”: the index files are damaged."),
        "failed": _("Free disk space or fix the error, then run “ipx reindex --full”; the periodic repair "
                    "retries."),
    }
    return texts.get(state, "")


def _level(status: IndexStatus) -> Status:
    if status.state == "ready":
        return "ok"
    if status.state in ("stale", "rebuilding") or (status.state == "missing" and status.serving):
        return "degraded"
    return "failing"


def search_check() -> Check:
    """The configured engine's index, and the database's own beside it: while the first
    cannot answer and the second can, searches are right (slower) — degraded, not failing."""
    status = index_status()
    level, detail, remedy = _level(status), status.detail, status.remedy
    facts = dict(status.facts)
    others = [index_status(engine) for engine in kept_engines()[1:]]
    for other in others:
        facts.update({"fallback_engine": other.engine, "fallback_state": other.state,
                      "fallback_indexed": other.facts.get("indexed")})
        if level == "failing" and not status.serving and other.serving:
            level = "degraded"
            detail = " ".join([detail, _("Searches are answered from the database's own index meanwhile.")])
        elif _level(other) != "ok" and level == "ok":
            level = "degraded"
            detail = _("The database's own search index (the fallback): %(detail)s") % {"detail": other.detail}
            remedy = other.remedy
    return Check(name="search_index", status=level, detail=detail, remedy=remedy, facts=facts)


@dataclass(frozen=True)
class Availability:
    serving: bool
    engine: str = ""
    done: int = 0
    total: int = 0


def _answers(engine: str) -> bool:
    stamp, state, _detail = _valid_stamp(engine)
    if state is None:
        return True
    return _complete_without_stamp(state, stamp, _probe(engine)[0], published_count())


def search_availability() -> Availability:
    """Which engine may answer searches: the configured one when its index is usable, else the
    database's own when that is; neither, with the rebuild's progress. The cheap part of
    index_status: a stamp and the identity (a row count for an index not yet stamped)."""
    for engine in kept_engines():
        if _answers(engine):
            return Availability(serving=True, engine=engine)
    note = _rebuild_note(configured_engine()) or {}
    return Availability(serving=False, done=int(str(note.get("done") or 0)),
                        total=int(str(note.get("total") or 0)) or published_count())


def fallback_engine(engine: str) -> str:
    """The engine to ask when ``engine`` fails mid-search ("" when there is none)."""
    later = kept_engines()
    index = later.index(engine) if engine in later else len(later)
    return next((other for other in later[index + 1:] if _answers(other)), "")


# --- Repairs ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CatchUp:
    engine: str
    reindexed: int
    added: int
    removed: int
    watermark: datetime


def catch_up(progress: Progress | None = None, *, engine: str = "") -> CatchUp | None:
    """Apply to ``engine``'s index (the configured one by default) what changed since its
    watermark (less a margin for clocks and transactions still open then; re-applying is
    harmless), add what the index lacks and drop what is no longer published, then advance
    the watermark. None when there is no valid stamp to catch up from (a full rebuild is
    needed) or a rebuild holds the index."""
    engine = engine or configured_engine()
    try:
        with exclusive(engine):
            stamp, _state, _detail = _valid_stamp(engine)
            if stamp is None:
                return None
            started = timezone.now()
            margin = timedelta(seconds=float(settings.IPX_SEARCH_CATCH_UP_MARGIN_SECONDS))
            changed = sorted(listing_ids_changed_since(stamp.watermark - margin))
            for start in range(0, len(changed), CATCH_UP_CHUNK):
                index_listings(changed[start:start + CATCH_UP_CHUNK], engines=[engine])
                if progress:
                    progress(min(start + CATCH_UP_CHUNK, len(changed)))
            backend = get_backend(engine)
            added = removed = 0
            if backend.count() != published_count():
                # Rows deleted outright or changed without touching updated_at: compare the sets.
                indexed, published = backend.listing_ids(), published_listing_ids()
                gone, lacking = sorted(indexed - published), sorted(published - indexed)
                if gone:
                    backend.delete(gone)
                for start in range(0, len(lacking), CATCH_UP_CHUNK):
                    index_listings(lacking[start:start + CATCH_UP_CHUNK], engines=[engine])
                added, removed = len(lacking), len(gone)
            write_stamp(replace(stamp, watermark=started, count=backend.count()))
            return CatchUp(engine=engine, reindexed=len(changed), added=added, removed=removed,
                           watermark=started)
    except RebuildRunning:
        return None


def request_rebuild(engine: str = "") -> bool:
    """Queue one full rebuild of ``engine``'s index (the configured one by default) unless one
    is queued or running on any server; True if queued."""
    from ipx.tasks.models import Task
    from ipx.tasks.runner import enqueue_once

    engine = engine or configured_engine()
    S = Task.Status
    if Task.objects.filter(name=REBUILD_TASK, kwargs__engine=engine,
                           status__in=(S.QUEUED, S.RUNNING, S.RETRYING)).exists():
        return False
    # The key makes two servers asking in the same minute queue one task between them.
    key = f"search-rebuild:{engine}:{timezone.now():%Y-%m-%dT%H:%M}"
    return enqueue_once(key, REBUILD_TASK, engine=engine) is not None


def rebuild_if_unusable() -> IndexStatus:
    """At a server's start: an unusable index gets its rebuild queued at once, not at the next
    minute's repair. Returns the state found of the configured engine's."""
    found = [index_status(engine) for engine in kept_engines()]
    for status in found:
        if status.state in UNUSABLE:
            request_rebuild(status.engine)
    return found[0]


def keep_current() -> str:
    """The periodic repair (every minute), for each kept engine: catch up a usable index,
    rebuild an unusable one. Returns the state found of the configured engine's."""
    states = []
    for engine in kept_engines():
        status = index_status(engine)
        if status.state in UNUSABLE:
            request_rebuild(engine)
        elif status.state in SERVING:
            catch_up(engine=engine)
        states.append(status.state)
    return states[0]
