"""The words of the notifications about deals, made in each reader's language when read or
mailed (registered in ``DealsConfig.ready``). The services send a verb and plain params:
the deal's number, a party's name, amounts as strings with their currency.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ipx.core.notices import Params, wording
from ipx.deals.timeline import amount_text, money_text

CREATED = "deal.created"
SIGNED = "deal.signed"
SIGNED_BY_ONE = "deal.signed_by_one"
CONCLUDED = "deal.concluded"
FUNDED = "deal.funded"
RELEASED = "deal.released"
CANCELLED = "deal.cancelled"
RECORDAL_SUBMITTED = "deal.recordal_submitted"
RECORDAL_RETURNED = "deal.recordal_returned"
COMPLETED = "deal.completed"
CANCELLATION_REQUESTED = "deal.cancel_requested"
CANCELLATION_REJECTED = "deal.cancel_rejected"


def _number(params: Params) -> dict[str, object]:
    return {"number": params["number"]}


def _signed_body(params: Params) -> str:
    if params["intended"]:
        return _("Both sides signed the intended agreement %(number)s.") % _number(params)
    return _("Both sides signed the contract %(number)s; the buyer can now fund the milestones.") % _number(params)


def _cancelled_body(params: Params) -> str:
    text = _("Deal %(number)s was cancelled: %(reason)s") % {"number": params["number"], "reason": params["reason"]}
    refunded = params.get("refunded") or []
    if refunded:
        amounts = ", ".join(amount_text(amount, params["currency"]) for amount in refunded)
        text += "\n" + _("Returned to the buyer: %(amounts)s") % {"amounts": amounts}
    return text


wording(CREATED,
        title=lambda p: _("Deal %(number)s agreed") % _number(p),
        body=lambda p: _("The offer was accepted and deal %(number)s made. Read the contract and sign it.")
        % _number(p))
wording(SIGNED,
        title=lambda p: _("Deal %(number)s is signed by both sides") % _number(p),
        body=_signed_body)
wording(SIGNED_BY_ONE,
        title=lambda p: _("%(name)s signed deal %(number)s") % {"name": p["name"], "number": p["number"]},
        body=lambda p: _("%(name)s signed the contract of deal %(number)s; it waits for the other side's "
                         "signature.") % {"name": p["name"], "number": p["number"]})
wording(CONCLUDED,
        title=lambda p: _("Deal %(number)s becomes a contract") % _number(p),
        body=lambda p: _("The intended agreement %(number)s is now a concluded contract. Read it and sign it again.")
        % _number(p))
wording(FUNDED,
        title=lambda p: _("Deal %(number)s: milestone %(position)d funded")
        % {"number": p["number"], "position": p["position"]},
        body=lambda p: _("%(amount)s for milestone %(position)d of deal %(number)s is held in escrow.")
        % {"amount": money_text(p), "position": p["position"], "number": p["number"]})
wording(RELEASED,
        title=lambda p: _("Deal %(number)s: money released") % _number(p),
        body=lambda p: _("%(amount)s for milestone %(position)d of deal %(number)s was released to the seller "
                         "(platform fee %(fee)s).")
        % {"amount": money_text(p), "position": p["position"], "number": p["number"], "fee": money_text(p, "fee")})
wording(CANCELLED,
        title=lambda p: _("Deal %(number)s cancelled") % _number(p),
        body=_cancelled_body)
wording(RECORDAL_SUBMITTED,
        title=lambda p: _("Deal %(number)s: recordal submitted") % _number(p),
        body=lambda p: _("The seller entered recordal number %(recordal)s for deal %(number)s; an operator will "
                         "check it.") % {"recordal": p["recordal"], "number": p["number"]})
wording(RECORDAL_RETURNED,
        title=lambda p: _("Deal %(number)s: recordal returned") % _number(p),
        body=lambda p: _("The operator returned the recordal number of deal %(number)s: %(note)s")
        % {"number": p["number"], "note": p["note"]})
wording(COMPLETED,
        title=lambda p: _("Deal %(number)s completed") % _number(p),
        body=lambda p: _("The operator checked the recordal of deal %(number)s; the deal is complete.")
        % _number(p))
wording(CANCELLATION_REQUESTED,
        title=lambda p: _("Deal %(number)s: cancellation requested") % _number(p),
        body=lambda p: _("%(name)s asks to cancel deal %(number)s: %(reason)s\nAn operator decides; until then no "
                         "money is released from escrow.")
        % {"name": p["name"], "number": p["number"], "reason": p["reason"]})
wording(CANCELLATION_REJECTED,
        title=lambda p: _("Deal %(number)s goes on") % _number(p),
        body=lambda p: _("The operator refused to cancel deal %(number)s: %(note)s")
        % {"number": p["number"], "note": p["note"]})
