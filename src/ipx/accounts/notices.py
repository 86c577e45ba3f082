"""The words of members' histories and mails, made in the reader's language when read or
mailed. Events and mails carry only a verb and plain params (names, a link); nothing here
runs inside the transaction that recorded them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from ipx.accounts.models import OrganisationEvent, User
from ipx.core.mail import Recipient, mail_html, mail_on_commit
from ipx.core.notices import Params, render, wording

VERIFIED = "organisation.verified"
REJECTED = "organisation.rejected"
INVITED = "organisation.invited"


def describe(event: OrganisationEvent) -> str:
    """What happened, in the active language. Rows without a verb show their stored note."""
    if not event.verb:
        return event.note
    name = (event.params or {}).get("name")
    if event.verb == OrganisationEvent.Kind.SIGNATORY_NAMED and name:
        return _("%(name)s named a signatory") % {"name": name}
    if event.verb == OrganisationEvent.Kind.SIGNATORY_UNNAMED and name:
        return _("%(name)s no longer a signatory") % {"name": name}
    try:
        return str(OrganisationEvent.Kind(event.verb).label)
    except ValueError:
        return event.verb


@dataclass(frozen=True, slots=True)
class HistoryLine:
    when: datetime
    what: str
    actor: User | None
    note: str  # what a person typed (a rejection's reason), shown as typed


def history(events: Iterable[OrganisationEvent]) -> list[HistoryLine]:
    """An organisation's history in the reader's language (call under their language)."""
    return [HistoryLine(when=event.created_at, what=describe(event), actor=event.actor,
                        note=event.note if event.verb else "") for event in events]


def mail(recipients: Iterable[Recipient], verb: str, params: Mapping[str, Any]) -> None:
    """Mail a notice after commit; each recipient's copy is worded in their language, as
    plain text and as HTML (its links real links, names marked with their language)."""
    stored = dict(params)
    render(verb, stored)  # a missing wording or param fails in the caller, not in the mail
    mail_on_commit(recipients, lambda: render(verb, stored)[0], lambda: render(verb, stored)[1],
                   lambda: mail_html(*render(verb, stored), stored))


def _verified_title(params: Params) -> str:
    return _("%(name)s is verified on IPX") % {"name": params["name"]}


def _verified_body(params: Params) -> str:
    return _("Your organisation %(name)s has been verified. You can now publish listings.") % {
        "name": params["name"]}


def _rejected_title(params: Params) -> str:
    return _("%(name)s was not verified on IPX") % {"name": params["name"]}


def _rejected_body(params: Params) -> str:
    return _("The operator could not verify %(name)s: %(reason)s\nCorrect the details and resubmit.") % {
        "name": params["name"], "reason": params["reason"]}


def _invited_title(params: Params) -> str:
    return _("You are invited to join %(name)s on IPX") % {"name": params["name"]}


def _invited_body(params: Params) -> str:
    return _("To accept, open %(link)s (valid for %(days)d days).") % {
        "link": params["link"], "days": params["days"]}


wording(VERIFIED, title=_verified_title, body=_verified_body)
wording(REJECTED, title=_rejected_title, body=_rejected_body)
wording(INVITED, title=_invited_title, body=_invited_body)
