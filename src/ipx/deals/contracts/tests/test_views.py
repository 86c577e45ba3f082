"""Deal pages: who sees what (outsiders get 404), the actions as plain form posts and as HTMX
fragments, and refused input shown on the page, never a 500."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from ipx.accounts.models import User
from ipx.deals.contracts import services
from ipx.deals.contracts.pdf import deal_number
from ipx.deals.contracts.tests.helpers import fresh, funded, intended, signed, snapshot, submitted
from ipx.deals.models import Deal
from ipx.ledger.models import LedgerTransaction
from ipx.testing.fixtures import Member
from ipx.testing.second_factor import fresh_second_factor

pytestmark = pytest.mark.django_db

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def requested(owner: Member, buyer: Member, operator: User) -> Deal:
    deal = funded(owner, buyer, operator)
    services.deal_request_cancellation(deal_id=deal.pk, actor=buyer.user, reason="卖方未按约提供技术资料")
    return deal


def key(data: dict[str, str] | None = None) -> dict[str, str]:
    """Form data with the one-time key every money form carries."""
    return {**(data or {}), "idempotency_key": uuid.uuid4().hex}


@dataclass
class Page:
    name: str
    prepare: Callable[[Member, Member, User], Deal]
    method: str
    path: str
    data: dict[str, str] | None = None
    party: str = "buyer"
    moves_money: bool = False
    operator_status: int = 200


PAGES = [
    Page("detail", fresh, "get", "/deals/{id}/"),
    Page("contract", fresh, "get", "/deals/{id}/contract.pdf"),
    Page("sign", fresh, "post", "/deals/{id}/sign/", operator_status=403),
    Page("conclude", intended, "post", "/deals/{id}/conclude/", operator_status=403),
    Page("fund", signed, "post", "/deals/{id}/milestones/1/fund/", operator_status=403, moves_money=True),
    Page("release", funded, "post", "/deals/{id}/milestones/1/release/", {"amount": "100"}, moves_money=True),
    Page("recordal", signed, "post", "/deals/{id}/recordal/", {"recordal_number": "2023990000123"}, party="seller",
         operator_status=403),
    Page("check recordal", submitted, "post", "/deals/{id}/recordal/check/", {"decision": "approve"},
         party="buyer-refused"),
    # Before both have signed a party cancels; afterwards it asks, and an operator decides.
    Page("cancel", fresh, "post", "/deals/{id}/cancel/", {"reason": "双方协商解除"}, party="seller",
         moves_money=True),
    Page("request cancellation", funded, "post", "/deals/{id}/cancellation/request/", {"reason": "卖方违约"},
         operator_status=403),
    Page("decide cancellation", requested, "post", "/deals/{id}/cancellation/decide/",
         {"decision": "cancel", "decision_note": "卖方违约，解除合同"}, party="buyer-refused", moves_money=True),
]


def _past_step_up(member: Member) -> Client:
    """A party's client that passed the second factor just now, as signing needs."""
    return fresh_second_factor(member.client, member.user)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
@pytest.mark.parametrize("who", ["outsider", "party", "operator"])
def test_page_access_matrix(page: Page, who: str, owner: Member, buyer: Member, outsider: Member,
                            operator: User, operator_client: Client) -> None:
    deal = page.prepare(owner, buyer, operator)
    client = {"outsider": outsider.client, "operator": operator_client,
              "party": _past_step_up(owner if page.party == "seller" else buyer)}[who]
    before = snapshot(deal)
    data = key(page.data) if page.moves_money else page.data or {}
    response = getattr(client, page.method)(page.path.format(id=deal.pk), data=data, follow=True)
    expected = {"outsider": 404, "operator": page.operator_status,
                "party": 403 if page.party == "buyer-refused" else 200}[who]
    assert response.status_code == expected
    if expected != 200:
        assert snapshot(deal) == before
    elif page.name == "contract":
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "private, no-store"
    else:
        assert response.templates[0].name == "deals/contracts/detail.html"
        if page.method == "post":
            assert snapshot(deal) != before


def test_anonymous_visitors_are_sent_to_log_in(owner: Member, buyer: Member, operator: User) -> None:
    deal = fresh(owner, buyer, operator)
    for path in ("/deals/", f"/deals/{deal.pk}/", f"/deals/{deal.pk}/contract.pdf"):
        response = Client().get(path)
        assert (response.status_code, response["Location"].startswith("/accounts/login/")) == (302, True)
    assert Client().post(f"/deals/{deal.pk}/sign/").status_code == 302
    assert snapshot(deal)[0] == "awaiting_signatures"


def test_my_deals_page(owner: Member, buyer: Member, outsider: Member, operator: User,
                       operator_client: Client) -> None:
    deal = fresh(owner, buyer, operator)
    number = deal_number(deal)
    for client, sees in [(owner.client, True), (buyer.client, True), (operator_client, True),
                         (outsider.client, False)]:
        response = client.get("/deals/")
        assert response.status_code == 200
        assert (number in response.content.decode()) is sees
    assert number in buyer.client.get("/deals/?commitment=concluded&status=awaiting_signatures").content.decode()
    assert number not in buyer.client.get("/deals/?status=completed").content.decode()
    assert buyer.client.get("/deals/?status=bogus&page=abc").status_code == 200


def test_deal_page_shows_terms_parties_actions_and_timeline(owner: Member, buyer: Member, operator: User,
                                                            operator_client: Client) -> None:
    deal = fresh(owner, buyer, operator)
    page = buyer.client.get(f"/deals/{deal.pk}/").content.decode()
    for text in (owner.organisation.name, buyer.organisation.name, "签约款", "备案后尾款", "Sign the contract",
                 f"/deals/{deal.pk}/contract.pdf", "Deal made from the accepted offer", "Cancel the deal"):
        assert text in page, text
    assert "Approve the recordal" not in page
    submitted_deal = submitted(owner, buyer, operator)
    assert "Approve the recordal" in operator_client.get(f"/deals/{submitted_deal.pk}/").content.decode()
    assert "Approve the recordal" not in buyer.client.get(f"/deals/{submitted_deal.pk}/").content.decode()


