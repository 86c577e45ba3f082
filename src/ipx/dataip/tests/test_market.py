"""A granted registration on the market: listed (licence, transfer) with its registration
number, certificate and verification link on the asset's and the listing's pages, found by
search, dealt through escrow and recorded by the registry (a transfer moves the registration
to the buyer with a new certificate, a licence is an event); pledged with the certificate's
end as the legal term, insured; and a registration that no longer stands is not offered,
nor cancelled while pledged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ipx.accounts.models import User
from ipx.catalog.models import Asset, AssetOwner
from ipx.core.errors import Conflict
from ipx.dataip import market
from ipx.dataip.history import describe
from ipx.dataip.models import Certificate, DataProduct
from ipx.dataip.services import certificates
from ipx.dataip.tests.scenes import granted
from ipx.deals.contracts import services as deal_services
from ipx.deals.models import Deal
from ipx.deals.negotiation import offers, threads
from ipx.finance.models import InsuranceProduct, Loan
from ipx.finance.services import insurance
from ipx.finance.services import loans as loan_services
from ipx.finance.services.valuations import legal_term_years
from ipx.finance.tests.conftest import appraiser  # noqa: F401 - fixture
from ipx.finance.tests.test_loans_workflow import offered
from ipx.finance.tests.test_valuation_workflow import signed_off
from ipx.listings.inputs import ListingInput
from ipx.listings.models import Listing
from ipx.listings.services import listing_approve, listing_create, listing_submit, listings_expire_due
from ipx.matching.matches.services import matches_recompute
from ipx.matching.models import DemandMatch
from ipx.matching.tests.demand_helpers import published as published_demand
from ipx.matching.tests.match_helpers import embedder  # noqa: F401 - fixture
from ipx.search.query import SearchQuery
from ipx.search.selectors import search_listings
from ipx.testing.fixtures import Member
from ipx.testing.scenes import deposit, offer_terms, signed_by_both

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("registry_key")]

OnCommit = Callable[..., Any]


def listing_data(product: DataProduct, **changes: Any) -> dict[str, Any]:
    return {"title": f"{product.name}使用许可", "description": "按年授权使用，数据按日更新。",
            "offer_kinds": ["licence"], "licence_exclusivity": "non_exclusive", "licence_territory": "中国大陆",
            "licence_term_months": "12", "price_type": "fixed", "price_amount": "200000", "currency": "CNY",
            "expires_on": (timezone.localdate() + timedelta(days=300)).isoformat(),
            "asset_ids": [product.asset_id], **changes}


def drafted_listing(owner: Member, product: DataProduct, **changes: Any) -> Listing:
    return listing_create(organisation_id=owner.organisation.pk, actor=owner.user,
                          data=ListingInput.parse(listing_data(product, **changes)))


def published(owner: Member, operator: User, product: DataProduct, **changes: Any) -> Listing:
    listing = drafted_listing(owner, product, **changes)
    listing_submit(listing_id=listing.pk, actor=owner.user)
    return listing_approve(listing_id=listing.pk, operator=operator)


def completed(owner: Member, buyer: Member, operator: User, listing: Listing, on_commit: OnCommit,
              **terms: Any) -> Deal:
    """The buyer offers on the listing, the owner accepts, both sign, the buyer pays into escrow,
    the recordal is checked: the deal completes and its events run."""
    thread = threads.thread_open(listing_id=listing.pk, actor=buyer.user, organisation_id=buyer.organisation.pk,
                                 message="我们希望取得该数据产品。")
    offer = offers.offer_make(thread_id=thread.pk, actor=buyer.user,
                              terms=offer_terms(price_amount="300000.00", **terms))
    deal = signed_by_both(offers.offer_accept(offer_id=offer.pk, actor=owner.user), owner.user, buyer.user)
    deposit(buyer.organisation, "300000.00")
    deal_services.milestone_fund(deal_id=deal.pk, position=1, actor=buyer.user)
    product = DataProduct.objects.get(asset__deal_links__deal=deal)
    deal_services.deal_submit_recordal(deal_id=deal.pk, actor=owner.user,
                                       recordal_number=product.registration_number or "")
    with on_commit():
        deal_services.deal_check_recordal(deal_id=deal.pk, operator=operator, approve=True)
    deal.refresh_from_db()
    return deal


def test_a_listed_registration_shows_its_numbers_and_is_found_as_data_ip(
        owner: Member, operator: User, on_commit: OnCommit) -> None:
    product = granted(owner, operator)
    certificate = product.certificates.get()
    with on_commit():
        listing = published(owner, operator, product)
    assert listing.status == Listing.Status.PUBLISHED
    asset = Asset.objects.get(data_product=product)
    assert (asset.ip_type, asset.identifier, asset.expiry_date) == ("data", product.registration_number,
                                                                    certificate.valid_until)
    assert list(AssetOwner.objects.filter(asset=asset).values_list("organisation_id", flat=True)) == [
        owner.organisation.pk]
    verify = reverse("dataip:verify", args=[certificate.number])
    client = Client()
    for page in (reverse("catalog:asset", args=[asset.pk]), reverse("listings:detail", args=[listing.pk])):
        html = client.get(page).content.decode()
        assert str(product.registration_number) in html and f'href="{verify}"' in html, page
    assert certificate.number in client.get(reverse("catalog:asset", args=[asset.pk])).content.decode()
    assert client.get(verify).status_code == 200
    # Its holder manages it in the registry: no catalog edit or delete for a registration.
    client.force_login(owner.user)
    html = client.get(reverse("catalog:asset", args=[asset.pk])).content.decode()
    assert reverse("dataip:product", args=[product.pk]) in html
    assert reverse("catalog:asset_delete", args=[asset.pk]) not in html
    assert reverse("catalog:asset_edit", args=[asset.pk]) not in html
    hits = search_listings(SearchQuery(text="客流", filters={"ip_type": ("data",)})).hits
    assert [hit.listing.pk for hit in hits] == [listing.pk]
    assert search_listings(SearchQuery(text="客流", filters={"ip_type": ("patent",)})).hits == []
    assert [hit.listing.pk for hit in search_listings(SearchQuery(text=product.registration_number or "")).hits] == [
        listing.pk]


@pytest.mark.usefixtures("embedder")
def test_a_demand_for_such_data_is_matched_with_the_listing(
        owner: Member, buyer: Member, operator: User) -> None:
    product = granted(owner, operator)
    listing = published(owner, operator, product)
    demand = published_demand(buyer, operator, title="寻求粤港澳大湾区城市客流数据", ipc_codes=[],
                              description="用于商业选址分析，需要大湾区各城市地铁与公交的日客流数据，按日更新。")
    matches_recompute(demand_id=demand.pk, notify_new=False)
    ranked = list(DemandMatch.objects.filter(demand=demand, rank__isnull=False).order_by("rank")
                  .values_list("listing_id", flat=True))
    assert ranked[:1] == [listing.pk]


def test_a_completed_transfer_is_recorded_by_the_registry(
        owner: Member, buyer: Member, operator: User, on_commit: OnCommit) -> None:
    product = granted(owner, operator)
    first = product.certificates.get()
    listing = published(owner, operator, product, offer_kinds=["transfer"], licence_exclusivity="",
                        licence_territory="", licence_term_months="")
    deal = completed(owner, buyer, operator, listing, on_commit, kind="transfer")
    assert deal.status == Deal.Status.COMPLETED
    product.refresh_from_db()
    first.refresh_from_db()
    assert (product.registrant, product.status, Asset.objects.get(data_product=product).holder) == (
        buyer.organisation, DataProduct.Status.GRANTED, buyer.organisation)
    assert first.status == Certificate.Status.SUPERSEDED
    new = product.certificates.get(status=Certificate.Status.VALID)
    assert (new.valid_until, new.payload["registrant"]["name"], new.payload["registration_number"]) == (
        first.valid_until, buyer.organisation.name, product.registration_number)
    event = product.events.get(verb="record_transfer")
    assert (event.actor, event.params["deal_id"], event.params["certificate"], event.params["superseded"]) == (
        operator, deal.pk, new.number, first.number)
    assert describe(event) == (f"Transferred from {owner.organisation.name} to {buyer.organisation.name} by deal "
                               f"{event.params['deal']}; certificate {new.number} issued in place of {first.number}.")
    assert market.record_deal(deal.pk) == []  # recorded once
    assert product.certificates.count() == 2
    # The new holder is now the registrant: the seller no longer acts for the registration.
    with pytest.raises(Exception, match="registrant"):
        certificates.cancel(actor=owner.user, product_id=product.pk, reason="不再需要")


def test_a_completed_licence_is_recorded_as_an_event(
        owner: Member, buyer: Member, operator: User, on_commit: OnCommit) -> None:
    product = granted(owner, operator)
    listing = published(owner, operator, product)
    deal = completed(owner, buyer, operator, listing, on_commit, kind="licence", licence_exclusivity="non_exclusive",
                     licence_territory="中国大陆", licence_term_months="12")
    product.refresh_from_db()
    assert (product.registrant, product.certificates.get().status) == (owner.organisation, Certificate.Status.VALID)
    event = product.events.get(verb="record_licence")
    assert (event.params["deal_id"], event.params["licensee"], event.params["exclusivity"]) == (
        deal.pk, buyer.organisation.name, "non_exclusive")
    assert market.record_deal(deal.pk) == []


@pytest.mark.parametrize("end", ["revoke", "cancel"])
def test_a_registration_that_no_longer_stands_is_not_offered(owner: Member, operator: User, end: str) -> None:
    product = granted(owner, operator)
    listing = drafted_listing(owner, product)
    if end == "revoke":
        certificates.revoke(operator=operator, product_id=product.pk, reason="数据来源不合法")
    else:
        certificates.cancel(actor=owner.user, product_id=product.pk, reason="停止经营该数据")
    with pytest.raises(Conflict) as refused:
        listing_submit(listing_id=listing.pk, actor=owner.user)
    assert product.name in refused.value.message
    listing.refresh_from_db()
    assert listing.status == Listing.Status.DRAFT


def test_a_registration_past_its_certificate_is_not_offered(owner: Member, operator: User) -> None:
    product = granted(owner, operator)
    listing = drafted_listing(owner, product)
    product.certificates.update(valid_until=timezone.localdate() - timedelta(days=1))
    with pytest.raises(Conflict, match="has ended"):
        listing_submit(listing_id=listing.pk, actor=owner.user)
    assert market.registrations_not_standing([product.asset_id or 0]) is not None
    product.certificates.update(valid_until=timezone.localdate())
    assert market.registrations_not_standing([product.asset_id or 0]) is None


def test_pledged_with_the_certificates_term_and_not_cancelled_while_pledged(
        owner: Member, banker: Member, operator: User, appraiser: Member) -> None:  # noqa: F811
    product = granted(owner, operator)
    asset = Asset.objects.get(data_product=product)
    valid_until = product.certificates.get().valid_until
    today = timezone.localdate()
    assert legal_term_years([asset], today) == (Decimal((valid_until - today).days) / Decimal("365.25")).quantize(
        Decimal("0.01"))
    valuation = signed_off(owner, appraiser, asset)
    loan = loan_services.loan_apply(actor=owner.user, borrower_id=owner.organisation.pk,
                                    bank_id=banker.organisation.pk, asset_ids=[asset.pk], amount_asked="300000",
                                    months="12", purpose="数据治理投入", valuation_id=valuation.pk)
    loan_services.loan_accept(actor=owner.user, loan_id=offered(loan, banker).pk)
    with pytest.raises(Conflict, match=f"loan #{loan.pk}"):
        certificates.cancel(actor=owner.user, product_id=product.pk, reason="停止经营该数据")
    product.refresh_from_db()
    assert (product.status, product.certificates.get().status) == (DataProduct.Status.GRANTED, "valid")
    assert Loan.objects.get(pk=loan.pk).status == Loan.Status.ACCEPTED


def data_cover(banker: Member) -> InsuranceProduct:
    """The bank's cover for data IP: 2,000 plus 500 per right, cover 40 times the premium."""
    return insurance.product_create(actor=banker.user, insurer_id=banker.organisation.pk,
                                    values=insurance.ProductValues(
                                        name="数据知识产权侵权保险", kind="enforcement", premium_rule="per_asset",
                                        premium_base="2000", premium_per_asset="500", cover_rule="multiple",
                                        cover_multiple="40", term_months="12"))


