"""Saving listing searches: the search page's parameters kept in one order, refusals that
save nothing, and only the owner may see or change a saved search."""

from __future__ import annotations

import pytest

from ipx.core.errors import Conflict, NotFound, ValidationFailed
from ipx.matching.models import SavedSearch
from ipx.matching.saved_searches import selectors, services
from ipx.matching.saved_searches.inputs import SavedSearchChanges, SavedSearchInput
from ipx.matching.saved_searches.services import MAX_SAVED_SEARCHES
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def keep(member: Member, name: str, query: str | dict[str, object], *, alerts: bool = True) -> SavedSearch:
    """The member saves a search, its input read as the page and the API read theirs."""
    return services.saved_search_create(user=member.user,
                                        search=SavedSearchInput.parse(name=name, query=query, alerts=alerts))


def change(member: Member, saved: SavedSearch, *, name: str | None = None, alerts: bool | None = None) -> SavedSearch:
    return services.saved_search_update(saved_search_id=saved.pk, user=member.user,
                                        changes=SavedSearchChanges.parse(name=name, alerts=alerts))


def test_a_search_is_kept_in_a_fixed_order_without_sort_or_page(buyer: Member) -> None:
    saved = keep(buyer, "  隔膜  ",
                 "?sort=newest&page=3&region=CN-44&ip_type=trademark,patent&q=+锂电池隔膜+&price_max=500000&size=50")

    saved.refresh_from_db()
    assert (saved.user, saved.name, saved.alerts) == (buyer.user, "隔膜", True)
    assert saved.query_string == ("q=%E9%94%82%E7%94%B5%E6%B1%A0%E9%9A%94%E8%86%9C&ip_type=patent&ip_type=trademark"
                                  "&region=CN-44&price_max=500000")


def test_a_search_may_be_given_as_parameters(buyer: Member) -> None:
    saved = keep(buyer, "Patents", {"ip_type": ["patent"], "q": ""}, alerts=False)
    assert (saved.query_string, saved.alerts) == ("ip_type=patent", False)


@pytest.mark.parametrize(("name", "query", "field"), [
    ("", "q=锂电池", "name"),
    ("x" * 101, "q=锂电池", "name"),
    ("空的", "", "query"),
    ("只有排序", "sort=newest&page=2", "query"),
    ("坏的筛选", "q=锂电池&ip_type=spaceship", "query"),
    ("坏的价格", "price_min=cheap", "query"),
    ("价格倒置", "price_min=500&price_max=100", "query"),
    ("太长", "q=" + "长" * 201, "query"),
    ("NUL", "q=a%00b", "query"),
])
def test_bad_searches_are_refused_and_nothing_saved(buyer: Member, name: str, query: str, field: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        keep(buyer, name, query)
    assert field in refused.value.fields
    assert SavedSearch.objects.count() == 0


def test_the_same_search_is_saved_once(buyer: Member, outsider: Member) -> None:
    first = keep(buyer, "隔膜", "q=锂电池隔膜&region=CN-44")
    with pytest.raises(Conflict) as twice:
        keep(buyer, "again", "region=CN-44&q=锂电池隔膜&sort=newest")
    assert twice.value.message == "You saved this search already, as “隔膜”."
    assert list(SavedSearch.objects.values_list("pk", flat=True)) == [first.pk]
    # Someone else may save the same search.
    keep(outsider, "隔膜", "q=锂电池隔膜&region=CN-44")
    assert SavedSearch.objects.count() == 2


def test_a_member_keeps_at_most_fifty(buyer: Member) -> None:
    SavedSearch.objects.bulk_create([SavedSearch(user=buyer.user, name=f"s{n}", query_string=f"q=w{n}")
                                     for n in range(MAX_SAVED_SEARCHES)])
    with pytest.raises(Conflict):
        keep(buyer, "one more", "q=电池")
    assert SavedSearch.objects.count() == MAX_SAVED_SEARCHES


def test_rename_switch_alerts_and_delete(buyer: Member) -> None:
    saved = keep(buyer, "隔膜", "q=隔膜")
    change(buyer, saved, alerts=False)
    change(buyer, saved, name="隔膜专利")
    saved.refresh_from_db()
    assert (saved.name, saved.alerts, saved.query_string) == ("隔膜专利", False, "q=%E9%9A%94%E8%86%9C")
    with pytest.raises(ValidationFailed):
        change(buyer, saved, name=" ", alerts=True)
    saved.refresh_from_db()
    assert (saved.name, saved.alerts) == ("隔膜专利", False)

    services.saved_search_delete(saved_search_id=saved.pk, user=buyer.user)
    assert SavedSearch.objects.count() == 0


def test_others_cannot_see_or_change_a_saved_search(buyer: Member, outsider: Member) -> None:
    saved = keep(buyer, "隔膜", "q=隔膜")
    for attempt in (
        lambda: change(outsider, saved, alerts=False),
        lambda: change(outsider, saved, name="mine"),
        lambda: services.saved_search_delete(saved_search_id=saved.pk, user=outsider.user),
        lambda: selectors.saved_search_of(outsider.user, saved.pk),
    ):
        with pytest.raises(NotFound):
            attempt()
    assert list(SavedSearch.objects.values_list("name", "alerts")) == [("隔膜", True)]
    assert list(selectors.saved_searches_of(outsider.user)) == []


def test_a_saved_search_is_described_in_words(buyer: Member) -> None:
    saved = keep(buyer, "隔膜", "q=隔膜&ip_type=patent&region=CN-44&price_min=1000&price_max=500000")
    assert selectors.describe(saved) == [("Keywords", "隔膜"), ("IP type", "Patent"), ("Region", "Guangdong"),
                                         ("Price (CNY)", "1,000 – 500,000")]


def test_a_saved_search_is_read_once_naming_every_bad_field() -> None:
    assert SavedSearchInput.parse(name=" 隔膜 ", query="sort=newest&q=隔膜", alerts=False) == SavedSearchInput(
        "隔膜", "q=%E9%9A%94%E8%86%9C", False)
    with pytest.raises(ValidationFailed) as refused:
        SavedSearchInput.parse(name="", query="sort=newest")
    assert refused.value.fields == {
        "name": "Name is required.",
        "query": "Nothing to save: search for some words or choose a filter first.",
    }
    assert SavedSearchChanges.parse(alerts=False) == SavedSearchChanges(name=None, alerts=False)
    assert SavedSearchChanges.parse(name=" 新名字 ") == SavedSearchChanges(name="新名字", alerts=None)
