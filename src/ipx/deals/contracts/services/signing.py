"""Signing the contract, and concluding an intended agreement (意向) as a contract (成交)
that both sides sign again."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ipx.accounts.models import User
from ipx.core.network import client_ip
from ipx.deals.contracts import notices
from ipx.deals.contracts.pdf import deal_number
from ipx.deals.contracts.services.common import locked_deal, notify_parties, reserves_listing, store_contract
from ipx.deals.contracts.workflow import DEAL, acting_for
from ipx.deals.models import Commitment, Deal, DealSignature
from ipx.deals.timeline import moment_param
from ipx.listings.services import listing_reserve


@transaction.atomic
def deal_sign(*, deal_id: int, actor: User, ip_address: str | None = None, user_agent: str = "") -> Deal:
    """A member of the buyer or the seller signs the contract for their organisation, once;
    the second signature makes the deal signed."""
    deal = locked_deal(actor, deal_id)
    DEAL.check(deal, "sign", actor)
    organisation = acting_for(deal, actor)
    assert organisation is not None  # the table lets only a party's member sign
    DEAL.transition(deal, "sign", actor=actor, acting_for=organisation, check=False,
                    params={"organisation": organisation.name, "sha256": deal.contract_sha256})
    DealSignature.objects.create(deal=deal, organisation=organisation, user=actor,
                                 contract_sha256=deal.contract_sha256, ip_address=client_ip(ip_address),
                                 user_agent=(user_agent or "")[:300])
    signed = set(deal.signatures.values_list("organisation_id", flat=True))
    if {deal.buyer_id, deal.seller_id} <= signed:
        DEAL.transition(deal, "fully_signed", actor=actor, check=False)
        notify_parties(deal, notices.SIGNED, actor=actor,
                       params={"intended": deal.commitment == Commitment.INTENDED})
    else:
        notify_parties(deal, notices.SIGNED_BY_ONE, actor=actor, params={"name": organisation.name})
    return deal


@transaction.atomic
def deal_conclude(*, deal_id: int, actor: User) -> Deal:
    """An intended agreement becomes a concluded contract; both sides sign the new contract."""
    deal = locked_deal(actor, deal_id)
    DEAL.check(deal, "conclude", actor)
    # The signatures were for the intended agreement's text; the event keeps them on record.
    previous = [{"organisation": s.organisation.name, "email": s.user.email, "signed_at": moment_param(s.signed_at),
                 "sha256": s.contract_sha256}
                for s in deal.signatures.select_related("organisation", "user").order_by("pk")]
    deal.signatures.all().delete()
    deal.commitment = Commitment.CONCLUDED
    params: dict[str, Any] = {"earlier": previous} if previous else {}
    DEAL.transition(deal, "conclude", actor=actor, params=params, fields=("commitment",), check=False,
                    acting_for=acting_for(deal, actor))
    store_contract(deal)
    if reserves_listing(deal):
        listing_reserve(listing_id=deal.listing_id, actor=actor, note=deal_number(deal))
    notify_parties(deal, notices.CONCLUDED, actor=actor)
    return deal
