"""Step-up: payouts and signing a contract need a second factor passed within
IPX_STEP_UP_MINUTES on the pages, and a current code in X-IPX-OTP through the API (by session
or by token). Whoever has none is asked to set one up. A refusal changes nothing; whom the
step refuses anyway hears that refusal instead."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from ipx.accounts.mfa.tests.helpers import age_session
from ipx.accounts.models import User
from ipx.accounts.tokens import TokenInput, api_token_create
from ipx.deals.contracts.tests.helpers import deposit, make_deal, snapshot
from ipx.deals.models import Deal
from ipx.ledger.models import Payout
from ipx.testing.fixtures import Member
from ipx.testing.second_factor import code_of, enrol, fresh_second_factor, otp_header

pytestmark = pytest.mark.django_db

BANK = "6222 0212 3456 7890 128"
HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def _sign_api(client: Client, deal: Deal, **headers: Any) -> tuple[int, Any]:
    response = client.post(f"/api/v1/deals/{deal.pk}/sign", content_type="application/json", **headers)
    return response.status_code, response.json()


def _payout_api(client: Client, member: Member, key: str, **headers: Any) -> tuple[int, Any]:
    body = {"amount": "10", "currency": "CNY", "bank_account": BANK}
    response = client.post(f"/api/v1/organisations/{member.organisation.pk}/payouts", data=json.dumps(body),
                           content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **headers)
    return response.status_code, response.json()


def _payout_page(client: Client, member: Member, **extra: Any) -> Any:
    return client.post(f"/ledger/{member.organisation.pk}/payout/", {
        "amount": "10", "currency": "CNY", "bank_account": BANK, "idempotency_key": "k-1"}, **extra)


# --- Signing ------------------------------------------------------------------------------------

def test_signing_on_the_page_without_a_second_factor_asks_to_set_one_up(owner: Member, buyer: Member) -> None:
    deal = make_deal(owner, buyer)
    before = snapshot(deal)
    response = buyer.client.post(f"/deals/{deal.pk}/sign/")
    assert (response.status_code, response["Location"]) == (302, f"/accounts/mfa/enrol/?next=%2Fdeals%2F{deal.pk}%2F")
    assert snapshot(deal) == before


def test_signing_on_the_page_needs_a_second_factor_passed_within_the_step_up_minutes(
        owner: Member, buyer: Member, settings: Any) -> None:
    settings.IPX_STEP_UP_MINUTES = 10
    deal = make_deal(owner, buyer)
    client = fresh_second_factor(buyer.client, buyer.user)
    age_session(client, minutes=11)
    before = snapshot(deal)
    response = client.post(f"/deals/{deal.pk}/sign/")
    assert (response.status_code, response["Location"]) == (302, f"/accounts/mfa/verify/?next=%2Fdeals%2F{deal.pk}%2F")
    assert snapshot(deal) == before
    # HTMX navigates to the confirmation instead of swapping it into the deal.
    htmx = client.post(f"/deals/{deal.pk}/sign/", **HTMX)
    assert (htmx.status_code, htmx["HX-Redirect"]) == (204, f"/accounts/mfa/verify/?next=%2Fdeals%2F{deal.pk}%2F")
    assert snapshot(deal) == before

    back = client.post("/accounts/mfa/verify/", {"code": otp_header(buyer.user)["HTTP_X_IPX_OTP"],
                                                 "next": f"/deals/{deal.pk}/"})
    assert back["Location"] == f"/deals/{deal.pk}/"
    assert client.post(f"/deals/{deal.pk}/sign/").status_code == 302
    assert list(deal.signatures.values_list("organisation_id", flat=True)) == [buyer.organisation.pk]


def test_signing_through_the_api_needs_a_current_code(owner: Member, buyer: Member) -> None:
    deal = make_deal(owner, buyer)
    before = snapshot(deal)
    status, body = _sign_api(buyer.client, deal)
    assert (status, body["error"]["code"]) == (403, "step_up_required")
    assert "set up an authenticator app first" in body["error"]["message"]
    device = enrol(buyer.user)
    status, body = _sign_api(buyer.client, deal)
    assert (status, body["error"]["code"], body["error"]["message"]) == (
        403, "step_up_required", "Send a current code of your authenticator app in the X-IPX-OTP header.")
    status, body = _sign_api(buyer.client, deal, HTTP_X_IPX_OTP=code_of(device, steps_ahead=5))
    assert (status, body["error"]["code"]) == (403, "step_up_failed")
    assert snapshot(deal) == before
    status, body = _sign_api(buyer.client, deal, **otp_header(buyer.user))
    assert (status, [s["organisation_id"] for s in body["signatures"]]) == (200, [buyer.organisation.pk])


def test_a_code_signs_once(owner: Member, buyer: Member) -> None:
    first, second = make_deal(owner, buyer), make_deal(owner, buyer)
    header = otp_header(buyer.user)
    assert _sign_api(buyer.client, first, **header)[0] == 200
    before = snapshot(second)
    status, body = _sign_api(buyer.client, second, **header)
    assert (status, body["error"]["code"]) == (403, "step_up_failed")
    assert snapshot(second) == before


def test_signing_with_a_token_needs_a_current_code(owner: Member, buyer: Member) -> None:
    deal = make_deal(owner, buyer)
    _token, key = api_token_create(user=buyer.user, token=TokenInput.parse(
        name="erp", scopes=["read", "write", "money"]))
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    enrol(buyer.user)
    before = snapshot(deal)
    assert _sign_api(Client(), deal, **bearer)[1]["error"]["code"] == "step_up_required"
    assert snapshot(deal) == before
    assert _sign_api(Client(), deal, **bearer, **otp_header(buyer.user))[0] == 200


def test_whom_signing_refuses_anyway_hears_that_refusal_not_the_step_up(owner: Member, buyer: Member,
                                                                        operator_client: Client) -> None:
    deal = make_deal(owner, buyer)
    status, body = _sign_api(operator_client, deal)
    assert (status, body["error"]["code"]) == (403, "forbidden")
    fresh_client = fresh_second_factor(buyer.client, buyer.user)
    assert fresh_client.post(f"/deals/{deal.pk}/sign/").status_code == 302
    # Signed already: 409 as before, with or without a code.
    status, body = _sign_api(buyer.client, deal)
    assert (status, body["error"]["code"]) == (409, "already_signed")


# --- Payouts ------------------------------------------------------------------------------------

def test_payouts_on_the_page_need_a_fresh_second_factor(buyer: Member) -> None:
    deposit(buyer, "100")
    back = f"%2Fledger%2F{buyer.organisation.pk}%2F"
    response = _payout_page(buyer.client, buyer)
    assert (response.status_code, response["Location"]) == (302, f"/accounts/mfa/enrol/?next={back}")
    client = fresh_second_factor(buyer.client, buyer.user)
    age_session(client, minutes=11)
    response = _payout_page(client, buyer)
    assert (response.status_code, response["Location"]) == (302, f"/accounts/mfa/verify/?next={back}")
    assert Payout.objects.count() == 0
    fresh_second_factor(client, buyer.user)
    assert _payout_page(client, buyer).status_code == 302
    assert list(Payout.objects.values_list("amount", "bank_account")) == [(Decimal("10.00"), "****0128")]


def test_payouts_through_the_api_need_a_current_code(buyer: Member) -> None:
    deposit(buyer, "100")
    status, body = _payout_api(buyer.client, buyer, "p-1")
    assert (status, body["error"]["code"]) == (403, "step_up_required")
    device = enrol(buyer.user)
    status, body = _payout_api(buyer.client, buyer, "p-2", HTTP_X_IPX_OTP=code_of(device, steps_ahead=5))
    assert (status, body["error"]["code"]) == (403, "step_up_failed")
    assert Payout.objects.count() == 0
    status, body = _payout_api(buyer.client, buyer, "p-3", **otp_header(buyer.user))
    assert (status, body["amount"]) == (201, "10.00")
    assert Payout.objects.count() == 1


def test_whom_payouts_refuse_anyway_hear_that_refusal(buyer: Member, operator: User, operator_client: Client) -> None:
    deposit(buyer, "100")
    status, body = _payout_api(operator_client, buyer, "op")
    assert (status, body["error"]["code"]) == (403, "forbidden")
    assert Payout.objects.count() == 0


# --- Trading a password for a token ----------------------------------------------------------

def test_a_password_gets_no_token_around_the_second_factor(owner: Member, operator: User) -> None:
    from ipx.accounts.mfa.stepup import StepUpFailed, StepUpRequired, require_second_factor_with_password

    require_second_factor_with_password(owner.user, None)  # no app, none required: the password does
    with pytest.raises(StepUpRequired) as required:
        require_second_factor_with_password(operator, None)
    assert required.value.message.startswith("Your account needs a second factor")
    device = enrol(owner.user)
    with pytest.raises(StepUpRequired):
        require_second_factor_with_password(owner.user, None)
    with pytest.raises(StepUpFailed):
        require_second_factor_with_password(owner.user, code_of(device, steps_ahead=5))
    require_second_factor_with_password(owner.user, otp_header(owner.user)["HTTP_X_IPX_OTP"])


def test_the_token_endpoint_wants_the_code_of_whoever_has_an_app(owner: Member) -> None:
    from ipx.accounts.models import ApiToken

    owner.user.set_password("a long enough passphrase 42")
    owner.user.save(update_fields=["password"])
    enrol(owner.user)
    body = json.dumps({"email": owner.user.email, "password": "a long enough passphrase 42", "name": "ci"})
    before = ApiToken.objects.count()
    refused = Client().post("/api/v1/auth/token", body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "step_up_required"
    assert ApiToken.objects.count() == before
    granted = Client().post("/api/v1/auth/token", body, content_type="application/json",
                            headers={"X-IPX-OTP": otp_header(owner.user)["HTTP_X_IPX_OTP"]})
    assert granted.status_code == 201
    assert ApiToken.objects.count() == before + 1
