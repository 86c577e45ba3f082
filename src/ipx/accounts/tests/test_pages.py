"""Member pages: sign-up, log-in, invitations, API tokens, and the organisation's verification
page, whose buttons come from the same table as the API's ``allowed_actions`` and the
services (checked for the organisation's administrator, a plain member, an outsider and the
operator in each status). A refused step changes nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from ipx.accounts import services, tokens
from ipx.accounts.inputs import InvitationInput
from ipx.accounts.models import ApiToken, Invitation, Membership, Organisation, OrganisationEvent, User
from ipx.accounts.tests.helpers import call, pending, rejected, snapshot, verified
from ipx.accounts.workflow import ORGANISATION
from ipx.core.errors import ApplicationError
from ipx.testing.factories import PASSWORD, MembershipFactory, UserFactory
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "full_name": "韩梅梅", "email": "Han.Meimei@Example.com", "password": "a long secret 123",
    "name": "珠海海洋装备研究院", "kind": "university", "region_kind": "mainland", "province": "44",
    "city": "珠海", "uscc": "91310112087994932F",
}


def _buttons(html: str) -> list[str]:
    return re.findall(r'data-action="([a-z]+)"', html)


# --- Sign-up and log-in ----------------------------------------------------------------------

def test_registration_page_signs_up_person_and_organisation(client: Client) -> None:
    assert client.get(reverse("accounts:register")).status_code == 200
    response = client.post(reverse("accounts:register"), REGISTRATION)
    assert (response.status_code, response["Location"]) == (302, reverse("accounts:registered"))
    user = User.objects.get()
    organisation = Organisation.objects.get()
    assert (user.email, user.full_name, user.preferred_language) == ("han.meimei@example.com", "韩梅梅", "en")
    assert (organisation.name, organisation.status, organisation.uscc) == (
        "珠海海洋装备研究院", "pending", "91310112087994932F")
    assert Membership.objects.get().role == "admin"
    assert list(organisation.events.values_list("verb", "to_status", "actor")) == [("registered", "pending", user.pk)]
    # Not signed in by the sign-up (an address with an account gets the same answer); the
    # person confirms the address from the mail and logs in.
    assert "_auth_user_id" not in client.session
    assert user.email_confirmed_at is None
    assert "We sent a message to han.meimei@example.com." in client.get(response["Location"]).content.decode()


def test_registration_page_shows_every_refusal_and_saves_nothing(client: Client) -> None:
    response = client.post(reverse("accounts:register"),
                           {**REGISTRATION, "password": "123", "uscc": "91110000600037341N"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "check character" in page
    assert (User.objects.count(), Organisation.objects.count(), OrganisationEvent.objects.count()) == (0, 0, 0)


def test_registration_in_chinese_keeps_the_language(client: Client) -> None:
    client.post(reverse("accounts:register"), REGISTRATION, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert User.objects.get().preferred_language == "zh-hans"


def test_login_and_logout(owner: Member) -> None:
    client = Client()
    response = client.post(reverse("accounts:login"), {"email": owner.user.email, "password": "wrong"})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("accounts:login"), {"email": owner.user.email.upper(), "password": PASSWORD,
                                                       "next": "https://evil.example/"})
    assert (response.status_code, response["Location"]) == (302, reverse("web:my_organisation"))
    assert client.session["_auth_user_id"] == str(owner.user.pk)
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


# --- Invitations -----------------------------------------------------------------------------

def test_invite_and_accept(owner: Member, on_commit: Callable[..., Any]) -> None:
    with on_commit():
        response = owner.client.post(reverse("accounts:invite"), {"email": "Colleague@Example.com", "role": "member"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.organisation, invitation.email, invitation.role, invitation.invited_by) == (
        owner.organisation, "colleague@example.com", "member", owner.user)
    assert [m.to for m in mail.outbox] == [["colleague@example.com"]]
    assert mail.outbox[0].subject == f"You are invited to join {owner.organisation.name} on IPX"
    link = f"http://127.0.0.1:8000{reverse('accounts:accept_invitation', args=[invitation.token])}"
    assert mail.outbox[0].body == f"To accept, open {link} (valid for 14 days)."

    colleague = MembershipFactory.create(user=UserFactory.create(email="colleague@example.com"),
                                         role="admin").user
    client = Client()
    client.force_login(colleague)
    assert client.get(reverse("accounts:accept_invitation", args=[invitation.token])).status_code == 200
    response = client.post(reverse("accounts:accept_invitation", args=[invitation.token]))
    assert (response.status_code, response["Location"]) == (302, reverse("web:my_organisation"))
    membership = Membership.objects.get(user=colleague, organisation=owner.organisation)
    assert membership.role == "member"
    invitation.refresh_from_db()
    assert (invitation.accepted_by, invitation.accepted_at is not None) == (colleague, True)
    # The page now acts for the organisation joined.
    assert client.session["ipx_organisation_id"] == owner.organisation.pk


def test_invitation_mail_is_in_the_invitees_language(owner: Member, on_commit: Callable[..., Any]) -> None:
    UserFactory.create(email="colleague@example.com", preferred_language="zh-hant")
    with on_commit(), translation.override("zh-hans"):
        services.invitation_create(organisation_id=owner.organisation.pk, inviter=owner.user,
                                   invitation=InvitationInput.parse(email="colleague@example.com", role="member"))
    with translation.override("zh-hant"):
        expected = translation.gettext("You are invited to join %(name)s on IPX") % {"name": owner.organisation.name}
    assert expected != f"You are invited to join {owner.organisation.name} on IPX"
    assert mail.outbox[0].subject == expected


@pytest.mark.parametrize("case", ["wrong person", "expired", "used", "unknown"])
def test_a_refused_invitation_changes_nothing(case: str, owner: Member, outsider: Member) -> None:
    invitation = services.invitation_create(
        organisation_id=owner.organisation.pk, inviter=owner.user,
        invitation=InvitationInput.parse(email="colleague@example.com", role="admin"))
    colleague = UserFactory.create(email="colleague@example.com")
    token = invitation.token
    user = colleague
    if case == "wrong person":
        user = outsider.user
    elif case == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    elif case == "used":
        services.invitation_accept(token=token, user=colleague)
    else:
        token = "no-such-token"
    before = snapshot(owner.organisation)
    client = Client()
    client.force_login(user)

    response = client.post(reverse("accounts:accept_invitation", args=[token]))

    assert response.status_code == 200
    message = {"wrong person": "This invitation was sent to another e-mail address.",
               "expired": "This invitation has expired; ask for a new one.",
               "used": "This invitation has already been used.",
               "unknown": "This invitation does not exist."}[case]
    assert message in response.content.decode()
    assert snapshot(owner.organisation) == before


def test_only_administrators_invite(owner: Member) -> None:
    colleague = MembershipFactory.create(organisation=owner.organisation, role="member").user
    client = Client()
    client.force_login(colleague)
    before = snapshot(owner.organisation)
    response = client.post(reverse("accounts:invite"), {"email": "x@example.com", "role": "admin"})
    assert response.status_code == 400
    assert f"Only an administrator of {owner.organisation.name} may do this." in response.content.decode()
    assert snapshot(owner.organisation) == before


# --- API tokens ------------------------------------------------------------------------------

def test_token_page_creates_shows_once_and_revokes(owner: Member) -> None:
    client = owner.client
    response = client.post(reverse("accounts:tokens"), {"name": "erp", "scopes": ["read", "write"]})
    key = re.search(r'<code id="new-token">(ipx_[^<]+)</code>', response.content.decode())
    assert key is not None
    token = ApiToken.objects.get()
    assert (token.name, token.user, token.key_hash) == ("erp", owner.user, ApiToken.hash_key(key[1]))
    assert call(Client(), "get", "/me", token=key[1])[0] == 200
    # Shown once only.
    assert key[1] not in client.get(reverse("accounts:tokens")).content.decode()

    response = client.post(reverse("accounts:tokens"), {"revoke": str(token.pk)})
    assert response.status_code == 302
    assert ApiToken.objects.count() == 0
    status, body = call(Client(), "get", "/me", token=key[1])
    assert (status, body["error"]["code"]) == (401, "not_authenticated")


@pytest.mark.parametrize("revoke", ["someone else's", "not a number"])
def test_token_page_refuses_to_revoke_what_is_not_yours(revoke: str, owner: Member, outsider: Member) -> None:
    token, key = tokens.api_token_create(user=owner.user, token=tokens.TokenInput.parse(name="erp"))
    value = str(token.pk) if revoke == "someone else's" else "abc"
    response = outsider.client.post(reverse("accounts:tokens"), {"revoke": value}, follow=True)
    assert "No such token." in response.content.decode()
    assert list(ApiToken.objects.values_list("pk", flat=True)) == [token.pk]
    assert call(Client(), "get", "/me", token=key)[0] == 200


# --- The verification page -------------------------------------------------------------------

@pytest.mark.parametrize("who", ["anonymous", "member", "outsider", "operator"])
def test_verification_page_access(who: str, owner: Member, outsider: Member, operator_client: Client) -> None:
    organisation = pending(owner)
    client = {"anonymous": Client(), "member": owner.client, "outsider": outsider.client,
              "operator": operator_client}[who]
    response = client.get(reverse("accounts:organisation", args=[organisation.pk]))
    expected = {"anonymous": 302, "member": 200, "outsider": 404, "operator": 200}[who]
    assert response.status_code == expected
    queue = client.get(reverse("accounts:verification_queue"))
    assert queue.status_code == {"anonymous": 302, "member": 403, "outsider": 403, "operator": 200}[who]
    if who == "operator":
        assert organisation.name in queue.content.decode()


STEPS = {
    "verify": lambda organisation, user: services.organisation_verify(organisation_id=organisation.pk,
                                                                      operator=user),
    "reject": lambda organisation, user: services.organisation_reject(organisation_id=organisation.pk,
                                                                      operator=user, reason="材料不全"),
    "resubmit": lambda organisation, user: services.organisation_resubmit(organisation_id=organisation.pk,
                                                                          actor=user),
}


class _Undo(Exception):
    pass


def _service_accepts(step: str, organisation: Organisation, user: User) -> bool:
    """Whether the service takes the step; taken or not, it is undone."""
    try:
        with transaction.atomic():
            STEPS[step](organisation, user)
            raise _Undo
    except _Undo:
        return True
    except ApplicationError:
        return False


@pytest.mark.parametrize("status", ["pending", "rejected", "verified"])
@pytest.mark.parametrize("who", ["administrator", "member", "outsider", "operator"])
def test_buttons_api_and_services_agree(status: str, who: str, owner: Member, outsider: Member, operator: User,
                                        operator_client: Client) -> None:
    organisation = {"pending": lambda: pending(owner), "rejected": lambda: rejected(owner, operator),
                    "verified": lambda: verified(owner)}[status]()
    colleague = MembershipFactory.create(organisation=organisation, role="member").user
    users = {"administrator": owner.user, "member": colleague, "outsider": outsider.user, "operator": operator}
    client = {"administrator": owner.client, "outsider": outsider.client, "operator": operator_client}.get(who)
    if client is None:
        client = Client()
        client.force_login(colleague)
    before = snapshot(organisation)

    page = client.get(reverse("accounts:organisation", args=[organisation.pk]))
    buttons = _buttons(page.content.decode()) if page.status_code == 200 else []
    api_status, body = call(client, "get", f"/organisations/{organisation.pk}")
    api_actions = body["allowed_actions"] if api_status == 200 else []
    accepted = [step for step in ORGANISATION.actions if _service_accepts(step, organisation, users[who])]

    assert buttons == api_actions == accepted == ORGANISATION.allowed_actions(organisation, users[who])
    expected = {("pending", "operator"): ["verify", "reject"],
                ("rejected", "administrator"): ["resubmit"]}.get((status, who), [])
    assert accepted == expected
    # The edit page offers "save and resubmit" on the same terms.
    if who in ("administrator", "member"):
        edit = client.get(reverse("accounts:organisation_edit"))
        assert _buttons(edit.content.decode()) == [a for a in expected if a == "resubmit"]
    assert snapshot(organisation) == before


@pytest.mark.parametrize("step", ["verify", "reject", "resubmit"])
@pytest.mark.parametrize("who", ["member", "outsider", "operator"])
def test_verification_buttons_post_to_the_services(step: str, who: str, owner: Member, outsider: Member,
                                                   operator: User, operator_client: Client) -> None:
    organisation = rejected(owner, operator) if step == "resubmit" else pending(owner)
    client = {"member": owner.client, "outsider": outsider.client, "operator": operator_client}[who]
    before = snapshot(organisation)

    response = client.post(reverse("accounts:organisation_action", args=[organisation.pk, step]),
                           {"reason": "材料不全"}, follow=True)

    allowed = (step == "resubmit" and who == "member") or (step != "resubmit" and who == "operator")
    organisation.refresh_from_db()
    if who == "outsider":
        assert response.status_code == 404
    elif allowed:
        assert response.status_code == 200
        assert organisation.status == {"verify": "verified", "reject": "rejected", "resubmit": "pending"}[step]
        assert organisation.events.values_list("verb", flat=True).last() == {
            "verify": "verified", "reject": "rejected", "resubmit": "resubmitted"}[step]
    else:
        refusal = (f"Only an administrator of {organisation.name} may do this." if step == "resubmit"
                   else "Only operators may do this.")
        assert response.status_code == 200
        assert refusal in response.content.decode()
    if not allowed:
        assert snapshot(organisation) == before


def test_rejecting_on_the_page_needs_a_reason(owner: Member, operator_client: Client) -> None:
    organisation = pending(owner)
    before = snapshot(organisation)
    response = operator_client.post(reverse("accounts:organisation_action", args=[organisation.pk, "reject"]),
                                    {"reason": "  "})
    assert response.status_code == 400
    assert "Give the reason for the rejection; the applicant sees it." in response.content.decode()
    assert snapshot(organisation) == before
    response = operator_client.post(reverse("accounts:organisation_action", args=[organisation.pk, "bogus"]))
    assert response.status_code == 404
    assert snapshot(organisation) == before


def test_history_is_worded_in_the_readers_language(owner: Member, operator: User) -> None:
    organisation = rejected(owner, operator)
    # A row from before verbs: its stored text is shown as it is.
    OrganisationEvent.objects.create(organisation=organisation, verb="", note="旧记录：人工审核", actor=operator)
    page = owner.client.get(reverse("accounts:organisation", args=[organisation.pk]),
                            HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    with translation.override("zh-hans"):
        rejected_label = translation.gettext("Rejected")
    history = page[page.index('id="organisation-history"'):]
    assert rejected_label in history and "营业执照不清晰" in history and "旧记录：人工审核" in history
    english = owner.client.get(reverse("accounts:organisation", args=[organisation.pk]),
                               HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<td>Rejected</td>" in english[english.index('id="organisation-history"'):]
