"""The 2020 bulletin's figures as a ``Bulletin`` value (and 2019's from the published growth
rates), for testing how the bulletin is worded, drawn and exported apart from how its
figures are computed: the figures of the organisers' 2020 report, amounts in yuan."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ipx.reports.figures import (
    Auctions,
    AuctionType,
    Bulletin,
    Exhibitors,
    Figures,
    GiSales,
    Intended,
    Pledge,
    Transactions,
)

YI = Decimal(10) ** 8
WAN = Decimal(10) ** 4


def _before(amount: Decimal, growth: str) -> Decimal:
    """The previous year's amount from which ``amount`` grew by ``growth`` (a fraction)."""
    return (amount / (1 + Decimal(growth))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


PATENT_TRADEMARK = Decimal("17.23") * YI
COPYRIGHT = Decimal("1.44") * YI
GI_SALES = Decimal("11.1") * YI
INTENDED = Decimal("128.5") * YI
AUCTIONS = Decimal(2970) * WAN
PATENT_LOTS_2019 = Decimal(1400) * WAN

FIGURES_2020 = Figures(
    transactions=Transactions(total_amount=PATENT_TRADEMARK + COPYRIGHT, patent_trademark_amount=PATENT_TRADEMARK,
                              copyright_amount=COPYRIGHT, copyright_items=2323),
    gi_sales=GiSales(amount=GI_SALES, items=90),
    intended=Intended(amount=INTENDED),
    auctions=Auctions(amount=AUCTIONS, lots_offered=26, lots_sold=26, by_type={
        "patent": AuctionType(lots_sold=9, amount=Decimal(1610) * WAN, max_premium_rate=Decimal("0.3000")),
        "trademark": AuctionType(lots_sold=17, amount=Decimal(1360) * WAN, max_premium_rate=Decimal("0.3500")),
    }),
    pledge=Pledge(amount=Decimal("3.3") * YI, count=12),
    exhibitors=Exhibitors(online=2469, overseas=134, overseas_countries=35, hk_macao_tw=41),
    # The report's 17,000 exhibits are more than its four types listed (11,520): the rest are
    # taken here to be data IP products, so the total is the report's.
    exhibits={"patent": 4949, "trademark": 5727, "gi": 334, "copyright": 510, "data": 5480},
)

# 2019 had the amounts the 2020 report's growth rates were measured against, and nothing
# where the report states no growth (so no growth is worded there).
FIGURES_2019 = Figures(
    transactions=Transactions(total_amount=_before(PATENT_TRADEMARK, "0.1597"),
                              patent_trademark_amount=_before(PATENT_TRADEMARK, "0.1597")),
    gi_sales=GiSales(amount=_before(GI_SALES, "0.2320"), items=70),
    intended=Intended(amount=_before(INTENDED, "0.2664")),
    auctions=Auctions(amount=_before(AUCTIONS, "0.1739"), lots_offered=25, lots_sold=20, by_type={
        "patent": AuctionType(lots_sold=8, amount=PATENT_LOTS_2019),
        "trademark": AuctionType(lots_sold=12, amount=_before(AUCTIONS, "0.1739") - PATENT_LOTS_2019),
    }),
)

BULLETIN_2020 = Bulletin(since=date(2020, 11, 13), until=date(2020, 11, 20), figures=FIGURES_2020,
                         edition="gba-ipx-2020", edition_name="2020 GBA IP Exchange Expo",
                         previous=FIGURES_2019, previous_edition="gba-ipx-2019")
