"""A committed asset (pledged, listed, in a deal) keeps what it was committed as: its numbers,
owners, title and legal status; descriptive fields may still change."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from ipx.catalog import services
from ipx.catalog.inputs import AssetValues
from ipx.catalog.models import Asset, Patent
from ipx.core.errors import Conflict
from ipx.deals.contracts.tests.helpers import make_deal
from ipx.deals.models import Deal
from ipx.finance.models import Loan, LoanCollateral
from ipx.listings.models import Listing
from ipx.testing.factories import PatentFactory, listing_with_patent
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

SWAP = {"publication_number": "CN119999556A", "title": "collateral swapped"}


def edit(member: Member, asset: Asset, **changes: Any) -> Asset:
    return services.asset_update(asset_id=asset.pk, actor=member.user, changes=AssetValues.read(changes))


def snapshot(asset: Asset) -> tuple[object, ...]:
    asset.refresh_from_db()
    patent = Patent.objects.get(pk=asset.pk)
    return (asset.title, asset.legal_status, asset.abstract, patent.publication_number, patent.application_number,
            patent.kind, list(asset.owners.values_list("name", flat=True)))


def pledged(owner: Member, banker: Member, status: str = Loan.Status.ACTIVE) -> tuple[Asset, Loan]:
    asset = PatentFactory.create(asset__holder=owner.organisation).asset
    loan = Loan.objects.create(borrower=owner.organisation, bank=banker.organisation, requested_amount=Decimal(1000),
                               requested_months=12, purpose="流动资金", created_by=owner.user, status=status)
    LoanCollateral.objects.create(loan=loan, asset=asset)
    return asset, loan


@pytest.mark.parametrize("changes", [
    SWAP,
    {"application_number": "", "publication_number": "CN119999556A"},
    {"title": "collateral swapped"},
    {"legal_status": "lapsed"},
    {"owners": "某某有限公司"},
])
def test_a_pledged_asset_keeps_its_identity(owner: Member, banker: Member, changes: dict[str, str]) -> None:
    asset, loan = pledged(owner, banker)
    before = snapshot(asset)
    with pytest.raises(Conflict) as refused:
        edit(owner, asset, **changes)
    assert f"loan #{loan.pk}" in refused.value.message and "repaid" in refused.value.message
    assert refused.value.code == "asset_committed"
    assert snapshot(asset) == before


def test_a_pledged_asset_may_still_be_described(owner: Member, banker: Member) -> None:
    asset, _loan = pledged(owner, banker)
    patent = Patent.objects.get(pk=asset.pk)
    # The page's form sends every field: unchanged ones (however spelled) are no change.
    edit(owner, asset, abstract="更好的摘要", ipc_codes="H01M50/40", title=asset.title,
         publication_number=str(patent.publication_number).lower(), legal_status=asset.legal_status)
    asset.refresh_from_db()
    assert asset.abstract == "更好的摘要"
    assert Patent.objects.get(pk=asset.pk).ipc_codes == ["H01M50/40"]


def test_a_repaid_loan_frees_the_asset(owner: Member, banker: Member) -> None:
    asset, _loan = pledged(owner, banker, status=Loan.Status.REPAID)
    edit(owner, asset, **SWAP)
    assert Patent.objects.get(pk=asset.pk).publication_number == "CN119999556A"


@pytest.mark.parametrize("status", [Listing.Status.SUBMITTED, Listing.Status.PUBLISHED, Listing.Status.RESERVED])
def test_a_listed_asset_keeps_its_identity(owner: Member, status: str) -> None:
    listing = listing_with_patent(owner.organisation, owner.user, status=status)
    asset = listing.assets.get()
    Asset.objects.filter(pk=asset.pk).update(legal_status=Asset.LegalStatus.PENDING)
    before = snapshot(asset)
    with pytest.raises(Conflict, match="withdraw the listing") as refused:
        edit(owner, asset, **SWAP, legal_status="in_force")
    assert f"#{listing.pk}" in refused.value.message
    assert set(refused.value.fields) == {"title", "publication_number", "legal_status"}
    assert snapshot(asset) == before


@pytest.mark.parametrize("status", [Listing.Status.DRAFT, Listing.Status.WITHDRAWN])
def test_a_draft_or_withdrawn_listing_holds_nothing(owner: Member, status: str) -> None:
    asset = listing_with_patent(owner.organisation, owner.user, status=status).assets.get()
    edit(owner, asset, **SWAP)
    assert snapshot(asset)[0] == "collateral swapped"


def test_an_asset_in_an_unfinished_deal_keeps_its_identity(owner: Member, buyer: Member) -> None:
    deal = make_deal(owner, buyer)
    asset = deal.assets.get()
    # The listing sold: only the deal holds the asset now.
    Listing.objects.filter(pk=deal.listing_id).update(status=Listing.Status.SOLD)
    before = snapshot(asset)
    with pytest.raises(Conflict, match=f"deal #{deal.pk}"):
        edit(owner, asset, **SWAP)
    assert snapshot(asset) == before
    Deal.objects.filter(pk=deal.pk).update(status=Deal.Status.CANCELLED)
    edit(owner, asset, **SWAP)
    assert snapshot(asset)[3] == "CN119999556A"
