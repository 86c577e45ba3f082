"""API tokens: their scopes and lifetime as given (and refused), an expired token refused with
401 ``token_expired``, a token lacking a request's scope refused with 403 ``scope_required``
(before anything is read or changed; inviting an administrator needs the money scope), tokens
made with a token no stronger and no longer-lived than it, and tokens made before scopes existed
keeping read and write for 90 days."""

from __future__ import annotations

import importlib
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.test import Client
from django.utils import timezone

from ipx.accounts import tokens
from ipx.accounts.api_scopes import MONEY_OPERATIONS, NAMING_A_SIGNATORY, scope_for, scope_for_role
from ipx.accounts.models import ApiToken, Invitation, Membership
from ipx.accounts.tests.helpers import call
from ipx.accounts.tokens import TokenInput
from ipx.core.errors import PermissionDenied, ValidationFailed
from ipx.ledger.models import LedgerTransaction
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

ALL = ["read", "write", "money"]


def token_of(member: Member, *, scopes: list[str] | None = None, days: int = 90) -> tuple[ApiToken, str]:
    given = TokenInput.parse(name="erp", scopes=scopes if scopes is not None else ["read", "write"],
                             expires_in_days=days)
    return tokens.api_token_create(user=member.user, token=given)


def tokens_table() -> list[tuple[Any, ...]]:
    # Not the last use: a refused request still used its key.
    return list(ApiToken.objects.order_by("pk").values_list("pk", "user_id", "name", "scopes", "expires_at"))


def memberships() -> list[tuple[Any, ...]]:
    return list(Membership.objects.order_by("pk").values_list("pk", "role", "is_signatory"))


# --- What a token is given ---------------------------------------------------------------------

def test_a_token_gets_read_and_write_for_90_days_unless_its_maker_chooses() -> None:
    assert TokenInput.parse(name="erp") == TokenInput(name="erp", scopes=("read", "write"), expires_in_days=90)
    assert TokenInput.parse(name="erp", scopes=["money", "read", "money"], expires_in_days="365") == TokenInput(
        name="erp", scopes=("read", "money"), expires_in_days=365)
    assert TokenInput.parse(name="erp", scopes="read", expires_in_days=1).scopes == ("read",)


@pytest.mark.parametrize(("scopes", "days", "fields"), [
    ([], 90, {"scopes": "Choose at least one scope."}),
    (["read", "admin"], 90, {"scopes": "“admin” is not one of the allowed values: read, write, money."}),
    (None, 90, {"scopes": "Choose at least one scope."}),
    (["read"], 0, {"expires_in_days": "A token lives from 1 to 365 days."}),
    (["read"], 366, {"expires_in_days": "A token lives from 1 to 365 days."}),
    (["read"], "٣", {"expires_in_days": "A token lives from 1 to 365 days."}),
    (["read"], True, {"expires_in_days": "A token lives from 1 to 365 days."}),
    (["read"], 1.5, {"expires_in_days": "A token lives from 1 to 365 days."}),
])
def test_a_token_holds_at_least_one_known_scope_for_one_day_to_a_year(scopes: Any, days: Any,
                                                                      fields: dict[str, str]) -> None:
    with pytest.raises(ValidationFailed) as refused:
        TokenInput.parse(name="erp", scopes=scopes, expires_in_days=days)
    assert refused.value.fields == fields


def test_a_new_token_expires_after_the_days_chosen(owner: Member) -> None:
    before = timezone.now()
    token, key = token_of(owner, scopes=["read", "money"], days=30)
    token.refresh_from_db()
    assert (token.scopes, key.startswith("ipx_"), token.key_hash) == (["read", "money"], True, ApiToken.hash_key(key))
    assert before + timedelta(days=30) <= token.expires_at <= timezone.now() + timedelta(days=30)


# --- Expiry -------------------------------------------------------------------------------------

