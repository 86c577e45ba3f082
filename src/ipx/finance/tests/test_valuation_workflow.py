"""A valuation from request to sign-off: who may take each step, each approach recomputed from
its inputs and kept with them, the legal term capping the income approach, bad input refused."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from ipx.accounts.models import User
from ipx.catalog.models import Asset, Patent
from ipx.core.errors import Conflict, PermissionDenied, ValidationFailed
from ipx.deals.models import Commitment, Deal, DealKind
from ipx.deals.negotiation.sales import Sale, sale_conclude
from ipx.finance.models import Valuation
from ipx.finance.services import valuations as services
from ipx.testing.factories import PatentFactory
from ipx.testing.fixtures import Member
from ipx.testing.scenes import published_listing, signed_by_both

pytestmark = pytest.mark.django_db
REVENUES = ["1000000", "1200000", "1400000"]


def patent_of(member: Member, *, filed: date = date(2021, 3, 1)) -> Asset:
    return PatentFactory.create(asset__holder=member.organisation, filing_date=filed).asset


def requested(owner: Member, appraiser: Member, asset: Asset | None = None) -> Valuation:
    asset = asset or patent_of(owner)
    return services.valuation_request(actor=owner.user, requester_id=owner.organisation.pk,
                                      appraiser_id=appraiser.organisation.pk, asset_ids=[asset.pk],
                                      purpose="质押融资")


def signed_off(owner: Member, appraiser: Member, asset: Asset | None = None) -> Valuation:
    """A valuation of ``asset`` (a new patent of the owner's by default) at 1,000,000 by cost."""
    valuation = requested(owner, appraiser, asset)
    services.valuation_accept(actor=appraiser.user, valuation_id=valuation.pk)
    services.valuation_record_cost(actor=appraiser.user, valuation_id=valuation.pk, values={
        "reproduction_cost": "1000000", "functional_percent": "0", "economic_percent": "0"})
    return services.valuation_sign_off(actor=appraiser.user, valuation_id=valuation.pk, value="1000000",
                                       reasoning="成本法")


def test_a_request_names_a_verified_appraiser_and_the_requesters_own_rights(
        owner: Member, buyer: Member, appraiser: Member) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.valuation_request(actor=owner.user, requester_id=owner.organisation.pk,
                                   appraiser_id=buyer.organisation.pk, asset_ids=[patent_of(buyer).pk], purpose="")
    assert set(refused.value.fields) == {"appraiser_id", "asset_ids", "purpose"}
    assert not Valuation.objects.exists()
    valuation = requested(owner, appraiser)
    assert (valuation.status, valuation.requester, valuation.appraiser) == (
        Valuation.Status.REQUESTED, owner.organisation, appraiser.organisation)
    assert valuation.events.get().verb == "request"


def test_the_appraiser_values_by_each_approach_and_signs_off(owner: Member, appraiser: Member) -> None:
    valuation = requested(owner, appraiser)
    with pytest.raises(PermissionDenied):
        services.valuation_accept(actor=owner.user, valuation_id=valuation.pk)
    services.valuation_accept(actor=appraiser.user, valuation_id=valuation.pk)
    with pytest.raises(PermissionDenied):  # the requester does not value its own rights
        services.valuation_record_cost(actor=owner.user, valuation_id=valuation.pk, values={})
    with pytest.raises(Conflict):
        services.valuation_sign_off(actor=appraiser.user, valuation_id=valuation.pk, value="100000", reasoning="x")
    valued = services.valuation_record_income(actor=appraiser.user, valuation_id=valuation.pk, values={
        "revenues": REVENUES, "royalty_percent": "5", "tax_percent": "25", "discount_percent": "10"})
    # The patent (filed 2021) runs to 2041: the three forecast years all count.
    assert valued.income_value == D("110725.02")
    assert valued.income_inputs["revenues"] == ["1000000.00", "1200000.00", "1400000.00"]
    valued = services.valuation_record_cost(actor=appraiser.user, valuation_id=valuation.pk, values={
        "reproduction_cost": "500000", "functional_percent": "20", "economic_percent": "10"})
    assert valued.cost_value == D("360000.00")
    valued = services.valuation_record_market(actor=appraiser.user, valuation_id=valuation.pk, adjustments={})
    assert valued.market_value is None and valued.market_inputs == {"comparables": []}  # too few to conclude
    with pytest.raises(ValidationFailed) as refused:
        services.valuation_sign_off(actor=appraiser.user, valuation_id=valuation.pk, value="400000", low="100000",
                                    high="300000", reasoning="收益法与成本法之间")
    assert "value" in refused.value.fields
    signed = services.valuation_sign_off(actor=appraiser.user, valuation_id=valuation.pk, value="200000",
                                         low="110000", high="360000", reasoning="以收益法为主，成本法为上限。")
    assert (signed.status, signed.concluded_value, signed.signed_off_by) == (
        Valuation.Status.SIGNED_OFF, D("200000.00"), appraiser.user)
    assert [e.params.get("approach") for e in signed.events.filter(verb="record")] == ["income", "cost", "market"]


def test_the_remaining_legal_term_caps_the_income_approach(owner: Member, appraiser: Member) -> None:
    # An invention patent's 20-year term from a filing 18.5 years ago leaves about 1.5 years.
    filed = timezone.localdate() - timedelta(days=round(365.25 * 18.5))
    valuation = requested(owner, appraiser, patent_of(owner, filed=filed))
    services.valuation_accept(actor=appraiser.user, valuation_id=valuation.pk)
    valued = services.valuation_record_income(actor=appraiser.user, valuation_id=valuation.pk, values={
        "revenues": REVENUES, "royalty_percent": "5", "tax_percent": "25", "discount_percent": "10"})
    term = D(valued.income_inputs["legal_term_years"])
    assert D("1.45") <= term <= D("1.55")
    assert valued.income_value is not None and valued.income_value < D("110725.02")


def test_bad_approach_inputs_are_refused_by_field_and_nothing_is_kept(owner: Member, appraiser: Member) -> None:
    valuation = requested(owner, appraiser)
    services.valuation_accept(actor=appraiser.user, valuation_id=valuation.pk)
    with pytest.raises(ValidationFailed) as refused:
        services.valuation_record_income(actor=appraiser.user, valuation_id=valuation.pk, values={
            "revenues": ["abc", "-5"], "royalty_percent": "120", "tax_percent": "25.555", "discount_percent": "0"})
    assert set(refused.value.fields) == {"revenues", "royalty_percent", "tax_percent", "discount_percent"}
    with pytest.raises(ValidationFailed):
        services.valuation_record_market(actor=appraiser.user, valuation_id=valuation.pk, adjustments={999999: "5"})
    valuation.refresh_from_db()
    assert (valuation.income_value, valuation.income_inputs, valuation.market_inputs) == (None, {}, {})
    with pytest.raises(ValidationFailed):
        services.valuation_decline(actor=appraiser.user, valuation_id=valuation.pk, reason="")


def _concluded_deal(seller: Member, buyer: Member, operator: User, price: str, *, ipc: str = "H01M",
                    sign: bool = True) -> Deal:
    listing = published_listing(seller.organisation, seller.user, operator)
    Patent.objects.filter(asset__listing_links__listing=listing).update(ipc_main=ipc)
    deal = sale_conclude(actor=buyer.user, sale=Sale(
        listing=listing, buyer=buyer.organisation, kind=DealKind.TRANSFER, price=D(price), currency="CNY",
        fee_percent=D(2), parts=[("milestone.full_price", D(price))]))
    return signed_by_both(deal, seller.user, buyer.user) if sign else deal


def test_the_market_approach_takes_signed_deals_of_the_same_ipc_subclass(
        owner: Member, buyer: Member, outsider: Member, appraiser: Member, operator: User) -> None:
    comparables = [_concluded_deal(buyer, outsider, operator, price) for price in ("100000", "200000", "150000")]
    other_field = _concluded_deal(buyer, outsider, operator, "900000", ipc="G06F")
    unsigned = _concluded_deal(buyer, outsider, operator, "800000", sign=False)
    intended = _concluded_deal(buyer, outsider, operator, "700000")  # signed, but a letter of intent
    Deal.objects.filter(pk=intended.pk).update(commitment=Commitment.INTENDED)
    valuation = requested(owner, appraiser)
    services.valuation_accept(actor=appraiser.user, valuation_id=valuation.pk)
    found = {deal.pk for deal in services.comparable_deals(valuation)}
    assert found == {deal.pk for deal in comparables}
    with pytest.raises(ValidationFailed):  # not comparable: another IPC subclass, or not signed
        services.valuation_record_market(actor=appraiser.user, valuation_id=valuation.pk,
                                         adjustments={other_field.pk: "0", unsigned.pk: "0", intended.pk: "0"})
    valued = services.valuation_record_market(actor=appraiser.user, valuation_id=valuation.pk, adjustments={
        comparables[0].pk: "10", comparables[1].pk: "-5", comparables[2].pk: "0"})
    assert valued.market_value == D("150000.00")  # (110,000 + 190,000 + 150,000) / 3
