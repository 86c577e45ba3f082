"""A deal's end: the recordal, whole deals from offer to completion (the asset changes hands or
is licensed), and cancelling; every refusal leaves everything as it was."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from ipx.accounts.models import User
from ipx.catalog.models import Asset, AssetLicence, AssetOwner
from ipx.core.dates import add_months
from ipx.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ipx.deals.contracts import services
from ipx.deals.contracts.tests.helpers import (
    TWO_STEPS,
    add_agent,
    available,
    deposit,
    escrow_total,
    events,
    fee_income,
    ledger_count,
    listing_status,
    make_deal,
    sign_both,
    snapshot,
    verbs,
)
from ipx.deals.models import DealEvent
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


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

def test_cancel_refunds_everything_held_and_frees_the_listing(owner: Member, buyer: Member, operator: User) -> None:
    deal = sign_both(make_deal(owner, buyer, payment_structure="milestones", milestones=TWO_STEPS), owner, buyer)
    deposit(buyer, "500000")
    services.milestone_fund(deal_id=deal.pk, position=1, actor=buyer.user)
    services.milestone_fund(deal_id=deal.pk, position=2, actor=buyer.user)
    services.milestone_release(deal_id=deal.pk, position=1, actor=buyer.user, amount="40000")
    assert listing_status(deal) == "reserved"

    services.deal_cancel(deal_id=deal.pk, actor=operator, reason="  双方协商解除  ")  # signed: operators cancel
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
