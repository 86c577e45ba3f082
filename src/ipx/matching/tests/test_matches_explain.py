"""Explanations said in the reader's language and from the reader's side: the demand's
poster ("Within your budget") or the listing's seller ("Your price … is within the
demand's budget"). Codes and values are stored; sentences are made when read.

Sentences new with matching are translated in a later pass; until then zh-hans falls back
to the English wording, while every value in them — region names, IPC titles, money and
dates — already follows the language, and so do wordings the exchange had before ("In force")."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from ipx.matching.matches.explain import Reader, display_terms, reason_sentences, sentence

pytestmark = pytest.mark.django_db

EXPLANATION: dict[str, Any] = {
    "terms": ["空调", "控制"],
    "ipc": ["F24F"],
    "ipc_level": "subclass",
    "reasons": [
        {"code": "matched_terms", "values": {"terms": ["空调", "控制"]}, "weight": 0},
        {"code": "semantic_similarity", "values": {"similarity": 0.873}, "weight": 0},
        {"code": "ipc_shared", "values": {"codes": ["F24F"], "level": "subclass"}, "weight": 0.3},
        {"code": "in_force", "values": {"years_left": 14, "expires_on": "2041-03-01"}, "weight": 0.2},
        {"code": "same_region", "values": {"region": "CN-44"}, "weight": 0.15},
        {"code": "price_within_budget", "values": {
            "price": "500000.00", "price_max": None, "price_currency": "CNY", "budget_min": "300000",
            "budget_max": "1500000", "currency": "CNY", "converted": False}, "weight": 0.25},
    ],
}


def said(language: str, reader: Reader = "demand", *, text: bool = True) -> list[str]:
    with translation.override(language):
        return [item.sentence for item in reason_sentences(EXPLANATION, reader=reader, text=text)]


def test_english_for_the_demands_poster() -> None:
    assert said("en") == [
        "Same IPC subclass: F24F (Air-conditioning; air-humidification; ventilation; use of air currents for "
        "screening)",
        "In force until March 1, 2041",
        "Within your budget: CN¥500,000.00",
        "Same region: Guangdong",
        "Close in meaning (similarity 0.87)",
        "Shared terms: 空调, 控制",
    ]


def test_english_for_the_seller_and_without_the_text_evidence() -> None:
    assert said("en", "seller", text=False) == [
        "Same IPC subclass: F24F (Air-conditioning; air-humidification; ventilation; use of air currents for "
        "screening)",
        "In force until March 1, 2041",
        "Your price CN¥500,000.00 is within the demand's budget",
        "Same region: Guangdong",
    ]


def test_simplified_chinese_values_follow_the_language() -> None:
    sentences = said("zh-hans")
    assert sentences[0].endswith("F24F (空气调节；空气增湿；通风；空气流作为屏蔽的应用)")
    assert "2041年3月1日" in sentences[1]
    assert "¥500,000.00" in sentences[2] and "CN¥" not in sentences[2]
    assert sentences[3].endswith("广东")
    assert sentences[5].endswith("空调、控制")


def test_wordings_the_exchange_already_had_are_translated() -> None:
    with translation.override("zh-hans"):
        assert sentence("in_force", {"years_left": None, "expires_on": None}, "demand") == "有效"
        assert sentence("not_in_force", {"status": "expired"}, "demand").endswith("已到期")
        assert sentence("same_region", {"region": "HK"}, "seller").endswith("中国香港")


def test_other_regions_budgets_and_currencies() -> None:
    above = {"price": "900000", "price_max": None, "price_currency": "USD", "budget_min": None,
             "budget_max": "5000000", "currency": "CNY", "converted": True}
    with translation.override("en"):
        assert sentence("other_region", {"region": "HK", "other_region": "CN-44"}, "demand") == (
            "Seller in another region: Hong Kong")
        assert sentence("same_country", {"region": "CN-32", "other_region": "CN-44"}, "seller") == (
            "The demand looks for solutions from Guangdong; you are in Jiangsu")
        assert sentence("price_above_budget", above, "demand") == (
            "Above your budget (up to CN¥5,000,000.00): $900,000.00 (compared at indicative exchange rates)")
        assert sentence("price_negotiable", {}, "seller") == "Your price is negotiable; the demand has a budget"
        assert sentence("application_pending", {}, "demand") == "Patent application still pending"
        assert sentence("ipc_different", {}, "demand") == "No IPC class in common"
        assert sentence("unknown_code", {}, "demand") == ""


def test_only_terms_that_read_as_words_are_shown_and_highlighted() -> None:
    # Single characters, stop words and bigrams cut across two words ("行模" from 运行模式)
    # are matched by the engine but mean nothing to a reader.
    terms = ["空调", "一", "的智", "行模", "一体机", "所述", "battery", "石墨烯", "可转"]
    assert display_terms(terms) == ["空调", "一体机", "battery", "石墨烯"]
    assert display_terms(terms, 2) == ["空调", "一体机"]
