"""Anonymous public API reads are served from a cache that a change empties at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client

from ipx.accounts.inputs import OrganisationValues
from ipx.accounts.models import User
from ipx.accounts.services import organisation_update
from ipx.listings import services
from ipx.listings.inputs import ListingChanges
from ipx.testing.factories import listing_with_patent
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(owner: Member, operator: User, on_commit: Any) -> int:
    listing = listing_with_patent(owner.organisation, owner.user, title="锂电池隔膜")
    with on_commit():
        services.listing_submit(listing_id=listing.pk, actor=owner.user)
        services.listing_approve(listing_id=listing.pk, operator=operator)
    return listing.pk


def test_a_repeated_anonymous_read_costs_one_query(published: int, django_assert_num_queries: Any) -> None:
    client = Client()
    first = client.get(f"/api/v1/listings/{published}")
    with django_assert_num_queries(1):  # the content version only
        again = client.get(f"/api/v1/listings/{published}")
    assert again.status_code == 200
    assert again.json() == first.json()


def test_a_change_is_seen_by_the_next_read(published: int, owner: Member, on_commit: Any) -> None:
    client = Client()
    assert client.get("/api/v1/search/listings", {"q": "钠离子"}).json()["total"] == 0
    assert client.get(f"/api/v1/listings/{published}").json()["title"] == "锂电池隔膜"
    with on_commit():
        services.listing_update(listing_id=published, actor=owner.user, changes=ListingChanges(title="钠离子电池"))
    assert client.get(f"/api/v1/listings/{published}").json()["title"] == "钠离子电池"
    assert client.get("/api/v1/search/listings", {"q": "钠离子"}).json()["total"] == 1
    with on_commit():
        organisation_update(organisation_id=owner.organisation.pk, actor=owner.user,
                            changes=OrganisationValues(name_en="Bay Battery Ltd"))
    assert client.get(f"/api/v1/listings/{published}").status_code == 200
    with on_commit():
        services.listing_withdraw(listing_id=published, actor=owner.user)
    assert client.get(f"/api/v1/listings/{published}").status_code == 404


def test_signed_in_and_token_reads_are_never_cached(published: int, owner: Member,
                                                    django_assert_max_num_queries: Any) -> None:
    client = owner.client  # signed in before counting: the sign-in's own queries are not the read's
    client.get(f"/api/v1/listings/{published}")
    with django_assert_max_num_queries(20) as captured:
        client.get(f"/api/v1/listings/{published}")
    assert len(captured) > 1


def test_languages_are_kept_apart(published: int) -> None:
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/search/listings", {"q": "隔膜"}).json()
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/api/v1/search/listings", {"q": "隔膜"}).json()
    assert english["facets"][0]["title"] == "IP type"
    assert chinese["facets"][0]["title"] == "知识产权类型"


def test_an_address_of_any_length_is_kept_under_a_short_key(published: int, django_assert_num_queries: Any,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    cache = caches["public"]  # this thread's, which the middleware asks for too
    keys: list[str] = []
    keep = cache.set

    def recording(key: str, *args: Any, **kwargs: Any) -> Any:
        keys.append(key)
        return keep(key, *args, **kwargs)

    monkeypatch.setattr(cache, "set", recording)
    client = Client()
    address = f"/listings/{published}/?utm_campaign={'a' * 4000}"  # a parameter the page does not read
    first = client.get(address)
    assert first.status_code == 200
    with django_assert_num_queries(1):  # the content version only: kept, under a key memcached takes too
        again = client.get(address)
    assert again.content == first.content
    assert keys and max(len(key) for key in keys) < 100
