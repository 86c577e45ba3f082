"""Managing API tokens: ``GET/POST /auth/tokens`` and ``DELETE /auth/tokens/{id}`` in the API
(the key shown once, never its hash; another's token is not found; a revoked key is refused),
the password endpoint's token (read and write for 90 days), and the tokens page."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ipx.accounts import tokens
from ipx.accounts.models import ApiToken
from ipx.accounts.tests.helpers import call
from ipx.accounts.tokens import TokenInput
from ipx.testing.factories import PASSWORD
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def token_of(member: Member, *, scopes: tuple[str, ...] = ("read", "write"), days: int = 90) -> tuple[ApiToken, str]:
    return tokens.api_token_create(user=member.user, token=TokenInput.parse(name="erp", scopes=scopes,
                                                                            expires_in_days=days))


def tokens_table() -> list[tuple[Any, ...]]:
    return list(ApiToken.objects.order_by("pk").values_list("pk", "user_id", "name", "scopes", "expires_at"))


def when(text: str) -> Any:
    return parse_datetime(text)


def lifetime(token: dict[str, Any]) -> timedelta:
    """From making to expiry, to the minute: the row's two times are taken a moment apart, which
    on a loaded machine was 0.6 s (rounded to the second, 89 days 23:59:59)."""
    return timedelta(minutes=round((when(token["expires_at"]) - when(token["created_at"])).total_seconds() / 60))


# --- The API ------------------------------------------------------------------------------------

def test_a_token_made_in_the_api_shows_its_key_once(owner: Member) -> None:
    status, made = call(owner.client, "post", "/auth/tokens", {"name": "ci", "scopes": ["money", "read"],
                                                               "expires_in_days": 7})
    token = ApiToken.objects.get()
    assert status == 201
    assert made == {"id": token.pk, "name": "ci", "scopes": ["read", "money"], "key": made["key"],
                    "created_at": made["created_at"], "expires_at": made["expires_at"], "expired": False,
                    "last_used_at": None}
    assert (token.user, token.key_hash) == (owner.user, ApiToken.hash_key(made["key"]))
    assert abs(token.expires_at - when(made["expires_at"])) < timedelta(milliseconds=1)  # JSON keeps milliseconds
    assert lifetime(made) == timedelta(days=7)
    assert call(Client(), "get", "/me", token=made["key"])[0] == 200
    status, listed = call(owner.client, "get", "/auth/tokens")
    assert status == 200 and listed["count"] == 1
    assert "key" not in listed["items"][0] and token.key_hash not in str(listed)
    assert listed["items"][0]["last_used_at"] is not None  # the /me call above


def test_a_token_made_in_the_api_gets_read_and_write_for_90_days_by_default(owner: Member) -> None:
    status, made = call(owner.client, "post", "/auth/tokens", {})
    assert (status, made["name"], made["scopes"]) == (201, "api", ["read", "write"])
    assert lifetime(made) == timedelta(days=90)


@pytest.mark.parametrize(("body", "field"), [
    ({"expires_in_days": 366}, "expires_in_days"),
    ({"expires_in_days": 0}, "expires_in_days"),
    ({"scopes": []}, "scopes"),
    ({"scopes": ["admin"]}, "scopes"),
    ({"name": ""}, "name"),
])
def test_the_api_refuses_a_token_it_cannot_make(body: dict[str, Any], field: str, owner: Member) -> None:
    status, refused = call(owner.client, "post", "/auth/tokens", body)
    assert (status, refused["error"]["code"], list(refused["error"]["fields"])) == (400, "invalid", [field])
    assert ApiToken.objects.count() == 0


def test_a_token_lists_and_makes_tokens_but_no_stronger_one(owner: Member) -> None:
    _parent, key = token_of(owner, scopes=("read", "write"), days=30)
    before = tokens_table()
    status, refused = call(Client(), "post", "/auth/tokens", {"scopes": ["read", "money"]}, token=key)
    assert (status, refused["error"]["code"]) == (403, "scope_required")
    status, refused = call(Client(), "post", "/auth/tokens", {"scopes": ["read"], "expires_in_days": 31}, token=key)
    assert (status, list(refused["error"]["fields"])) == (400, ["expires_in_days"])
    assert tokens_table() == before
    status, made = call(Client(), "post", "/auth/tokens", {"scopes": ["read"], "expires_in_days": 29}, token=key)
    assert (status, made["scopes"]) == (201, ["read"])
    status, listed = call(Client(), "get", "/auth/tokens", token=key)
    assert (status, [item["id"] for item in listed["items"]]) == (200, [made["id"], _parent.pk])


def test_revoking_a_token_refuses_its_key_from_then_on(owner: Member) -> None:
    token, key = token_of(owner)
    status, _body = call(owner.client, "delete", f"/auth/tokens/{token.pk}")
    assert (status, ApiToken.objects.count()) == (204, 0)
    assert call(Client(), "get", "/me", token=key)[0] == 401
    assert call(owner.client, "delete", f"/auth/tokens/{token.pk}")[0] == 404


def test_a_token_revokes_itself(owner: Member) -> None:
    token, key = token_of(owner)
    assert call(Client(), "delete", f"/auth/tokens/{token.pk}", token=key)[0] == 204
    assert call(Client(), "get", "/auth/tokens", token=key)[0] == 401


def test_nobody_sees_or_revokes_another_users_token(owner: Member, outsider: Member) -> None:
    token, key = token_of(owner)
    before = tokens_table()
    status, refused = call(outsider.client, "delete", f"/auth/tokens/{token.pk}")
    assert (status, refused["error"]) == (404, {"code": "not_found", "message": "No such token.", "fields": {}})
    assert call(outsider.client, "get", "/auth/tokens")[1]["count"] == 0
    assert call(Client(), "get", "/auth/tokens")[0] == 401
    assert call(Client(), "delete", f"/auth/tokens/{token.pk}")[0] == 401
    assert tokens_table() == before
    assert call(Client(), "get", "/me", token=key)[0] == 200


def test_the_password_endpoint_gives_read_and_write_for_90_days(owner: Member) -> None:
    status, made = call(Client(), "post", "/auth/token", {"email": owner.user.email, "password": PASSWORD})
    token = ApiToken.objects.get()
    assert (status, made["id"], token.scopes) == (201, token.pk, ["read", "write"])
    assert round((token.expires_at - token.created_at).total_seconds()) == timedelta(days=90).total_seconds()


# --- The page -----------------------------------------------------------------------------------

def test_the_tokens_page_makes_a_token_with_the_scopes_and_days_chosen(owner: Member) -> None:
    client = owner.client
    page = client.get(reverse("accounts:tokens")).content.decode()
    # read and write are ticked, 90 days filled in.
    assert re.search(r'<input[^>]*value="read"[^>]*checked', page) and re.search(r'value="write"[^>]*checked', page)
    assert not re.search(r'value="money"[^>]*checked', page)
    assert re.search(r'name="expires_in_days"[^>]*value="90"', page)
    response = client.post(reverse("accounts:tokens"), {"name": "payments", "scopes": ["read", "money"],
                                                        "expires_in_days": "30"})
    token = ApiToken.objects.get()
    assert (token.name, token.scopes) == ("payments", ["read", "money"])
    assert timezone.now() + timedelta(days=29) < token.expires_at <= timezone.now() + timedelta(days=30)
    html = response.content.decode()
    assert f'id="token-{token.pk}"' in html and "money" in html


@pytest.mark.parametrize(("form", "field", "message"), [
    ({"name": "erp", "scopes": ["read"], "expires_in_days": "400"}, "expires_in_days",
     "A token lives from 1 to 365 days."),
    ({"name": "erp", "expires_in_days": "30"}, "scopes", "Choose at least one scope."),
    ({"name": "erp", "scopes": ["read"], "expires_in_days": "٣"}, "expires_in_days",
     "A token lives from 1 to 365 days."),
])
def test_the_tokens_page_refuses_what_the_api_refuses(form: dict[str, Any], field: str, message: str,
                                                      owner: Member) -> None:
    response = owner.client.post(reverse("accounts:tokens"), form)
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert 'id="new-token"' not in response.content.decode()
    assert ApiToken.objects.count() == 0


def test_the_tokens_page_marks_an_expired_token(owner: Member) -> None:
    token, _key = token_of(owner)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(days=1))
    html = owner.client.get(reverse("accounts:tokens")).content.decode()
    row = re.search(rf'<tr id="token-{token.pk}">.*?</tr>', html, re.S)
    assert row is not None and "expired" in row[0]
