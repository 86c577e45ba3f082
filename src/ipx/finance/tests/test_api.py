"""The finance API end to end through the client: a valuation requested, valued by the three
approaches and signed off; a loan applied for, offered, accepted, pledged, checked (paid out)
and an instalment paid once per key; a pool set up, members admitted, the loan enrolled. Bad
input answers 4xx in the one error shape and changes nothing; outsiders learn of nothing."""

from __future__ import annotations

import json
from decimal import Decimal as D
from typing import Any

import pytest
from django.test import Client

from ipx.accounts.models import Organisation, User
from ipx.finance.models import Enrolment, Instalment, Loan, Pool, Valuation
from ipx.finance.tests.test_pools import pool_values
from ipx.finance.tests.test_valuation_workflow import patent_of
from ipx.ledger.selectors import ledger_check
from ipx.testing.fixtures import Member, _member
from ipx.testing.scenes import deposit
from ipx.testing.second_factor import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def sponsor(db: None) -> Member:
    return _member("sponsor@example.com", "Zheng Fu", kind=Organisation.Kind.GOVERNMENT, name="某市市场监督管理局")


@pytest.fixture
def insurer(db: None) -> Member:
    return _member("insurer@example.com", "Bao Xian", kind=Organisation.Kind.FINANCIAL, name="湾区财产保险")


def post(client: Client, path: str, body: Any = None, **headers: str) -> Any:
    return client.post(f"/api/v1/finance/{path}", json.dumps(body or {}), content_type="application/json",
                       headers=headers)


def get(client: Client, path: str) -> Any:
    return client.get(f"/api/v1/finance/{path}")


def valued_through_the_api(owner: Member, appraiser: Member) -> dict[str, Any]:
    asset = patent_of(owner)
    answer = post(owner.client, "valuations", {"requester_id": owner.organisation.pk,
                                               "appraiser_id": appraiser.organisation.pk, "asset_ids": [asset.pk],
                                               "purpose": "质押融资"})
    assert answer.status_code == 201, answer.content
    number = answer.json()["id"]
    assert answer.json()["allowed_actions"] == ["withdraw"]
    client = appraiser.client
    assert post(client, f"valuations/{number}/accept").status_code == 200
    income = post(client, f"valuations/{number}/income", {"revenues": ["1000000", "1000000"],
                                                          "royalty_percent": "5", "tax_percent": "25",
                                                          "discount_percent": "10"})
    assert income.status_code == 200, income.content
    body = income.json()["income"]
    # 1,000,000 × 5% × 75% = 37,500 a year: 37,500 / 1.1 + 37,500 / 1.21 = 34,090.91 + 30,991.74.
    assert [row["present_value"] for row in body["years"]] == ["34090.91", "30991.74"]
    assert body["value"] == "65082.64"
    assert len(body["sensitivity"]) == len(body["sensitivity_royalty_percents"])
    cost = post(client, f"valuations/{number}/cost", {"reproduction_cost": "1000000", "functional_percent": "10",
                                                      "economic_percent": "0"})
    assert cost.json()["cost"]["value"] == "900000.00"
    market = post(client, f"valuations/{number}/market", {"comparables": []})
    assert market.json()["market"]["enough"] is False
    signed = post(client, f"valuations/{number}/sign-off", {"value": "1000000", "reasoning": "以成本法为主。"})
    assert signed.status_code == 200, signed.content
    result: dict[str, Any] = signed.json()
    assert result["status"] == "signed_off"
    return result


