"""What every app's typed inputs share: the mark of a field an edit leaves out, and how a
value people sent is read as blank or as text before an app's rules judge it."""

from __future__ import annotations

import re
from dataclasses import fields
from enum import Enum
from typing import Any, Final


class Unset(Enum):
    """A field the values leave out: an edit keeps it as it is."""

    UNSET = "unset"


UNSET: Final = Unset.UNSET


# Characters that show nothing: white space, controls, the soft hyphen and the zero-width,
# joining, direction and invisible-operator marks. A regular-expression class, so that the
# API's document states the same rule as the check (``core.api.types.BLANK_OR_NUL``).
INVISIBLE_CLASS = r"\s\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
_SHOWS_NOTHING = re.compile(f"[{INVISIBLE_CLASS}]*")


def shows_something(text: str) -> bool:
    """Whether ``text`` holds a character a reader can see (a title of zero-width spaces does not)."""
    return _SHOWS_NOTHING.fullmatch(text) is None


def is_blank(value: object) -> bool:
    """Nothing given: None, or text showing nothing (white space, invisible characters)."""
    return value is None or (isinstance(value, str) and not shows_something(value))


def as_text(value: object) -> str:
    """What was sent, as text (None is empty); judged later by the rules."""
    return "" if value is None else str(value)


def given_fields(values: Any) -> dict[str, object]:
    """The fields of a dataclass of values that are not UNSET, by name, in their order."""
    return {f.name: value for f in fields(values) if (value := getattr(values, f.name)) is not UNSET}
