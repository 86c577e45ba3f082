"""Small builders for deal tests: a published listing, a thread and an offer already accepted
(written with the models, as negotiation would leave them), and money on a member's account."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from ipx.accounts.models import Organisation, User
from ipx.core.money import Money
from ipx.deals.contracts import services
from ipx.deals.models import Deal, DealEvent, Offer, OfferAsset, OfferMilestone, Thread, ThreadAgent
from ipx.ledger import services as ledger
from ipx.ledger.models import LedgerAccount, LedgerTransaction, Posting
from ipx.listings.models import Listing
from ipx.notifications.models import Notification
from ipx.testing.factories import listing_with_patent
from ipx.testing.fixtures import Member


def accepted_offer(seller: Member, buyer: Member, *, milestones: list[tuple[str, str, str]] | None = None,
                   offer_from_buyer: bool = True, listing: Listing | None = None, **terms: Any) -> Offer:
    """An accepted offer on a new published listing of one patent held by ``seller``.

    ``milestones`` are (title, amount, condition) triples.
    """
    kind = terms.get("kind", "transfer")
    if listing is None:
        listing = listing_with_patent(seller.organisation, seller.user, status=Listing.Status.PUBLISHED,
                                      offer_kinds=[kind], published_at=timezone.now())
    thread = Thread.objects.create(listing=listing, buyer=buyer.organisation, seller=seller.organisation,
                                   subject=f"关于 {listing.title}", created_by=buyer.user)
    values: dict[str, Any] = {"kind": "transfer", "commitment": "concluded", "price_amount": Decimal("500000.00"),
                              "currency": "CNY", "payment_structure": "lump_sum"}
    values.update(terms)
    offerer, offeree = (buyer, seller) if offer_from_buyer else (seller, buyer)
    offer = Offer.objects.create(thread=thread, from_organisation=offerer.organisation,
                                 to_organisation=offeree.organisation, status=Offer.Status.ACCEPTED,
                                 expires_at=timezone.now() + timedelta(days=7), created_by=offerer.user, **values)
    for link in listing.asset_links.order_by("position", "pk"):
        OfferAsset.objects.create(offer=offer, asset_id=link.asset_id, position=link.position)
    for position, (title, amount, condition) in enumerate(milestones or [], start=1):
        OfferMilestone.objects.create(offer=offer, position=position, title=title, amount=Decimal(amount),
                                      condition=condition)
    return offer


def make_deal(seller: Member, buyer: Member, **terms: Any) -> Deal:
    offer = accepted_offer(seller, buyer, **terms)
    acceptor = seller if terms.get("offer_from_buyer", True) else buyer
    return services.deal_create_from_offer(offer=offer, actor=acceptor.user)


def sign_both(deal: Deal, seller: Member, buyer: Member) -> Deal:
    services.deal_sign(deal_id=deal.pk, actor=seller.user, ip_address="203.0.113.7", user_agent="pytest")
    services.deal_sign(deal_id=deal.pk, actor=buyer.user, ip_address="198.51.100.2", user_agent="pytest")
    deal.refresh_from_db()
    return deal


def deposit(member: Member, amount: str, currency: str = "CNY") -> None:
    ledger.deposit_record(organisation=member.organisation, money=Money(Decimal(amount), currency),
                          provider_reference=f"test-{member.organisation.pk}-{amount}")


def available(organisation: Organisation, currency: str = "CNY") -> Decimal:
    return _balance(key=f"org:{organisation.pk}:available:{currency}")


def escrow_total(currency: str = "CNY") -> Decimal:
    total = Posting.objects.filter(account__kind=LedgerAccount.Kind.ESCROW, currency=currency).aggregate(
        total=Sum("amount"))["total"]
    return (total or Decimal("0")).quantize(Decimal("0.01"))


def fee_income(currency: str = "CNY") -> Decimal:
    return _balance(key=f"platform:fee_income:{currency}")


def _balance(*, key: str) -> Decimal:
    total = Posting.objects.filter(account__key=key).aggregate(total=Sum("amount"))["total"]
    return (total or Decimal("0")).quantize(Decimal("0.01"))


def ledger_count() -> int:
    return LedgerTransaction.objects.count()


def snapshot(deal: Deal) -> tuple[Any, ...]:
    """Everything a refused action must leave as it was."""
    deal.refresh_from_db()
    return (
        deal.status, deal.commitment, deal.contract_sha256, deal.recordal_number, deal.cancel_reason,
        list(deal.milestones.order_by("pk").values_list("status", "released_amount", "refunded_amount")),
        list(deal.signatures.order_by("pk").values_list("organisation_id", "user_id")),
        list(deal.disputes.order_by("pk").values_list("status", "decision_note")),
        deal.events.count(), ledger_count(),
        Listing.objects.filter(pk=deal.listing_id).values_list("status", flat=True).get(),
    )


def add_agent(deal: Deal, agency: Member, side: str = "buyer") -> None:
    ThreadAgent.objects.create(thread=deal.thread, organisation=agency.organisation, side=side, added_by=agency.user)


# Deals in the states the access tests start from (``operator`` unused, for a uniform signature).
TWO_STEPS = [("签约款", "100000.00", "on_signing"), ("备案后尾款", "400000.00", "on_recordal")]


def fresh(owner: Member, buyer: Member, operator: User) -> Deal:
    return make_deal(owner, buyer, payment_structure="milestones", milestones=TWO_STEPS)


def signed(owner: Member, buyer: Member, operator: User) -> Deal:
    deal = sign_both(fresh(owner, buyer, operator), owner, buyer)
    deposit(buyer, "500000")
    return deal


def funded(owner: Member, buyer: Member, operator: User) -> Deal:
    deal = signed(owner, buyer, operator)
    services.milestone_fund(deal_id=deal.pk, position=1, actor=buyer.user)
    return deal


def intended(owner: Member, buyer: Member, operator: User) -> Deal:
    return make_deal(owner, buyer, commitment="intended")


def submitted(owner: Member, buyer: Member, operator: User) -> Deal:
    deal = funded(owner, buyer, operator)
    services.deal_submit_recordal(deal_id=deal.pk, actor=owner.user, recordal_number="2023990000123")
    return deal


# --- What a deal's steps left behind ------------------------------------------------------------

def listing_status(deal: Deal) -> str:
    return Listing.objects.get(pk=deal.listing_id).status


def events(deal: Deal) -> list[tuple[str, str, str]]:
    return list(DealEvent.objects.filter(deal=deal).values_list("verb", "from_status", "to_status"))


def verbs(user: User) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("verb", flat=True))
