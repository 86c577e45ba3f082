"""What every app's typed inputs share: the mark of a field an edit leaves out, and how a
value people sent is read as blank or as text before an app's rules judge it."""

from __future__ import annotations

import unicodedata
from dataclasses import fields
from enum import Enum
from typing import Any, Final


class Unset(Enum):
    """A field the values leave out: an edit keeps it as it is."""

    UNSET = "unset"


UNSET: Final = Unset.UNSET


# Characters that show nothing: white space, controls, and format characters such as the
# zero-width space and joiners (Unicode's Z* and C* categories).
_INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Co", "Cn", "Cs"})


def shows_something(text: str) -> bool:
    """Whether ``text`` holds a character a reader can see (a title of zero-width spaces does not)."""
    return any(unicodedata.category(ch) not in _INVISIBLE_CATEGORIES for ch in text)


def is_blank(value: object) -> bool:
    """Nothing given: None, or text showing nothing (white space, invisible characters)."""
    return value is None or (isinstance(value, str) and not shows_something(value))


def as_text(value: object) -> str:
    """What was sent, as text (None is empty); judged later by the rules."""
    return "" if value is None else str(value)


def given_fields(values: Any) -> dict[str, object]:
    """The fields of a dataclass of values that are not UNSET, by name, in their order."""
    return {f.name: value for f in fields(values) if (value := getattr(values, f.name)) is not UNSET}
