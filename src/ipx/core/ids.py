"""Row ids read from what people send: a page's address and its forms' fields.

An id is a whole number from 1 to ``MAX_ID``, the bound the API's ``Id`` states too, so a
page and the API refuse the same ids alike. Anything else (a number no row can have, a
minus sign, digits of another script) is no id: a page answers 404 or its form's error, and
the database is never asked for a key beyond what its integers hold (SQLite and PostgreSQL
refuse those with an error, not an empty result).
"""

from __future__ import annotations

import re

# 2**53: an integer JSON readers keep exactly, and far inside every database's 64-bit key.
MAX_ID = 2**53
_DIGITS = re.compile(r"[0-9]{1,16}")


def parse_id(value: object) -> int | None:
    """``value`` as an id (ASCII digits, 1 to ``MAX_ID``), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return None
    return number if 1 <= number <= MAX_ID else None


class IdConverter:
    """``<id:listing_id>`` in an address: matches only an id, so another number is 404
    before a view runs (``register_converter`` in ``CoreConfig.ready``)."""

    regex = "[0-9]{1,16}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)  # Django reads it as "this address does not match"
        return number

    def to_url(self, value: int | str) -> str:
        return str(value)
