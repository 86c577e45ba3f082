"""The registry's numbers: registration numbers with a pluggable check character (ISO 7064
MOD 37,36 by default) that refuses any changed character, and 17-digit certificate numbers."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import override_settings

from ipx.dataip import numbers


def test_a_registration_number_is_sixteen_characters_with_its_check() -> None:
    number = numbers.registration_number(year=2026, source_code="01", registrant_kind="enterprise", sequence=42)
    assert len(number) == 16 and number.startswith("202601E00000042")
    assert numbers.registration_number_valid(number)


def test_a_changed_character_is_refused() -> None:
    number = numbers.registration_number(year=2026, source_code="03", registrant_kind="university", sequence=7)
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for position in range(len(number)):
        for replacement in alphabet:
            if replacement != number[position]:
                changed = number[:position] + replacement + number[position + 1:]
                assert not numbers.registration_number_valid(changed), changed


def _always_x(body: str) -> str:
    return "X"


def test_the_check_character_is_pluggable() -> None:
    with override_settings(IPX_DATAIP_CHECK_CHARACTER="ipx.dataip.tests.test_numbers._always_x"):
        number = numbers.registration_number(year=2026, source_code="01", registrant_kind="enterprise", sequence=1)
        assert number.endswith("X") and numbers.registration_number_valid(number)


def test_a_certificate_number_is_year_month_registry_and_serial() -> None:
    assert numbers.certificate_number(issued_on=date(2026, 12, 3), serial=15) == "20261244000000015"
    with override_settings(IPX_DATAIP_REGISTRY_CODE="4403"):
        assert numbers.certificate_number(issued_on=date(2027, 1, 9), serial=1) == "20270144030000001"
    with pytest.raises(ValueError, match="exhausted"):
        numbers.certificate_number(issued_on=date(2026, 1, 1), serial=10_000_000)