def test_an_expired_token_is_refused_with_token_expired(owner: Member) -> None:
    token, key = token_of(owner)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    before = tokens_table()
    assert call(Client(), "get", "/me", token=key) == (401, {"error": {
        "code": "token_expired", "message": "This API token has expired.", "fields": {}}})
    status, body = call(Client(), "patch", f"/organisations/{owner.organisation.pk}", {"description": "x"},
                        token=key)
    assert (status, body["error"]["code"]) == (401, "token_expired")
    # A public read that shows more to a signed-in caller does not quietly answer as anonymous.
    assert call(Client(), "get", "/demands", token=key)[0] == 401
    assert tokens_table() == before
    assert ApiToken.objects.get().last_used_at is None  # a dead key's use is not recorded
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + timedelta(minutes=1))
    assert call(Client(), "get", "/me", token=key)[0] == 200


def test_a_tokens_last_use_is_recorded(owner: Member) -> None:
    token, key = token_of(owner)
    assert token.last_used_at is None
    before = timezone.now()
    assert call(Client(), "get", "/me", token=key)[0] == 200
    token.refresh_from_db()
    assert token.last_used_at is not None and before <= token.last_used_at <= timezone.now()


# --- Scopes -------------------------------------------------------------------------------------

def scope_refusal(scope: str) -> dict[str, Any]:
    return {"error": {"code": "scope_required", "fields": {},
                      "message": f"This API token lacks the “{scope}” scope that this request needs."}}


def test_reading_needs_the_read_scope(owner: Member) -> None:
    _token, write_only = token_of(owner, scopes=["write"])
    assert call(Client(), "get", "/me", token=write_only) == (403, scope_refusal("read"))
    assert call(Client(), "get", "/demands", token=write_only) == (403, scope_refusal("read"))
    _token, read_only = token_of(owner, scopes=["read"])
    assert call(Client(), "get", "/me", token=read_only)[0] == 200


def test_writing_needs_the_write_scope_and_money_does_not_stand_for_it(owner: Member) -> None:
    path = f"/organisations/{owner.organisation.pk}"
    before = owner.organisation.description
    for scopes in (["read"], ["read", "money"]):
        _token, key = token_of(owner, scopes=scopes)
        assert call(Client(), "patch", path, {"description": "changed"}, token=key) == (403, scope_refusal("write"))
    owner.organisation.refresh_from_db()
    assert owner.organisation.description == before
    _token, key = token_of(owner, scopes=["write"])
    assert call(Client(), "patch", path, {"description": "changed"}, token=key)[0] == 200


def deposit(member: Member, key: str, idempotency_key: str) -> tuple[int, Any]:
    response = Client().post(f"/api/v1/organisations/{member.organisation.pk}/deposits",
                             data={"amount": "88.80", "currency": "CNY"}, content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_IDEMPOTENCY_KEY=idempotency_key)
    return response.status_code, response.json()


def test_moving_money_needs_the_money_scope(buyer: Member) -> None:
    _token, read_write = token_of(buyer)
    assert deposit(buyer, read_write, "d-1") == (403, scope_refusal("money"))
    assert LedgerTransaction.objects.count() == 0
    _token, money = token_of(buyer, scopes=["money"])
    status, body = deposit(buyer, money, "d-2")
    assert (status, body["amount"], LedgerTransaction.objects.count()) == (201, "88.80", 1)


@pytest.mark.parametrize(("method", "path"), sorted(MONEY_OPERATIONS))
def test_every_money_operation_refuses_a_token_without_the_money_scope(method: str, path: str, owner: Member) -> None:
    _token, key = token_of(owner, scopes=["read", "write"])
    url = path.format(organisation_id=owner.organisation.pk, deal_id=999_999, offer_id=999_999, lot_id=999_999,
                      loan_id=999_999, valuation_id=999_999, policy_id=999_999, claim_id=999_999,
                      product_id=999_999, position=1, number=1, user_id=owner.user.pk)
    before = (LedgerTransaction.objects.count(), tokens_table(), memberships())
    # Refused for the scope before the object is looked for: 403, not 404.
    assert call(Client(), method.lower(), url, {"is_signatory": False}, token=key) == (403, scope_refusal("money"))
    assert (LedgerTransaction.objects.count(), tokens_table(), memberships()) == before


