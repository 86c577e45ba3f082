"""The API end to end: authentication, the one error shape, and who may do what."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from ipx.accounts.mfa.policy import second_factor_required
from ipx.accounts.models import Organisation, User
from ipx.listings.models import Listing
from ipx.testing.factories import PASSWORD, PatentFactory
from ipx.testing.fixtures import Member
from ipx.testing.second_factor import otp_header

pytestmark = pytest.mark.django_db


def call(client: Client, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    response = getattr(client, method)(f"/api/v1{path}", data=json.dumps(body) if body is not None else None,
                                       content_type="application/json", **headers)
    return response.status_code, (response.json() if response.content else None)


def token_for(member_user: User) -> str:
    # Whom the exchange requires a second factor of (the operator) sends a code with the password.
    headers: dict[str, Any] = otp_header(member_user) if second_factor_required(member_user) else {}
    response = Client(**headers).post("/api/v1/auth/token", content_type="application/json",
                                      data=json.dumps({"email": member_user.email, "password": PASSWORD}))
    assert response.status_code == 201
    return str(response.json()["key"])


def test_sign_up_and_token_login() -> None:
    client = Client()
    status, body = call(client, "post", "/users", {"email": "a@b.example", "password": "long enough 123",
                                                   "full_name": "A B"})
    assert (status, body["email"], body["memberships"]) == (201, "a@b.example", [])
    status, body = call(client, "post", "/auth/token", {"email": "a@b.example", "password": "wrong"})
    assert (status, body["error"]["code"]) == (401, "not_authenticated")
    status, body = call(client, "post", "/auth/token", {"email": "A@B.example", "password": "long enough 123"})
    assert status == 201
    status, me = call(Client(), "get", "/me", token=body["key"])
    assert (status, me["email"]) == (200, "a@b.example")
    assert call(Client(), "get", "/me", token="ipx_nonsense")[0] == 401
    assert call(Client(), "get", "/me")[0] == 401


def test_error_shape_for_schema_errors(owner: Member) -> None:
    token = token_for(owner.user)
    status, body = call(Client(), "post", "/listings", {"organisation_id": "abc", "title": 5}, token=token)
    assert status == 400
    assert body["error"]["code"] == "invalid"
    assert {"organisation_id", "asset_ids"} <= set(body["error"]["fields"])
    status, body = call(Client(), "post", "/listings", {"organisation_id": owner.organisation.pk, "title": "t",
                                                        "asset_ids": [1], "price_type": "fixed",
                                                        "price_amount": "12.345"}, token=token)
    assert status == 400
    assert set(body["error"]) == {"code", "message", "fields"}


def test_organisation_registration_and_verification(operator: User, operator_client: Client) -> None:
    user = User.objects.create_user("n@x.example", "long enough 123", full_name="N")
    payload = {"name": "澳门创新科技", "kind": "enterprise", "region_kind": "mo"}
    assert call(Client(), "post", "/organisations", payload)[0] == 401
    # A signed-in page session may write only with the CSRF token.
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert call(strict, "post", "/organisations", payload)[0] == 403
    assert Organisation.objects.count() == 0
    session = Client()
    session.force_login(user)
    status, org = call(session, "post", "/organisations", payload)
    assert (status, org["status"], org["region"], org["uscc"]) == (201, "pending", "MO", None)
    assert call(session, "post", f"/organisations/{org['id']}/verify")[0] == 403
    status, queue = call(operator_client, "get", "/organisations")
    assert (status, [item["id"] for item in queue["items"]]) == (200, [org["id"]])
    assert call(session, "get", "/organisations")[0] == 403
    status, verified = call(operator_client, "post", f"/organisations/{org['id']}/verify")
    assert (status, verified["status"]) == (200, "verified")
    status, again = call(operator_client, "post", f"/organisations/{org['id']}/verify")
    assert (status, again["error"]["code"]) == (409, "invalid_transition")


def test_listing_lifecycle_and_access(owner: Member, buyer: Member, outsider: Member, operator: User) -> None:
    owner_token, outsider_token, operator_token = token_for(owner.user), token_for(outsider.user), token_for(operator)
    patent = PatentFactory.create(asset__holder=owner.organisation)
    draft = {"organisation_id": owner.organisation.pk, "title": "锂电池隔膜", "asset_ids": [patent.pk],
             "offer_kinds": ["transfer"], "price_type": "fixed", "price_amount": "250000.00", "currency": "CNY"}
    assert call(Client(), "post", "/listings", {**draft}, token=outsider_token)[0] == 403
    status, listing = call(Client(), "post", "/listings", draft, token=owner_token)
    assert (status, listing["status"], listing["price_amount"]) == (201, "draft", "250000.00")
    path = f"/listings/{listing['id']}"
    # Drafts are private to the seller's members and the operators.
    assert call(Client(), "get", path)[0] == 404
    assert call(Client(), "get", path, token=outsider_token)[0] == 404
    assert call(Client(), "get", path, token=operator_token)[0] == 200
    # ... and a refused step does not tell them apart from a listing that does not exist.
    assert call(Client(), "patch", path, {"title": "x"}, token=outsider_token)[0] == 404
    assert call(Client(), "post", f"{path}/submit", token=outsider_token)[0] == 404
    assert call(Client(), "post", f"{path}/submit", token=owner_token)[0] == 200
    assert call(Client(), "post", f"{path}/approve", {"note": ""}, token=owner_token)[0] == 403
    status, published = call(Client(), "post", f"{path}/approve", {"note": "ok"}, token=operator_token)
    assert (status, published["status"]) == (200, "published")
    assert call(Client(), "get", path)[1]["status"] == "published"
    status, page = call(Client(), "get", f"/organisations/{owner.organisation.pk}/listings")
    assert (status, page["count"]) == (200, 1)
    assert call(Client(), "get", f"/organisations/{owner.organisation.pk}/listings?status=draft")[0] == 403
    assert call(Client(), "post", f"{path}/withdraw", {"reason": ""}, token=token_for(buyer.user))[0] == 403
    status, body = call(Client(), "post", f"{path}/withdraw", {"reason": ""}, token=owner_token)
    assert (status, body["status"]) == (200, "withdrawn")
    assert Listing.objects.get(pk=listing["id"]).events.count() == 4


def test_assets_api_access(owner: Member, outsider: Member) -> None:
    owner_token, outsider_token = token_for(owner.user), token_for(outsider.user)
    body = {"organisation_id": owner.organisation.pk, "ip_type": "patent", "title": "一种无人机机载多功能盒",
            "application_number": "202223220665.2", "filing_date": "2022-12-02", "ipc_codes": ["B64U20/80"]}
    status, asset = call(Client(), "post", "/assets", body, token=owner_token)
    assert (status, asset["patent"]["kind"], asset["expiry_date"]) == (201, "utility_model", "2032-12-01")
    status, error = call(Client(), "post", "/assets", body, token=owner_token)
    assert (status, error["error"]["fields"]["application_number"]) == (
        400, "Patent 202223220665.2 is already registered on IPX.")
    assert call(Client(), "patch", f"/assets/{asset['id']}", {"title": "x"}, token=outsider_token)[0] == 403
    assert call(Client(), "get", f"/organisations/{owner.organisation.pk}/assets", token=outsider_token)[0] == 403
    status, page = call(Client(), "get", f"/organisations/{owner.organisation.pk}/assets", token=owner_token)
    assert (status, page["count"]) == (200, 1)
    # Published patent of a verified holder: public.
    assert call(Client(), "get", f"/assets/{asset['id']}")[0] == 200
    Organisation.objects.filter(pk=owner.organisation.pk).update(status="pending")
    assert call(Client(), "get", f"/assets/{asset['id']}")[0] == 404


def test_reference_endpoints() -> None:
    status, entry = call(Client(), "get", "/ipc/H01M")
    assert (status, entry["level"], entry["parent"]) == (200, "subclass", "H01")
    assert any(child["code"] == "H01M50/00" for child in entry["children"])
    status, entry = call(Client(), "get", "/ipc/B64U101/30")
    assert (status, entry["parent"]) == (200, "B64U101/00")
    assert call(Client(), "get", "/ipc/ZZZ")[0] == 404
    status, classes = call(Client(), "get", "/nice-classes")
    assert (status, len(classes), classes[34]["number"]) == (200, 45, 35)


def test_unknown_ids_are_404_not_500(owner: Member) -> None:
    token = token_for(owner.user)
    for path in ("/listings/999999", "/assets/999999", "/organisations/999999", "/listings/9007199254740993"):
        status, body = call(Client(), "get", path, token=token)
        assert status in (400, 404), path
        assert "error" in body


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("post", "/invitations/a%00b/accept", None), ("get", "/search/listings?q=a%00", None),
     ("post", "/users", {"email": "a\u0000@b.example", "password": "long enough 123", "full_name": "x"})],
)
def test_nul_characters_are_refused_before_any_lookup(owner: Member, method: str, path: str, body: Any) -> None:
    status, error = call(Client(), method, path, body, token=token_for(owner.user))
    assert (status, error["error"]["code"]) == (400, "invalid")
    assert "NUL" in error["error"]["message"]
    assert User.objects.count() == 1