def test_insured_like_any_right(owner: Member, banker: Member, operator: User) -> None:
    product = granted(owner, operator)
    cover = data_cover(banker)
    policy = insurance.policy_request(actor=owner.user, policyholder_id=owner.organisation.pk, product_id=cover.pk,
                                      asset_ids=[Asset.objects.get(data_product=product).pk])
    assert (policy.premium, list(policy.assets.values_list("ip_type", flat=True))) == (Decimal("2500.00"), ["data"])
    deposit(owner.organisation, "2500.00")
    policy = insurance.policy_pay(actor=owner.user, policy_id=policy.pk)
    assert policy.status == "issued"


def test_the_clock_takes_a_listing_off_the_market_when_its_certificate_ends(owner: Member, operator: User) -> None:
    product = granted(owner, operator)
    listing = published(owner, operator, product)
    certificate = product.certificates.get()
    # The offer itself runs longer than the certificate.
    Listing.objects.filter(pk=listing.pk).update(expires_on=certificate.valid_until + timedelta(days=30))
    assert listings_expire_due(today=certificate.valid_until) == 0
    assert listings_expire_due(today=certificate.valid_until + timedelta(days=1)) == 1
    listing.refresh_from_db()
    assert listing.status == Listing.Status.EXPIRED
    asset = Asset.objects.get(data_product=product)
    assert listing.events.order_by("-pk")[0].params == {"right_ended": asset.title, "status": "expired"}
