"""The terms listings and offers share: each reader's values and its exact words."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from ipx.core.validation import FieldErrors
from ipx.listings.terms import (
    LicenceTerms,
    Price,
    UseFirstTerms,
    parse_currency,
    parse_licence,
    parse_money,
    parse_months,
    parse_offer_kind,
    parse_offer_kinds,
    parse_price,
    parse_royalty_percent,
    parse_trial_months,
    parse_use_first,
)

OFFER_KINDS = ("transfer", "licence", "use_first")  # what an offer may propose (DealKind)


def read(parse: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, dict[str, str]]:
    errors = FieldErrors()
    value = parse(*args, errors=errors, **kwargs)
    return value, errors.errors


def licence_term(value: object, *, required: bool = False) -> tuple[Any, dict[str, str]]:
    return read(parse_months, value, field="licence_term_months", label="The licence term", high=600,
                required=required)


@pytest.mark.parametrize(("value", "required", "expected"), [
    ("36", False, (36, {})),
    (" 600 ", True, (600, {})),
    (1, True, (1, {})),
    ("", False, (None, {})),
    (None, True, (None, {"licence_term_months": "The licence term is required."})),
    ("  ", True, (None, {"licence_term_months": "The licence term is required."})),
    ("3.5", False, (None, {"licence_term_months": "The licence term must be a whole number of months."})),
    (True, False, (None, {"licence_term_months": "The licence term must be a whole number of months."})),
    ("0", False, (None, {"licence_term_months": "The licence term must be between 1 and 600 months."})),
    (601, True, (None, {"licence_term_months": "The licence term must be between 1 and 600 months."})),
])
def test_months(value: object, required: bool, expected: tuple[Any, dict[str, str]]) -> None:
    assert licence_term(value, required=required) == expected


def test_the_free_trial_is_required_and_at_most_36_months() -> None:
    assert read(parse_trial_months, "6") == (6, {})
    assert read(parse_trial_months, "") == (None, {"trial_months": "The free trial is required."})
    assert read(parse_trial_months, 37) == (None, {"trial_months": "The free trial must be between 1 and 36 months."})


@pytest.mark.parametrize(("value", "required", "expected"), [
    ("3.5", True, (Decimal("3.50"), {})),
    ("3.5 %", True, (Decimal("3.50"), {})),
    (Decimal("50"), True, (Decimal("50.00"), {})),
    ("", False, (None, {})),
    ("", True, (None, {"royalty_percent": "Give the running royalty in percent (above 0, at most 50)."})),
    ("0", True, (None, {"royalty_percent": "The royalty is a percentage above 0 and at most 50."})),
    ("50.01", True, (None, {"royalty_percent": "The royalty is a percentage above 0 and at most 50."})),
    ("abc", True, (None, {"royalty_percent": "The royalty is a percentage above 0 and at most 50."})),
    ("NaN", False, (None, {"royalty_percent": "The royalty is a percentage above 0 and at most 50."})),
    ("3.555", True, (None, {"royalty_percent": "The royalty has at most 2 decimal places."})),
])
def test_royalty(value: object, required: bool, expected: tuple[Any, dict[str, str]]) -> None:
    assert read(parse_royalty_percent, value, field="royalty_percent", required=required) == expected


def test_currency() -> None:
    assert read(parse_currency, " hkd ") == ("HKD", {})
    assert read(parse_currency, "") == ("CNY", {})
    assert read(parse_currency, None, default="JPY") == ("JPY", {})
    assert read(parse_currency, "XYZ", default="JPY") == (
        "JPY", {"currency": "Unknown currency “XYZ”; use one of CNY, HKD, MOP, TWD, USD, EUR, GBP, JPY."})


@pytest.mark.parametrize(("value", "currency", "label", "expected"), [
    ("1,250,000.5", "CNY", None, (Decimal("1250000.50"), {})),
    (0.1, "USD", None, (Decimal("0.10"), {})),
    ("1000", "JPY", None, (Decimal("1000.00"), {})),
    ("", "CNY", None, (None, {})),
    ("", "CNY", "The price", (None, {"price_amount": "The price is required."})),
    ("100.5", "JPY", None, (None, {"price_amount": "JPY amounts have at most 0 decimal places."})),
    ("10.001", "CNY", None, (None, {"price_amount": "CNY amounts have at most 2 decimal places."})),
    ("-5", "CNY", None, (None, {"price_amount": "The amount must be greater than zero."})),
    ("1e13", "CNY", None, (None, {"price_amount": "The amount is too large; the most accepted is "
                                                  "1,000,000,000,000."})),
    ("十万", "CNY", None, (None, {"price_amount": "Enter an amount as a number, e.g. 250000.00."})),
])
def test_money(value: object, currency: str, label: str | None, expected: tuple[Any, dict[str, str]]) -> None:
    assert read(parse_money, value, currency, field="price_amount", label=label) == expected


def test_one_way_of_offering_among_those_a_side_allows() -> None:
    assert read(parse_offer_kind, " licence ", allowed=OFFER_KINDS) == ("licence", {})
    assert read(parse_offer_kind, "pledge", allowed=OFFER_KINDS) == ("pledge", {
        "kind": "“pledge” is not a way to offer IP here; it is not one of the allowed values: "
                "transfer, licence, use_first."})


@pytest.mark.parametrize(("value", "expected"), [
    (["use_first", "transfer", "use_first"], (("transfer", "use_first"), {})),
    ("licence; auction,pledge", (("licence", "pledge", "auction"), {})),
    ([], ((), {"offer_kinds": "Choose at least one way to offer: transfer, licence, use first pay later, "
                               "pledge or auction."})),
    (None, ((), {"offer_kinds": "Choose at least one way to offer: transfer, licence, use first pay later, "
                                 "pledge or auction."})),
    (["transfer", "gift"], (("transfer",), {
        "offer_kinds": "“gift” is not a way to offer IP here; it is not one of the allowed values: "
                       "transfer, licence, use_first, pledge, auction."})),
])
def test_ways_of_offering(value: object, expected: tuple[Any, dict[str, str]]) -> None:
    assert read(parse_offer_kinds, value) == expected


def test_a_licence() -> None:
    values = {"licence_exclusivity": "sole", "licence_territory": " 粤港澳大湾区 ", "licence_field": "电动汽车",
              "licence_term_months": "60"}
    licence, errors = read(parse_licence, values, term_required=True)
    assert (licence, errors) == (LicenceTerms("sole", "粤港澳大湾区", "电动汽车", 60), {})
    assert licence.columns() == {"licence_exclusivity": "sole", "licence_territory": "粤港澳大湾区",
                                 "licence_field": "电动汽车", "licence_term_months": 60}
    # A listing may leave the term to negotiation; an offer names it.
    assert read(parse_licence, {"licence_exclusivity": "exclusive"}, term_required=False) == (
        LicenceTerms("exclusive"), {})
    assert read(parse_licence, {"licence_territory": "全球"}, term_required=True)[1] == {
        "licence_exclusivity": "“” is not one of the allowed values: exclusive, sole, non_exclusive.",
        "licence_term_months": "The licence term is required."}


def test_use_first_pay_later() -> None:
    assert read(parse_use_first, {"trial_months": 6, "after_trial_fee_amount": "5000"}, currency="HKD") == (
        UseFirstTerms(6, Decimal("5000.00")), {})
    assert read(parse_use_first, {"trial_months": "3", "after_trial_royalty_percent": "2.5%"}, currency="CNY") == (
        UseFirstTerms(3, None, Decimal("2.50")), {})
    assert read(parse_use_first, {"trial_months": "6"}, currency="CNY") == (
        None, {"after_trial_fee_amount": "Say what is paid after the trial: a fee, a royalty, or both."})
    assert read(parse_use_first, {"after_trial_fee_amount": "0.5"}, currency="JPY") == (None, {
        "trial_months": "The free trial is required.",
        "after_trial_fee_amount": "JPY amounts have at most 0 decimal places."})


@pytest.mark.parametrize(("values", "expected"), [
    ({}, (Price("negotiable", "CNY"), {})),
    ({"price_type": "negotiable", "price_amount": "5"}, (Price("negotiable", "CNY"), {})),
    ({"price_type": "fixed", "price_amount": "300000"}, (Price("fixed", "CNY", Decimal("300000.00")), {})),
    ({"price_type": "range", "price_amount": "1", "price_max_amount": "2"},
     (Price("range", "CNY", Decimal("1.00"), Decimal("2.00")), {})),
    ({"price_type": "fixed"}, (Price("fixed", "CNY"), {"price_amount": "Give the price, or choose “negotiable”."})),
    ({"price_type": "range", "price_amount": "10"},
     (Price("range", "CNY", Decimal("10.00")), {"price_max_amount": "Give the highest price of the range."})),
    ({"price_type": "range", "price_amount": "10", "price_max_amount": "10"},
     (Price("range", "CNY", Decimal("10.00"), Decimal("10.00")),
      {"price_max_amount": "The highest price must be above the lowest."})),
    ({"price_type": "auction"}, (Price("auction", "CNY"), {
        "price_type": "“auction” is not one of the allowed values: fixed, range, negotiable."})),
])
def test_price(values: dict[str, object], expected: tuple[Any, dict[str, str]]) -> None:
    assert read(parse_price, values, currency="CNY") == expected
