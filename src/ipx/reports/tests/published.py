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
    Products,
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
    exhibitors=Exhibitors(online=2469, total=2469, overseas=134, overseas_countries=35, hk_macao_tw=41),
    # The report's 1.7万 exhibits are the four types of rights it lists (11,520) and the 5,486
    # products it names next.
    exhibits={"patent": 4949, "trademark": 5727, "gi": 334, "copyright": 510},
    products=Products(count=5486, patents=12500, trademarks=24313, copyrights=11036),
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
    # The previous, offline expo's exhibitors, of which 2,469 are "more than eight times".
    exhibitors=Exhibitors(total=300, overseas=8, overseas_countries=8, hk_macao_tw=12),
)

BULLETIN_2020 = Bulletin(since=date(2020, 11, 13), until=date(2020, 11, 20), figures=FIGURES_2020,
                         edition="gba-ipx-2020", edition_name="2020 GBA IP Exchange Expo",
                         previous=FIGURES_2019, previous_edition="gba-ipx-2019", previous_offline=True)


# The report's sentences, as the bulletin must say them from these figures. The Chinese is the
# report's own (its Traditional text read through the debris of its conversion from Simplified:
# "產(chǎn)" is 產, its 地理標志 is 地理標誌; the Simplified is the same text in Simplified
# characters). The intended agreements' sentence is the report's
# headline with the growth its ceremony paragraph gives. The English follows the organisers'
# English release where it has the figure (1.867 billion yuan, 15.97%, 144 million yuan, 2,323
# copyrights, 2,469 online exhibitors), and the Chinese report's wording elsewhere.
ZH_HANT = {
    "intended": "本屆知交會成功促成知識產權意向交易128.5億元，比去年增長26.64%。",
    "exhibitors": "線上參展機構達2469家，是上一屆線下知交會參展機構規模的8倍多，有來自35個國家的國外展商134家，"
                  "港澳臺展商41家。",
    "exhibits": "展示知識產權展品1.7萬件，其中專利4949件、商標5727件、地理標誌產品334個、版權510件。",
    "products": "展示知識產權產品5486件，涉及專利1.25萬件、商標24313件、版權11036件。",
    "transactions": "本屆知交會實現知識產權交易18.67億元，其中專利和商標交易金額共計17.23億元，比去年增長15.97%，"
                    "版權達成交易金額1.44億元，涉及版權2323件。",
    "gi_sales": "地理標誌產品達成交易金額11.1億元，比去年增長23.20%，涉及地理標誌產品90件。",
    "auctions": "知識產權拍賣成交金額達2970萬元，比去年增長17.39%，其中，專利拍賣成交9項，金額1610萬元；"
                "商標成交17項，金額1360萬元。",
    "auction_rates": "拍賣項目成交率達100%，專利拍賣溢價率最高達30%，商標拍賣溢價率最高達35%。",
    "pledge": "實現知識產權質押融資金額3.3億元。",
}

ZH_HANS = {
    "intended": "本届知交会成功促成知识产权意向交易128.5亿元，比去年增长26.64%。",
    "exhibitors": "线上参展机构达2469家，是上一届线下知交会参展机构规模的8倍多，有来自35个国家的国外展商134家，"
                  "港澳台展商41家。",
    "exhibits": "展示知识产权展品1.7万件，其中专利4949件、商标5727件、地理标志产品334个、版权510件。",
    "products": "展示知识产权产品5486件，涉及专利1.25万件、商标24313件、版权11036件。",
    "transactions": "本届知交会实现知识产权交易18.67亿元，其中专利和商标交易金额共计17.23亿元，比去年增长15.97%，"
                    "版权达成交易金额1.44亿元，涉及版权2323件。",
    "gi_sales": "地理标志产品达成交易金额11.1亿元，比去年增长23.20%，涉及地理标志产品90件。",
    "auctions": "知识产权拍卖成交金额达2970万元，比去年增长17.39%，其中，专利拍卖成交9项，金额1610万元；"
                "商标成交17项，金额1360万元。",
    "auction_rates": "拍卖项目成交率达100%，专利拍卖溢价率最高达30%，商标拍卖溢价率最高达35%。",
    "pledge": "实现知识产权质押融资金额3.3亿元。",
}

EN = {
    "intended": "This expo facilitated intended intellectual property transactions of 12.85 billion yuan, an "
                "increase of 26.64% over last year.",
    "exhibitors": "The number of online exhibitors reached 2,469, which was more than eight times the size of the "
                  "exhibitors of the previous offline expo, with 134 overseas exhibitors from 35 countries and 41 "
                  "exhibitors from Hong Kong, Macao and Taiwan.",
    "exhibits": "17,000 intellectual property exhibits were displayed, of which 4,949 patents, 5,727 trademarks, "
                "334 geographical indication products, 510 copyrights.",
    "products": "5,486 intellectual property products were displayed, involving 12,500 patents, 24,313 trademarks, "
                "11,036 copyrights.",
    "transactions": "This expo achieved 1.867 billion yuan in intellectual property transactions, of which the "
                    "total amount of patent and trademark transactions was 1.723 billion yuan, an increase of "
                    "15.97% over last year. Copyright transactions amounted to 144 million yuan, involving 2,323 "
                    "copyrights.",
    "gi_sales": "Sales of geographical indication products reached 1.11 billion yuan, an increase of 23.20% over "
                "last year, involving 90 geographical indication products.",
    "auctions": "Intellectual property auctions concluded 29.7 million yuan, an increase of 17.39% over last year, "
                "of which patent auctions sold 9 lots for 16.1 million yuan; trademark auctions sold 17 lots for "
                "13.6 million yuan.",
    "auction_rates": "The auctions' success rate reached 100%, the highest premium rate of patent auctions reached "
                     "30%, the highest premium rate of trademark auctions reached 35%.",
    "pledge": "Intellectual property pledge financing of 330 million yuan was achieved.",
}
