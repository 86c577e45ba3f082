"""The words of notifications, kept apart from the moments they are sent.

A service notifies with a verb and params (``notify(verb="offer.received", params={...})``);
the sentences are made when someone reads the notification or when its e-mail is written,
in that reader's language. Each app keeps its wording in its own ``notices.py``, which
registers one ``Wording`` per verb when the app is ready.

Params hold what the sentence needs as plain JSON (names, titles, amounts as strings), so a
notice reads the same years later, whatever happened to the rows it speaks of.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Params = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Wording:
    title: Callable[[Params], str]
    body: Callable[[Params], str]


_wordings: dict[str, Wording] = {}


def wording(verb: str, *, title: Callable[[Params], str], body: Callable[[Params], str]) -> None:
    """Register how notices of ``verb`` read; registering the same verb again replaces it."""
    _wordings[verb] = Wording(title=title, body=body)


def words_for(verb: str) -> Wording | None:
    return _wordings.get(verb)


def render(verb: str, params: Params) -> tuple[str, str]:
    """Title and body of a notice in the active language."""
    found = _wordings.get(verb)
    if found is None:
        raise LookupError(f"no wording registered for notices of {verb!r}")
    return found.title(params), found.body(params)
