"""Each way the search index can disagree with the database is detected by index_status,
reported by search_check, repaired by keep_current or a rebuild, and meanwhile searches
answer truthfully: from the database's own index (the fallback of the embedded engines), or,
when that is not filled either, "being rebuilt" (page notice, API 503) — never an empty page
that reads as "nothing matches"."""

from __future__ import annotations

import errno
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from ipx.accounts.models import User
from ipx.listings.models import Listing
from ipx.search.backends import database_engine, engine_location, get_backend, reset_backends
from ipx.search.query import SearchQuery
from ipx.search.rebuild import progress_path, rebuild_full
from ipx.search.selectors import SearchUnavailable, search_listings
from ipx.search.services import rebuild_index
from ipx.search.stamp import read_stamp, stamp_path, write_json_atomically
from ipx.search.state import index_status, keep_current, search_availability, search_check
from ipx.search.tests.test_indexing import publish
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["tantivy", "sqlite-fts"])
def engine(request: pytest.FixtureRequest, settings: Any) -> Iterator[str]:
    settings.IPX_SEARCH_BACKEND = request.param
    reset_backends()
    yield request.param
    reset_backends()


@pytest.fixture
def two(engine: str, owner: Member, operator: User, on_commit: Any) -> list[Listing]:
    """Two published listings in indexes built and stamped by a full rebuild: the engine's and
    the database's own."""
    listings = [publish(owner, operator, on_commit, title="石墨烯导热膜"),
                publish(owner, operator, on_commit, title="钠离子电池正极")]
    assert rebuild_index() == 2
    assert index_status().state == index_status(database_engine()).state == "ready"
    return listings


def found(text: str) -> list[int]:
    return [hit.listing.pk for hit in search_listings(SearchQuery(text=text)).hits]


def base() -> Path:
    return Path(settings.IPX_SEARCH_INDEX_DIR)


def generations(engine: str) -> list[str]:
    return sorted(p.name for p in base().glob(engine_location(engine, base(), "*").name))


