"""The bulletin's JSON: the issue's keys, amounts exact to the fen, rates to four places."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ipx.reports.figures import (
    Auctions,
    AuctionType,
    Bulletin,
    Figures,
    Transactions,
    bulletin_json,
    flatten,
    growth,
)


def test_keys_rounding_and_growth() -> None:
    auctions = Auctions(amount=Decimal("300"), lots_offered=3, lots_sold=1,
                        by_type={"patent": AuctionType(1, Decimal("300"), Decimal("0.3"))})
    now = Figures(transactions=Transactions(total_amount=Decimal("115.005")), auctions=auctions)
    before = Figures(transactions=Transactions(total_amount=Decimal("100")),
                     auctions=Auctions(by_type={"patent": AuctionType(1, Decimal("0"), None)}))
    data = bulletin_json(Bulletin(date(2020, 11, 13), date(2020, 11, 20), now, edition="e2020",
                                  previous=before, previous_edition="e2019"))

    assert data["transactions"]["total_amount"] == "115.01"
    assert data["transactions"]["copyright_items"] == 0
    assert data["auctions"]["success_rate"] == "0.3333"
    assert data["auctions"]["by_type"]["patent"] == {"lots_sold": 1, "amount": "300.00", "max_premium_rate": "0.3000"}
    assert data["until"] == "2020-11-19"
    # Growth only where the previous amount is not zero.
    assert data["yoy"] == {"transactions": {"total_amount": "0.1501"}}
    rows = dict(flatten(data))
    assert rows["yoy.transactions.total_amount"] == "0.1501"
    assert rows["auctions.by_type.patent.lots_sold"] == 1


def test_no_previous_no_growth() -> None:
    data = bulletin_json(Bulletin(date(2020, 1, 1), date(2020, 2, 1), Figures()))
    assert data["yoy"] == {}
    assert data["auctions"]["success_rate"] is None
    assert growth(Decimal("5"), Decimal("0")) is None
    assert growth(Decimal("1723000000"), Decimal("1485730000")) == Decimal("0.1597")
