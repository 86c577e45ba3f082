"""E-mail confirmation at sign-up, and no account enumeration. A person who signs up gets a
signed link; until they follow it they may sign in, but not register another organisation,
have theirs verified or resubmitted, or bind one. Signing up with an address that has an
account answers exactly as for a new one and mails the owner instead."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from ipx.accounts import selectors, services
from ipx.accounts.inputs import InvitationInput, OrganisationValues, RegistrationInput, UserInput
from ipx.accounts.models import Membership, Organisation, OrganisationEvent, User
from ipx.accounts.passwords.services import confirmation_token
from ipx.accounts.tests.helpers import call
from ipx.accounts.workflow import ORGANISATION
from ipx.core.errors import ApplicationError, PermissionDenied
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

ORG = {"name": "珠海海洋装备研究院", "kind": "university", "region_kind": "mainland", "province": "44",
       "city": "珠海", "uscc": "91310112087994932F"}
SIGN_UP = {"full_name": "韩梅梅", "email": "Han.Meimei@Example.com", "password": "a long secret 123", **ORG}


def _signed_up(on_commit: Callable[..., Any]) -> tuple[User, Organisation]:
    with on_commit():
        registered = services.registration_submit(registration=RegistrationInput.parse(
            email="han.meimei@example.com", password="a long secret 123", full_name="韩梅梅",
            preferred_language="en", organisation=OrganisationValues.read(ORG)))
    assert registered is not None
    return registered


def _link_in(body: object) -> str:
    found = re.search(r"https?://\S+/email/confirm/\S+/", str(body))
    assert found is not None
    return urlsplit(found.group(0)).path


def test_sign_up_mails_a_link_that_confirms_the_address_when_the_person_confirms(
        client: Client, on_commit: Callable[..., Any]) -> None:
    with on_commit():
        client.post(reverse("accounts:register"), SIGN_UP)
    user = User.objects.get()
    assert (user.email_confirmed_at, [m.to for m in mail.outbox]) == (None, [["han.meimei@example.com"]])
    assert mail.outbox[0].subject == "Confirm your e-mail address for IPX"
    link = _link_in(mail.outbox[0].body)

    # Opening the link (as a mail scanner would) shows a button and confirms nothing.
    opened = client.get(link)
    assert (opened.status_code, "Confirm that this address is yours" in opened.content.decode()) == (200, True)
    assert User.objects.get().email_confirmed_at is None

    confirmed = client.post(link)
    assert (confirmed.status_code, confirmed["Location"]) == (302, reverse("accounts:login"))
    first = User.objects.get().email_confirmed_at
    assert first is not None
    client.post(link)
    assert User.objects.get().email_confirmed_at == first


def test_sign_up_with_a_taken_address_answers_as_a_new_one_creates_nothing_and_mails_the_owner(
        owner: Member, on_commit: Callable[..., Any]) -> None:
    before = (User.objects.count(), Organisation.objects.count(), OrganisationEvent.objects.count(),
              User.objects.get(pk=owner.user.pk).password)
    taken_client, new_client = Client(), Client()
    with on_commit():
        taken = taken_client.post(reverse("accounts:register"), {**SIGN_UP, "email": "OWNER@example.com"})
    assert before == (User.objects.count(), Organisation.objects.count(), OrganisationEvent.objects.count(),
                      User.objects.get(pk=owner.user.pk).password)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["owner@example.com"], "Someone tried to sign up on IPX with your address")]
    with on_commit():
        new = new_client.post(reverse("accounts:register"), SIGN_UP)

    assert (taken.status_code, taken["Location"]) == (new.status_code, new["Location"]) == (
        302, reverse("accounts:registered"))
    taken_page = taken_client.get(taken["Location"]).content.decode().replace("owner@example.com", "ADDRESS")
    new_page = new_client.get(new["Location"]).content.decode().replace("han.meimei@example.com", "ADDRESS")
    assert taken_page == new_page
    assert "_auth_user_id" not in taken_client.session
    assert "_auth_user_id" not in new_client.session


def test_unconfirmed_person_may_sign_in_but_not_register_another_organisation(
        on_commit: Callable[..., Any]) -> None:
    user, _organisation = _signed_up(on_commit)
    client = Client()
    login = client.post(reverse("accounts:login"), {"email": user.email, "password": "a long secret 123"})
    assert login.status_code == 302
    count = Organisation.objects.count()

    status, body = call(client, "post", "/organisations", {"name": "澳门创新科技", "kind": "enterprise",
                                                           "region_kind": "mo"})

    assert (status, body["error"]["code"]) == (403, "email_unconfirmed")
    assert body["error"]["message"] == ("Confirm your e-mail address first: follow the link we sent you, "
                                        "or ask for a new one.")
    assert Organisation.objects.count() == count
    assert "Confirm your e-mail address to act for your organisation" in client.get("/").content.decode()


def test_operator_verifies_an_organisation_only_once_an_administrator_confirmed(
        operator: User, on_commit: Callable[..., Any]) -> None:
    _user, organisation = _signed_up(on_commit)
    assert ORGANISATION.allowed_actions(organisation, operator) == ["reject"]
    with pytest.raises(ApplicationError) as refused:
        services.organisation_verify(organisation_id=organisation.pk, operator=operator)
    assert (refused.value.code, refused.value.message) == (
        "email_unconfirmed", "No administrator of 珠海海洋装备研究院 has confirmed their e-mail address yet.")
    organisation.refresh_from_db()
    assert (organisation.status, organisation.events.count()) == ("pending", 1)

    Client().post(_link_in(mail.outbox[0].body))
    assert ORGANISATION.allowed_actions(organisation, operator) == ["verify", "reject"]
    services.organisation_verify(organisation_id=organisation.pk, operator=operator)
    organisation.refresh_from_db()
    assert organisation.status == "verified"


def test_unconfirmed_administrator_does_not_bind_until_confirmed(on_commit: Callable[..., Any]) -> None:
    user, organisation = _signed_up(on_commit)
    Organisation.objects.filter(pk=organisation.pk).update(status=Organisation.Status.VERIFIED)
    membership = Membership.objects.get(user=user)
    assert (membership.may_sign, membership.binds, selectors.binds(user, organisation.pk)) == (True, False, False)
    assert selectors.signatory_ids(user) == set()

    Client().post(_link_in(mail.outbox[0].body))

    assert selectors.binds(user, organisation.pk) is True
    assert selectors.signatory_ids(user) == {organisation.pk}


def test_unconfirmed_administrator_cannot_resubmit(on_commit: Callable[..., Any], operator: User) -> None:
    user, organisation = _signed_up(on_commit)
    Organisation.objects.filter(pk=organisation.pk).update(status=Organisation.Status.REJECTED)
    organisation.refresh_from_db()

    with pytest.raises(PermissionDenied, match="Confirm your e-mail address first"):
        services.organisation_resubmit(organisation_id=organisation.pk, actor=user)
    organisation.refresh_from_db()
    assert (organisation.status, organisation.events.count()) == ("rejected", 1)


def test_a_forged_or_outdated_link_is_refused_and_confirms_nothing(on_commit: Callable[..., Any]) -> None:
    user, _organisation = _signed_up(on_commit)
    token = confirmation_token(user)
    outdated = signing.dumps({"user": user.pk, "email": "earlier@example.com"}, salt="ipx.accounts.confirm-email",
                             compress=True)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (forged, outdated, "nonsense"):
        response = Client().post(reverse("accounts:confirm_email", args=[bad]))
        assert (response.status_code, "not valid or has expired" in response.content.decode()) == (400, True)
    assert User.objects.get(pk=user.pk).email_confirmed_at is None


def test_an_expired_link_is_refused(on_commit: Callable[..., Any], settings: Any) -> None:
    user, _organisation = _signed_up(on_commit)
    token = confirmation_token(user)
    settings.IPX_EMAIL_CONFIRMATION_DAYS = 0

    status, body = call(Client(), "post", "/auth/email-confirmation", {"token": token})

    assert (status, body["error"]["code"]) == (400, "invalid_link")
    assert User.objects.get(pk=user.pk).email_confirmed_at is None


def test_confirmation_through_the_api_and_a_new_link_on_request(on_commit: Callable[..., Any]) -> None:
    user, _organisation = _signed_up(on_commit)
    client = Client()
    client.force_login(user)
    with on_commit():
        status, body = call(client, "post", "/me/email-confirmation")
    assert (status, body) == (202, {"message": "We sent a new confirmation link to han.meimei@example.com."})
    token = _link_in(mail.outbox[-1].body).rstrip("/").rsplit("/", 1)[1]

    status, body = call(Client(), "post", "/auth/email-confirmation", {"token": token})

    assert (status, body) == (200, {"message": "Your e-mail address is confirmed."})
    assert User.objects.get(pk=user.pk).email_confirmed
    status, me = call(client, "get", "/me")
    assert me["email_confirmed"] is True


def test_accepting_an_invitation_confirms_the_address(owner: Member, on_commit: Callable[..., Any]) -> None:
    with on_commit():
        call(Client(), "post", "/users", {"email": "colleague@example.com", "password": "long enough 123",
                                          "full_name": "Colleague"})
    colleague = User.objects.get(email="colleague@example.com")
    assert colleague.email_confirmed_at is None
    invitation = services.invitation_create(organisation_id=owner.organisation.pk, inviter=owner.user,
                                            invitation=InvitationInput.parse(email=colleague.email, role="member"))

    services.invitation_accept(token=invitation.token, user=colleague)

    assert User.objects.get(pk=colleague.pk).email_confirmed_at is not None


def test_accounts_the_exchange_makes_count_as_confirmed(owner: Member) -> None:
    made = services.user_register(account=UserInput.parse(email="ops@example.com", password="long enough 123",
                                                          full_name="Ops"))
    assert (User.objects.get(pk=owner.user.pk).email_confirmed, made.email_confirmed) == (True, True)
    assert mail.outbox == []
