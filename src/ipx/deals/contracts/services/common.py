"""What every deal service shares: the locked rows, the contract file, the parties' notices."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.translation import gettext as _

from ipx.accounts.models import User
from ipx.core.errors import NotFound
from ipx.core.validation import FieldErrors, clean_text
from ipx.deals.access import access_deal
from ipx.deals.contracts import escrow
from ipx.deals.contracts.pdf import contract_render, deal_number
from ipx.deals.models import Commitment, Deal, DealKind, DealMilestone
from ipx.notifications.services import notify

MAX_NOTE = 2000


def locked_deal(actor: User, deal_id: int) -> Deal:
    """The deal row locked for this transaction, with the actor's role in it remembered for
    the workflow's guards (404 for anyone not involved)."""
    deal, _role = access_deal(actor, deal_id, for_update=True)
    return deal


def locked_milestone(deal: Deal, position: int) -> DealMilestone:
    """The milestone at ``position``, read from its locked row (never from a stale object),
    pointing at the locked ``deal``."""
    milestone = escrow.locked_milestones(deal).filter(position=position).first()
    if milestone is None:
        raise NotFound(_("This deal has no milestone %(position)d.") % {"position": position})
    milestone.deal = deal
    return milestone


def notify_parties(deal: Deal, verb: str, *, actor: User | None, params: Mapping[str, Any] | None = None,
                   operators: bool = False) -> None:
    """Tell both parties (and the operators) with ``verb``'s wording (``contracts.notices``);
    every notice names the deal's number."""
    users = list(User.objects.filter(is_staff=True, is_active=True).order_by("pk")) if operators else []
    notify(verb=verb, params={"number": deal_number(deal), **(params or {})},
           url=reverse("deals:detail", args=[deal.pk]), organisations=[deal.buyer, deal.seller], users=users,
           exclude=actor)


def clean_note(value: object, *, field: str, required: bool, message: str = "") -> str:
    errors = FieldErrors()
    note = clean_text(value, field=field, errors=errors, required=False, max_length=MAX_NOTE)
    if required and not note and not errors:
        errors.add(field, message or _("This is required."))
    errors.raise_if_any()
    return note


def store_contract(deal: Deal) -> None:
    """Render the contract, store it under a name of its own and remember its hash."""
    data = contract_render(deal)
    digest = hashlib.sha256(data).hexdigest()
    deal.contract_pdf.save(f"deal-{deal.pk}-{digest[:16]}.pdf", ContentFile(data), save=False)
    deal.contract_sha256 = digest
    deal.save(update_fields=["contract_pdf", "contract_sha256"])


def reserves_listing(deal: Deal) -> bool:
    # Only a concluded transfer takes the listing off the market: licences can be granted
    # again (and exclusivity is checked at recordal), an intended agreement binds nobody.
    return deal.commitment == Commitment.CONCLUDED and deal.kind == DealKind.TRANSFER
