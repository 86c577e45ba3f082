"""The members' API: sign-up, tokens (a revoked one is refused), who may call each endpoint
(anonymous, a member of the organisation, an outsider, the operator) and the
``allowed_actions`` every organisation carries. A refused call changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from ipx.accounts import services, tokens
from ipx.accounts.inputs import InvitationInput
from ipx.accounts.models import ApiToken, Invitation, Organisation, User
from ipx.accounts.tests.helpers import call, pending, rejected, snapshot, verified
from ipx.core.errors import NotFound
from ipx.testing.factories import PASSWORD
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

MACAU = {"name": "澳门创新科技", "kind": "enterprise", "region_kind": "mo"}


def _invitation_for_outsider(owner: Member, operator: User, outsider: Member) -> dict[str, Any]:
    invitation = services.invitation_create(organisation_id=owner.organisation.pk, inviter=owner.user,
                                            invitation=InvitationInput.parse(email=outsider.user.email, role="member"))
    return {"id": owner.organisation.pk, "token": invitation.token}


@dataclass
class Endpoint:
    name: str
    prepare: Callable[[Member, User, Member], dict[str, Any]]
    method: str
    path: str  # with {id} / {token}
    expected: dict[str, int]  # who -> status
    body: Any = None
    returns_organisation: bool = field(default=True)


def _at(build: Callable[[Member, User], Organisation]) -> Callable[[Member, User, Member], dict[str, Any]]:
    return lambda owner, operator, outsider: {"id": build(owner, operator).pk}


PENDING = _at(lambda owner, operator: pending(owner))
REJECTED = _at(rejected)
VERIFIED = _at(lambda owner, operator: verified(owner))

ENDPOINTS = [
    Endpoint("me", VERIFIED, "get", "/me",
             {"anonymous": 401, "member": 200, "outsider": 200, "operator": 200}, returns_organisation=False),
    Endpoint("register organisation", VERIFIED, "post", "/organisations",
             {"anonymous": 401, "member": 201, "outsider": 201, "operator": 201}, body=MACAU),
    Endpoint("verification queue", PENDING, "get", "/organisations",
             {"anonymous": 401, "member": 403, "outsider": 403, "operator": 200}, returns_organisation=False),
    Endpoint("detail of a pending one", PENDING, "get", "/organisations/{id}",
             {"anonymous": 200, "member": 200, "outsider": 200, "operator": 200}),
    Endpoint("detail of a rejected one", REJECTED, "get", "/organisations/{id}",
             {"anonymous": 404, "member": 200, "outsider": 404, "operator": 200}),
    Endpoint("edit", PENDING, "patch", "/organisations/{id}",
             {"anonymous": 401, "member": 200, "outsider": 403, "operator": 403}, body={"description": "我们做电池。"}),
    # A rejected organisation is hidden from outsiders: refused as not found, as it is read.
    Endpoint("resubmit", REJECTED, "post", "/organisations/{id}/resubmit",
             {"anonymous": 401, "member": 200, "outsider": 404, "operator": 403}),
    Endpoint("verify", PENDING, "post", "/organisations/{id}/verify",
             {"anonymous": 401, "member": 403, "outsider": 403, "operator": 200}),
    Endpoint("reject", PENDING, "post", "/organisations/{id}/reject",
             {"anonymous": 401, "member": 403, "outsider": 403, "operator": 200}, body={"reason": "材料不全"}),
    Endpoint("invite", VERIFIED, "post", "/organisations/{id}/invitations",
             {"anonymous": 401, "member": 201, "outsider": 403, "operator": 403},
             body={"email": "new.colleague@example.com", "role": "member"}, returns_organisation=False),
    # The invitation was sent to the outsider: only they may accept it.
    Endpoint("accept invitation", _invitation_for_outsider, "post", "/invitations/{token}/accept",
             {"anonymous": 401, "member": 403, "outsider": 200, "operator": 403}, returns_organisation=False),
]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
@pytest.mark.parametrize("who", ["anonymous", "member", "outsider", "operator"])
def test_access_matrix(endpoint: Endpoint, who: str, owner: Member, outsider: Member, operator: User,
                       operator_client: Client) -> None:
    values = endpoint.prepare(owner, operator, outsider)
    clients = {"anonymous": Client(), "member": owner.client, "outsider": outsider.client,
               "operator": operator_client}
    before = snapshot(owner.organisation)

    status, body = call(clients[who], endpoint.method, endpoint.path.format(**values), endpoint.body)

    assert status == endpoint.expected[who], body
    if status >= 400:
        assert set(body["error"]) == {"code", "message", "fields"}
        assert snapshot(owner.organisation) == before
    elif endpoint.returns_organisation:
        # Every organisation answered carries what the caller may do with it now.
        organisation = Organisation.objects.get(pk=body["id"])
        expected = {"pending": ["verify", "reject"] if who == "operator" else [],
                    "rejected": ["resubmit"] if who == "member" and organisation.pk == owner.organisation.pk else [],
                    "verified": []}[organisation.status]
        assert body["allowed_actions"] == expected


def test_outcomes_of_the_verification_steps(owner: Member, operator: User, operator_client: Client) -> None:
    organisation = rejected(owner, operator)
    status, body = call(owner.client, "post", f"/organisations/{organisation.pk}/resubmit")
    assert (status, body["status"], body["rejection_reason"], body["allowed_actions"]) == (
        200, "pending", "营业执照不清晰", [])
    status, body = call(operator_client, "get", f"/organisations/{organisation.pk}")
    assert (status, body["allowed_actions"]) == (200, ["verify", "reject"])
    status, body = call(operator_client, "post", f"/organisations/{organisation.pk}/verify")
    assert (status, body["status"], body["rejection_reason"], body["allowed_actions"]) == (200, "verified", "", [])
    assert body["verified_at"] is not None
    assert list(organisation.events.values_list("verb", "from_status", "to_status", "note")) == [
        ("rejected", "pending", "rejected", "营业执照不清晰"),
        ("resubmitted", "rejected", "pending", ""),
        ("verified", "pending", "verified", ""),
    ]


def test_reject_needs_a_reason_and_changes_nothing_without_one(owner: Member, operator_client: Client) -> None:
    organisation = pending(owner)
    before = snapshot(organisation)
    status, body = call(operator_client, "post", f"/organisations/{organisation.pk}/reject", {"reason": "   "})
    assert (status, body["error"]["code"], list(body["error"]["fields"])) == (400, "invalid", ["reason"])
    assert snapshot(organisation) == before
    status, body = call(operator_client, "post", f"/organisations/{organisation.pk}/reject", {"reason": "x" * 2001})
    assert status == 400
    assert snapshot(organisation) == before


def test_a_step_the_status_does_not_allow_is_a_conflict(owner: Member, operator_client: Client) -> None:
    organisation = verified(owner)
    before = snapshot(organisation)
    status, body = call(operator_client, "post", f"/organisations/{organisation.pk}/reject", {"reason": "迟到的拒绝"})
    assert (status, body["error"]["code"], body["error"]["message"]) == (
        409, "invalid_transition", "An organisation that is Verified cannot become Rejected.")
    status, body = call(owner.client, "post", f"/organisations/{organisation.pk}/resubmit")
    assert (status, body["error"]["code"]) == (409, "invalid_transition")
    assert snapshot(organisation) == before


def test_queue_is_paged(owner: Member, outsider: Member, operator_client: Client) -> None:
    first, second = pending(owner), pending(outsider)
    status, body = call(operator_client, "get", "/organisations?size=1")
    assert (status, body["count"], body["page"], body["size"]) == (200, 2, 1, 1)
    assert [item["id"] for item in body["items"]] == [first.pk]
    assert body["items"][0]["allowed_actions"] == ["verify", "reject"]
    status, body = call(operator_client, "get", "/organisations?size=1&page=2")
    assert [item["id"] for item in body["items"]] == [second.pk]


# --- Sign-up and tokens ----------------------------------------------------------------------

def test_sign_up(db: None) -> None:
    status, body = call(Client(), "post", "/users", {"email": "Li.Lei@Example.com", "password": "long enough 123",
                                                     "full_name": "李雷", "preferred_language": "zh-hans"})
    assert (status, body["email"], body["full_name"], body["preferred_language"], body["is_operator"],
            body["memberships"]) == (201, "li.lei@example.com", "李雷", "zh-hans", False, [])
    user = User.objects.get()
    assert user.check_password("long enough 123")


def test_sign_up_with_a_taken_address_answers_as_for_a_new_one_and_changes_nothing(
        owner: Member, on_commit: Callable[..., Any]) -> None:
    """No account enumeration: the answer is that of a new address; the owner is told by mail."""
    before = snapshot(owner.organisation)
    password_before = User.objects.get(pk=owner.user.pk).password
    with on_commit():
        taken = call(Client(), "post", "/users", {"email": "OWNER@example.com", "password": "long enough 123",
                                                  "full_name": "Someone"})
    assert snapshot(owner.organisation) == before
    assert User.objects.get(pk=owner.user.pk).password == password_before
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["owner@example.com"], "Someone tried to sign up on IPX with your address")]
    with on_commit():
        new = call(Client(), "post", "/users", {"email": "new.person@example.com", "password": "long enough 123",
                                                "full_name": "Someone"})
    assert taken == (201, {**new[1], "email": "owner@example.com"})
    assert [m.to for m in mail.outbox][1:] == [["new.person@example.com"]]


def test_sign_up_refuses_bad_fields(owner: Member) -> None:
    before = snapshot(owner.organisation)
    status, body = call(Client(), "post", "/users", {"email": "not-an-address", "password": "123", "full_name": "",
                                                     "preferred_language": "fr"})
    assert status == 400
    assert set(body["error"]["fields"]) == {"email", "password", "full_name", "preferred_language"}
    assert snapshot(owner.organisation) == before


def test_token_creation_and_revocation(owner: Member) -> None:
    status, body = call(Client(), "post", "/auth/token", {"email": owner.user.email, "password": "wrong"})
    assert (status, body["error"]["code"]) == (401, "not_authenticated")
    assert ApiToken.objects.count() == 0

    status, body = call(Client(), "post", "/auth/token", {"email": owner.user.email.upper(), "password": PASSWORD,
                                                          "name": "erp"})
    assert (status, body["name"]) == (201, "erp")
    key = body["key"]
    token = ApiToken.objects.get()
    assert (token.pk, token.user, token.key_hash) == (body["id"], owner.user, ApiToken.hash_key(key))
    status, me = call(Client(), "get", "/me", token=key)
    assert (status, me["email"]) == (200, owner.user.email)

    tokens.api_token_revoke(user=owner.user, token_id=token.pk)
    before = snapshot(owner.organisation)
    status, body = call(Client(), "get", "/me", token=key)
    assert (status, body["error"]["code"]) == (401, "not_authenticated")
    status, body = call(Client(), "patch", f"/organisations/{owner.organisation.pk}", {"description": "x"}, token=key)
    assert status == 401
    assert snapshot(owner.organisation) == before


def test_nobody_revokes_another_users_token(owner: Member, outsider: Member) -> None:
    token, key = tokens.api_token_create(user=owner.user, token=tokens.TokenInput.parse(name="erp"))
    with pytest.raises(NotFound, match="No such token"):
        tokens.api_token_revoke(user=outsider.user, token_id=token.pk)
    assert call(Client(), "get", "/me", token=key)[0] == 200


def test_a_token_of_a_deactivated_user_is_refused(owner: Member) -> None:
    _token, key = tokens.api_token_create(user=owner.user, token=tokens.TokenInput.parse(name="erp"))
    User.objects.filter(pk=owner.user.pk).update(is_active=False)
    assert call(Client(), "get", "/me", token=key)[0] == 401


# --- Invitations -----------------------------------------------------------------------------

def test_invitation_by_api(owner: Member, outsider: Member) -> None:
    status, body = call(owner.client, "post", f"/organisations/{owner.organisation.pk}/invitations",
                        {"email": "Outsider@Example.com", "role": "admin"})
    assert (status, body["email"], body["role"], body["organisation_id"]) == (
        201, "outsider@example.com", "admin", owner.organisation.pk)
    invitation = Invitation.objects.get()
    status, body = call(outsider.client, "post", f"/invitations/{invitation.token}/accept")
    assert (status, body) == (200, {"organisation_id": owner.organisation.pk,
                                    "organisation_name": owner.organisation.name, "role": "admin"})
    before = snapshot(owner.organisation)
    status, body = call(outsider.client, "post", f"/invitations/{invitation.token}/accept")
    assert (status, body["error"]["message"]) == (409, "This invitation has already been used.")
    status, body = call(outsider.client, "post", "/invitations/no-such-token/accept")
    assert (status, body["error"]["message"]) == (404, "This invitation does not exist.")
    assert snapshot(owner.organisation) == before
