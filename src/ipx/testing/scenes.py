"""Steps that set a scene through the services, as the exchange itself would: a person with
a confirmed address, a listing taken through review, a deal in two milestones from an
inquiry, an offer and its acceptance, both signatures, money paid in."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from ipx.accounts.models import Membership, Organisation, User
from ipx.core.money import Money
from ipx.deals.contracts import services as deal_services
from ipx.deals.models import Deal
from ipx.deals.negotiation import offers as offer_services
from ipx.deals.negotiation import threads as thread_services
from ipx.deals.negotiation.terms import OfferTerms
from ipx.ledger import services as ledger_services
from ipx.listings import services as listing_services
from ipx.listings.models import Listing
from ipx.testing.factories import MembershipFactory, UserFactory, listing_with_patent

TWO_MILESTONES = [("签约款", "100000.00", "on_signing"), ("备案后尾款", "400000.00", "on_recordal")]


def person(
    email: str,
    name: str,
    organisation: Organisation | None,
    *,
    role: str = Membership.Role.ADMIN,
    signatory: bool = False,
    **user_fields: object,
) -> User:
    # Confirmed addresses: a person binds an organisation only once theirs is.
    user = UserFactory.create(email=email, full_name=name, email_confirmed_at=timezone.now(), **user_fields)
    if organisation is not None:
        MembershipFactory.create(user=user, organisation=organisation, role=role, is_signatory=signatory)
    return user


def offer_terms(**changes: object) -> OfferTerms:
    values: dict[str, object] = {
        "kind": "transfer",
        "commitment": "concluded",
        "price_amount": "100000.00",
        "currency": "CNY",
        "payment_structure": "lump_sum",
        **changes,
    }
    return OfferTerms.parse(values, listing_currency="CNY")


def published_listing(organisation: Organisation, user: User, operator: User, **fields: object) -> Listing:
    listing = listing_with_patent(organisation, user, expires_on=timezone.localdate() + timedelta(days=300), **fields)
    listing_services.listing_submit(listing_id=listing.pk, actor=user)
    return listing_services.listing_approve(listing_id=listing.pk, operator=operator)


def deal_in_two_milestones(
    seller: Organisation,
    seller_user: User,
    buyer: Organisation,
    buyer_user: User,
    operator: User,
    agency: Organisation,
    *,
    home_admin: User,
    agent_side: str,
    commitment: str = "concluded",
    title: str = "",
) -> Deal:
    """A deal in two milestones on a new listing of ``seller``: the buyer inquires and offers,
    the seller's administrator accepts; the agency acts for home's side of the thread."""
    listing = published_listing(seller, seller_user, operator, **({"title": title} if title else {}))
    thread = thread_services.thread_open(
        listing_id=listing.pk, actor=buyer_user, organisation_id=buyer.pk, message="我们有意购买。"
    )
    thread_services.thread_agent_add(thread_id=thread.pk, actor=home_admin, organisation_id=agency.pk)
    milestones = [
        {"title": title, "amount": amount, "condition": condition} for title, amount, condition in TWO_MILESTONES
    ]
    offer = offer_services.offer_make(
        thread_id=thread.pk,
        actor=buyer_user,
        terms=offer_terms(
            commitment=commitment, price_amount="500000.00", payment_structure="milestones", milestones=milestones
        ),
    )
    return offer_services.offer_accept(offer_id=offer.pk, actor=seller_user)


def signed_by_both(deal: Deal, seller_user: User, buyer_user: User) -> Deal:
    deal_services.deal_sign(deal_id=deal.pk, actor=seller_user, ip_address="203.0.113.7", user_agent="matrix")
    deal_services.deal_sign(deal_id=deal.pk, actor=buyer_user, ip_address="198.51.100.2", user_agent="matrix")
    deal.refresh_from_db()
    return deal


def deposit(organisation: Organisation, amount: str) -> None:
    ledger_services.deposit_record(
        organisation=organisation,
        money=Money(Decimal(amount), "CNY"),
        provider_reference=f"matrix-{organisation.pk}-{amount}",
    )
