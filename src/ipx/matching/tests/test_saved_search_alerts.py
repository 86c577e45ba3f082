"""Alerts: a newly published listing tells the owner of every saved search with alerts that
finds it, once; searches that do not find it stay quiet; the check agrees with the engine."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core import mail

from ipx import events
from ipx.accounts.models import User
from ipx.listings import services as listing_services
from ipx.listings.models import Listing, ListingAsset
from ipx.matching.models import SavedSearch, SavedSearchAlert
from ipx.matching.saved_searches import handlers, services
from ipx.matching.saved_searches.alerts import listing_matches, saved_search_alerts_send
from ipx.matching.saved_searches.inputs import SavedSearchInput, canonical_query
from ipx.matching.tests.demand_helpers import in_days, publish_listing
from ipx.notifications.models import Notification
from ipx.search.backends import get_backend
from ipx.search.documents import document_for
from ipx.tasks.models import Task
from ipx.testing.factories import ListingFactory, TrademarkFactory
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def save(member: Member, query: str, *, name: str = "隔膜", alerts: bool = True) -> SavedSearch:
    search = SavedSearchInput.parse(name=name, query=query, alerts=alerts)
    return services.saved_search_create(user=member.user, search=search)


def alerts_for(member: Member) -> list[Notification]:
    return list(Notification.objects.filter(user=member.user, verb="saved_search.match"))


def mailed_to(member: Member) -> list[str]:
    """The subjects of the mails sent to ``member`` (the seller hears of its listing's review too)."""
    return [str(m.subject) for m in mail.outbox if m.to == [member.user.email]]


def test_the_handler_runs_in_the_background_on_listing_published() -> None:
    subscriptions = events._subscriptions["listing.published"]
    assert events.Subscription(handler=handlers.on_listing_published, background=True) in subscriptions


def test_a_new_matching_listing_notifies_the_owner_once(buyer: Member, owner: Member, operator: User,
                                                        on_commit: Any) -> None:
    saved = save(buyer, "q=锂电池隔膜&region=CN-44")

    with on_commit():
        listing = publish_listing(owner, operator)

    [alert] = alerts_for(buyer)
    assert alert.title == "New listing for your saved search “隔膜”"
    assert alert.body == f"“{listing.title}” from {owner.organisation.name} matches your saved search “隔膜”."
    assert alert.url == f"/listings/{listing.pk}/"
    assert mailed_to(buyer) == ["New listing for your saved search “隔膜”"]
    assert list(SavedSearchAlert.objects.values_list("saved_search", "listing")) == [(saved.pk, listing.pk)]
    task = Task.objects.get(name="ipx.matching.saved_searches.handlers.on_listing_published")
    assert (task.status, task.kwargs) == ("done", {"listing_id": listing.pk})

    # Told once: running again, or publishing the same listing again, sends nothing.
    assert saved_search_alerts_send(listing_id=listing.pk) == 0
    with on_commit():
        listing_services.listing_withdraw(listing_id=listing.pk, actor=owner.user)
        listing_services.listing_reopen(listing_id=listing.pk, actor=owner.user)
        listing_services.listing_submit(listing_id=listing.pk, actor=owner.user)
        listing_services.listing_approve(listing_id=listing.pk, operator=operator)
    assert len(alerts_for(buyer)) == 1
    assert len(mailed_to(buyer)) == 1
    assert SavedSearchAlert.objects.count() == 1


def test_a_traditional_query_finds_a_simplified_listing(buyer: Member, owner: Member, operator: User,
                                                        on_commit: Any) -> None:
    save(buyer, "q=鋰電池+隔膜", name="鋰電池")
    with on_commit():
        listing = publish_listing(owner, operator, title="高安全性锂电池隔膜专利转让")
    [alert] = alerts_for(buyer)
    assert alert.url == f"/listings/{listing.pk}/"


@pytest.mark.parametrize("query", [
    "q=茶叶",
    "q=锂电池+石墨烯",  # every word must be found
    "q=的",  # only function words find nothing
    "q=锂电池&region=HK",
    "q=锂电池&ip_type=trademark",
    "q=锂电池&offer_kind=licence",
    "q=锂电池&price_max=100000",
    "price_min=600000",
    "price=gte5m",
    "ipc_section=A",
])
def test_a_listing_the_search_does_not_find_sends_nothing(buyer: Member, owner: Member, operator: User,
                                                          on_commit: Any, query: str) -> None:
    save(buyer, query)
    with on_commit():
        publish_listing(owner, operator)
    assert alerts_for(buyer) == []
    assert SavedSearchAlert.objects.count() == 0
    assert mailed_to(buyer) == []


@pytest.mark.parametrize("query", [
    "q=电动汽车", "q=Lithium", "ip_type=patent", "offer_kind=transfer&region=CN-44", "ipc_class=H01",
    "price=500k-1m", "price_min=500000&price_max=500000", "q=隔膜&currency=CNY",
])
def test_filters_and_words_that_fit_the_listing_alert(buyer: Member, owner: Member, operator: User,
                                                      on_commit: Any, query: str) -> None:
    save(buyer, query)
    with on_commit():
        publish_listing(owner, operator, description="高安全性锂电池隔膜技术，适用于电动汽车。Lithium separators.")
    assert len(alerts_for(buyer)) == 1


def test_switched_off_alerts_and_the_sellers_own_searches_stay_quiet(buyer: Member, owner: Member, operator: User,
                                                                     on_commit: Any) -> None:
    save(buyer, "q=锂电池", alerts=False)
    save(owner, "q=锂电池")  # the seller's own member
    inactive = save(buyer, "q=隔膜", name="other")
    User.objects.filter(pk=inactive.user_id).update(is_active=False)
    with on_commit():
        publish_listing(owner, operator)
    assert Notification.objects.filter(verb="saved_search.match").count() == 0


def test_several_owners_are_each_told(buyer: Member, outsider: Member, owner: Member, operator: User,
                                      on_commit: Any) -> None:
    save(buyer, "q=锂电池")
    save(outsider, "q=隔膜&price_max=600000")
    save(outsider, "q=石墨烯", name="graphene")
    with on_commit():
        publish_listing(owner, operator)
    assert (len(alerts_for(buyer)), len(alerts_for(outsider))) == (1, 1)


def test_a_listing_withdrawn_before_the_check_sends_nothing(buyer: Member, owner: Member, operator: User) -> None:
    save(buyer, "q=锂电池")
    listing = publish_listing(owner, operator)  # the after-commit work never runs here
    listing_services.listing_withdraw(listing_id=listing.pk, actor=owner.user)
    assert saved_search_alerts_send(listing_id=listing.pk) == 0
    assert saved_search_alerts_send(listing_id=999_999) == 0


def _trademark_listing(owner: Member, operator: User) -> Listing:
    trademark = TrademarkFactory.create(asset__holder=owner.organisation, asset__title="湾区好茶")
    listing = ListingFactory.create(organisation=owner.organisation, created_by=owner.user, title="湾区好茶商标转让",
                                    description="广东凤凰单丛茶叶品牌，第30类。", price_type="negotiable",
                                    price_amount=None, expires_on=in_days(200))
    ListingAsset.objects.create(listing=listing, asset=trademark.asset)
    listing_services.listing_submit(listing_id=listing.pk, actor=owner.user)
    return listing_services.listing_approve(listing_id=listing.pk, operator=operator)


QUERIES = [
    "q=锂电池", "q=鋰電池隔膜", "q=茶叶", "q=凤凰+单丛", "q=的", "ip_type=patent&region=CN-44", "ip_type=trademark",
    "q=隔膜&price_max=400000", "q=电池&price=100k-500k", "price=negotiable", "nice_class=30", "q=Lithium",
    "q=电动汽车&offer_kind=transfer", "price_min=1000000", "ipc_section=H&currency=CNY", "region=HK",
]


def test_the_check_agrees_with_the_search_engine(owner: Member, buyer: Member, operator: User,
                                                 on_commit: Any) -> None:
    with on_commit():
        listings = [
            publish_listing(owner, operator),
            publish_listing(owner, operator, title="固态锂电池电解质", price_amount=Decimal("1500000.00")),
            publish_listing(buyer, operator, title="电动汽车电机控制器", description="Lithium-free motor drive.",
                            price_amount=Decimal("300000.00"), offer_kinds=["licence"],
                            licence_exclusivity="sole"),
            _trademark_listing(owner, operator),
        ]
    documents = [document_for(listing) for listing in Listing.objects.filter(pk__in=[x.pk for x in listings])
                 .select_related("organisation").prefetch_related("asset_links__asset")]
    backend = get_backend()
    assert backend.count() == 4
    for raw in QUERIES:
        _canonical, query = canonical_query(raw)
        engine = set(backend.search(query).listing_ids)
        checked = {document.listing_id for document in documents if listing_matches(query, document)}
        assert checked == engine, raw
    # Not a vacuous agreement: some queries find some listings and others none.
    found = [len(backend.search(canonical_query(raw)[1]).listing_ids) for raw in QUERIES]
    assert 0 in found and max(found) >= 3
