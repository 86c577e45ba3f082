"""Ids read from addresses and forms: only numbers a row can have reach the database."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from ipx.core.ids import MAX_ID, parse_id


@pytest.mark.parametrize(("given", "expected"), [
    ("1", 1), (" 42 ", 42), (7, 7), (str(MAX_ID), MAX_ID), ("0007", 7),
])
def test_ids_are_read(given: object, expected: int) -> None:
    assert parse_id(given) == expected


@pytest.mark.parametrize("given", [
    None, "", "0", 0, "-1", -1, "1.5", "1e3", "abc", "١٢", "１２", str(MAX_ID + 1), MAX_ID + 1, "9" * 40, 10**40,
    True, 1.0, "\x00", ["1"],
])
def test_anything_else_is_no_id(given: object) -> None:
    assert parse_id(given) is None


def test_an_address_with_a_number_beyond_any_id_is_not_found() -> None:
    assert resolve("/listings/12/").kwargs == {"listing_id": 12}
    for number in (MAX_ID + 1, 2**63, 10**30):
        with pytest.raises(Resolver404):
            resolve(f"/listings/{number}/")
    with pytest.raises(NoReverseMatch):
        reverse("listings:detail", args=["-1"])
