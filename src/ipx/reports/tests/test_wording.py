"""The bulletin's sentences come out as the organisers' 2020 report words its figures.

The expected Chinese is the report's own (its Traditional text read through the debris of its
conversion from Simplified: "產(chǎn)" is 產, its 地理標志 is 地理標誌; the Simplified is the
same text in Simplified characters). Where the report says more than the figures hold (the
previous offline expo's size, "8倍多"), that clause is not expected. The English follows the
organisers' English release where it has the figure (1.867 billion yuan, 15.97%, 144 million
yuan, 2,323 copyrights, 2,469 online exhibitors).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from ipx.reports import amounts, wording
from ipx.reports.figures import Auctions, AuctionType
from ipx.reports.tests.published import BULLETIN_2020, FIGURES_2019, FIGURES_2020

ZH_HANT = {
    "intended": "本屆知交會成功促成知識產權意向交易128.5億元，比去年增長26.64%。",
    "exhibitors": "線上參展機構達2469家，有來自35個國家的國外展商134家，港澳臺展商41家。",
    "exhibits": "展示知識產權展品1.7萬件，其中專利4949件、商標5727件、地理標誌產品334個、版權510件、"
                "數據知識產權產品5480件。",
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
    "exhibitors": "线上参展机构达2469家，有来自35个国家的国外展商134家，港澳台展商41家。",
    "exhibits": "展示知识产权展品1.7万件，其中专利4949件、商标5727件、地理标志产品334个、版权510件、"
                "数据知识产权产品5480件。",
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
    "exhibitors": "The number of online exhibitors reached 2,469, with 134 overseas exhibitors from 35 countries "
                  "and 41 exhibitors from Hong Kong, Macao and Taiwan.",
    "exhibits": "17,000 intellectual property exhibits were displayed, of which 4,949 patents, 5,727 trademarks, "
                "334 geographical indication products, 510 copyrights, 5,480 data IP products.",
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


@pytest.mark.parametrize(("language", "expected"), [("zh-hant", ZH_HANT), ("zh-hans", ZH_HANS), ("en", EN)])
def test_the_2020_bulletin_is_worded_as_published(language: str, expected: dict[str, str]) -> None:
    said = wording.sentences(BULLETIN_2020, language)
    assert [sentence.topic for sentence in said] == list(expected)
    for sentence in said:
        assert sentence.text == expected[sentence.topic]


def test_the_title_names_the_edition_and_its_total() -> None:
    assert wording.title(BULLETIN_2020, "zh-hant") == "2020 GBA IP Exchange Expo實現知識產權交易18.67億元"
    assert wording.title(BULLETIN_2020, "en") == \
        "2020 GBA IP Exchange Expo achieved intellectual property transactions of 1.867 billion yuan"
    span = replace(BULLETIN_2020, edition="", edition_name="")
    assert wording.title(span, "zh-hans") == "2020-11-13至2020-11-19实现知识产权交易18.67亿元"


def test_without_a_previous_edition_no_growth_is_worded() -> None:
    alone = replace(BULLETIN_2020, previous=None, previous_edition="")
    said = {sentence.topic: sentence.text for sentence in wording.sentences(alone, "zh-hant")}
    assert said["gi_sales"] == "地理標誌產品達成交易金額11.1億元，涉及地理標誌產品90件。"
    assert said["intended"] == "本屆知交會成功促成知識產權意向交易128.5億元。"
    assert not any("去年" in text for text in said.values())


def test_a_fall_is_worded_as_a_decrease() -> None:
    smaller = replace(FIGURES_2020, gi_sales=replace(FIGURES_2020.gi_sales, amount=Decimal("800000000.00")))
    fell = replace(BULLETIN_2020, figures=smaller)
    said = {sentence.topic: sentence.text for sentence in wording.sentences(fell, "zh-hans")}
    # (8 − 9.00974…) / 9.00974… = −0.1121
    assert said["gi_sales"] == "地理标志产品达成交易金额8亿元，比去年下降11.21%，涉及地理标志产品90件。"
    said_en = {sentence.topic: sentence.text for sentence in wording.sentences(fell, "en")}
    assert said_en["gi_sales"].startswith("Sales of geographical indication products reached 800 million yuan, a "
                                          "decrease of 11.21% from last year,")


def test_nil_figures_say_nothing_and_a_lone_type_is_worded_alone() -> None:
    auctions = Auctions(amount=Decimal("5000.00"), lots_offered=4, lots_sold=1, by_type={
        "copyright": AuctionType(lots_sold=1, amount=Decimal("5000.00"), max_premium_rate=None)})
    figures = replace(FIGURES_2019, auctions=auctions)
    said = wording.sentences(replace(BULLETIN_2020, figures=figures, previous=None), "zh-hans")
    assert [sentence.topic for sentence in said] == ["intended", "transactions", "gi_sales", "auctions",
                                                     "auction_rates"]
    by_topic = {sentence.topic: sentence.text for sentence in said}
    assert by_topic["auctions"] == "知识产权拍卖成交金额达5000元，其中，版权拍卖成交1项，金额5000元。"
    assert by_topic["auction_rates"] == "拍卖项目成交率达25%。"


@pytest.mark.parametrize(("value", "zh", "en"), [
    (Decimal("1867000000.00"), "18.67亿元", "1.867 billion yuan"),
    (Decimal("1866500000.00"), "18.67亿元", "1.867 billion yuan"),  # half-up at both scales
    (Decimal("1866499999.99"), "18.66亿元", "1.866 billion yuan"),
    (Decimal("29700000.00"), "2970万元", "29.7 million yuan"),
    (Decimal("99999999.99"), "1亿元", "100 million yuan"),  # rounds up into the larger unit
    (Decimal("999999999.99"), "10亿元", "1 billion yuan"),
    (Decimal("12345.67"), "1.23万元", "12,345.67 yuan"),
    (Decimal("9999.99"), "1万元", "9,999.99 yuan"),
    (Decimal("9949.99"), "9949.99元", "9,949.99 yuan"),
    (Decimal("500.00"), "500元", "500 yuan"),
])
def test_amounts_are_rounded_as_the_bulletins_round_them(value: Decimal, zh: str, en: str) -> None:
    from django.utils import translation

    with translation.override("zh-hans"):
        assert amounts.amount(value) == zh
    with translation.override("en"):
        assert amounts.amount(value) == en


def test_rates_keep_the_bulletins_decimals() -> None:
    assert amounts.growth_percent(Decimal("0.2320")) == "23.20%"
    assert amounts.growth_percent(Decimal("-0.0005")) == "0.05%"
    assert amounts.percent(Decimal("1.0000")) == "100%"
    assert amounts.percent(Decimal("0.3000")) == "30%"
    assert amounts.percent(Decimal("0.1239")) == "12.39%"
