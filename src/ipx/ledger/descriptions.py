"""What a ledger transaction was for, in words, in the reader's language.

The ledger does not know the apps that move money through it, and it stores no sentence in
any one language: an app registers a function that describes the transactions whose
reference it owns (e.g. ``"deal:"``), and statements call ``describe`` when they are shown.
A transaction nobody describes shows its stored memo: what a person gave (a masked bank
account), or, for rows from before descriptions, the text written then.
"""

from __future__ import annotations

from collections.abc import Callable

# (kind, reference) → the words in the active language, or None when it is not the describer's.
Describer = Callable[[str, str], "str | None"]

_describers: dict[str, Describer] = {}


def register(prefix: str, describer: Describer) -> None:
    """``describer`` gives the words for transactions whose reference starts with ``prefix``."""
    _describers[prefix] = describer


def describe(kind: str, reference: str, memo: str = "") -> str:
    for prefix, describer in _describers.items():
        if reference.startswith(prefix):
            text = describer(kind, reference)
            if text:
                return text
    return memo
