"""Deals from an accepted offer to completion: every service path, and every refusal leaves
everything as it was (deal, milestones, signatures, events, ledger, listing)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from pytest_django.fixtures import SettingsWrapper

from ipx.accounts.models import User
from ipx.catalog.models import Asset, AssetLicence, AssetOwner
from ipx.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ipx.deals.contracts import escrow, selectors, services
from ipx.deals.contracts.services.recordal import add_months
from ipx.deals.contracts.tests.helpers import (
    accepted_offer,
    add_agent,
    available,
    deposit,
    escrow_total,
    fee_income,
    ledger_count,
    make_deal,
    sign_both,
    snapshot,
)
from ipx.deals.models import Deal, DealEvent, DealMilestone, DealSignature, Offer
from ipx.deals.timeline import deal_event_text
from ipx.ledger.services import InsufficientFunds
from ipx.listings.models import Listing
from ipx.notifications.models import Notification
from ipx.testing.factories import MembershipFactory, UserFactory
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

TWO_STEPS = [("签约款", "100000.00", "on_signing"), ("备案后尾款", "400000.00", "on_recordal")]


def listing_status(deal: Deal) -> str:
    return Listing.objects.get(pk=deal.listing_id).status


def events(deal: Deal) -> list[tuple[str, str, str]]:
    return list(DealEvent.objects.filter(deal=deal).values_list("verb", "from_status", "to_status"))


def verbs(user: User) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("verb", flat=True))


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
    assert deal.contract_pdf.name.startswith(f"contracts/deal-{deal.pk}-")
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


def test_statistics_count_intended_and_concluded_apart(owner: Member, buyer: Member, outsider: Member) -> None:
    sign_both(make_deal(owner, buyer, commitment="intended", price_amount=Decimal("100000.00")), owner, buyer)
    sign_both(make_deal(owner, buyer, commitment="intended", price_amount=Decimal("50000.00"), currency="HKD"),
              owner, buyer)
    sign_both(make_deal(owner, buyer, price_amount=Decimal("300000.00")), owner, buyer)
    sign_both(make_deal(owner, buyer, price_amount=Decimal("200000.00")), owner, buyer)
    make_deal(owner, buyer, price_amount=Decimal("7.00"))  # not signed yet
    cancelled = sign_both(make_deal(owner, buyer, price_amount=Decimal("9.00")), owner, buyer)
    services.deal_cancel(deal_id=cancelled.pk, actor=owner.user, reason="买方放弃")

    figures = selectors.deal_statistics()
    assert (figures.intended.count, figures.intended.totals) == (
        2, {"CNY": Decimal("100000.00"), "HKD": Decimal("50000.00")})
    assert (figures.concluded.count, figures.concluded.totals) == (2, {"CNY": Decimal("500000.00")})
    assert (figures.completed.count, figures.awaiting_signatures.count) == (0, 1)
    today = timezone.localdate()
    assert selectors.deal_statistics(since=today, until=today).concluded.count == 2
    assert selectors.deal_statistics(until=date(2000, 1, 1)).concluded.count == 0


# --- Funding ---------------------------------------------------------------------------------------

def test_buyer_funds_a_milestone_into_escrow(owner: Member, buyer: Member) -> None:
    deal = sign_both(make_deal(owner, buyer, payment_structure="milestones", milestones=TWO_STEPS), owner, buyer)
    deposit(buyer, "150000")
    milestone = services.milestone_fund(deal_id=deal.pk, position=1, actor=buyer.user)
    assert milestone.status == "funded"
    assert available(buyer.organisation) == Decimal("50000.00")
    assert escrow.escrow_balance(deal, milestone) == Decimal("100000.00")
    assert DealEvent.objects.filter(deal=deal, verb="funded").count() == 1
    assert verbs(owner.user)[-1] == "deal.funded"

    before = snapshot(deal)
    with pytest.raises(InsufficientFunds):
        services.milestone_fund(deal_id=deal.pk, position=2, actor=buyer.user)
    with pytest.raises(Conflict, match="already Held in escrow"):
        services.milestone_fund(deal_id=deal.pk, position=1, actor=buyer.user)
    with pytest.raises(NotFound, match="no milestone 7"):
        services.milestone_fund(deal_id=deal.pk, position=7, actor=buyer.user)
    assert snapshot(deal) == before
    assert available(buyer.organisation) == Decimal("50000.00")


def test_funding_refusals_change_nothing(owner: Member, buyer: Member, outsider: Member, operator: User,
                                        agency: Member) -> None:
    deal = make_deal(owner, buyer)
    add_agent(deal, agency)
    deposit(buyer, "600000")
    before = snapshot(deal)
    with pytest.raises(Conflict, match="once both sides have signed"):
        services.milestone_fund(deal_id=deal.pk, position=1, actor=buyer.user)
    deal = sign_both(deal, owner, buyer)
    before = snapshot(deal)
    with pytest.raises(PermissionDenied):
        services.milestone_fund(deal_id=deal.pk, position=1, actor=owner.user)  # the seller
    with pytest.raises(PermissionDenied):
        services.milestone_fund(deal_id=deal.pk, position=1, actor=agency.user)
    with pytest.raises(PermissionDenied):
        services.milestone_fund(deal_id=deal.pk, position=1, actor=operator)
    with pytest.raises(NotFound):
        services.milestone_fund(deal_id=deal.pk, position=1, actor=outsider.user)
    assert snapshot(deal) == before
    assert available(buyer.organisation) == Decimal("600000.00")


# --- Releasing --------------------------------------------------------------------------------------

def test_release_before_the_recordal_is_refused_and_changes_nothing(owner: Member, buyer: Member) -> None:
    deal = sign_both(make_deal(owner, buyer), owner, buyer)
    deposit(buyer, "500000")
    services.milestone_fund(deal_id=deal.pk, position=1, actor=buyer.user)
    before = snapshot(deal)
    with pytest.raises(Conflict, match="released only after the recordal is checked") as refused:
        services.milestone_release(deal_id=deal.pk, position=1, actor=buyer.user)
    assert (refused.value.status, refused.value.code) == (409, "condition_not_met")
    services.deal_submit_recordal(deal_id=deal.pk, actor=owner.user, recordal_number="2023990000123")
    before = snapshot(deal)
    with pytest.raises(Conflict, match="released only after the recordal is checked"):
        services.milestone_release(deal_id=deal.pk, position=1, actor=buyer.user)
    assert snapshot(deal) == before
    assert (available(owner.organisation), escrow_total()) == (Decimal("0.00"), Decimal("500000.00"))


def test_partial_releases_on_signing_with_the_fee(owner: Member, buyer: Member, operator: User) -> None:
    deal = sign_both(make_deal(owner, buyer, payment_structure="milestones", milestones=TWO_STEPS), owner, buyer)
    deposit(buyer, "100000")
    services.milestone_fund(deal_id=deal.pk, position=1, actor=buyer.user)

    milestone = services.milestone_release(deal_id=deal.pk, position=1, actor=buyer.user, amount="30000.50")
    assert (milestone.status, milestone.released_amount) == ("funded", Decimal("30000.50"))
    assert available(owner.organisation) == Decimal("29400.49")  # fee 600.01 (600.010 rounded half-up)
    assert fee_income() == Decimal("600.01")

    before = snapshot(deal)
    with pytest.raises(ValidationFailed) as refused:
        services.milestone_release(deal_id=deal.pk, position=1, actor=buyer.user, amount="69999.51")
    assert "69,999.50 CNY" in refused.value.fields["amount"]
    for bad, message in [("-5", "greater than zero"), ("0", "greater than zero"), ("1.001", "2 decimal places"),
                         ("abc", "as a number")]:
        with pytest.raises(ValidationFailed) as refused:
            services.milestone_release(deal_id=deal.pk, position=1, actor=buyer.user, amount=bad)
        assert message in refused.value.fields["amount"]
    assert snapshot(deal) == before

    milestone = services.milestone_release(deal_id=deal.pk, position=1, actor=operator)  # the rest
    assert (milestone.status, milestone.released_amount) == ("released", Decimal("100000.00"))
    assert available(owner.organisation) == Decimal("98000.00")
    assert fee_income() == Decimal("2000.00")
    assert escrow_total() == Decimal("0.00")
    before = snapshot(deal)
    with pytest.raises(Conflict, match="Nothing is held") as nothing_held:
        services.milestone_release(deal_id=deal.pk, position=1, actor=buyer.user)
    assert nothing_held.value.code == "not_held"
    assert snapshot(deal) == before
    assert [n for n in verbs(owner.user) if n == "deal.released"] == ["deal.released", "deal.released"]


def test_who_may_release(owner: Member, buyer: Member, outsider: Member, agency: Member) -> None:
    deal = sign_both(make_deal(owner, buyer, payment_structure="milestones", milestones=TWO_STEPS), owner, buyer)
    add_agent(deal, agency)
    deposit(buyer, "100000")
    services.milestone_fund(deal_id=deal.pk, position=1, actor=buyer.user)
    before = snapshot(deal)
    with pytest.raises(PermissionDenied):
        services.milestone_release(deal_id=deal.pk, position=1, actor=owner.user)  # the seller cannot pay itself
    with pytest.raises(PermissionDenied):
        services.milestone_release(deal_id=deal.pk, position=1, actor=agency.user)
    with pytest.raises(NotFound):
        services.milestone_release(deal_id=deal.pk, position=1, actor=outsider.user)
    with pytest.raises(Conflict, match="Nothing is held"):
        services.milestone_release(deal_id=deal.pk, position=2, actor=buyer.user)
    assert snapshot(deal) == before


@pytest.mark.parametrize(("amount", "percent", "currency", "fee"), [
    ("333.33", "2.00", "CNY", "6.67"),
    ("100.25", "2.00", "CNY", "2.01"),  # 2.005 rounds half up
    ("1025", "2.00", "JPY", "21.00"),  # no minor unit: 20.5 → 21
    ("500000.00", "0.00", "USD", "0.00"),
])
def test_fee_rounding(amount: str, percent: str, currency: str, fee: str) -> None:
    assert escrow.fee_for(Decimal(amount), fee_percent=Decimal(percent), currency=currency) == Decimal(fee)


# --- Recordal ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("number", ["12345", "2023 9900", "备案号2023990000123", "2023_99", "x" * 41, "", "   "])
def test_recordal_number_shape(owner: Member, buyer: Member, number: str) -> None:
    deal = sign_both(make_deal(owner, buyer), owner, buyer)
    before = snapshot(deal)
    with pytest.raises(ValidationFailed) as refused:
        services.deal_submit_recordal(deal_id=deal.pk, actor=owner.user, recordal_number=number)
    assert set(refused.value.fields) == {"recordal_number"}
    assert snapshot(deal) == before


def test_recordal_numbers_accepted() -> None:
    assert services.clean_recordal_number(" 2023990000123 ") == "2023990000123"
    assert services.clean_recordal_number("x2023-44.0012") == "X2023-44.0012"
    assert services.clean_recordal_number("２０２３９９００００１２３") == "2023990000123"  # full-width digits


def test_recordal_by_the_seller_after_signing(owner: Member, buyer: Member, outsider: Member,
                                              operator: User) -> None:
    deal = make_deal(owner, buyer)
    before = snapshot(deal)
    with pytest.raises(InvalidTransition, match="once both sides have signed"):
        services.deal_submit_recordal(deal_id=deal.pk, actor=owner.user, recordal_number="2023990000123")
    deal = sign_both(deal, owner, buyer)
    before = snapshot(deal)
    with pytest.raises(PermissionDenied):
        services.deal_submit_recordal(deal_id=deal.pk, actor=buyer.user, recordal_number="2023990000123")
    with pytest.raises(PermissionDenied):
        services.deal_submit_recordal(deal_id=deal.pk, actor=operator, recordal_number="2023990000123")
    with pytest.raises(NotFound):
        services.deal_submit_recordal(deal_id=deal.pk, actor=outsider.user, recordal_number="2023990000123")
    with pytest.raises(PermissionDenied):
        services.deal_check_recordal(deal_id=deal.pk, operator=owner.user, approve=True)
    with pytest.raises(InvalidTransition, match="no recordal to check"):
        services.deal_check_recordal(deal_id=deal.pk, operator=operator, approve=True)
    assert snapshot(deal) == before

    services.deal_submit_recordal(deal_id=deal.pk, actor=owner.user, recordal_number="2023990000999")
    deal.refresh_from_db()
    assert (deal.status, deal.recordal_number) == ("recordal_submitted", "2023990000999")
    assert verbs(operator) == ["deal.recordal_submitted"]

    before = snapshot(deal)
    with pytest.raises(ValidationFailed) as refused:
        services.deal_check_recordal(deal_id=deal.pk, operator=operator, approve=False, note=" ")
    assert set(refused.value.fields) == {"note"}
    with pytest.raises(PermissionDenied):
        services.deal_check_recordal(deal_id=deal.pk, operator=buyer.user, approve=True)
    with pytest.raises(NotFound):
        services.deal_check_recordal(deal_id=deal.pk, operator=outsider.user, approve=True)
    assert snapshot(deal) == before

    services.deal_check_recordal(deal_id=deal.pk, operator=operator, approve=False, note="登记号与专利号不符")
    deal.refresh_from_db()
    assert (deal.status, deal.recordal_checked_at) == ("signed", None)
    returned = DealEvent.objects.filter(deal=deal).last()
    assert returned is not None
    assert (returned.verb, returned.from_status, returned.to_status, returned.note) == (
        "recordal_returned", "recordal_submitted", "signed", "登记号与专利号不符")
    assert verbs(owner.user)[-1] == "deal.recordal_returned"
    services.deal_submit_recordal(deal_id=deal.pk, actor=owner.user, recordal_number="2023990000123")
    deal.refresh_from_db()
    assert (deal.status, deal.recordal_number) == ("recordal_submitted", "2023990000123")


# --- Whole deals ---------------------------------------------------------------------------------------

def test_transfer_from_offer_to_completion(owner: Member, buyer: Member, operator: User) -> None:
    deal = make_deal(owner, buyer)
    asset = deal.assets.get()
    deal = sign_both(deal, owner, buyer)
    deposit(buyer, "600000")
    services.milestone_fund(deal_id=deal.pk, position=1, actor=buyer.user)
    assert (available(buyer.organisation), escrow_total()) == (Decimal("100000.00"), Decimal("500000.00"))
    services.deal_submit_recordal(deal_id=deal.pk, actor=owner.user, recordal_number="2023990000123")
    services.deal_check_recordal(deal_id=deal.pk, operator=operator, approve=True)

    deal.refresh_from_db()
    assert (deal.status, deal.recordal_checked_by, deal.completed_at is not None) == ("completed", operator, True)
    asset = Asset.objects.get(pk=asset.pk)
    assert asset.holder == buyer.organisation
    assert list(AssetOwner.objects.filter(asset=asset).values_list("organisation_id", "name")) == [
        (buyer.organisation.pk, buyer.organisation.name)]
    assert listing_status(deal) == "sold"
    # The seller gets the price less the 2% fee, the platform the fee, and nothing stays in escrow.
    assert available(owner.organisation) == Decimal("490000.00")
    assert fee_income() == Decimal("10000.00")
    assert escrow_total() == Decimal("0.00")
    assert available(buyer.organisation) == Decimal("100000.00")
    assert list(deal.milestones.values_list("status", "released_amount")) == [("released", Decimal("500000.00"))]
    assert [verb for verb, _from, _to in events(deal)] == [
        "created", "signed", "signed", "fully_signed", "funded", "recordal_submitted", "recordal_approved",
        "released"]
    # Each side hears of what the other (or the operator) did.
    assert verbs(buyer.user) == ["deal.created", "deal.signed_by_one", "deal.recordal_submitted", "deal.released",
                                 "deal.completed"]
    assert verbs(owner.user) == ["deal.signed", "deal.funded", "deal.released", "deal.completed"]

    before = snapshot(deal)
    with pytest.raises(InvalidTransition):
        services.deal_cancel(deal_id=deal.pk, actor=buyer.user, reason="太晚了")
    assert snapshot(deal) == before


def test_licence_completion_records_the_licence(owner: Member, buyer: Member, operator: User) -> None:
    deal = make_deal(owner, buyer, kind="licence", licence_exclusivity="exclusive", licence_territory="广东省",
                     licence_field="储能", licence_term_months=14, price_amount=Decimal("120000.00"),
                     payment_structure="milestones", milestones=[("首付款", "20000.00", "on_signing"),
                                                                ("备案后", "100000.00", "on_recordal")])
    deal = sign_both(deal, owner, buyer)
    deposit(buyer, "120000")
    services.milestone_fund(deal_id=deal.pk, position=1, actor=buyer.user)
    services.milestone_fund(deal_id=deal.pk, position=2, actor=buyer.user)
    services.milestone_release(deal_id=deal.pk, position=1, actor=buyer.user)
    services.deal_submit_recordal(deal_id=deal.pk, actor=owner.user, recordal_number="2024440000042")
    services.deal_check_recordal(deal_id=deal.pk, operator=operator, approve=True, note="已核验")

    asset = deal.assets.get()
    licence = AssetLicence.objects.get(asset=asset)
    today = timezone.localdate()
    expected_end = add_months(today, 14)
    assert (licence.licensor, licence.licensee, licence.exclusivity, licence.territory, licence.field_of_use) == (
        owner.organisation, buyer.organisation, "exclusive", "广东省", "储能")
    assert (licence.starts_on, licence.ends_on, licence.recordal_number, licence.source) == (
        today, expected_end, "2024440000042", f"deal:{deal.pk}")
    assert Asset.objects.get(pk=asset.pk).holder == owner.organisation  # a licence moves no ownership
    assert listing_status(deal) == "published"
    assert list(deal.milestones.values_list("status", "released_amount")) == [
        ("released", Decimal("20000.00")), ("released", Decimal("100000.00"))]
    assert available(owner.organisation) == Decimal("117600.00")
    assert (fee_income(), escrow_total()) == (Decimal("2400.00"), Decimal("0.00"))


def test_use_first_completion_is_a_non_exclusive_licence_unless_agreed(owner: Member, buyer: Member,
                                                                      operator: User) -> None:
    deal = sign_both(make_deal(owner, buyer, kind="use_first", trial_months=6, price_amount=Decimal("30000.00")),
                     owner, buyer)
    services.deal_submit_recordal(deal_id=deal.pk, actor=owner.user, recordal_number="2024440000043")
    services.deal_check_recordal(deal_id=deal.pk, operator=operator, approve=True)
    licence = AssetLicence.objects.get(asset=deal.assets.get())
    assert (licence.exclusivity, licence.ends_on) == ("non_exclusive", None)
    # The trial fee was not funded before completion: it waits, and the buyer may still pay and release it.
    deal.refresh_from_db()
    assert list(deal.milestones.values_list("status", flat=True)) == ["pending"]
    deposit(buyer, "30000")
    services.milestone_fund(deal_id=deal.pk, position=1, actor=buyer.user)
    services.milestone_release(deal_id=deal.pk, position=1, actor=buyer.user)
    assert available(owner.organisation) == Decimal("29400.00")


def test_completion_refused_whole_when_the_seller_no_longer_holds_the_asset(owner: Member, buyer: Member,
                                                                           outsider: Member,
                                                                           operator: User) -> None:
    deal = sign_both(make_deal(owner, buyer), owner, buyer)
    deposit(buyer, "500000")
    services.milestone_fund(deal_id=deal.pk, position=1, actor=buyer.user)
    services.deal_submit_recordal(deal_id=deal.pk, actor=owner.user, recordal_number="2023990000123")
    Asset.objects.filter(pk=deal.assets.get().pk).update(holder=outsider.organisation)
    before = snapshot(deal)
    with pytest.raises(Conflict, match="no longer held"):
        services.deal_check_recordal(deal_id=deal.pk, operator=operator, approve=True)
    assert snapshot(deal) == before
    assert escrow_total() == Decimal("500000.00")


# --- Cancelling ----------------------------------------------------------------------------------------

def test_cancel_refunds_everything_held_and_frees_the_listing(owner: Member, buyer: Member) -> None:
    deal = sign_both(make_deal(owner, buyer, payment_structure="milestones", milestones=TWO_STEPS), owner, buyer)
    deposit(buyer, "500000")
    services.milestone_fund(deal_id=deal.pk, position=1, actor=buyer.user)
    services.milestone_fund(deal_id=deal.pk, position=2, actor=buyer.user)
    services.milestone_release(deal_id=deal.pk, position=1, actor=buyer.user, amount="40000")
    assert listing_status(deal) == "reserved"

    services.deal_cancel(deal_id=deal.pk, actor=owner.user, reason="  双方协商解除  ")
    deal.refresh_from_db()
    assert (deal.status, deal.cancel_reason) == ("cancelled", "双方协商解除")
    assert list(deal.milestones.values_list("status", "released_amount", "refunded_amount")) == [
        ("refunded", Decimal("40000.00"), Decimal("60000.00")), ("refunded", Decimal("0.00"), Decimal("400000.00"))]
    assert available(buyer.organisation) == Decimal("460000.00")
    assert available(owner.organisation) == Decimal("39200.00")
    assert escrow_total() == Decimal("0.00")
    assert listing_status(deal) == "published"
    assert [verb for verb, _f, _t in events(deal)][-3:] == ["refunded", "refunded", "cancelled"]
    assert verbs(buyer.user)[-1] == "deal.cancelled"

    before = snapshot(deal)
    with pytest.raises(InvalidTransition):
        services.deal_cancel(deal_id=deal.pk, actor=owner.user, reason="again")
    with pytest.raises(Conflict, match="Nothing is held"):
        services.milestone_release(deal_id=deal.pk, position=2, actor=buyer.user)
    assert snapshot(deal) == before


def test_cancel_refusals(owner: Member, buyer: Member, outsider: Member, operator: User, agency: Member) -> None:
    deal = make_deal(owner, buyer)
    add_agent(deal, agency)
    before = snapshot(deal)
    with pytest.raises(ValidationFailed) as refused:
        services.deal_cancel(deal_id=deal.pk, actor=buyer.user, reason="  ")
    assert set(refused.value.fields) == {"reason"}
    with pytest.raises(ValidationFailed):
        services.deal_cancel(deal_id=deal.pk, actor=buyer.user, reason="x" * 2001)
    with pytest.raises(PermissionDenied):
        services.deal_cancel(deal_id=deal.pk, actor=agency.user, reason="代理人无权解除")
    with pytest.raises(NotFound):
        services.deal_cancel(deal_id=deal.pk, actor=outsider.user, reason="no")
    assert snapshot(deal) == before
    services.deal_cancel(deal_id=deal.pk, actor=operator, reason="违反平台规则")
    deal.refresh_from_db()
    assert (deal.status, listing_status(deal), ledger_count()) == ("cancelled", "published", 0)


def test_intended_agreement_cancelled_leaves_the_listing_alone(owner: Member, buyer: Member) -> None:
    concluded_elsewhere = make_deal(owner, buyer)  # reserves its own listing
    intended = make_deal(owner, buyer, commitment="intended")
    services.deal_cancel(deal_id=intended.pk, actor=buyer.user, reason="不再需要")
    assert (listing_status(intended), listing_status(concluded_elsewhere)) == ("published", "reserved")
