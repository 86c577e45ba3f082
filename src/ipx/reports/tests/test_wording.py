"""The bulletin's sentences come out as the organisers' 2020 report words its figures (the
expected sentences and why they read so: ``published``)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from django.utils import translation

from ipx.reports import amounts, wording
from ipx.reports.figures import Auctions, AuctionType
from ipx.reports.tests.published import (
    BULLETIN_2020,
    EN,
    FIGURES_2019,
    FIGURES_2020,
    ZH_HANS,
    ZH_HANT,
)


@pytest.mark.parametrize(("language", "expected"), [("zh-hant", ZH_HANT), ("zh-hans", ZH_HANS), ("en", EN)])
def test_the_2020_bulletin_is_worded_as_published(language: str, expected: dict[str, str]) -> None:
    said = wording.sentences(BULLETIN_2020, language)
    assert [sentence.topic for sentence in said] == list(expected)
    assert {sentence.topic: sentence.text for sentence in said} == expected


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


def test_a_span_of_days_is_not_called_this_expo() -> None:
    span = replace(BULLETIN_2020, edition="", edition_name="")
    said = {sentence.topic: sentence.text for sentence in wording.sentences(span, "zh-hant")}
    assert said["transactions"] == ("實現知識產權交易18.67億元，其中專利和商標交易金額共計17.23億元，比去年增長15.97%，"
                                    "版權達成交易金額1.44億元，涉及版權2323件。")
    assert said["intended"] == "促成知識產權意向交易128.5億元，比去年增長26.64%。"
    said_en = {sentence.topic: sentence.text for sentence in wording.sentences(span, "en")}
    assert said_en["intended"] == ("Intended intellectual property transactions of 12.85 billion yuan were "
                                   "facilitated, an increase of 26.64% over last year.")


def test_what_the_amounts_leave_out_is_said_beside_them() -> None:
    from ipx.reports.document import notes

    assert notes(BULLETIN_2020) == []
    with translation.override("zh-hans"):
        said = notes(replace(BULLETIN_2020, not_converted=frozenset({"USD", "HKD"})))
    assert said == ["交易平台上以HKD, USD成交的交易未计入上述金额：平台不保存将其折算为人民币的汇率。"]


@pytest.mark.parametrize(("previous", "offline", "expected"), [
    (300, True, "which was more than eight times the size of the exhibitors of the previous offline expo, "),
    (300, False, "which was more than eight times the size of the exhibitors of the previous expo, "),
    (200, True, "which was more than 12 times the size of the exhibitors of the previous offline expo, "),
    (1234, True, "which was more than two times the size of the exhibitors of the previous offline expo, "),
    (1235, True, ""),  # 2,469 is less than twice 1,235: no times worded
    (0, True, ""),
])
def test_the_online_exhibitors_are_worded_against_the_previous_edition(previous: int, offline: bool,
                                                                       expected: str) -> None:
    before = replace(FIGURES_2019, exhibitors=replace(FIGURES_2019.exhibitors, total=previous))
    bulletin = replace(BULLETIN_2020, previous=before, previous_offline=offline)
    said = {sentence.topic: sentence.text for sentence in wording.sentences(bulletin, "en")}
    assert said["exhibitors"] == f"The number of online exhibitors reached 2,469, {expected}with 134 overseas " \
                                 "exhibitors from 35 countries and 41 exhibitors from Hong Kong, Macao and Taiwan."


def test_a_span_of_days_has_no_previous_edition_to_measure_exhibitors_against() -> None:
    span = replace(BULLETIN_2020, edition="", edition_name="", previous_edition="")
    assert span.previous_exhibitors is None
    said = {sentence.topic: sentence.text for sentence in wording.sentences(span, "en")}
    assert "times" not in said["exhibitors"]


def test_large_counts_round_to_the_hundred_and_rights_are_exact_unless_myriads_lose_nothing() -> None:
    with translation.override("en"):
        assert (amounts.large_count(17006), amounts.large_count(9999), amounts.exact_count(24313)) == (
            "17,000", "9,999", "24,313")
    with translation.override("zh-hans"):
        assert (amounts.large_count(17006), amounts.exact_count(12500), amounts.exact_count(24313)) == (
            "1.7万", "1.25万", "24313")
