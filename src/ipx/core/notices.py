"""The words of notifications, kept apart from the moments they are sent.

A service notifies with a verb and params (``notify(verb="offer.received", params={...})``);
the sentences are made when someone reads the notification or when its e-mail is written,
in that reader's language. Each app keeps its wording in its own ``notices.py``, which
registers one ``Wording`` per verb when the app is ready.

Params hold what the sentence needs as plain JSON (names, titles, amounts as strings), so a
notice reads the same years later, whatever happened to the rows it speaks of.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import Choices

from ipx.core.workflow import StatusEvent
from ipx.events import publish

Params = Mapping[str, Any]
Event = TypeVar("Event", bound=StatusEvent)


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


def with_reason(params: Params, given: str, missing: str, **values: object) -> str:
    """``given`` when a person wrote a reason (``params["reason"]``, put in as ``%(reason)s``),
    else ``missing``; both take ``values``."""
    if params.get("reason"):
        return given % {**values, "reason": params["reason"]}
    return missing % values


NOTICE_REQUESTED = "notice.requested"


def notify_after_commit(verb: str, *, params: Params, url: str = "", user_ids: Iterable[int] = (),
                        organisation_ids: Iterable[int] = ()) -> None:
    """Ask for a notice from an app below the notifications app (which sends it, subscribed to
    ``NOTICE_REQUESTED``) once the caller's transaction commits; nothing is sent if it rolls back.
    The people are named by id, members of the organisations as ``notify`` reaches them."""
    render(verb, params)  # a missing wording or param fails here, in the caller's tests
    publish(NOTICE_REQUESTED, verb=verb, params=dict(params), url=url, user_ids=list(user_ids),
            organisation_ids=list(organisation_ids))


# --- Histories ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One line of a workflow's history as pages show it."""

    when: datetime
    from_label: str
    to_label: str
    actor: str
    text: str


def status_label(value: str, statuses: type[Choices]) -> str:
    """A stored status in the reader's language; one no longer in ``statuses`` as stored."""
    return str(statuses(value).label) if value in statuses.values else value


def history(events: Iterable[Event], *, statuses: type[Choices],
            describe: Callable[[Event], str]) -> list[HistoryEntry]:
    """History lines in the reader's language (call under their language): from → to in the
    words of ``statuses``, who acted, and what ``describe`` says of the step."""
    return [HistoryEntry(when=event.created_at, from_label=status_label(event.from_status, statuses),
                         to_label=status_label(event.to_status, statuses), actor=str(event.actor or ""),
                         text=describe(event)) for event in events]