def test_a_valuation_and_a_loan_from_request_to_a_paid_instalment(owner: Member, appraiser: Member,
                                                                 banker: Member, operator: User) -> None:
    valuation = valued_through_the_api(owner, appraiser)
    assert valuation["history"][0]["text"] == "Valuation requested."
    applied = post(owner.client, "loans", {"borrower_id": owner.organisation.pk, "bank_id": banker.organisation.pk,
                                           "asset_ids": valuation["asset_ids"], "amount": "500000", "months": "12",
                                           "purpose": "研发周转", "valuation_id": valuation["id"]})
    assert applied.status_code == 201, applied.content
    loan = applied.json()["id"]
    # The bank reads the valuation its application rests on.
    assert get(banker.client, f"valuations/{valuation['id']}").status_code == 200
    assert post(banker.client, f"loans/{loan}/offer", {
        "amount": "480000", "annual_percent": "6", "months": "12", "method": "equal_principal",
        "ltv_percent": "50"}).status_code == 200
    assert post(owner.client, f"loans/{loan}/accept").json()["status"] == "accepted"
    assert post(owner.client, f"loans/{loan}/pledge", {"pledge_number": "Y2026440000123"}).status_code == 200
    deposit(banker.organisation, "1000000")
    checked = post(signed_in(operator), f"loans/{loan}/pledge-check", {"approve": True})
    assert checked.json()["status"] == "active"
    assert len(checked.json()["instalments"]) == 12
    assert checked.json()["allowed_actions"] == []
    first = post(owner.client, f"loans/{loan}/pay", **{"Idempotency-Key": "pay-1"})
    again = post(owner.client, f"loans/{loan}/pay", **{"Idempotency-Key": "pay-1"})
    assert first.status_code == again.status_code == 200
    assert Instalment.objects.filter(loan_id=loan, status=Instalment.Status.PAID).count() == 1
    assert D(first.json()["outstanding"]) == D("440000.00")
    assert post(owner.client, f"loans/{loan}/pay").status_code == 400  # no key
    lent = get(banker.client, "loans?show=lent").json()
    assert [row["id"] for row in lent["items"]] == [loan]
    assert ledger_check().problems == []


def test_bad_input_answers_400_by_field_and_saves_nothing(owner: Member, appraiser: Member,
                                                         banker: Member) -> None:
    answer = post(owner.client, "loans", {"borrower_id": owner.organisation.pk, "bank_id": owner.organisation.pk,
                                          "asset_ids": [patent_of(owner).pk], "amount": "-5", "months": "0",
                                          "purpose": "x"})
    assert answer.status_code == 400
    assert {"bank_id", "amount", "months"} <= set(answer.json()["error"]["fields"])
    assert not Loan.objects.exists()
    number = post(owner.client, "valuations", {"requester_id": owner.organisation.pk,
                                               "appraiser_id": appraiser.organisation.pk,
                                               "asset_ids": [patent_of(owner).pk], "purpose": "质押"}).json()["id"]
    post(appraiser.client, f"valuations/{number}/accept")
    refused = post(appraiser.client, f"valuations/{number}/income", {"revenues": ["abc"], "royalty_percent": "80",
                                                                    "tax_percent": "25", "discount_percent": "0"})
    assert refused.status_code == 400
    assert set(refused.json()["error"]["fields"]) == {"revenues", "royalty_percent", "discount_percent"}
    assert Valuation.objects.get(pk=number).income_inputs == {}
    # An unknown field or a wrong type is refused before any service.
    assert post(appraiser.client, f"valuations/{number}/cost", {"reproduction_cost": 5}).status_code == 400


def test_outsiders_learn_of_nothing_and_parties_without_the_right_are_refused(
        owner: Member, appraiser: Member, banker: Member, outsider: Member) -> None:
    valuation = valued_through_the_api(owner, appraiser)
    assert get(outsider.client, f"valuations/{valuation['id']}").status_code == 404
    assert post(outsider.client, f"valuations/{valuation['id']}/withdraw").status_code == 404
    assert get(outsider.client, "valuations").json()["count"] == 0
    assert get(Client(), "valuations").status_code == 401
    # The requester may not sign off for the appraiser.
    assert post(owner.client, f"valuations/{valuation['id']}/sign-off",
                {"value": "1", "reasoning": "x"}).status_code == 403


