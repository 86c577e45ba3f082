"""Securitisation through the pages: the originator enters receivables (one from an off-platform
contract with its document), sets up a product, sees why a receivable may not join the pool,
chooses the pool and sets the structure; the servicer records a period's collections and the
trustee runs it; an investor sees its own holdings and not another's, and strangers see
nothing. Bad input comes back on its form with a 400 and the field marked, changing nothing."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client

from ipx.accounts.models import Organisation
from ipx.finance.models import Period, PoolEntry, Product, Receivable, Tranche
from ipx.ledger.selectors import ledger_check
from ipx.testing.factories import MembershipFactory, OrganisationFactory, UserFactory
from ipx.testing.fixtures import Member
from ipx.testing.second_factor import signed_in
from ipx.testing.securitisation_world import SecuritisationWorld, build_securitisation_world
from ipx.testing.upload_files import pdf_upload

pytestmark = pytest.mark.django_db

BASE = "/finance/securitisation"


def marked(html: str, name: str) -> bool:
    """Whether the control named ``name`` is marked invalid and points at its error (a group of
    checkboxes: its fieldset points at the error)."""
    group = re.search(rf'<fieldset[^>]*id="field-{re.escape(name)}"[^>]*>', html)
    if group is not None:
        return "_error" in group[0]
    control = re.search(rf'<[^>]*name="{re.escape(name)}"[^>]*>', html)
    return control is not None and 'aria-invalid="true"' in control[0] and "_error" in control[0]


def contract_form(originator: Organisation, **changes: object) -> dict[str, object]:
    return {"originator_id": originator.pk, "source": "contract", "payer_name": "佛山精密模具有限公司",
            "contract_reference": "SL-2026-101", "contract_file": pdf_upload("分许可合同.pdf"), "currency": "CNY",
            "description": "专利分许可使用费", "schedule": "2026-06-15 300,000\n2026-09-15 300,000", **changes}


@pytest.fixture
def world(db: None) -> SecuritisationWorld:
    return build_securitisation_world()


def test_the_originator_enters_receivables_chooses_a_pool_and_sets_a_structure(owner: Member, banker: Member,
                                                                                  outsider: Member) -> None:
    page = owner.client
    assert page.get(f"{BASE}/").status_code == 200
    # Given a schedule with a line that is no amount, the form comes back marked and nothing is saved.
    refused = page.post(f"{BASE}/receivables/new/", contract_form(owner.organisation,
                                                                  schedule="2026-06-15 lots"))
    assert refused.status_code == 400 and marked(refused.content.decode(), "schedule")
    assert not Receivable.objects.exists()
    no_document = page.post(f"{BASE}/receivables/new/", contract_form(owner.organisation, contract_file=""))
    assert no_document.status_code == 400 and marked(no_document.content.decode(), "contract_file")

    made = page.post(f"{BASE}/receivables/new/", contract_form(owner.organisation))
    receivable = Receivable.objects.get()
    assert made.status_code == 302 and made["Location"] == f"{BASE}/receivables/{receivable.pk}/"
    shown = page.get(made["Location"]).content.decode()
    assert "分许可合同.pdf" in shown and "300,000.00" in shown
    assert page.get(f"{BASE}/receivables/{receivable.pk}/contract/").status_code == 200
    assert outsider.client.get(made["Location"]).status_code == 404
    dollars = page.post(f"{BASE}/receivables/new/", contract_form(owner.organisation, currency="USD",
                                                                  payer_name="Pacific Optics Ltd"))
    assert dollars.status_code == 302
    in_dollars = Receivable.objects.get(currency="USD")

    product_form = {"originator_id": owner.organisation.pk, "name": "湾区专利许可资产支持专项计划",
                    "trustee_id": banker.organisation.pk, "servicer_id": owner.organisation.pk,
                    "currency": "CNY", "cut_off": "2026-03-31", "periods_per_year": "4",
                    "concentration_percent": "100"}
    same_trustee = page.post(f"{BASE}/new/", {**product_form, "trustee_id": owner.organisation.pk})
    assert same_trustee.status_code == 400 and marked(same_trustee.content.decode(), "trustee_id")
    assert not Product.objects.exists()
    created = page.post(f"{BASE}/new/", product_form)
    product = Product.objects.get()
    assert created["Location"] == f"{BASE}/{product.pk}/"

    # The pool page says why the dollar receivable may not join, and refuses a pool with it.
    pool_page = page.get(f"{BASE}/{product.pk}/pool/").content.decode()
    assert "It is in USD, the product in CNY." in pool_page
    refused_pool = page.post(f"{BASE}/{product.pk}/pool/", {"receivable_ids": [receivable.pk, in_dollars.pk]})
    assert refused_pool.status_code == 400 and marked(refused_pool.content.decode(), "receivable_ids")
    assert not PoolEntry.objects.exists()
    assert page.post(f"{BASE}/{product.pk}/pool/", {"receivable_ids": [receivable.pk]}).status_code == 302
    assert PoolEntry.objects.get().balance == Decimal("600000.00")

    structure = {"reserve_target": "10000", "tax_percent": "0", "guarantor_id": "", "guarantee_limit": "",
                 "tranches.0.name": "A", "tranches.0.seniority": "senior", "tranches.0.size": "500000",
                 "tranches.0.coupon_percent": "3.5", "tranches.0.legal_maturity": "2027-12-31",
                 "tranches.0.priority": "1",
                 "tranches.1.name": "B", "tranches.1.seniority": "subordinated", "tranches.1.size": "50000",
                 "tranches.1.coupon_percent": "0", "tranches.1.legal_maturity": "2027-12-31",
                 "tranches.1.priority": "2",
                 "tranches.2.name": "", "tranches.2.seniority": "subordinated",
                 "fees.0.name": "trustee", "fees.0.payee_id": banker.organisation.pk, "fees.0.amount": "1000",
                 "fees.0.rate_percent": "", "triggers.0.name": "", "triggers.0.metric": "asset_coverage",
                 "triggers.0.action": "sequential", "triggers.1.metric": "asset_coverage",
                 "triggers.1.action": "sequential"}
    short = page.post(f"{BASE}/{product.pk}/structure/", structure)
    # The tranches as a whole do not add up to the pool: marked on the first tranche's size.
    assert short.status_code == 400 and marked(short.content.decode(), "tranches.0.size")
    assert not Tranche.objects.exists()
    bad_coupon = page.post(f"{BASE}/{product.pk}/structure/", {**structure, "tranches.1.size": "100000",
                                                               "tranches.0.coupon_percent": "80"})
    assert bad_coupon.status_code == 400 and marked(bad_coupon.content.decode(), "tranches.0.coupon_percent")
    done = page.post(f"{BASE}/{product.pk}/structure/", {**structure, "tranches.1.size": "100000"})
    assert done.status_code == 302
    product.refresh_from_db()
    assert product.status == Product.Status.STRUCTURED
    assert [(t.name, t.size) for t in product.tranches.all()] == [("A", Decimal("500000.00")),
                                                                   ("B", Decimal("100000.00"))]
    # On offer: anyone signed in for an organisation sees it, with the subscription form.
    offered = outsider.client.get(f"{BASE}/{product.pk}/").content.decode()
    assert 'name="subscribe-amount"' in offered
    too_much = outsider.client.post(f"{BASE}/{product.pk}/subscribe/", {
        "subscribe-tranche_id": product.tranches.get(name="A").pk, "subscribe-investor_id": outsider.organisation.pk,
        "subscribe-amount": "900000"})
    assert too_much.status_code == 400 and marked(too_much.content.decode(), "subscribe-amount")


def test_the_servicer_records_collections_and_the_trustee_runs_the_period(world: SecuritisationWorld) -> None:
    product, servicer = world.product, signed_in(world.originator_admin)
    form = servicer.get(f"{BASE}/{product.pk}/collections/")
    assert form.status_code == 200 and "Collections of period 2" in form.content.decode()
    fields = re.findall(r'name="(collections\.\d+\.amount)"', form.content.decode())
    # The late payer's June instalment and the five September ones are owed by the period's end.
    assert len(fields) == 6
    too_much = servicer.post(f"{BASE}/{product.pk}/collections/", {fields[0]: "999999999", "key": "k1"})
    assert too_much.status_code == 400 and marked(too_much.content.decode(), fields[0])
    assert not Period.objects.filter(number=2).exists()
    paid = dict.fromkeys(fields[1:], "250000")
    recorded = servicer.post(f"{BASE}/{product.pk}/collections/", {**paid, "key": "k2"})
    assert recorded.status_code == 302 and recorded["Location"] == f"{BASE}/{product.pk}/periods/2/"
    assert Period.objects.get(product=product, number=2).collections == Decimal("1250000.00")

    trustee = signed_in(world.trustee_admin)
    assert "Run the waterfall" in trustee.get(recorded["Location"]).content.decode()
    # The servicer is not the trustee: its run is refused with the reason, nothing run.
    refused = servicer.post(f"{BASE}/{product.pk}/periods/2/run/", {"key": "r0"})
    assert refused.status_code == 302 and not Period.objects.get(product=product, number=2).is_run
    ran = trustee.post(f"{BASE}/{product.pk}/periods/2/run/", {"key": "r1"})
    assert ran.status_code == 302
    period = Period.objects.get(product=product, number=2)
    assert period.is_run and period.payments.exists()
    assert ledger_check().problems == []
    shown = trustee.get(recorded["Location"]).content.decode()
    assert "Interest" in shown and "Principal" in shown and "report.pdf" in shown


def test_an_investor_sees_its_own_holdings_and_strangers_nothing(world: SecuritisationWorld) -> None:
    product = world.product
    investor_a = signed_in(world.investor_a_admin).get(f"{BASE}/{product.pk}/").content.decode()
    assert world.investor_a.name in investor_a and world.investor_b.name not in investor_a
    assert "2,500,000.00" in investor_a and "1,500,000.00" not in investor_a
    assert 'id="pool-list"' not in investor_a  # the pool's payers are the parties'
    home = signed_in(world.investor_b_admin).get(f"{BASE}/").content.decode()
    assert product.name in home
    period_page = signed_in(world.investor_b_admin).get(f"{BASE}/{product.pk}/periods/1/")
    payments = period_page.content.decode().split('id="payment-list"')[1].split("</table>")[0]
    assert period_page.status_code == 200 and "Interest" in payments and "Fee" not in payments
    stranger = MembershipFactory.create(user=UserFactory.create(email="stranger@example.cn"),
                                        organisation=OrganisationFactory.create(name="无关科技有限公司")).user
    client: Client = signed_in(stranger)
    for address in ("", "periods/1/", "periods/1/report.pdf", "pool/", "collections/"):
        assert client.get(f"{BASE}/{product.pk}/{address}").status_code == 404, address
    assert client.get(f"{BASE}/receivables/{world.late.pk}/").status_code == 404
    assert product.name not in client.get(f"{BASE}/").content.decode()


def test_the_servicer_marking_a_payer_badly_sees_why_on_the_page_and_nothing_changes(
        world: SecuritisationWorld) -> None:
    late, servicer = world.late, signed_in(world.originator_admin)
    address = f"{BASE}/receivables/{late.pk}/mark/"
    too_long = servicer.post(address, {"mark-status": "current", "mark-note": "说明" * 1001})
    assert too_long.status_code == 400 and marked(too_long.content.decode(), "mark-note")
    # Late already: the refusal is the summary's, on the receivable's page.
    again = servicer.post(address, {"mark-status": "late"})
    assert again.status_code == 400 and "cannot be marked Late" in again.content.decode()
    # Not the servicer: the trustee is sent back with the refusal as a message.
    trustee = signed_in(world.trustee_admin).post(address, {"mark-status": "current"})
    assert trustee.status_code == 302 and trustee["Location"] == f"{BASE}/receivables/{late.pk}/"
    late.refresh_from_db()
    assert late.status == Receivable.Status.LATE
    marked_current = servicer.post(address, {"mark-status": "current", "mark-note": "已补缴"})
    assert marked_current.status_code == 302
    late.refresh_from_db()
    assert late.status == Receivable.Status.CURRENT
