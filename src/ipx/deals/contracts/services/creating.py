"""An accepted offer becomes a deal: its terms, assets and milestones copied, its contract
written in the parties' languages, and (for a concluded transfer) its listing reserved."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from ipx.accounts.models import Membership, Organisation, User
from ipx.core.errors import Conflict, InvalidTransition
from ipx.deals.contracts import escrow, notices
from ipx.deals.contracts.pdf import contract_languages, deal_number, encode_languages, in_languages
from ipx.deals.contracts.services.common import notify_parties, reserves_listing, store_contract
from ipx.deals.contracts.workflow import DEAL
from ipx.deals.models import Deal, DealAsset, DealKind, DealMilestone, MilestoneCondition, Offer, Terms
from ipx.deals.timeline import Verb
from ipx.listings.services import listing_reserve

# Every field of the shared Terms, so a term added there is copied too.
TERMS_FIELDS = tuple(field.name for field in Terms._meta.fields)


def preferred_language(organisation: Organisation, candidates: list[User]) -> str:
    """The language of whoever acted for ``organisation`` in the offer, else of its administrator."""
    members = set(Membership.objects.filter(organisation=organisation, user__in=candidates)
                  .values_list("user_id", flat=True))
    for user in candidates:
        if user.pk in members:
            return user.preferred_language
    membership = (Membership.objects.filter(organisation=organisation, user__is_active=True)
                  .select_related("user").order_by("role", "pk").first())  # "admin" sorts before "member"
    return membership.user.preferred_language if membership is not None else "en"


def _default_milestone(deal: Deal, languages: tuple[str, ...]) -> tuple[str, str]:
    """Title (in the contract's languages: it is printed in it) and condition of the one
    milestone of a deal whose offer named none.

    Transfers and licences pay the full price into escrow and release it once the recordal
    is checked: that is when the buyer has what it paid for. Use first, pay later is a
    licence whose fee falls due after the free trial; the one milestone is that fee, and it
    too is released on the checked recordal (on_recordal), because the recorded licence is
    what the licensee pays for and the only event the exchange can verify — the end of the
    trial only says when the buyer funds it, not whether the seller has earned it.
    """
    if deal.kind == DealKind.USE_FIRST:
        if deal.trial_months:
            return in_languages("milestone.after_months", languages, n=deal.trial_months), \
                MilestoneCondition.ON_RECORDAL
        return in_languages("milestone.after_trial", languages), MilestoneCondition.ON_RECORDAL
    if deal.kind == DealKind.LICENCE:
        return in_languages("milestone.licence_fee", languages), MilestoneCondition.ON_RECORDAL
    return in_languages("milestone.full_price", languages), MilestoneCondition.ON_RECORDAL


@transaction.atomic
def deal_create_from_offer(*, offer: Offer, actor: User, fee_percent: Decimal | None = None) -> Deal:
    """The accepted offer becomes a deal with a copy of its terms, IP rights and milestones.

    Called by ``offer_accept`` (which has checked that ``actor`` may accept) in the same
    transaction, or by ``sale_conclude`` for a sale concluded elsewhere on the exchange, whose
    own fee (an auction's seller's commission) replaces the platform fee. Generates the contract
    PDF and, for a concluded transfer, reserves the listing.
    """
    offer = (Offer.objects.select_for_update(of=("self",))
             .select_related("thread__listing", "thread__buyer", "thread__seller", "created_by")
             .get(pk=offer.pk))
    if offer.status != Offer.Status.ACCEPTED:
        raise InvalidTransition(_("Only an accepted offer becomes a deal."))
    if Deal.objects.filter(offer=offer).exists():
        raise Conflict(_("This offer has already become a deal."))
    offered_assets = list(offer.asset_links.order_by("position", "pk").values_list("asset_id", flat=True))
    if not offered_assets:
        raise Conflict(_("This offer names no IP rights, so it cannot become a deal."))
    thread = offer.thread
    offering, accepting = offer.created_by, actor
    buyer_people = [offering, accepting] if offer.from_organisation_id == thread.buyer_id else [accepting, offering]
    languages = contract_languages(preferred_language(thread.buyer, buyer_people),
                                   preferred_language(thread.seller, buyer_people[::-1]))
    deal = Deal.objects.create(
        offer=offer, thread=thread, listing=thread.listing, buyer=thread.buyer, seller=thread.seller,
        fee_percent=escrow.platform_fee_percent() if fee_percent is None else fee_percent,
        contract_language=encode_languages(languages),
        **{name: getattr(offer, name) for name in TERMS_FIELDS},
    )
    # The IP rights the offer was made on (``offer_accept`` has checked the listing still
    # holds them), never whatever the listing holds by now.
    DealAsset.objects.bulk_create(DealAsset(deal=deal, asset_id=asset_id) for asset_id in offered_assets)
    offered = list(offer.milestones.order_by("position"))
    if offered:
        DealMilestone.objects.bulk_create(
            DealMilestone(deal=deal, position=m.position, title=m.title, amount=m.amount, condition=m.condition)
            for m in offered
        )
    elif deal.price_amount > 0:
        title, condition = _default_milestone(deal, languages)
        DealMilestone.objects.create(deal=deal, position=1, title=title, amount=deal.price_amount,
                                     condition=condition)
    DEAL.record(deal, Verb.CREATED, actor=actor, from_status="", params={"offer": offer.pk})
    store_contract(deal)
    if reserves_listing(deal):
        listing_reserve(listing_id=deal.listing_id, actor=actor, note=deal_number(deal))
    notify_parties(deal, notices.CREATED, actor=actor)
    return deal