def test_htmx_actions_return_the_deal_fragment(owner: Member, buyer: Member, operator: User) -> None:
    deal = fresh(owner, buyer, operator)
    client = _past_step_up(buyer)
    response = client.post(f"/deals/{deal.pk}/sign/", **HTMX)
    assert response.status_code == 200
    assert response.templates[0].name == "deals/contracts/_deal.html"
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="deal"')
    assert "Signed." in body and "Your organisation has signed." in body

    # A refusal is shown inside the fragment (HTMX swaps only 2xx answers) and changes nothing.
    before = snapshot(deal)
    response = client.post(f"/deals/{deal.pk}/sign/", **HTMX)
    assert response.status_code == 200
    assert 'id="deal-error"' in response.content.decode() and "already signed" in response.content.decode()
    assert snapshot(deal) == before


# The control each problem is about: the summary leads to it, and it is marked and described.
@pytest.mark.parametrize(("path", "data", "field_message", "control"), [
    ("/deals/{id}/recordal/", {"recordal_number": "12"}, "6 to 40 characters", "recordal_number"),
    ("/deals/{id}/recordal/", {}, "Enter the recordal number", "recordal_number"),
    ("/deals/{id}/cancel/", {"reason": " "}, "Say why the deal is cancelled", "reason"),
    ("/deals/{id}/cancellation/request/", {"reason": " "}, "Say why the deal should be cancelled", "request_reason"),
    ("/deals/{id}/milestones/1/release/", {"amount": "abc"}, "as a number", None),
    ("/deals/{id}/milestones/1/release/", {"amount": "\u00a0-1e400"}, "greater than zero", None),
])
def test_form_errors_are_shown_never_500(path: str, data: dict[str, str], field_message: str, control: str | None,
                                         owner: Member, buyer: Member, operator: User,
                                         operator_client: Client) -> None:
    deal = funded(owner, buyer, operator)
    # Signed by both: the seller asks to cancel, an operator cancels.
    client = {"recordal": owner.client, "cancel": operator_client, "cancellation": owner.client}.get(
        path.split("/")[3], buyer.client)
    data = key(data)
    before = snapshot(deal)
    response = client.post(path.format(id=deal.pk), data=data)
    assert response.status_code == 400
    assert field_message in response.content.decode()
    fragment = client.post(path.format(id=deal.pk), data=data, **HTMX)
    assert fragment.status_code == 200 and field_message in fragment.content.decode()
    if control is not None:
        shown = fragment.content.decode()
        assert "data-error-summary" in shown and f'<a href="#{control}">' in shown
        assert f'id="{control}" name=' in shown
        assert f'aria-invalid="true" aria-describedby="{control}-error"' in shown and f'id="{control}-error"' in shown
    assert snapshot(deal) == before


def test_release_before_recordal_on_the_page(owner: Member, buyer: Member, operator: User) -> None:
    deal = signed(owner, buyer, operator)
    buyer.client.post(f"/deals/{deal.pk}/milestones/2/fund/", key())
    before = snapshot(deal)
    response = buyer.client.post(f"/deals/{deal.pk}/milestones/2/release/", key())
    assert response.status_code == 409
    assert "released only after the recordal is checked" in response.content.decode()
    assert snapshot(deal) == before


def test_operator_returns_a_recordal_with_a_note(owner: Member, buyer: Member, operator: User,
                                                 operator_client: Client) -> None:
    deal = submitted(owner, buyer, operator)
    response = operator_client.post(f"/deals/{deal.pk}/recordal/check/", {"decision": "return", "note": ""})
    assert response.status_code == 400
    response = operator_client.post(f"/deals/{deal.pk}/recordal/check/", {"decision": "return", "note": "号码有误"},
                                    follow=True)
    assert response.status_code == 200
    deal.refresh_from_db()
    assert deal.status == "signed"
    assert "号码有误" in owner.client.get(f"/deals/{deal.pk}/").content.decode()


def test_unknown_deal_and_wrong_method(buyer: Member) -> None:
    assert buyer.client.get("/deals/999999/").status_code == 404
    assert buyer.client.get("/deals/999999/contract.pdf").status_code == 404
    assert buyer.client.post("/deals/999999/cancel/", key({"reason": "x"})).status_code == 404
    assert buyer.client.get("/deals/1/sign/").status_code == 405


def test_a_money_form_submitted_twice_moves_money_once(owner: Member, buyer: Member, operator: User) -> None:
    deal = signed(owner, buyer, operator)
    page = buyer.client.get(f"/deals/{deal.pk}/").content.decode()
    # fund 1, fund 2 (signed: the buyer no longer cancels, it asks, which moves no money)
    assert page.count('name="idempotency_key"') == 2
    form = key()
    first = buyer.client.post(f"/deals/{deal.pk}/milestones/1/fund/", form)
    second = buyer.client.post(f"/deals/{deal.pk}/milestones/1/fund/", form)  # a double click
    assert (first.status_code, second.status_code) == (302, 302)
    assert LedgerTransaction.objects.filter(kind="escrow_hold").count() == 1
    before = snapshot(deal)
    response = buyer.client.post(f"/deals/{deal.pk}/milestones/1/release/", {"amount": "5"})  # no key
    assert response.status_code == 400 and "This form has expired" in response.content.decode()
    assert snapshot(deal) == before
