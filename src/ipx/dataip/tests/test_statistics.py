"""The statistics bulletin's figures on data IP, read from registrations, deals, loans and
policies made through the services (their days then set where the test needs them) and checked
against counts and sums worked out by hand; each figure in one query; other IP left out."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal as D
from typing import Any

import pytest
from django.utils import timezone

from ipx.accounts.models import User
from ipx.catalog.models import Asset
from ipx.core.errors import ValidationFailed
from ipx.dataip import statistics
from ipx.dataip.models import Certificate, DataProduct
from ipx.dataip.services import applications, certificates
from ipx.dataip.tests.scenes import drafted, granted
from ipx.dataip.tests.test_market import data_cover
from ipx.deals.contracts.services import deal_create_from_offer
from ipx.deals.contracts.tests.helpers import accepted_offer
from ipx.deals.models import Deal
from ipx.finance.models import Loan, Policy
from ipx.finance.services import insurance
from ipx.finance.services import loans as loan_services
from ipx.finance.statistics import Period
from ipx.finance.tests.conftest import appraiser  # noqa: F401 - fixture
from ipx.finance.tests.test_loans_workflow import offered
from ipx.finance.tests.test_valuation_workflow import patent_of, signed_off
from ipx.listings.models import Listing, ListingAsset
from ipx.testing.factories import ListingFactory
from ipx.testing.fixtures import Member
from ipx.testing.scenes import deposit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("registry_key")]
ZONE = timezone.get_current_timezone()


def at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=ZONE)


def issued(certificate: Certificate, day: date, registry: str = "4400") -> None:
    number = f"{day:%Y%m}{registry}{certificate.number[10:]}"
    Certificate.objects.filter(pk=certificate.pk).update(issued_on=day, number=number)


def applied(product: DataProduct, day: date) -> None:
    DataProduct.objects.filter(pk=product.pk).update(submitted_at=at(day))


def q(year: int, quarter: int) -> Period:
    return Period.of(date(year, quarter * 3 - 2, 1), "quarter")


def test_certificates_issued_and_applications_by_period_registry_and_status(
        owner: Member, operator: User, django_assert_num_queries: Any) -> None:
    one, two, three = (granted(owner, operator, name=f"数据产品{n}") for n in "一二三")
    first_of_one = one.certificates.get()
    certificates.change_request(actor=owner.user, product_id=one.pk, values={"name": "数据产品一（更名）"})
    reissued = certificates.change_approve(operator=operator, product_id=one.pk)
    waiting = drafted(owner)
    applications.product_submit(actor=owner.user, product_id=waiting.pk)
    drafted(owner)  # never applied: not counted
    issued(first_of_one, date(2026, 1, 15))
    issued(reissued, date(2026, 4, 2))
    issued(two.certificates.get(), date(2026, 3, 31), registry="4403")
    issued(three.certificates.get(), date(2025, 12, 31))  # before the window
    for product, day in ((one, date(2026, 1, 10)), (two, date(2026, 2, 20)), (three, date(2025, 12, 1)),
                         (waiting, date(2026, 5, 5))):
        applied(product, day)

    with django_assert_num_queries(1):
        figure = statistics.certificates_issued(since=date(2026, 1, 1), until=date(2026, 7, 1), by="quarter")
    assert [(r.period, r.registry, r.issued, r.first, r.reissued) for r in figure.rows] == [
        (q(2026, 1), "4400", 1, 1, 0), (q(2026, 1), "4403", 1, 1, 0), (q(2026, 2), "4400", 1, 0, 1)]
    assert figure.totals() == {"issued": 3, "first": 2}
    by_year = statistics.certificates_issued(since=date(2025, 1, 1), until=date(2027, 1, 1), by="year")
    assert [(r.period.label, r.registry, r.issued, r.first) for r in by_year.rows] == [
        ("2025", "4400", 1, 1), ("2026", "4400", 2, 1), ("2026", "4403", 1, 1)]
    # Half-open: the last day of March is in the first quarter, not the one starting on 1 April.
    assert statistics.certificates_issued(since=date(2026, 4, 1), until=date(2026, 4, 2)).rows == ()

    with django_assert_num_queries(1):
        apps = statistics.applications(since=date(2026, 1, 1), until=date(2026, 7, 1), by="quarter")
    assert [(r.period, r.status, r.count) for r in apps.rows] == [
        (q(2026, 1), "granted", 2), (q(2026, 2), "formal_review", 1)]
    assert apps.by_status() == {"granted": 2, "formal_review": 1}
    assert apps.rows[0].status_label == str(DataProduct.Status.GRANTED.label)

    with pytest.raises(ValidationFailed) as refused:
        statistics.certificates_issued(since=date(2026, 2, 1), until=date(2026, 1, 1), by="week")
    assert set(refused.value.fields) == {"by", "until"}


def _deal_on(seller: Member, buyer: Member, assets: list[Asset], **terms: Any) -> Deal:
    listing = ListingFactory.create(organisation=seller.organisation, created_by=seller.user,
                                    status=Listing.Status.PUBLISHED, published_at=timezone.now(),
                                    offer_kinds=[terms.get("kind", "transfer")])
    for position, asset in enumerate(assets):
        ListingAsset.objects.create(listing=listing, asset=asset, position=position)
    return deal_create_from_offer(offer=accepted_offer(seller, buyer, listing=listing, **terms), actor=seller.user)


def _completed(deal: Deal, day: date) -> None:
    Deal.objects.filter(pk=deal.pk).update(status=Deal.Status.COMPLETED, completed_at=at(day))


def _loan(owner: Member, banker: Member, appraiser: Member, asset: Asset, amount: str) -> Loan:  # noqa: F811
    loan = loan_services.loan_apply(actor=owner.user, borrower_id=owner.organisation.pk,
                                    bank_id=banker.organisation.pk, asset_ids=[asset.pk],
                                    amount_asked=str(int(amount) + 20000), months="12", purpose="研发周转",
                                    valuation_id=signed_off(owner, appraiser, asset).pk)
    return loan_services.loan_accept(actor=owner.user, loan_id=offered(loan, banker, amount_offered=amount).pk)


def _disbursed(loan: Loan, day: date) -> None:
    Loan.objects.filter(pk=loan.pk).update(status=Loan.Status.ACTIVE, disbursed_at=at(day))


def test_transactions_pledges_and_policies_on_data_ip(
        owner: Member, buyer: Member, banker: Member, operator: User, appraiser: Member,  # noqa: F811
        django_assert_num_queries: Any) -> None:
    data = [Asset.objects.get(data_product=granted(owner, operator, name=f"数据资产{n}")) for n in range(7)]
    # Deals: one transfer of two data assets (counted once), one licence, one on a patent and
    # one on data not completed (neither counted).
    _completed(_deal_on(owner, buyer, data[:2], kind="transfer", price_amount=D("300000.00")), date(2026, 2, 3))
    _completed(_deal_on(owner, buyer, [data[2]], kind="licence", price_amount=D("200000.00"),
                        licence_exclusivity="non_exclusive", licence_term_months=12), date(2026, 2, 28))
    _completed(_deal_on(owner, buyer, [patent_of(owner)], price_amount=D("900000.00")), date(2026, 2, 10))
    _deal_on(owner, buyer, [data[3]], price_amount=D("50000.00"))
    with django_assert_num_queries(1):
        deals = statistics.transactions(since=date(2026, 1, 1), until=date(2026, 4, 1))
    assert [(r.period.label, r.kind, r.currency, r.count, r.amount) for r in deals.rows] == [
        ("2026-02", "licence", "CNY", 1, D("200000.00")), ("2026-02", "transfer", "CNY", 1, D("300000.00"))]
    assert deals.totals() == {"CNY": {"count": 2, "amount": D("500000.00"), "cover": D("0.00")}}

    # Pledges: two loans on data paid out in March, one on a patent, one on data not paid out.
    _disbursed(_loan(owner, banker, appraiser, data[4], "480000"), date(2026, 3, 5))
    _disbursed(_loan(owner, banker, appraiser, data[5], "300000"), date(2026, 1, 20))
    _disbursed(_loan(owner, banker, appraiser, patent_of(owner), "400000"), date(2026, 3, 6))
    _loan(owner, banker, appraiser, data[6], "100000")
    with django_assert_num_queries(1):
        loans = statistics.pledges(since=date(2026, 1, 1), until=date(2026, 4, 1), by="quarter")
    assert [(r.period, r.currency, r.count, r.amount) for r in loans.rows] == [(q(2026, 1), "CNY", 2, D("780000.00"))]
    monthly = statistics.pledges(since=date(2026, 1, 1), until=date(2026, 4, 1))
    assert [(r.period.label, r.count, r.amount) for r in monthly.rows] == [
        ("2026-01", 1, D("300000.00")), ("2026-03", 1, D("480000.00"))]

    # Policies: 2,000 + 500 per right, cover 40 times the premium; one on two data assets, one
    # on a patent, one on data only quoted.
    cover = data_cover(banker)
    deposit(owner.organisation, "10000.00")
    paid = []
    for assets in ([data[0].pk, data[1].pk], [patent_of(owner).pk]):
        policy = insurance.policy_request(actor=owner.user, policyholder_id=owner.organisation.pk,
                                          product_id=cover.pk, asset_ids=assets)
        paid.append(insurance.policy_pay(actor=owner.user, policy_id=policy.pk))
    insurance.policy_request(actor=owner.user, policyholder_id=owner.organisation.pk, product_id=cover.pk,
                             asset_ids=[data[2].pk])
    Policy.objects.filter(pk__in=[p.pk for p in paid]).update(premium_paid_at=at(date(2026, 3, 10)))
    with django_assert_num_queries(1):
        policies = statistics.insurance_policies(since=date(2026, 1, 1), until=date(2026, 4, 1), by="year")
    assert [(r.period.label, r.count, r.amount, r.cover) for r in policies.rows] == [
        ("2026", 1, D("3000.00"), D("120000.00"))]
