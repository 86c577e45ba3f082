"""The words of offer and deal histories, in the reader's language.

Events store what the system did as data (``params``: a milestone's position and amount, the
offer a deal came from, who signed which contract) and only what a person typed as ``note``
(a reason, an operator's note). The sentences are made here when a page, a CSV line or an
API answer is produced, so a Chinese reader sees Chinese even when an English user acted.

Rows written before ``params`` existed have none: their text, stored in the actor's
language, is still in ``note`` and is shown as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from ipx.core.money import Money
from ipx.deals.models import DealEvent, OfferEvent


class Verb:
    """DealEvent.verb values (the deal's and its milestones' workflow steps)."""

    CREATED = "created"
    SIGNED = "signed"
    FULLY_SIGNED = "fully_signed"
    CONCLUDED = "concluded"
    FUNDED = "funded"
    RELEASED = "released"
    REFUNDED = "refunded"
    RECORDAL_SUBMITTED = "recordal_submitted"
    RECORDAL_APPROVED = "recordal_approved"
    RECORDAL_RETURNED = "recordal_returned"
    CANCELLED = "cancelled"
    # A party's request to cancel a signed deal, and an operator's decision on it.
    CANCELLATION_REQUESTED = "cancel_requested"
    CANCELLATION_GRANTED = "cancel_granted"
    CANCELLATION_REJECTED = "cancel_rejected"


# OfferEvent.params["cause"] when the system, not a party, changed the offer.
CAUSE_THREAD_CLOSED = "thread_closed"
CAUSE_EXPIRED = "expired"


# --- What the services store -------------------------------------------------------------------

def money_params(money: Money, name: str = "amount") -> dict[str, str]:
    """An amount as JSON keeps it exactly: a string, with its currency once."""
    return {name: str(money.amount), "currency": money.currency}


def moment_param(moment: datetime) -> str:
    return moment.isoformat()


# --- Reading them back --------------------------------------------------------------------------

def amount_text(amount: object, currency: object) -> str:
    """An amount stored by ``money_params`` as the reader sees it ("100,000.00 CNY")."""
    try:
        return str(Money(Decimal(str(amount)), str(currency)))
    except InvalidOperation:
        return str(amount)


def money_text(params: Mapping[str, Any], name: str = "amount") -> str:
    """``params[name]`` in ``params["currency"]``, as the reader sees it."""
    if name not in params or "currency" not in params:
        return str(params.get(name, ""))
    return amount_text(params[name], params["currency"])


def moment_text(value: object) -> str:
    """A moment stored as text (ISO), in the reader's zone and format."""
    moment = parse_datetime(str(value or ""))
    if moment is None:
        return str(value or "")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return str(formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT"))


def _signatures(rows: object) -> str:
    """Earlier signatures as a list: who, with which e-mail, when, the contract's hash."""
    if not isinstance(rows, list):
        return ""
    parts = []
    for row in rows:
        if not isinstance(row, Mapping):
            continue
        moment = parse_datetime(str(row.get("signed_at", "")))
        when = f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment and timezone.is_aware(moment) else ""
        details = ", ".join(str(v) for v in (row.get("email", ""), when, row.get("sha256", "")) if v)
        parts.append(f"{row.get('organisation', '')} ({details})")
    return "; ".join(parts)


def _number(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def _deal_text(verb: str, params: Mapping[str, Any]) -> str:
    if verb == Verb.CREATED and "offer" in params:
        return _("From offer #%(offer)d") % {"offer": _number(params["offer"])}
    if verb == Verb.SIGNED and "organisation" in params:
        return _("%(name)s signed (contract SHA-256 %(hash)s)") % {"name": params["organisation"],
                                                                   "hash": params.get("sha256", "")}
    if verb == Verb.CONCLUDED:
        earlier = _signatures(params.get("earlier"))
        return _("Earlier signatures: %(list)s") % {"list": earlier} if earlier else ""
    if verb == Verb.CANCELLATION_REQUESTED and "organisation" in params:
        return _("Asked for by %(name)s; an operator decides.") % {"name": params["organisation"]}
    if verb == Verb.RECORDAL_SUBMITTED and "recordal_number" in params:
        return _("Recordal number: %(recordal)s") % {"recordal": params["recordal_number"]}
    if "position" not in params:
        return ""
    position = _number(params["position"])
    if verb == Verb.FUNDED:
        return _("Milestone %(position)d: %(amount)s held in escrow") % {
            "position": position, "amount": money_text(params)}
    if verb == Verb.RELEASED:
        values = {"position": position, "amount": money_text(params), "fee": money_text(params, "fee")}
        if params.get("automatic"):
            return _("Milestone %(position)d: %(amount)s released automatically on the checked recordal "
                     "(platform fee %(fee)s)") % values
        return _("Milestone %(position)d: %(amount)s released (platform fee %(fee)s)") % values
    if verb == Verb.REFUNDED:
        return _("Milestone %(position)d: %(amount)s returned to the buyer") % {
            "position": position, "amount": money_text(params)}
    return ""


def deal_event_text(event: DealEvent) -> str:
    """What the system recorded with the event, in the active language ("" when nothing)."""
    params = event.params if isinstance(event.params, Mapping) else {}
    return _deal_text(event.verb, params) if params else ""


def deal_event_label(event: DealEvent) -> str:
    """The step's name on the deal's timeline, in the active language."""
    labels = {
        Verb.CREATED: _("Deal made from the accepted offer"),
        Verb.SIGNED: _("Signed"),
        Verb.FULLY_SIGNED: _("Signed by both sides"),
        Verb.CONCLUDED: _("Intended agreement concluded as a contract"),
        Verb.FUNDED: _("Milestone funded"),
        Verb.RELEASED: _("Money released"),
        Verb.REFUNDED: _("Money returned to the buyer"),
        Verb.RECORDAL_SUBMITTED: _("Recordal submitted"),
        Verb.RECORDAL_APPROVED: _("Recordal checked; deal completed"),
        Verb.RECORDAL_RETURNED: _("Recordal returned to the seller"),
        Verb.CANCELLED: _("Cancelled"),
        Verb.CANCELLATION_REQUESTED: _("Cancellation requested"),
        Verb.CANCELLATION_GRANTED: _("Cancellation granted by the operator"),
        Verb.CANCELLATION_REJECTED: _("Cancellation refused by the operator; the deal goes on"),
    }
    return labels.get(event.verb, event.verb)


def offer_event_text(event: OfferEvent) -> str:
    """What the system recorded with an offer's change, in the active language ("" when nothing)."""
    params = event.params if isinstance(event.params, Mapping) else {}
    cause = params.get("cause")
    if cause == CAUSE_THREAD_CLOSED:
        return _("The negotiation was closed.")
    if cause == CAUSE_EXPIRED:
        return _("Open until %(when)s.") % {"when": moment_text(params.get("open_until"))}
    return ""


def lines(system_text: str, note: str) -> list[str]:
    """The system's words and the person's note, each once, in that order (old rows: the note)."""
    return [text for text in (system_text, note) if text]
