"""Acceptance: from records consistent with the 2020 bulletin (and a 2019 edition from its
published growth rates) the bulletin's JSON reproduces every published figure."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ipx.reports import rollups
from ipx.reports.compute import edition_bulletin
from ipx.reports.figures import bulletin_json
from ipx.testing.expo_bulletin import E2019, E2020, published_expo

pytestmark = pytest.mark.django_db

# The 2020 bulletin, as published (seeds/expo-2020-report.*.txt), in the JSON's units.
PUBLISHED = {
    "transactions": {"total_amount": "1867000000.00", "patent_trademark_amount": "1723000000.00",
                     "copyright_amount": "144000000.00", "copyright_items": 2323, "data_amount": "0.00"},
    "gi_sales": {"amount": "1110000000.00", "items": 90},
    "intended": {"amount": "12850000000.00"},
    "auctions": {"amount": "29700000.00", "lots_offered": 26, "lots_sold": 26, "success_rate": "1.0000",
                 "by_type": {"patent": {"lots_sold": 9, "amount": "16100000.00", "max_premium_rate": "0.3000"},
                             "trademark": {"lots_sold": 17, "amount": "13600000.00",
                                           "max_premium_rate": "0.3500"}}},
    "pledge": {"amount": "330000000.00", "count": 12},
    # 2,469 "more than eight times" the previous (offline) edition's 300 exhibitors.
    "exhibitors": {"online": 2469, "overseas": 134, "overseas_countries": 35, "hk_macao_tw": 41, "previous": 300},
    # 1.7万 exhibits: 11,520 rights of four types and 5,486 products, which involve 1.25万 patents,
    # 24,313 trademarks and 11,036 copyrights.
    "exhibits": {"patent": 4949, "trademark": 5727, "copyright": 510, "gi": 334, "total": 17006, "products": 5486,
                 "product_rights": {"patent": 12500, "trademark": 24313, "copyright": 11036}},
}
PUBLISHED_GROWTH = {
    "transactions": {"patent_trademark_amount": "0.1597"},
    "gi_sales": {"amount": "0.2320"},
    "auctions": {"amount": "0.1739"},
    "intended": {"amount": "0.2664"},
}


def test_the_2020_bulletin_reproduces_the_published_figures(on_commit: Callable[[], Any]) -> None:
    with on_commit():
        scene = published_expo()
    assert [report.errors for report in scene.imported] == [[], []]

    data = bulletin_json(edition_bulletin(E2020))

    assert data["edition"] == E2020 and data["previous_edition"] == E2019
    assert (data["since"], data["until"]) == ("2020-11-13", "2020-11-19")
    for section, figures in PUBLISHED.items():
        assert data[section] == figures, section
    for section, growth in PUBLISHED_GROWTH.items():
        for key, value in growth.items():
            assert data["yoy"][section][key] == value, (section, key)
    # Growth only where 2019 had an amount: none for copyright, data IP or pledges.
    assert set(data["yoy"]) == {"transactions", "gi_sales", "intended", "auctions"}
    assert set(data["yoy"]["transactions"]) == {"total_amount", "patent_trademark_amount"}
    assert set(data["yoy"]["auctions"]["by_type"]) == {"patent", "trademark"}
    assert rollups.differences() == []


def test_the_first_edition_has_no_growth(on_commit: Callable[[], Any]) -> None:
    with on_commit():
        published_expo()

    data = bulletin_json(edition_bulletin(E2019))

    assert data["previous_edition"] is None and data["yoy"] == {}
    assert data["auctions"]["lots_offered"] == 25 and data["auctions"]["lots_sold"] == 22
    assert data["auctions"]["success_rate"] == "0.8800"
    assert data["exhibitors"] == {"online": 0, "overseas": 8, "overseas_countries": 8, "hk_macao_tw": 12,
                                  "previous": None}
