"""Passwords: a change needs the current one; a reset goes by a mailed link that works once and
answers the same for an unknown address; common and leaked passwords are refused offline."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from ipx.accounts.models import User
from ipx.accounts.passwords.validators import BreachedPasswordValidator
from ipx.accounts.tokens import TokenInput, api_token_create
from ipx.tasks.models import Task
from ipx.testing.factories import PASSWORD, UserFactory
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

NEW = "a brand new secret 2026"
LEAKED = "michaeljordan"  # in the shipped list, not in Django's own
LEAKED_MESSAGE = "This password appears in lists of common or leaked passwords; choose another one."


def _password_of(user: User) -> str:
    return User.objects.get(pk=user.pk).password


# --- The offline list ------------------------------------------------------------------------

def test_leaked_passwords_from_the_shipped_list_are_refused() -> None:
    user = User(email="li.lei@example.com", full_name="Li Lei")
    for password in (LEAKED, "LiverPool1892", "  iloveyou2010 "):
        with pytest.raises(ValidationError) as refused:
            validate_password(password, user)
        assert refused.value.messages == [LEAKED_MESSAGE]
    validate_password(NEW, user)


def test_the_shipped_list_is_larger_than_djangos_and_holds_only_what_the_minimum_length_lets_through() -> None:
    shipped = BreachedPasswordValidator().passwords
    assert len(shipped) == 112_130
    assert min(len(password) for password in shipped) == 10
    assert all(password == password.lower().strip() for password in shipped)


# --- Changing ----------------------------------------------------------------------------------

def test_password_change_needs_the_current_password_and_changes_nothing_without_it(owner: Member) -> None:
    before = _password_of(owner.user)
    response = owner.client.post(reverse("accounts:password_change"), {
        "current_password": "wrong", "new_password": NEW, "new_password_again": NEW})

    assert response.status_code == 400
    assert "Your current password is not correct." in response.content.decode()
    assert _password_of(owner.user) == before
    assert mail.outbox == []


def test_password_change_refuses_a_leaked_password(owner: Member) -> None:
    before = _password_of(owner.user)
    response = owner.client.post(reverse("accounts:password_change"), {
        "current_password": PASSWORD, "new_password": LEAKED, "new_password_again": LEAKED})

    assert (response.status_code, LEAKED_MESSAGE in response.content.decode()) == (400, True)
    assert _password_of(owner.user) == before


def test_password_change_keeps_this_session_ends_the_others_and_tells_the_owner(
        owner: Member, on_commit: Callable[..., Any]) -> None:
    here, elsewhere = owner.client, owner.client
    with on_commit():
        response = here.post(reverse("accounts:password_change"), {
            "current_password": PASSWORD, "new_password": NEW, "new_password_again": NEW})

    assert (response.status_code, response["Location"]) == (302, reverse("accounts:password_change"))
    assert User.objects.get(pk=owner.user.pk).check_password(NEW)
    assert here.get(reverse("accounts:password_change")).status_code == 200
    assert elsewhere.get(reverse("accounts:password_change")).status_code == 302
    assert [(m.to, m.subject) for m in mail.outbox] == [(["owner@example.com"], "Your IPX password was changed")]


def test_password_change_through_the_api(owner: Member) -> None:
    client = owner.client
    _token, key = api_token_create(user=owner.user, token=TokenInput(name="script", expires_in_days=30))
    bearer = {"Authorization": f"Bearer {key}"}
    assert Client().get("/api/v1/me", headers=bearer).status_code == 200
    wrong = client.post("/api/v1/me/password", data=json.dumps({"current_password": "x", "new_password": NEW}),
                        content_type="application/json")
    assert (wrong.status_code, wrong.json()["error"]["fields"]) == (
        400, {"current_password": "Your current password is not correct."})

    done = client.post("/api/v1/me/password", data=json.dumps({"current_password": PASSWORD, "new_password": NEW}),
                       content_type="application/json")
    assert (done.status_code, done.json()) == (200, {"message": "Your password was changed."})
    assert User.objects.get(pk=owner.user.pk).check_password(NEW)
    # A token minted with the old password does not outlive it.
    assert Client().get("/api/v1/me", headers=bearer).status_code == 401


# --- Resetting ---------------------------------------------------------------------------------

def _reset_link() -> str:
    found = re.search(r"https?://[^\s]+/password/reset/[^\s]+/", str(mail.outbox[-1].body))
    assert found is not None
    return urlsplit(found.group(0)).path


def test_reset_answers_the_same_for_an_unknown_address_and_mails_only_a_known_one(
        owner: Member, on_commit: Callable[..., Any]) -> None:
    with on_commit():
        known = Client().post(reverse("accounts:password_reset"), {"email": "Owner@Example.com"})
        unknown = Client().post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"]) == (
        302, reverse("accounts:password_reset_done"))
    assert [(m.to, m.subject) for m in mail.outbox] == [(["owner@example.com"], "Choose a new IPX password")]


def test_a_reset_request_does_the_same_work_for_a_known_and_an_unknown_address(
        owner: Member, on_commit: Callable[..., Any]) -> None:
    # The lookup and the mail happen in a background task queued either way, so the request's
    # work (and its time) does not tell whether the address has an account.
    with on_commit():
        for email in ("owner@example.com", "nobody@example.com"):
            Client().post(reverse("accounts:password_reset"), {"email": email})

    queued = list(Task.objects.order_by("pk").values_list("name", "kwargs", "status"))
    assert queued == [("ipx.accounts.passwords.services.password_reset_mail", {"email": email}, "done")
                      for email in ("owner@example.com", "nobody@example.com")]
    assert [m.to for m in mail.outbox] == [["owner@example.com"]]


def test_reset_through_the_api_answers_the_same_for_any_address(owner: Member, on_commit: Callable[..., Any]) -> None:
    with on_commit():
        answers = [Client().post("/api/v1/auth/password-reset", data=json.dumps({"email": email}),
                                 content_type="application/json") for email in ("owner@example.com", "no@example.com")]

    assert [(a.status_code, a.json()) for a in answers] == [(202, {
        "message": "If an account has this address, a link to choose a new password is on its way."})] * 2
    assert [m.to for m in mail.outbox] == [["owner@example.com"]]


def test_reset_link_sets_a_new_password_once_and_lifts_the_lockout(owner: Member,
                                                                   on_commit: Callable[..., Any]) -> None:
    for _attempt in range(5):
        Client().post(reverse("accounts:login"), {"email": owner.user.email, "password": "wrong"})
    with on_commit():
        Client().post(reverse("accounts:password_reset"), {"email": owner.user.email})
    link = _reset_link()

    client = Client()
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    form_url = form_page.redirect_chain[-1][0]
    leaked = client.post(form_url, {"new_password1": LEAKED, "new_password2": LEAKED})
    assert (leaked.status_code, LEAKED_MESSAGE in leaked.content.decode()) == (200, True)
    with on_commit():
        done = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})

    assert (done.status_code, done["Location"]) == (302, reverse("accounts:password_reset_complete"))
    assert User.objects.get(pk=owner.user.pk).check_password(NEW)
    assert mail.outbox[-1].subject == "Your IPX password was changed"
    assert AccessAttempt.objects.count() == 0
    login = Client().post(reverse("accounts:login"), {"email": owner.user.email, "password": NEW})
    assert login.status_code == 302
    # The link worked once.
    again = Client().get(link, follow=True)
    assert "This link is not valid any more" in again.content.decode()


def test_reset_is_not_mailed_to_an_inactive_account(on_commit: Callable[..., Any]) -> None:
    UserFactory.create(email="gone@example.com", is_active=False)
    with on_commit():
        response = Client().post(reverse("accounts:password_reset"), {"email": "gone@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_wrong_current_passwords_count_towards_the_lockout(owner: Member) -> None:
    """A borrowed session cannot try passwords without end through the change form."""
    client = owner.client
    before = _password_of(owner.user)
    for _attempt in range(5):
        response = client.post(reverse("accounts:password_change"), {
            "current_password": "guess", "new_password": NEW, "new_password_again": NEW})
        assert response.status_code == 400

    response = client.post(reverse("accounts:password_change"), {
        "current_password": PASSWORD, "new_password": NEW, "new_password_again": NEW})
    api = client.post("/api/v1/me/password", data=json.dumps({"current_password": PASSWORD, "new_password": NEW}),
                      content_type="application/json")

    assert response.status_code == 429
    assert (api.status_code, api.json()["error"]["code"]) == (429, "too_many_attempts")
    assert _password_of(owner.user) == before
