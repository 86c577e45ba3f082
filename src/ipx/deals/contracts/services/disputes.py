"""A party's request to cancel a signed deal, and the operator's decision on it.

The request opens a dispute (``ipx.deals.disputes``): the other party and the operators are
told, and no money held is released while it is open. Granted, the deal is cancelled by the
cancelling path (held money refunded to the buyer); rejected, the deal goes on. Both steps
are rows in the deal's history with the words the person typed as their note.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.deals.contracts import notices
from ipx.deals.contracts.pdf import deal_number
from ipx.deals.contracts.services.cancelling import cancel_locked
from ipx.deals.contracts.services.common import clean_note, locked_deal, notify_parties
from ipx.deals.contracts.workflow import DEAL, DISPUTE, acting_for
from ipx.deals.models import Deal, Dispute
from ipx.notifications.services import notify


@transaction.atomic
def deal_request_cancellation(*, deal_id: int, actor: User, reason: str) -> Dispute:
    """An administrator or signatory of either party asks an operator to cancel a signed deal."""
    deal = locked_deal(actor, deal_id)
    DEAL.check(deal, "request_cancellation", actor)
    reason = clean_note(reason, field="reason", required=True,
                        message=_("Say why the deal should be cancelled; the other side and the operators see it."))
    organisation = acting_for(deal, actor)
    assert organisation is not None  # the table lets only a party's member ask
    dispute = Dispute.objects.create(deal=deal, reason=reason, requested_by=actor, requested_for=organisation)
    DEAL.transition(deal, "request_cancellation", actor=actor, acting_for=organisation, note=reason, check=False,
                    params={"dispute": dispute.pk, "organisation": organisation.name})
    other = deal.seller if organisation.pk == deal.buyer_id else deal.buyer
    notify(verb=notices.CANCELLATION_REQUESTED,
           params={"number": deal_number(deal), "name": organisation.name, "reason": reason},
           url=reverse("deals:detail", args=[deal.pk]), organisations=[other],
           users=User.objects.filter(is_staff=True, is_active=True).order_by("pk"), exclude=actor)
    return dispute


@transaction.atomic
def deal_decide_cancellation(*, deal_id: int, operator: User, cancel: bool, note: str) -> Deal:
    """An operator decides the open request: ``cancel`` cancels the deal (held money goes back
    to the buyer), otherwise the deal goes on. ``note`` (required) tells both parties why."""
    deal = locked_deal(operator, deal_id)
    DEAL.check(deal, "decide_cancellation", operator)
    note = clean_note(note, field="decision_note", required=True,
                      message=_("Say why you decide so; both sides see this note."))
    dispute = Dispute.objects.select_for_update(of=("self",)).get(deal=deal, status=Dispute.Status.OPEN)
    dispute.deal = deal
    dispute.decided_by, dispute.decided_at, dispute.decision_note = operator, timezone.now(), note
    DISPUTE.transition(dispute, "grant" if cancel else "reject", actor=operator, note=note,
                       params={"dispute": dispute.pk}, fields=("decided_by", "decided_at", "decision_note"))
    if cancel:
        cancel_locked(deal, actor=operator, reason=note)
    else:
        notify_parties(deal, notices.CANCELLATION_REJECTED, actor=operator, params={"note": note})
    return deal