def test_a_page_session_is_not_limited_by_scopes(buyer: Member) -> None:
    response = buyer.client.post(f"/api/v1/organisations/{buyer.organisation.pk}/deposits",
                                 data={"amount": "1.00", "currency": "CNY"}, content_type="application/json",
                                 HTTP_IDEMPOTENCY_KEY="page")
    assert (response.status_code, response.json()["amount"], LedgerTransaction.objects.count()) == (201, "1.00", 1)


# --- Tokens made with a token -------------------------------------------------------------------

def test_a_token_makes_no_token_with_a_scope_it_lacks(owner: Member) -> None:
    parent, _key = token_of(owner, scopes=["read", "write"])
    before = tokens_table()
    with pytest.raises(PermissionDenied) as refused:
        tokens.api_token_create(user=owner.user, made_with=parent,
                                token=TokenInput.parse(name="heir", scopes=ALL, expires_in_days=1))
    message = "A token can only make tokens with scopes it holds itself; it lacks: money."
    assert (refused.value.code, refused.value.message, refused.value.fields) == (
        "scope_required", message, {"scopes": message})
    assert tokens_table() == before


def test_a_token_makes_no_token_that_outlives_it(owner: Member) -> None:
    parent, _key = token_of(owner, scopes=ALL, days=10)
    before = tokens_table()
    with pytest.raises(ValidationFailed) as refused:
        tokens.api_token_create(user=owner.user, made_with=parent,
                                token=TokenInput.parse(name="heir", scopes=["read"], expires_in_days=11))
    assert list(refused.value.fields) == ["expires_in_days"]
    assert refused.value.message.startswith("A token made with a token expires no later than that token, on ")
    assert tokens_table() == before
    heir, _key = tokens.api_token_create(user=owner.user, made_with=parent,
                                         token=TokenInput.parse(name="heir", scopes=["read"], expires_in_days=9))
    assert heir.expires_at < parent.expires_at


# --- Tokens from before scopes ------------------------------------------------------------------

def test_tokens_made_before_scopes_keep_read_and_write_for_90_days(owner: Member) -> None:
    # As the migration found them: no scopes, no expiry of their own.
    old = ApiToken.objects.create(user=owner.user, name="old", key_hash=ApiToken.hash_key("ipx_old"), scopes=[])
    migration = importlib.import_module("ipx.accounts.migrations.0005_api_token_scopes_expiry")
    before = timezone.now()
    migration.existing_tokens_read_write_for_90_days(apps, None)
    old.refresh_from_db()
    assert old.scopes == ["read", "write"]
    assert before + timedelta(days=90) <= old.expires_at <= timezone.now() + timedelta(days=90)
    assert call(Client(), "get", "/me", token="ipx_old")[0] == 200
    assert deposit(owner, "ipx_old", "old") == (403, scope_refusal("money"))


# --- Giving a role that signs -------------------------------------------------------------------

def invite(member: Member, role: str, key: str | None = None) -> tuple[int, Any]:
    client = member.client if key is None else Client()
    return call(client, "post", f"/organisations/{member.organisation.pk}/invitations",
                {"email": f"new-{role}@ipx.example", "role": role}, token=key)


def test_inviting_an_administrator_needs_what_naming_a_signatory_needs(owner: Member) -> None:
    # An administrator may do all a signatory may and name signatories: a token that may not
    # name one may not make one either.
    assert scope_for_role("admin") == scope_for(NAMING_A_SIGNATORY[0], NAMING_A_SIGNATORY) == "money"
    _token, read_write = token_of(owner, scopes=["read", "write"])
    before = list(Invitation.objects.values_list("pk", flat=True))
    assert invite(owner, "admin", read_write) == (403, scope_refusal("money"))
    assert (list(Invitation.objects.values_list("pk", flat=True)), len(mail.outbox)) == (before, 0)
    # A plain member is a plain write.
    status, body = invite(owner, "member", read_write)
    assert (status, body["role"]) == (201, "member")
    _token, money = token_of(owner, scopes=["read", "write", "money"])
    status, body = invite(owner, "admin", money)
    assert (status, body["role"]) == (201, "admin")


def test_a_page_session_invites_an_administrator_as_it_names_a_signatory(owner: Member) -> None:
    status, body = invite(owner, "admin")
    assert (status, body["role"]) == (201, "admin")
