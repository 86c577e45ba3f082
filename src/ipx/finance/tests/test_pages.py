"""The finance pages through the client: each role's home, the valuation page with its
year-by-year and sensitivity tables, the appraiser's forms, the loan page with its schedule and
pay button, the bank's offer form, the pool dashboard. A bad form answers 400 with the error on
its field and saves nothing; a button refused goes back with the refusal as a message."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from ipx.accounts.models import Organisation, User
from ipx.finance.models import Instalment, Loan, Pool, Valuation
from ipx.finance.services import pools
from ipx.finance.services import valuations as services
from ipx.finance.tests.test_loans_workflow import applied, disbursed
from ipx.finance.tests.test_pools import a_pool
from ipx.finance.tests.test_valuation_workflow import patent_of, requested
from ipx.ledger.selectors import ledger_check
from ipx.testing.fixtures import Member, _member
from ipx.testing.scenes import deposit
from ipx.testing.second_factor import signed_in

if TYPE_CHECKING:
    # What the test client answers: a response with the request it answered.
    from django.test.client import _MonkeyPatchedWSGIResponse as Answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def sponsor(db: None) -> Member:
    return _member("sponsor@example.com", "Zheng Fu", kind=Organisation.Kind.GOVERNMENT, name="某市市场监督管理局")


@pytest.fixture
def insurer(db: None) -> Member:
    return _member("insurer@example.com", "Bao Xian", kind=Organisation.Kind.FINANCIAL, name="湾区财产保险")


def errors_of(response: Answer) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_home_shows_each_role_what_concerns_it(owner: Member, appraiser: Member, banker: Member,
                                                  operator: User, valued: Valuation) -> None:
    loan = applied(owner, banker, valued)
    home = owner.client.get("/finance/")
    assert home.status_code == 200
    text = home.content.decode()
    assert 'id="loans-borrowed"' in text and 'id="valuations-requested"' in text
    assert f'/finance/loans/{loan.pk}/' in text
    bank = banker.client.get("/finance/").content.decode()
    assert 'id="loans-to-answer"' in bank and 'id="loans-borrowed"' not in bank
    assert 'id="valuations-to-make"' in appraiser.client.get("/finance/").content.decode()
    desk = signed_in(operator).get("/finance/").content.decode()
    assert 'id="checks-title"' in desk and 'id="loans-all"' in desk and f'/finance/loans/{loan.pk}/' in desk
    assert Client().get("/finance/").status_code == 302


def test_the_appraiser_records_the_income_approach_and_sees_both_tables(owner: Member, appraiser: Member) -> None:
    valuation = requested(owner, appraiser)
    client = appraiser.client
    page = client.get(f"/finance/valuations/{valuation.pk}/").content.decode()
    assert f'action="/finance/valuations/{valuation.pk}/accept/"' in page
    assert f'action="/finance/valuations/{valuation.pk}/withdraw/"' not in page
    client.post(f"/finance/valuations/{valuation.pk}/accept/")
    bad = client.post(f"/finance/valuations/{valuation.pk}/income/", {
        "revenues": "1000000 lots", "royalty_percent": "5", "tax_percent": "25", "discount_percent": "10"})
    assert bad.status_code == 400
    assert "revenues" in bad.context["form"].errors
    valuation.refresh_from_db()
    assert valuation.income_inputs == {}
    done = client.post(f"/finance/valuations/{valuation.pk}/income/", {
        "revenues": "1000000\n1000000", "royalty_percent": "5", "tax_percent": "25", "discount_percent": "10"})
    assert done.status_code == 302
    page = client.get(f"/finance/valuations/{valuation.pk}/").content.decode()
    assert 'id="income-years"' in page and 'id="income-sensitivity"' in page
    assert "65,082.64" in page  # 37,500 / 1.1 + 37,500 / 1.21


def test_a_refused_button_goes_back_with_the_refusal(owner: Member, appraiser: Member) -> None:
    valuation = requested(owner, appraiser)
    answer = owner.client.post(f"/finance/valuations/{valuation.pk}/accept/")
    assert answer.status_code == 302
    assert errors_of(answer) == ["Only the appraiser's administrators or signatories may do this."]
    valuation.refresh_from_db()
    assert valuation.status == Valuation.Status.REQUESTED


def test_the_bank_offers_on_the_page_and_above_the_ltv_is_refused(owner: Member, banker: Member,
                                                                 valued: Valuation) -> None:
    loan = applied(owner, banker, valued)
    form = {"amount": "600000", "annual_percent": "6", "months": "12", "method": "equal_principal",
            "ltv_percent": "50", "penalty_percent": "18", "default_after_days": "90"}
    refused = banker.client.post(f"/finance/loans/{loan.pk}/offer/", form)
    assert refused.status_code == 400
    assert "amount" in refused.context["form"].errors
    loan.refresh_from_db()
    assert loan.status == Loan.Status.APPLIED and loan.amount is None
    assert banker.client.post(f"/finance/loans/{loan.pk}/offer/", {**form, "amount": "480000"}).status_code == 302
    loan.refresh_from_db()
    assert loan.status == Loan.Status.OFFERED
    assert owner.client.get(f"/finance/loans/{loan.pk}/offer/").status_code == 403


def test_the_borrower_sees_the_schedule_and_pays_once_per_form(owner: Member, banker: Member, operator: User,
                                                              valued: Valuation, outsider: Member) -> None:
    deposit(banker.organisation, "1000000")
    loan = disbursed(owner, banker, operator, valued)
    client = owner.client
    page = client.get(f"/finance/loans/{loan.pk}/").content.decode()
    assert 'id="schedule"' in page and f'action="/finance/loans/{loan.pk}/pay/"' in page
    for _twice in range(2):
        client.post(f"/finance/loans/{loan.pk}/pay/", {"pay-key": "form-key-1"})
    assert Instalment.objects.filter(loan=loan, status=Instalment.Status.PAID).count() == 1
    assert outsider.client.get(f"/finance/loans/{loan.pk}/").status_code == 404
    assert ledger_check().problems == []


def test_the_pool_dashboard_and_admitting_a_member(owner: Member, banker: Member, sponsor: Member,
                                                   insurer: Member, outsider: Member) -> None:
    pool = a_pool(sponsor, insurer, banker)
    client = sponsor.client
    page = client.get(f"/finance/pools/{pool.pk}/").content.decode()
    assert "10,000,000.00" in page  # 1,000,000 × 10
    bad = client.post(f"/finance/pools/{pool.pk}/admit/", {"organisation_id": "x"})
    assert bad.status_code == 400
    assert client.post(f"/finance/pools/{pool.pk}/admit/", {"organisation_id": owner.organisation.pk}
                       ).status_code == 302
    assert pool.members.count() == 2
    assert banker.client.get(f"/finance/pools/{pool.pk}/").status_code == 200
    assert banker.client.get(f"/finance/pools/{pool.pk}/admit/").status_code == 403
    assert outsider.client.get(f"/finance/pools/{pool.pk}/").status_code == 404
    new = client.post("/finance/pools/new/", {"sponsor_id": sponsor.organisation.pk, "name": "第二资金池",
                                              "region": "佛山", "fund_size": "500000", "leverage": "5",
                                              "starts_on": "2026-01-01", "ends_on": "2025-01-01",
                                              "fund_percent": "40", "bank_percent": "60", "cap_per_loan": "100000"})
    assert new.status_code == 400 and "ends_on" in new.context["form"].errors
    assert Pool.objects.count() == 1
    assert owner.client.get("/finance/pools/new/").status_code == 403
    assert pools.used_capacity(pool) == 0


def test_a_valuation_request_form_offers_only_the_members_own_rights(owner: Member, appraiser: Member,
                                                                    buyer: Member) -> None:
    mine, theirs = patent_of(owner), patent_of(buyer)
    client = owner.client
    page = client.get("/finance/valuations/new/").content.decode()
    assert f'name="asset_ids" value="{mine.pk}"' in page
    assert f'name="asset_ids" value="{theirs.pk}"' not in page
    bad = client.post("/finance/valuations/new/", {"requester_id": owner.organisation.pk,
                                                   "appraiser_id": appraiser.organisation.pk,
                                                   "asset_ids": [theirs.pk], "purpose": "质押", "currency": "CNY"})
    assert bad.status_code == 400 and "asset_ids" in bad.context["form"].errors
    assert not Valuation.objects.exists()
    done = client.post("/finance/valuations/new/", {"requester_id": owner.organisation.pk,
                                                    "appraiser_id": appraiser.organisation.pk,
                                                    "asset_ids": [mine.pk], "purpose": "质押", "currency": "CNY"})
    assert done.status_code == 302
    assert services.comparable_deals(Valuation.objects.get()) == []


def test_a_signed_off_valuation_links_its_report(owner: Member, valued: Valuation, outsider: Member) -> None:
    page = owner.client.get(f"/finance/valuations/{valued.pk}/").content.decode()
    assert f'href="/finance/valuations/{valued.pk}/report.pdf"' in page
    report = owner.client.get(f"/finance/valuations/{valued.pk}/report.pdf")
    assert report.status_code == 200 and report["Content-Type"] == "application/pdf"
    assert report.content.startswith(b"%PDF")
    assert outsider.client.get(f"/finance/valuations/{valued.pk}/report.pdf").status_code == 404
