"""Negotiations and deals for the demo logins, each made through the services.

- The buyer deposits money, asks about one of the owner's patents, the agent joins for the
  buyer, offers go back and forth, and the buyer accepts a counter-offer: a concluded
  transfer paid in two milestones, signed by both, funded, the first milestone released on
  signing, the recordal submitted and checked — completed, so the patent changed hands.
- The buyer and the university sign an intended licence agreement (意向), counted apart.
- A concluded licence with the university is signed and funded, waiting for its recordal.
- An open offer from the buyer waits for the owner's answer.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from ipx.accounts.models import Organisation, User
from ipx.core.money import Money
from ipx.deals.contracts.services import (
    deal_check_recordal,
    deal_sign,
    deal_submit_recordal,
    milestone_fund,
    milestone_release,
)
from ipx.deals.models import Deal
from ipx.deals.negotiation.messages import message_post
from ipx.deals.negotiation.offers import offer_accept, offer_counter, offer_make
from ipx.deals.negotiation.terms import OfferTerms
from ipx.deals.negotiation.threads import thread_agent_add, thread_open
from ipx.ledger.services import deposit_record
from ipx.listings.models import Listing, OfferKind

DEMO_IP = "203.0.113.10"  # documentation address range (RFC 5737)
DEMO_BROWSER = "IPX demo loader"


def _listings(organisation: Organisation, kind: str) -> list[Listing]:
    """The holder's published single-asset listings offered as ``kind`` in CNY."""
    candidates = (Listing.objects.filter(organisation=organisation, status=Listing.Status.PUBLISHED, currency="CNY")
                  .order_by("pk").prefetch_related("asset_links"))
    return [listing for listing in candidates
            if kind in listing.offer_kinds and len(listing.asset_links.all()) == 1]


def _round(amount: Decimal) -> Decimal:
    return (amount / 1000).quantize(Decimal(1)) * 1000


def _price(listing: Listing) -> Decimal:
    """What the seller asks, or for a negotiable listing a plausible figure to start from."""
    return listing.price_amount or Decimal("600000")


def _expiry(days: int) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


def _sign_both(deal: Deal, buyer: User, seller: User) -> None:
    for user in (seller, buyer):
        deal_sign(deal_id=deal.pk, actor=user, ip_address=DEMO_IP, user_agent=DEMO_BROWSER)


def create_deals(organisations: dict[str, Organisation], admins: dict[str, User], operator: User) -> dict[str, int]:
    buyer_org, owner_org, university_org = (organisations[key] for key in ("buyer", "owner", "university"))
    buyer, owner, university, agent = (admins[key] for key in ("buyer", "owner", "university", "agent"))
    deposit_record(organisation=buyer_org, money=Money(Decimal("3000000.00"), "CNY"),
                   provider_reference="DEMO-DEPOSIT-0001", actor=buyer)

    transfers = _listings(owner_org, OfferKind.TRANSFER)
    licences = _listings(university_org, OfferKind.LICENCE)
    if len(transfers) < 2 or len(licences) < 2:
        return {}

    # 1. A completed transfer, with an agent, a counter-offer and two milestones.
    listing = transfers[0]
    price = _price(listing)
    thread = thread_open(listing_id=listing.pk, actor=buyer, organisation_id=buyer_org.pk,
                         message="您好，我们希望将该专利用于家电产品线，请问是否可以转让？能否提供权利要求书和检测报告？")
    thread_agent_add(thread_id=thread.pk, actor=buyer, organisation_id=organisations["agent"].pk)
    message_post(thread_id=thread.pk, actor=owner, body="可以转让。专利维持有效，年费已缴至明年，欢迎出价。")
    message_post(thread_id=thread.pk, actor=agent, body="我们代表买方，建议首付款在签约后支付，余款在转让登记后支付。")
    first = offer_make(thread_id=thread.pk, actor=buyer, terms=_terms(listing, {
        "kind": "transfer", "commitment": "concluded", "price_amount": _round(price * Decimal("0.8")),
        "currency": "CNY", "payment_structure": "lump_sum", "expires_at": _expiry(14)}))
    agreed = _round(price * Decimal("0.9"))
    on_signing = _round(agreed * Decimal("0.3"))
    counter = offer_counter(offer_id=first.pk, actor=owner, terms=_terms(listing, {
        "kind": "transfer", "commitment": "concluded", "price_amount": agreed, "currency": "CNY",
        "payment_structure": "milestones", "expires_at": _expiry(14),
        "milestones": [
            {"title": "签约首付款 / Payment on signing", "amount": on_signing, "condition": "on_signing"},
            {"title": "登记后尾款 / Balance after recordal", "amount": agreed - on_signing,
             "condition": "on_recordal"},
        ]}))
    completed = offer_accept(offer_id=counter.pk, actor=buyer)
    _sign_both(completed, buyer, owner)
    for position in (1, 2):
        milestone_fund(deal_id=completed.pk, position=position, actor=buyer)
    milestone_release(deal_id=completed.pk, position=1, actor=buyer)
    deal_submit_recordal(deal_id=completed.pk, actor=owner, recordal_number="2026440000123456")
    deal_check_recordal(deal_id=completed.pk, operator=operator, approve=True,
                        note="Recordal found in the CNIPA register.")

    # 2. An intended licence agreement (意向), signed, not binding, not funded.
    listing = licences[0]
    thread = thread_open(listing_id=listing.pk, actor=buyer, organisation_id=buyer_org.pk,
                         message="我们有意获得该专利在华南地区的普通许可，先签订意向书可以吗？")
    offer = offer_make(thread_id=thread.pk, actor=buyer, terms=_licence_terms(listing, "intended"))
    intended = offer_accept(offer_id=offer.pk, actor=university)
    _sign_both(intended, buyer, university)

    # 3. A concluded licence, signed and funded, waiting for its recordal.
    listing = licences[1]
    thread = thread_open(listing_id=listing.pk, actor=buyer, organisation_id=buyer_org.pk,
                         message="Could we license this patent for household appliances in Guangdong?")
    offer = offer_make(thread_id=thread.pk, actor=university, terms=_licence_terms(listing, "concluded"))
    funded = offer_accept(offer_id=offer.pk, actor=buyer)
    _sign_both(funded, buyer, university)
    milestone_fund(deal_id=funded.pk, position=1, actor=buyer)

    # 4. An open offer waiting for the owner.
    listing = transfers[1]
    thread = thread_open(listing_id=listing.pk, actor=buyer, organisation_id=buyer_org.pk,
                         message="请问该专利是否已有许可在先？我们考虑整体受让。")
    offer_make(thread_id=thread.pk, actor=buyer, terms=_terms(listing, {
        "kind": "transfer", "commitment": "concluded", "price_amount": _round(_price(listing) * Decimal("0.85")),
        "currency": "CNY", "payment_structure": "lump_sum", "expires_at": _expiry(10)}))
    return {"deals completed": 1, "deals intended": 1, "deals awaiting recordal": 1, "open offers": 1}


def _terms(listing: Listing, values: dict[str, Any]) -> OfferTerms:
    return OfferTerms.parse(values, listing_currency=listing.currency)


def _licence_terms(listing: Listing, commitment: str) -> OfferTerms:
    return _terms(listing, {"kind": "licence", "commitment": commitment,
            "price_amount": _round(_price(listing) * Decimal("0.5")),
            "currency": "CNY", "payment_structure": "lump_sum", "licence_exclusivity": "non_exclusive",
            "licence_territory": "广东省", "licence_field": "家用电器", "licence_term_months": 36,
            "expires_at": _expiry(14)})
