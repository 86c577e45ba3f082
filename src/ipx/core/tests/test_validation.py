"""Shared field checks: dates read from text as the formats say."""

from __future__ import annotations

import pytest

from ipx.core.validation import FieldErrors, clean_date, read_date_by_formats


@pytest.mark.parametrize("text", [
    "2021-06-01", "20210601", "2021/06/01", "2021.6.1", "2021年6月1日", "2021-6-1", "2021-02-30", "20210230",
    "2021W011", "2021-W01-1", "２０２１０６０１", "2021-06-01T00", "0000-01-01", "00000101", "2021-0601",
    "1899-12-31", "99991231", "2021-13-01", "abcdefgh", "2021-06-0١",
])
def test_a_date_is_read_as_the_formats_read_it(text: str) -> None:
    errors = FieldErrors()
    expected = read_date_by_formats(text)  # the formats in turn, as before the shortcut
    read = clean_date(text, field="day", errors=errors, not_future=False)
    if expected is None or not 1900 <= expected.year < 2200:  # the days anyone may enter (core.dates)
        assert read is None and errors
    else:
        assert read == expected and not errors
