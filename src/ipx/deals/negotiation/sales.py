"""A sale concluded elsewhere on the exchange (a lot knocked down at auction) becomes a deal
like any other: the seller set the terms when it offered the lot and the buyer accepted them
with its winning bid, so the offer is recorded in the buyer's thread as made by the seller and
accepted at once, and the deal follows with its contract, signatures, escrow and recordal. The
deal is bound by the sale (``Deal.bound_by_sale``): neither side may cancel it alone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.core.errors import Conflict
from ipx.deals.contracts.pdf import contract_languages, in_languages
from ipx.deals.contracts.services import deal_create_from_offer
from ipx.deals.contracts.services.creating import preferred_language
from ipx.deals.models import (
    Commitment,
    Deal,
    DealKind,
    MilestoneCondition,
    Offer,
    OfferAsset,
    OfferMilestone,
    PaymentStructure,
)
from ipx.deals.negotiation.services import touch
from ipx.deals.negotiation.threads import thread_about
from ipx.deals.negotiation.workflow import OFFER, THREAD
from ipx.deals.rights import rights_refusal
from ipx.listings.models import Listing


@dataclass(frozen=True, slots=True, kw_only=True)
class Sale:
    listing: Listing
    buyer: Organisation
    kind: str  # DealKind.TRANSFER or DealKind.LICENCE
    price: Decimal
    currency: str
    # The exchange's fee on each release to the seller (an auction's seller's commission).
    fee_percent: Decimal
    # The payment in parts: (the title's key in the contract's wording, amount), summing to the price.
    parts: Sequence[tuple[str, Decimal]]
    # Why the terms bind: a key of the contract's wording and its values, printed in the contract.
    note: tuple[str, Mapping[str, object]] = field(default=("", {}))


@transaction.atomic
def sale_conclude(*, sale: Sale, actor: User) -> Deal:
    """The buyer's thread about the listing (opened or reopened), the seller's offer on the
    sale's terms accepted by ``actor`` for the buyer, and the deal it becomes."""
    listing = Listing.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=sale.listing.pk)
    # The auction checks this at its close; here it is the last word before a deal is made.
    if listing.status != Listing.Status.PUBLISHED:
        raise Conflict(_("The listing is no longer on offer (it is %(status)s).")
                       % {"status": listing.get_status_display()})
    licence = sale.kind == DealKind.LICENCE
    taken = rights_refusal(kind=sale.kind, exclusivity=listing.licence_exclusivity if licence else "",
                           territory=listing.licence_territory if licence else "",
                           field=listing.licence_field if licence else "", buyer_id=sale.buyer.pk,
                           asset_ids=list(listing.asset_links.values_list("asset_id", flat=True)))
    if taken:
        raise Conflict(taken, code="rights_taken")
    thread, created = thread_about(listing, sale.buyer, actor)
    if created:
        THREAD.record(thread, "open", actor=actor, acting_for=sale.buyer, from_status="")
    elif thread.status == thread.Status.CLOSED:
        THREAD.transition(thread, "reopen", actor=actor, acting_for=sale.buyer, check=False)
    languages = contract_languages(preferred_language(sale.buyer, [actor]),
                                   preferred_language(listing.organisation, []))
    note_key, note_values = sale.note
    offer = Offer.objects.create(
        thread=thread, from_organisation=listing.organisation, to_organisation=sale.buyer, created_by=actor,
        kind=sale.kind, commitment=Commitment.CONCLUDED, currency=sale.currency, price_amount=sale.price,
        payment_structure=PaymentStructure.MILESTONES if len(sale.parts) > 1 else PaymentStructure.LUMP_SUM,
        licence_exclusivity=listing.licence_exclusivity if licence else "",
        licence_territory=listing.licence_territory if licence else "",
        licence_field=listing.licence_field if licence else "",
        licence_term_months=listing.licence_term_months if licence else None,
        notes=in_languages(note_key, languages, **note_values) if note_key else "", expires_at=timezone.now())
    OfferMilestone.objects.bulk_create([
        OfferMilestone(offer=offer, position=position, title=in_languages(key, languages), amount=amount,
                       condition=MilestoneCondition.ON_RECORDAL)
        for position, (key, amount) in enumerate(sale.parts, start=1)
    ])
    OfferAsset.objects.bulk_create([
        OfferAsset(offer=offer, asset_id=asset_id, position=position)
        for asset_id, position in listing.asset_links.order_by("position", "pk").values_list("asset_id", "position")
    ])
    OFFER.record(offer, "make", actor=actor, acting_for=listing.organisation, from_status="")
    OFFER.transition(offer, "accept", actor=actor, acting_for=sale.buyer, check=False)
    touch(thread)
    deal = deal_create_from_offer(offer=offer, actor=actor, fee_percent=sale.fee_percent)
    deal.bound_by_sale = True
    deal.save(update_fields=["bound_by_sale"])
    return deal