def assert_refuses_meanwhile(client: Client, total: int) -> None:
    with pytest.raises(SearchUnavailable):
        found("石墨烯")
    page = client.get("/search/", {"q": "石墨烯"})
    assert page.status_code == 503
    assert page["Retry-After"] == "30"
    text = page.content.decode()
    assert f"The search index is being rebuilt (0 of {total} listings)" in text
    assert "Nothing matches" not in text
    fragment = client.get("/search/", {"q": "石墨烯"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    assert "The search index is being rebuilt" in fragment.content.decode()
    api = client.get("/api/v1/search/listings", {"q": "石墨烯"})
    assert api.status_code == 503
    assert api["Retry-After"] == "30"
    assert api.json()["error"]["code"] == "search_index_rebuilding"


def assert_answers_from_the_database(client: Client, listings: list[Listing]) -> None:
    """What a reader sees while the engine's index cannot answer: the right results all the same."""
    assert found("石墨烯") == [listings[0].pk]
    assert found("钠离子") == [listings[1].pk]
    page = client.get("/search/", {"q": "石墨烯"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "导热膜" in text and "电池正极" not in text and "being rebuilt" not in text
    api = client.get("/api/v1/search/listings", {"q": "钠离子"})
    assert api.status_code == 200
    assert [hit["listing"]["id"] for hit in api.json()["hits"]] == [listings[1].pk]
    check = search_check()
    assert check.status == "degraded" and "answered from the database" in check.detail
    assert check.facts["fallback_engine"] == database_engine() and check.facts["fallback_state"] == "ready"


def assert_repaired_by_keep_current(on_commit: Any, listings: list[Listing]) -> None:
    with on_commit():
        keep_current()  # queues the rebuild; the test's task queue runs it at commit
    status = index_status()
    assert (status.state, status.facts["indexed"], status.facts["published"]) == ("ready", 2, 2)
    assert search_check().status == "ok"
    assert search_availability().engine == settings.IPX_SEARCH_BACKEND  # its own index answers again
    assert found("石墨烯") == [listings[0].pk]


def test_a_built_index_is_ready_and_stamped(two: list[Listing], engine: str) -> None:
    stamp = read_stamp(engine)
    assert stamp is not None and stamp.count == 2 and stamp.engine == engine
    assert generations(engine) == [engine_location(engine, base(), stamp.generation).name]
    check = search_check()
    assert (check.name, check.status, check.facts["indexed"], check.facts["published"]) == ("search_index", "ok", 2, 2)
    assert found("钠离子") == [two[1].pk]


def test_an_empty_index_directory_is_missing_and_rebuilt(two: list[Listing], engine: str, client: Client,
                                                         on_commit: Any) -> None:
    reset_backends()
    for path in base().iterdir():  # a new server: the database restored, var/ empty
        if path.is_dir():
            for child in path.iterdir():
                child.unlink()
            path.rmdir()
        else:
            path.unlink()
    status = index_status()
    assert (status.state, status.serving) == ("missing", False)
    assert "ipx reindex --full" in search_check().remedy
    assert_answers_from_the_database(client, two)
    assert_repaired_by_keep_current(on_commit, two)


def test_an_index_from_another_database_is_foreign(two: list[Listing], engine: str, client: Client,
                                                   on_commit: Any) -> None:
    path = stamp_path(engine, base())
    data = json.loads(path.read_text())
    write_json_atomically(path, {**data, "identity": "00000000-0000-0000-0000-000000000000"})
    assert index_status().state == "foreign"
    assert "another database" in search_check().detail
    assert_answers_from_the_database(client, two)
    assert_repaired_by_keep_current(on_commit, two)


def test_without_the_database_index_either_search_says_it_is_being_rebuilt(
        two: list[Listing], engine: str, client: Client, on_commit: Any) -> None:
    from ipx.search.stamp import remove_stamp

    reset_backends()
    stamp_path(engine, base()).unlink()
    remove_stamp(database_engine())
    get_backend(database_engine()).delete([two[0].pk])  # not filled yet: it must not answer "nothing matches"
    assert (index_status().state, index_status(database_engine()).state) == ("missing", "missing")
    assert search_check().status == "failing"
    assert_refuses_meanwhile(client, 2)
    assert_repaired_by_keep_current(on_commit, two)
    assert index_status(database_engine()).state == "ready"


def test_an_engine_failing_mid_search_hands_the_search_to_the_database_index(
        two: list[Listing], engine: str, client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Any, query: SearchQuery) -> Any:
        raise OSError("the index file went away under the reader")

    monkeypatch.setattr(get_backend(), "_search", broken)
    assert found("钠离子") == [two[1].pk]
    assert client.get("/search/", {"q": "石墨烯"}).status_code == 200


def test_truncated_index_files_are_corrupt(two: list[Listing], engine: str, client: Client, on_commit: Any) -> None:
    stamp = read_stamp(engine)
    assert stamp is not None
    reset_backends()  # files are truncated under a process that starts afresh (no open mapping)
    location = engine_location(engine, base(), stamp.generation)
    for path in location.iterdir() if location.is_dir() else [location]:
        if path.is_file():
            with open(path, "r+b") as handle:
                handle.truncate(path.stat().st_size // 3)
    status = index_status()
    assert status.state == "corrupt", status
    assert_answers_from_the_database(client, two)
    reset_backends()
    assert_repaired_by_keep_current(on_commit, two)


def test_a_full_disk_during_a_rebuild_keeps_the_old_index(two: list[Listing], engine: str, owner: Member,
                                                          operator: User, on_commit: Any,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    before = generations(engine)
    backend_class = type(get_backend())

    def full_disk(self: Any, documents: Any, **kwargs: Any) -> int:
        next(iter(documents))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backend_class, "bulk_load", full_disk)
    with pytest.raises(OSError):
        rebuild_full()
    assert generations(engine) == before  # the half-written generation is gone
    status = index_status()
    assert (status.state, status.serving, status.facts["serving_state"]) == ("failed", True, "ready")
    assert "No space left on device" in str(status.facts["error"])
    assert search_check().status == "failing"
    assert found("石墨烯") == [two[0].pk]  # the old index answers meanwhile
    monkeypatch.undo()
    assert_repaired_by_keep_current(on_commit, two)
    assert not progress_path(engine).exists()


def test_an_error_mid_rebuild_leaves_the_old_index_serving(two: list[Listing], engine: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import ipx.search.rebuild as rebuild

    before = generations(engine)
    written: list[int] = []

    def fails_on_the_second(listing: Listing) -> Any:
        if written:
            raise RuntimeError("the process died here")
        written.append(listing.pk)
        return document_for(listing)

    from ipx.search.documents import document_for

    monkeypatch.setattr(rebuild, "document_for", fails_on_the_second)
    with pytest.raises(RuntimeError):
        rebuild_full()
    assert generations(engine) == before
    assert found("钠离子") == [two[1].pk]


def test_a_crash_mid_rebuild_leaves_an_orphan_the_next_rebuild_removes(two: list[Listing], engine: str) -> None:
    from ipx.search.backends import make_backend
    from ipx.search.documents import document_for
    from ipx.search.rebuild import _note

    # What a killed rebuild leaves: half a new generation and a note that stopped moving.
    orphan = make_backend(engine, base(), generation="20261202000000-dead00")
    orphan.bulk_load([document_for(two[0])])
    orphan.close()
    _note(engine, state="rebuilding", done=1, total=2, started_at="2026-12-02T00:00:00+00:00")
    write_json_atomically(progress_path(engine), {**json.loads(progress_path(engine).read_text()),
                                                  "at": "2026-12-02T00:00:00+00:00"})
    assert len(generations(engine)) == 2
    status = index_status()
    assert (status.state, status.serving) == ("ready", True)
    assert found("钠离子") == [two[1].pk]
    rebuild_full()
    stamp = read_stamp(engine)
    assert stamp is not None and generations(engine) == [engine_location(engine, base(), stamp.generation).name]


def test_a_rebuild_in_progress_is_reported_with_its_progress(two: list[Listing], engine: str) -> None:
    from ipx.search.rebuild import _note

    _note(engine, state="rebuilding", done=1, total=2, started_at=timezone.now().isoformat())
    status = index_status()
    assert (status.state, status.serving, status.facts["rebuild_done"], status.facts["rebuild_total"]) == (
        "rebuilding", True, 1, 2)
    check = search_check()
    assert check.status == "degraded" and "(1 of 2 listings)" in check.detail
    assert found("钠离子") == [two[1].pk]  # the previous generation serves meanwhile


def test_changes_behind_the_handlers_back_are_stale_and_caught_up(two: list[Listing], engine: str,
                                                                  settings: Any) -> None:
    Listing.objects.filter(pk=two[0].pk).update(status=Listing.Status.WITHDRAWN)
    status = index_status()
    assert (status.state, status.facts["indexed"], status.facts["published"]) == ("stale", 2, 1)
    assert search_check().status == "degraded"
    assert found("钠离子") == [two[1].pk]  # a stale index answers normally
    assert keep_current() == "stale"
    assert (index_status().state, get_backend().count()) == ("ready", 1)

    settings.IPX_SEARCH_STALE_SECONDS = 0
    Listing.objects.filter(pk=two[1].pk).update(title="固态电解质", updated_at=timezone.now())
    assert index_status().state == "stale"
    assert found("固态电解质") == []
    keep_current()
    assert index_status().state == "ready"
    assert found("固态电解质") == [two[1].pk]


def test_a_row_deleted_outright_is_dropped_from_the_index(two: list[Listing], engine: str) -> None:
    two[0].asset_links.all().delete()
    Listing.objects.filter(pk=two[0].pk).delete()
    assert index_status().state == "stale"
    keep_current()
    assert get_backend().listing_ids() == {two[1].pk}


def test_a_new_site_without_a_stamp_answers_while_its_index_holds_every_listing(
        engine: str, owner: Member, operator: User, on_commit: Any) -> None:
    listing = publish(owner, operator, on_commit, title="石墨烯导热膜")
    status = index_status()
    assert (status.state, status.serving) == ("missing", True)
    assert search_check().status == "degraded"
    assert found("石墨烯") == [listing.pk]


def test_reindex_catches_up_by_default_and_rebuilds_with_full(two: list[Listing], engine: str) -> None:
    from io import StringIO

    from django.core.management import call_command

    Listing.objects.filter(pk=two[0].pk).update(status=Listing.Status.WITHDRAWN)
    out = StringIO()
    call_command("reindex", stdout=out, stderr=StringIO())
    # Both changed within the margin behind the watermark: both reapplied, the withdrawn one dropped.
    assert out.getvalue().startswith(f"caught up with {engine}: 2 changed listings reindexed, 0 added, 0 removed")
    assert (index_status().state, get_backend().listing_ids()) == ("ready", {two[1].pk})
    first = read_stamp(engine)
    out = StringIO()
    call_command("reindex", "--full", stdout=out, stderr=StringIO())
    assert "indexed 1 listings" in out.getvalue()
    second = read_stamp(engine)
    assert first is not None and second is not None and second.generation != first.generation


def test_one_rebuild_is_queued_at_a_time(engine: str) -> None:
    from ipx.search.state import REBUILD_TASK, request_rebuild
    from ipx.tasks.models import Task
    from ipx.tasks.runner import resolve
    from ipx.tasks.schedules import SCHEDULES

    # Outside on_commit the queued task is not handed over, as while a worker is busy.
    assert request_rebuild() is True
    assert request_rebuild() is False
    assert Task.objects.filter(name=REBUILD_TASK, status=Task.Status.QUEUED).count() == 1
    assert "ipx.search.state.keep_current" in {schedule.func for schedule in SCHEDULES}
    assert resolve("ipx.search.state.keep_current") is keep_current


def test_the_first_rebuild_on_an_empty_index_shows_its_progress(engine: str, owner: Member, operator: User,
                                                                on_commit: Any, client: Client) -> None:
    from ipx.search.rebuild import _note

    publish(owner, operator, on_commit, title="石墨烯导热膜")
    publish(owner, operator, on_commit, title="钠离子电池正极")
    get_backend().clear()  # what a new server sees: listings in the database, none in its index
    get_backend(database_engine()).clear()  # ... and a database from before its own index was kept
    _note(engine, state="rebuilding", done=1, total=2, started_at=timezone.now().isoformat())
    status = index_status()
    assert (status.state, status.serving, status.facts["serving_state"]) == ("rebuilding", False, "missing")
    page = client.get("/search/", {"q": "石墨烯"})
    assert page.status_code == 503
    assert "The search index is being rebuilt (1 of 2 listings)" in page.content.decode()


def test_a_server_starting_queues_the_rebuild_of_an_unusable_index_only(two: list[Listing], engine: str) -> None:
    from ipx.search.state import REBUILD_TASK, rebuild_if_unusable
    from ipx.tasks.models import Task

    assert rebuild_if_unusable().state == "ready"
    assert not Task.objects.filter(name=REBUILD_TASK).exists()
    reset_backends()
    stamp_path(engine, base()).unlink()  # the index files without their stamp: unknown origin
    assert rebuild_if_unusable().state == "missing"
    assert Task.objects.filter(name=REBUILD_TASK).count() == 1