def test_a_pool_is_set_up_members_admitted_and_a_loan_enrolled(owner: Member, appraiser: Member,
                                                               banker: Member, sponsor: Member,
                                                               insurer: Member) -> None:
    values = {**pool_values(insurer), "sponsor_id": sponsor.organisation.pk}
    assert post(owner.client, "pools", {**values, "sponsor_id": owner.organisation.pk}).status_code == 403
    bad = post(sponsor.client, "pools", {**values, "bank_percent": "30"})
    assert bad.status_code == 400 and "fund_percent" in bad.json()["error"]["fields"]
    assert not Pool.objects.exists()
    created = post(sponsor.client, "pools", values)
    assert created.status_code == 201, created.content
    pool = created.json()["id"]
    for member in (owner, banker):
        assert post(sponsor.client, f"pools/{pool}/members",
                    {"organisation_id": member.organisation.pk}).status_code == 200
    assert post(banker.client, f"pools/{pool}/members", {"organisation_id": banker.organisation.pk}
                ).status_code == 403
    valuation = valued_through_the_api(owner, appraiser)
    loan = post(owner.client, "loans", {"borrower_id": owner.organisation.pk, "bank_id": banker.organisation.pk,
                                        "asset_ids": valuation["asset_ids"], "amount": "500000", "months": "12",
                                        "purpose": "研发周转", "valuation_id": valuation["id"]}).json()["id"]
    post(banker.client, f"loans/{loan}/offer", {"amount": "480000", "annual_percent": "6", "months": "12",
                                               "method": "equal_instalments", "ltv_percent": "50"})
    post(owner.client, f"loans/{loan}/accept")
    assert "enrol" in get(banker.client, f"loans/{loan}").json()["allowed_actions"]
    enrolled = post(banker.client, f"loans/{loan}/enrol", {"pool_id": pool})
    assert enrolled.status_code == 200, enrolled.content
    assert enrolled.json()["enrolment"]["covered"] == "480000.00"
    dashboard = get(sponsor.client, f"pools/{pool}").json()
    assert dashboard["figures"]["used"] == "480000.00"
    assert dashboard["figures"]["capacity"] == "10000000.00"  # 1,000,000 × 10
    assert dashboard["figures"]["left"] == "9520000.00"
    assert dashboard["figures"]["loans_covered"] == 1
    assert post(banker.client, f"loans/{loan}/enrol", {"pool_id": pool}).status_code == 409
    assert Enrolment.objects.count() == 1


def test_an_offer_above_the_ltv_and_a_deal_that_is_no_comparable_are_refused_by_field(
        owner: Member, appraiser: Member, banker: Member) -> None:
    valuation = valued_through_the_api(owner, appraiser)
    loan = post(owner.client, "loans", {"borrower_id": owner.organisation.pk, "bank_id": banker.organisation.pk,
                                        "asset_ids": valuation["asset_ids"], "amount": "500000", "months": "12",
                                        "purpose": "研发周转", "valuation_id": valuation["id"]}).json()["id"]
    refused = post(banker.client, f"loans/{loan}/offer", {"amount": "500000.01", "annual_percent": "6",
                                                          "months": "12", "method": "equal_principal",
                                                          "ltv_percent": "50"})
    assert refused.status_code == 400 and set(refused.json()["error"]["fields"]) == {"amount"}
    assert Loan.objects.get(pk=loan).status == Loan.Status.APPLIED
    other = post(owner.client, "valuations", {"requester_id": owner.organisation.pk,
                                              "appraiser_id": appraiser.organisation.pk,
                                              "asset_ids": [patent_of(owner).pk], "purpose": "质押"}).json()["id"]
    post(appraiser.client, f"valuations/{other}/accept")
    market = post(appraiser.client, f"valuations/{other}/market",
                  {"comparables": [{"deal_id": 999, "adjustment_percent": "5"}]})
    assert market.status_code == 400 and set(market.json()["error"]["fields"]) == {"comparables"}
    assert Valuation.objects.get(pk=other).market_inputs == {}
