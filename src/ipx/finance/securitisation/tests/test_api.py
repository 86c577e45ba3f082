"""Securitisation through the API: a receivable entered with its contract (multipart), a product
set up, its pool refused whole for an ineligible receivable, a structure without a senior
tranche refused, then structured, subscribed and issued once per Idempotency-Key; collections
recorded and a period run once per key (another key: 409); an investor reads only its own;
projections under a scenario. Bad input: the one error shape, nothing changed."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from ipx.finance.models import Period, PoolEntry, Product, Receivable, Subscription, Tranche
from ipx.ledger.selectors import ledger_check
from ipx.testing.fixtures import Member
from ipx.testing.scenes import deposit
from ipx.testing.second_factor import signed_in
from ipx.testing.securitisation_world import SecuritisationWorld, build_securitisation_world
from ipx.testing.upload_files import pdf_upload

pytestmark = pytest.mark.django_db

API = "/api/v1/finance/securitisation"


def post(client: Client, path: str, body: Any = None, **headers: str) -> Any:
    return client.post(f"{API}/{path}", json.dumps(body or {}), content_type="application/json", headers=headers)


@pytest.fixture
def world(db: None) -> SecuritisationWorld:
    return build_securitisation_world()


def receivable(client: Client, originator_id: int, **changes: object) -> Any:
    data = {"originator_id": originator_id, "source": "contract", "payer_name": "江门数控装备有限公司",
            "contract_reference": "SL-7", "currency": "CNY", "contract_file": pdf_upload("合同.pdf"),
            "schedule": json.dumps([{"due_on": "2026-06-15", "amount": "400000"},
                                    {"due_on": "2026-12-15", "amount": "400000"}]), **changes}
    return client.post(f"{API}/receivables", data)


def test_a_product_is_pooled_structured_subscribed_and_issued(owner: Member, banker: Member) -> None:
    client = owner.client
    bad = receivable(client, owner.organisation.pk, schedule="[{\"due_on\": \"2026-06-15\", \"amount\": \"x\"}]")
    assert bad.status_code == 400 and "schedule.0.amount" in bad.json()["error"]["fields"]
    assert receivable(client, owner.organisation.pk, schedule="not json").status_code == 400
    assert not Receivable.objects.exists()
    made = receivable(client, owner.organisation.pk)
    assert made.status_code == 201 and made.json()["has_contract_document"] is True
    first = made.json()["id"]
    defaulted = receivable(client, owner.organisation.pk, payer_name="惠州新能源材料有限公司").json()["id"]
    assert post(client, f"receivables/{defaulted}/status", {"status": "defaulted"}).status_code == 200
    assert client.get(f"{API}/receivables/{first}/contract").status_code == 200

    created = post(client, "products", {"originator_id": owner.organisation.pk, "name": "专利许可ABS",
                                        "trustee_id": banker.organisation.pk, "servicer_id": owner.organisation.pk,
                                        "cut_off": "2026-03-31", "concentration_percent": "100"})
    assert created.status_code == 201, created.content
    product = created.json()["id"]
    refused = post(client, f"products/{product}/pool", {"receivable_ids": [first, defaulted]})
    assert refused.status_code == 400 and "It is defaulted." in refused.json()["error"]["fields"]["receivable_ids"]
    assert not PoolEntry.objects.exists()
    assert post(client, f"products/{product}/pool", {"receivable_ids": [first]}).json()["pool_balance"] == "800000.00"

    tranche = {"name": "A", "seniority": "mezzanine", "size": "800000", "coupon_percent": "4",
               "legal_maturity": "2027-12-31", "priority": 1}
    no_senior = post(client, f"products/{product}/structure", {"tranches": [tranche]})
    assert no_senior.status_code == 400 and "tranches" in no_senior.json()["error"]["fields"]
    assert not Tranche.objects.exists()
    structured = post(client, f"products/{product}/structure", {"tranches": [{**tranche, "seniority": "senior"}]})
    assert structured.status_code == 200 and structured.json()["status"] == "structured"
    tranche_id = structured.json()["tranches"][0]["id"]

    over = post(banker.client, f"products/{product}/subscriptions",
                {"tranche_id": tranche_id, "investor_id": banker.organisation.pk, "amount": "900000"})
    assert over.status_code == 400 and not Subscription.objects.exists()
    assert post(banker.client, f"products/{product}/subscriptions", {
        "tranche_id": tranche_id, "investor_id": banker.organisation.pk, "amount": "800000"}).status_code == 200
    deposit(banker.organisation, "800000")
    issued = post(client, f"products/{product}/issue", **{"Idempotency-Key": "issue-1"})
    assert issued.status_code == 200 and issued.json()["status"] == "issued"
    again = post(client, f"products/{product}/issue", **{"Idempotency-Key": "issue-1"})
    assert again.status_code == 200 and Product.objects.get().issued_at is not None
    assert ledger_check().problems == []


def test_a_period_is_recorded_and_run_once_and_an_investor_reads_its_own(world: SecuritisationWorld) -> None:
    product = world.product
    servicer, trustee = signed_in(world.originator_admin), signed_in(world.trustee_admin)
    september = [row.pk for r in world.receivables for row in r.instalments.filter(due_on__month=9)]
    body = {"number": 2, "collections": [{"instalment_id": pk, "amount": "250000"} for pk in september]}
    wrong_number = post(servicer, f"products/{product.pk}/periods", {**body, "number": 3},
                        **{"Idempotency-Key": "c0"})
    assert wrong_number.status_code == 400 and "number" in wrong_number.json()["error"]["fields"]
    recorded = post(servicer, f"products/{product.pk}/periods", body, **{"Idempotency-Key": "c1"})
    assert recorded.status_code == 201 and recorded.json()["collections"] == "1250000.00"
    assert post(servicer, f"products/{product.pk}/periods", body, **{"Idempotency-Key": "c1"}).status_code == 201
    twice = post(servicer, f"products/{product.pk}/periods", body, **{"Idempotency-Key": "c2"})
    assert twice.status_code == 409 and Period.objects.filter(product=product).count() == 2

    assert post(servicer, f"products/{product.pk}/periods/2/run", **{"Idempotency-Key": "r0"}).status_code == 403
    ran = post(trustee, f"products/{product.pk}/periods/2/run", **{"Idempotency-Key": "r1"})
    assert ran.status_code == 200 and ran.json()["ran_at"] is not None
    steps = len(ran.json()["payments"])
    assert post(trustee, f"products/{product.pk}/periods/2/run", **{"Idempotency-Key": "r1"}).json()[
        "payments"] == ran.json()["payments"]
    rerun = post(trustee, f"products/{product.pk}/periods/2/run", **{"Idempotency-Key": "r2"})
    assert rerun.status_code == 409 and rerun.json()["error"]["code"] == "period_run"
    assert Period.objects.get(product=product, number=2).payments.count() == steps
    assert ledger_check().problems == []

    seen = signed_in(world.investor_b_admin).get(f"{API}/products/{product.pk}").json()
    assert [t["name"] for t in seen["tranches"]] == ["A"] and seen["pool_balance"] is None
    assert [h["investor"]["id"] for h in seen["holdings"]] == [world.investor_b.pk]
    period = signed_in(world.investor_b_admin).get(f"{API}/products/{product.pk}/periods/2").json()
    assert {p["action"] for p in period["payments"]} <= {"pay_interest", "pay_principal"}
    assert signed_in(world.investor_b_admin).get(f"{API}/products/{product.pk}/projection").status_code == 404


def test_projections_under_a_scenario(world: SecuritisationWorld) -> None:
    trustee = signed_in(world.trustee_admin)
    answer = trustee.get(f"{API}/products/{world.product.pk}/projection?default_rate=0&prepayment_rate=0"
                         "&recovery_rate=0&recovery_lag=0&delay_periods=0")
    assert answer.status_code == 200, answer.content
    projected = answer.json()
    assert [p["number"] for p in projected["periods"]] == [2, 3, 4]
    # With nothing defaulting the pool pays the late payer's instalments too: 1,250,000 a quarter.
    assert [Decimal(p["scheduled"]) for p in projected["periods"]] == [Decimal("1500000.00"),
                                                                       Decimal("1250000.00"),
                                                                       Decimal("1250000.00")]
    senior = next(b for b in projected["bonds"] if b["name"] == "A")
    assert Decimal(senior["balance"]) == Decimal("3150000.00") and Decimal(senior["loss"]) == 0
    assert sum(Decimal(x) for x in senior["principal"]) == Decimal("3150000.00")
    assert len(projected["sensitivity"]) == 15
    worse = trustee.get(f"{API}/products/{world.product.pk}/projection?default_rate=60").json()
    assert Decimal(next(b for b in worse["bonds"] if b["name"] == "B")["loss"]) > 0
    bad = trustee.get(f"{API}/products/{world.product.pk}/projection?default_rate=250")
    assert bad.status_code == 400 and "default_rate" in bad.json()["error"]["fields"]
    page = trustee.get(f"/finance/securitisation/{world.product.pk}/projection/?default_rate=abc")
    assert page.status_code == 400 and 'aria-invalid="true"' in page.content.decode()
    shown = trustee.get(f"/finance/securitisation/{world.product.pk}/projection/")
    assert shown.status_code == 200 and 'id="sensitivity"' in shown.content.decode()
