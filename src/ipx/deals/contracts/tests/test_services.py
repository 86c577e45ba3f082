"""Deals from an accepted offer until they are signed: creation from the offer, signatures,
intended agreements; every refusal leaves everything as it was (deal, milestones, signatures,
events, ledger, listing)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from pytest_django.fixtures import SettingsWrapper

from ipx.accounts.models import User
from ipx.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied
from ipx.deals.contracts import selectors, services
from ipx.deals.contracts.tests.helpers import (
    TWO_STEPS,
    accepted_offer,
    add_agent,
    available,
    deposit,
    events,
    listing_status,
    make_deal,
    sign_both,
    snapshot,
    verbs,
)
from ipx.deals.models import Deal, DealEvent, DealMilestone, DealSignature, Offer
from ipx.deals.timeline import deal_event_text
from ipx.listings.models import Listing
from ipx.testing.factories import MembershipFactory, UserFactory
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


# --- Creating ----------------------------------------------------------------------------------

def test_offer_terms_assets_and_milestones_are_copied(owner: Member, buyer: Member) -> None:
    offer = accepted_offer(owner, buyer, kind="licence", licence_exclusivity="sole", licence_territory="粤港澳大湾区",
                           licence_field="电动汽车", licence_term_months=36, royalty_percent=Decimal("3.50"),
                           payment_structure="milestones", notes="技术培训两次", milestones=TWO_STEPS)
    deal = services.deal_create_from_offer(offer=offer, actor=owner.user)

    assert (deal.kind, deal.commitment, deal.price_amount, deal.currency) == (
        "licence", "concluded", Decimal("500000.00"), "CNY")
    assert (deal.licence_exclusivity, deal.licence_territory, deal.licence_field, deal.licence_term_months) == (
        "sole", "粤港澳大湾区", "电动汽车", 36)
    assert (deal.royalty_percent, deal.payment_structure, deal.notes) == (Decimal("3.50"), "milestones", "技术培训两次")
    assert (deal.buyer, deal.seller, deal.thread, deal.listing) == (
        buyer.organisation, owner.organisation, offer.thread, offer.thread.listing)
    assert list(deal.assets.all()) == [link.asset for link in offer.thread.listing.asset_links.all()]
    assert list(deal.milestones.values_list("position", "title", "amount", "condition", "status")) == [
        (1, "签约款", Decimal("100000.00"), "on_signing", "pending"),
        (2, "备案后尾款", Decimal("400000.00"), "on_recordal", "pending")]
    assert deal.fee_percent == Decimal("2.00")
    assert deal.status == "awaiting_signatures"
    assert events(deal) == [("created", "", "awaiting_signatures")]
    assert re.fullmatch(rf"contracts/{timezone.now():%Y/%m}/[0-9a-f]{{32}}\.pdf", deal.contract_pdf.name)
    assert len(deal.contract_sha256) == 64
    # A licence does not take the listing off the market.
    assert listing_status(deal) == "published"


@pytest.mark.parametrize(("kind", "terms", "title"), [
    ("transfer", {}, "Full price"),
    ("licence", {"licence_exclusivity": "non_exclusive"}, "Licence fee"),
    ("transfer", {"payment_structure": "royalty", "royalty_percent": Decimal("5.00")}, "Full price"),
    ("use_first", {"trial_months": 6}, "Fee after the 6-month free trial"),
])
def test_one_milestone_of_the_full_price_when_the_offer_named_none(owner: Member, buyer: Member, kind: str,
                                                                    terms: dict[str, object], title: str) -> None:
    deal = make_deal(owner, buyer, kind=kind, price_amount=Decimal("80000.00"), **terms)
    assert list(deal.milestones.values_list("position", "title", "amount", "condition")) == [
        (1, title, Decimal("80000.00"), "on_recordal")]


def test_fee_percent_comes_from_the_setting_and_stays_with_the_deal(owner: Member, buyer: Member,
                                                                    settings: SettingsWrapper) -> None:
    settings.IPX_PLATFORM_FEE_PERCENT = Decimal("1.5")
    deal = make_deal(owner, buyer)
    settings.IPX_PLATFORM_FEE_PERCENT = Decimal("3")
    deal.refresh_from_db()
    assert deal.fee_percent == Decimal("1.50")


def test_concluded_transfer_reserves_the_listing_intended_does_not(owner: Member, buyer: Member) -> None:
    concluded = make_deal(owner, buyer)
    assert listing_status(concluded) == "reserved"
    intended = make_deal(owner, buyer, commitment="intended")
    assert (intended.commitment, listing_status(intended)) == ("intended", "published")


def test_only_an_accepted_offer_becomes_a_deal_once(owner: Member, buyer: Member) -> None:
    offer = accepted_offer(owner, buyer)
    Offer.objects.filter(pk=offer.pk).update(status=Offer.Status.OPEN)
    with pytest.raises(InvalidTransition):
        services.deal_create_from_offer(offer=offer, actor=owner.user)
    Offer.objects.filter(pk=offer.pk).update(status=Offer.Status.ACCEPTED)
    services.deal_create_from_offer(offer=offer, actor=owner.user)
    with pytest.raises(Conflict, match="already become a deal"):
        services.deal_create_from_offer(offer=offer, actor=owner.user)
    assert Deal.objects.count() == 1


def test_creation_is_refused_whole_when_the_listing_cannot_be_reserved(owner: Member, buyer: Member) -> None:
    offer = accepted_offer(owner, buyer)
    Listing.objects.filter(pk=offer.thread.listing_id).update(status=Listing.Status.SOLD)
    with pytest.raises(InvalidTransition):
        services.deal_create_from_offer(offer=offer, actor=owner.user)
    assert (Deal.objects.count(), DealMilestone.objects.count(), DealEvent.objects.count()) == (0, 0, 0)


def test_contract_language_from_the_offering_and_accepting_people(owner: Member, buyer: Member) -> None:
    buyer.user.preferred_language = "zh-hans"
    buyer.user.save()
    assert make_deal(owner, buyer).contract_language == "hans+en"
    owner.user.preferred_language = "zh-hans"
    owner.user.save()
    assert make_deal(owner, buyer).contract_language == "zh-hans"
    owner.user.preferred_language = "zh-hant"
    owner.user.save()
    assert make_deal(owner, buyer).contract_language == "hans+hant"


def test_contract_language_falls_back_to_the_organisations_administrator(owner: Member, buyer: Member,
                                                                         operator: User) -> None:
    # The offer was made by the seller; the buyer's side is known only through its administrator.
    buyer.user.preferred_language = "zh-hant"
    buyer.user.save()
    colleague = UserFactory.create(preferred_language="en")
    MembershipFactory.create(user=colleague, organisation=owner.organisation, role="member")
    offer = accepted_offer(owner, buyer, offer_from_buyer=False)
    Offer.objects.filter(pk=offer.pk).update(created_by=colleague)
    offer.refresh_from_db()
    deal = services.deal_create_from_offer(offer=offer, actor=operator)  # neither side's member accepted here
    assert deal.contract_language == "hant+en"


def test_deal_created_notifies_the_other_side(owner: Member, buyer: Member) -> None:
    make_deal(owner, buyer)
    assert (verbs(buyer.user), verbs(owner.user)) == (["deal.created"], [])


# --- Signing -------------------------------------------------------------------------------------

def test_both_sides_sign_once_each(owner: Member, buyer: Member) -> None:
    deal = make_deal(owner, buyer)
    services.deal_sign(deal_id=deal.pk, actor=buyer.user, ip_address="198.51.100.2", user_agent="Firefox/140")
    deal.refresh_from_db()
    assert deal.status == "awaiting_signatures"
    signature = DealSignature.objects.get(deal=deal)
    assert (signature.organisation, signature.user, signature.ip_address, signature.user_agent,
            signature.contract_sha256) == (buyer.organisation, buyer.user, "198.51.100.2", "Firefox/140",
                                           deal.contract_sha256)

    before = snapshot(deal)
    with pytest.raises(Conflict, match="already signed") as refused:
        services.deal_sign(deal_id=deal.pk, actor=buyer.user, ip_address="198.51.100.2", user_agent="x")
    assert (refused.value.status, refused.value.code) == (409, "already_signed")
    assert snapshot(deal) == before

    services.deal_sign(deal_id=deal.pk, actor=owner.user, ip_address="not an address", user_agent="")
    deal.refresh_from_db()
    assert deal.status == "signed"
    assert DealSignature.objects.get(deal=deal, organisation=owner.organisation).ip_address is None
    # A signature that does not complete the set is recorded in the status it leaves as it was.
    assert events(deal) == [("created", "", "awaiting_signatures"),
                            ("signed", "awaiting_signatures", "awaiting_signatures"),
                            ("signed", "awaiting_signatures", "awaiting_signatures"),
                            ("fully_signed", "awaiting_signatures", "signed")]
    assert verbs(owner.user) == ["deal.signed_by_one"]
    assert verbs(buyer.user) == ["deal.created", "deal.signed"]

    before = snapshot(deal)
    with pytest.raises(Conflict, match="already signed"):
        services.deal_sign(deal_id=deal.pk, actor=owner.user)
    assert snapshot(deal) == before


def test_only_members_of_the_parties_sign(owner: Member, buyer: Member, outsider: Member, operator: User,
                                          agency: Member) -> None:
    deal = make_deal(owner, buyer)
    add_agent(deal, agency)
    before = snapshot(deal)
    with pytest.raises(NotFound):
        services.deal_sign(deal_id=deal.pk, actor=outsider.user)
    with pytest.raises(PermissionDenied):
        services.deal_sign(deal_id=deal.pk, actor=agency.user)
    with pytest.raises(PermissionDenied):
        services.deal_sign(deal_id=deal.pk, actor=operator)
    with pytest.raises(NotFound):
        services.deal_sign(deal_id=999_999, actor=buyer.user)
    assert snapshot(deal) == before


# --- Intended agreements ---------------------------------------------------------------------------

def test_intended_agreement_is_signed_but_never_funded(owner: Member, buyer: Member) -> None:
    deal = sign_both(make_deal(owner, buyer, commitment="intended"), owner, buyer)
    deposit(buyer, "600000")
    before = snapshot(deal)
    with pytest.raises(Conflict, match="intended agreement cannot be funded") as refused:
        services.milestone_fund(deal_id=deal.pk, position=1, actor=buyer.user)
    assert refused.value.code == "intended_agreement"
    with pytest.raises(Conflict, match="conclude it"):
        services.deal_submit_recordal(deal_id=deal.pk, actor=owner.user, recordal_number="2023990000123")
    assert snapshot(deal) == before
    assert available(buyer.organisation) == Decimal("600000.00")


def test_intended_agreement_concluded_both_sign_again(owner: Member, buyer: Member) -> None:
    deal = sign_both(make_deal(owner, buyer, commitment="intended"), owner, buyer)
    old_hash = deal.contract_sha256
    services.deal_conclude(deal_id=deal.pk, actor=buyer.user)
    deal.refresh_from_db()
    assert (deal.commitment, deal.status) == ("concluded", "awaiting_signatures")
    assert deal.contract_sha256 != old_hash
    assert DealSignature.objects.filter(deal=deal).count() == 0
    concluded = DealEvent.objects.get(deal=deal, verb="concluded")
    assert (concluded.from_status, concluded.to_status) == ("signed", "awaiting_signatures")
    # The earlier signatures stay on record, as data: no words stored in anyone's language.
    assert [(row["organisation"], row["sha256"]) for row in concluded.params["earlier"]] == [
        (owner.organisation.name, old_hash), (buyer.organisation.name, old_hash)]
    assert concluded.note == ""
    assert old_hash in deal_event_text(concluded)
    assert listing_status(deal) == "reserved"
    with pytest.raises(Conflict, match="already a concluded contract"):
        services.deal_conclude(deal_id=deal.pk, actor=buyer.user)
    deal = sign_both(deal, owner, buyer)
    assert deal.status == "signed"
    assert set(DealSignature.objects.filter(deal=deal).values_list("contract_sha256", flat=True)) == {
        deal.contract_sha256}


def test_statistics_count_intended_and_concluded_apart(owner: Member, buyer: Member, outsider: Member,
                                                      operator: User) -> None:
    sign_both(make_deal(owner, buyer, commitment="intended", price_amount=Decimal("100000.00")), owner, buyer)
    sign_both(make_deal(owner, buyer, commitment="intended", price_amount=Decimal("50000.00"), currency="HKD"),
              owner, buyer)
    sign_both(make_deal(owner, buyer, price_amount=Decimal("300000.00")), owner, buyer)
    sign_both(make_deal(owner, buyer, price_amount=Decimal("200000.00")), owner, buyer)
    make_deal(owner, buyer, price_amount=Decimal("7.00"))  # not signed yet
    cancelled = sign_both(make_deal(owner, buyer, price_amount=Decimal("9.00")), owner, buyer)
    services.deal_cancel(deal_id=cancelled.pk, actor=operator, reason="买方放弃")  # signed: only operators cancel

    figures = selectors.deal_statistics()
    assert (figures.intended.count, figures.intended.totals) == (
        2, {"CNY": Decimal("100000.00"), "HKD": Decimal("50000.00")})
    assert (figures.concluded.count, figures.concluded.totals) == (2, {"CNY": Decimal("500000.00")})
    assert (figures.completed.count, figures.awaiting_signatures.count) == (0, 1)
    today = timezone.localdate()
    assert selectors.deal_statistics(since=today, until=today).concluded.count == 2
    assert selectors.deal_statistics(until=date(2000, 1, 1)).concluded.count == 0
