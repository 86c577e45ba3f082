"""Insurance through the client: the insurer puts a product on sale on its page, the owner
asks for a quote and sees it before paying, pays, files a claim with evidence, and the insurer
approves and pays it; the API does the same with the premium paid once per Idempotency-Key.
Bad input comes back on the form or as a 4xx in the one error shape, changing nothing."""

from __future__ import annotations

import json
from decimal import Decimal as D
from typing import Any

import pytest
from django.test import Client

from ipx.finance.models import Claim, ClaimEvidence, InsuranceProduct, Policy
from ipx.finance.tests.test_loans_workflow import available
from ipx.finance.tests.test_valuation_workflow import patent_of
from ipx.ledger.selectors import ledger_check
from ipx.listings.tests.files import pdf_bytes, upload
from ipx.testing.fixtures import Member
from ipx.testing.scenes import deposit

pytestmark = pytest.mark.django_db

PRODUCT = {"name": "专利执行保险", "kind": "enforcement", "description": "", "currency": "CNY",
           "premium_rule": "per_asset", "premium_base": "2000", "premium_per_asset": "500", "premium_percent": "",
           "cover_rule": "multiple", "cover_fixed": "", "cover_multiple": "40", "term_months": "12",
           "active": "on"}


def api(client: Client, path: str, body: Any = None, **headers: str) -> Any:
    return client.post(f"/api/v1/finance/insurance/{path}", json.dumps(body or {}), content_type="application/json",
                       headers=headers)


def test_a_policy_is_bought_and_a_claim_paid_through_the_pages(underwriter: Member, owner: Member,
                                                                outsider: Member) -> None:
    insurer, holder = underwriter.client, owner.client
    assert holder.get("/finance/insurance/products/new/").status_code == 403  # an enterprise sells no cover
    refused = insurer.post("/finance/insurance/products/new/", {**PRODUCT, "insurer": underwriter.organisation.pk,
                                                                "cover_multiple": ""})
    assert refused.status_code == 400 and not InsuranceProduct.objects.exists()
    made = insurer.post("/finance/insurance/products/new/", {**PRODUCT, "insurer": underwriter.organisation.pk})
    product = InsuranceProduct.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/finance/insurance/products/{product.pk}/"

    patent = patent_of(owner)
    page = holder.get(f"/finance/insurance/products/{product.pk}/")
    assert page.status_code == 200 and "专利执行保险" in page.content.decode()
    asked = holder.post(f"/finance/insurance/products/{product.pk}/", {"policyholder": owner.organisation.pk,
                                                                       "asset_ids": [patent.pk], "cover": ""})
    policy = Policy.objects.get()
    assert asked["Location"] == f"/finance/insurance/policies/{policy.pk}/"
    quote = holder.get(asked["Location"]).content.decode()
    assert "2,500.00" in quote and "100,000.00" in quote  # premium 2,000 + 500; cover 40 times it
    assert outsider.client.get(asked["Location"]).status_code == 404

    deposit(owner.organisation, "10000")
    deposit(underwriter.organisation, "100000")
    paid = holder.post(f"/finance/insurance/policies/{policy.pk}/pay/", {"key": "page-1"})
    assert paid.status_code == 302 and Policy.objects.get().status == "issued"
    holder.post(f"/finance/insurance/policies/{policy.pk}/pay/", {"key": "page-2"})  # refused with a message
    assert available(owner) == D("7500.00")

    form = holder.post(f"/finance/insurance/policies/{policy.pk}/claim/",
                       {"amount": "100000.01", "description": "律师费", "files": [upload("x.pdf", b"no")]})
    assert form.status_code == 400 and not Claim.objects.exists()
    filed = holder.post(f"/finance/insurance/policies/{policy.pk}/claim/", {
        "amount": "30000", "description": "侵权诉讼律师费", "files": [upload("发票.pdf", pdf_bytes())]})
    claim = Claim.objects.get()
    assert filed["Location"] == f"/finance/insurance/claims/{claim.pk}/"
    evidence = ClaimEvidence.objects.get()
    assert holder.get(f"/finance/insurance/evidence/{evidence.pk}/").status_code == 200
    assert outsider.client.get(f"/finance/insurance/evidence/{evidence.pk}/").status_code == 404

    assert "approve-amount" in insurer.get(filed["Location"]).content.decode()
    holder.post(f"/finance/insurance/claims/{claim.pk}/approve/", {"approve-amount": "30000"})  # not theirs
    assert Claim.objects.get().status == "filed"
    insurer.post(f"/finance/insurance/claims/{claim.pk}/approve/", {"approve-amount": "25000"})
    insurer.post(f"/finance/insurance/claims/{claim.pk}/pay/")
    assert (Claim.objects.get().status, available(owner)) == ("paid", D("32500.00"))
    history = holder.get(f"/finance/insurance/claims/{claim.pk}/").content.decode()
    assert "Claim filed for 30,000.00" in history and "Paid out: 25,000.00" in history
    assert "Premium of 2,500.00" in holder.get(f"/finance/insurance/policies/{policy.pk}/").content.decode()
    listing = holder.get("/finance/insurance/").content.decode()
    assert f"/finance/insurance/policies/{policy.pk}/" in listing
    assert f"/finance/insurance/claims/{claim.pk}/" in listing
    assert ledger_check().ok


def test_the_api_quotes_issues_once_per_key_and_decides_claims(underwriter: Member, owner: Member,
                                                               outsider: Member) -> None:
    made = api(underwriter.client, "products", {**{k: v for k, v in PRODUCT.items() if k != "active"},
                                                "term_months": 12, "insurer_id": underwriter.organisation.pk})
    assert made.status_code == 201, made.content
    product = made.json()["id"]
    bad = api(owner.client, "policies", {"policyholder_id": owner.organisation.pk, "product_id": product,
                                         "asset_ids": [], "cover": "abc"})
    assert bad.status_code == 400 and set(bad.json()["error"]["fields"]) == {"asset_ids", "cover"}
    asked = api(owner.client, "policies", {"policyholder_id": owner.organisation.pk, "product_id": product,
                                           "asset_ids": [patent_of(owner).pk]})
    assert asked.status_code == 201, asked.content
    body = asked.json()
    assert (body["premium"], body["cover"], body["status"], body["actions"]) == (
        "2500.00", "100000.00", "requested", ["pay", "cancel"])
    number = body["id"]
    assert outsider.client.get(f"/api/v1/finance/insurance/policies/{number}").status_code == 404
    deposit(owner.organisation, "10000")
    first = api(owner.client, f"policies/{number}/pay", **{"Idempotency-Key": "premium-1"})
    again = api(owner.client, f"policies/{number}/pay", **{"Idempotency-Key": "premium-1"})
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    twice = api(owner.client, f"policies/{number}/pay", **{"Idempotency-Key": "premium-2"})
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "paid_already"
    assert available(owner) == D("7500.00")
    filed = owner.client.post(f"/api/v1/finance/insurance/policies/{number}/claims",
                              {"amount": "20000", "description": "鉴定费", "files": [upload("鉴定.pdf", pdf_bytes())]})
    assert filed.status_code == 201, filed.content
    claim = filed.json()
    assert (claim["status"], claim["evidence"][0]["name"], claim["actions"]) == ("filed", "鉴定.pdf", [])
    decided = api(underwriter.client, f"claims/{claim['id']}/reject", {"reason": "不在保障范围内"})
    assert (decided.status_code, decided.json()["status"]) == (200, "rejected")
    to_decide = underwriter.client.get("/api/v1/finance/insurance/claims?show=to_decide").json()
    assert to_decide["count"] == 0
    assert ledger_check().ok
