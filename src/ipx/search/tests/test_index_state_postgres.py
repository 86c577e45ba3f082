"""The PostgreSQL engine's index lives in the database: its stamp is a row there, and a full
rebuild reloads the table in one transaction, so readers see the old rows until it commits
and an error leaves them as they were."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ipx.accounts.models import User
from ipx.listings.models import Listing
from ipx.search.backends import get_backend, reset_backends
from ipx.search.models import IndexStamp
from ipx.search.query import SearchQuery
from ipx.search.rebuild import rebuild_full
from ipx.search.selectors import search_listings
from ipx.search.state import index_status, keep_current, search_check
from ipx.search.tests.test_indexing import publish
from ipx.testing.databases import needs_postgres
from ipx.testing.fixtures import Member

pytestmark = [pytest.mark.django_db, needs_postgres("the postgres search engine keeps its index in the database")]


@pytest.fixture
def two(settings: Any, owner: Member, operator: User, on_commit: Any) -> list[Listing]:
    settings.IPX_SEARCH_BACKEND = "postgres"
    reset_backends()
    listings = [publish(owner, operator, on_commit, title="石墨烯导热膜"),
                publish(owner, operator, on_commit, title="钠离子电池正极")]
    assert rebuild_full() == 2
    return listings


def found(text: str) -> list[int]:
    return [hit.listing.pk for hit in search_listings(SearchQuery(text=text)).hits]


def test_the_stamp_is_a_row_and_the_index_is_ready(two: list[Listing]) -> None:
    stamp = IndexStamp.objects.get(engine="postgres")
    assert stamp.count == 2
    assert (index_status().state, search_check().status) == ("ready", "ok")


def test_a_stamp_of_another_database_is_foreign_and_rebuilt(two: list[Listing], client: Client,
                                                            on_commit: Any) -> None:
    IndexStamp.objects.update(identity="00000000-0000-0000-0000-000000000000")
    assert (index_status().state, search_check().status) == ("foreign", "failing")
    api = client.get("/api/v1/search/listings", {"q": "石墨烯"})
    assert (api.status_code, api.json()["error"]["code"]) == (503, "search_index_rebuilding")
    with on_commit():
        keep_current()
    assert index_status().state == "ready"
    assert found("石墨烯") == [two[0].pk]


def test_a_failed_rebuild_leaves_the_old_rows(two: list[Listing], monkeypatch: pytest.MonkeyPatch) -> None:
    import ipx.search.rebuild as rebuild

    def full_disk(listing: Listing) -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(rebuild, "document_for", full_disk)
    with pytest.raises(OSError):
        rebuild_full()
    assert get_backend().count() == 2
    status = index_status()
    assert (status.state, status.serving) == ("failed", True)
    assert found("钠离子") == [two[1].pk]


def test_changes_behind_the_handlers_back_are_caught_up(two: list[Listing]) -> None:
    Listing.objects.filter(pk=two[0].pk).update(status=Listing.Status.WITHDRAWN)
    assert index_status().state == "stale"
    keep_current()
    assert (index_status().state, get_backend().listing_ids()) == ("ready", {two[1].pk})
