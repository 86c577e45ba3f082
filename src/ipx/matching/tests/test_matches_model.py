"""The real embedding model on a few real patents: a demand in English or in Traditional
Chinese finds the Simplified Chinese listings of its field by meaning (a few seconds on 2
cores; the vectors go to this test's own cache)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings

from ipx.accounts.models import User
from ipx.matching.matches import index
from ipx.matching.models import DemandMatch
from ipx.matching.tests.demand_helpers import published
from ipx.matching.tests.match_helpers import AIRCON, BATTERY, CONCRETE, SEWAGE, offer
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_cache(settings: LazySettings, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    settings.IPX_MATCHING_DENSE = True
    index.forget()


def test_demands_in_english_and_traditional_find_their_field(
        own_cache: None, buyer: Member, owner: Member, operator: User, on_commit: Callable[..., Any]) -> None:
    with on_commit():
        listings = {doc: offer(owner, operator, doc, ipc)
                    for doc, ipc in (AIRCON | BATTERY | CONCRETE | SEWAGE).items()}
    with on_commit():
        english = published(buyer, operator, title="Air conditioner control that learns user habits",
                            description="We make room air conditioners and want a control method that adapts the "
                                        "operating mode to how users use it, to save energy.",
                            ipc_codes=["F24F"])
        traditional = published(buyer, operator, title="污水處理：活性污泥減量技術",
                                description="尋求減少活性污泥產量、降低污水處理能耗的方法與設備。",
                                ipc_codes=["C02F"])

    english_rows = list(DemandMatch.objects.filter(demand=english, rank__isnull=False).order_by("rank"))
    assert english_rows and english_rows[0].method == "hybrid"
    assert english_rows[0].listing_id in {listings[doc].pk for doc in AIRCON}
    # English meets the Chinese listing through the dictionary bridge: its words, shown in Chinese.
    assert "空调" in english_rows[0].explanation["terms"]
    traditional_rows = list(DemandMatch.objects.filter(demand=traditional, rank__isnull=False).order_by("rank"))
    assert traditional_rows[0].listing_id == listings["test0117"].pk
    assert "污泥" in traditional_rows[0].explanation["terms"]  # Traditional text met in Simplified
    assert index.listing_catalogue().dense
