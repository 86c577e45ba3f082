"""Brute force: five failed sign-ins for one account from one address within 15 minutes, and the
sixth attempt answers 429 — on the login page, the API's token endpoint and the back-office —
even with the right password. One address cannot lock another person out; many addresses
guessing one account, or one address trying many accounts, are stopped at the wide limit."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from ipx.accounts.models import ApiToken
from ipx.core.network import request_ip
from ipx.testing.factories import PASSWORD, UserFactory
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db

WRONG = "The e-mail address or password is wrong."
LOCKED = ("Too many failed attempts to log in. For your safety, logging in is paused for 15 minutes. "
          "Try again later, or reset your password.")


def _page_login(email: str, password: str, ip: str = "203.0.113.5", client: Client | None = None) -> tuple[int, str]:
    response = (client or Client()).post(reverse("accounts:login"), {"email": email, "password": password},
                                         REMOTE_ADDR=ip)
    return response.status_code, response.content.decode()


def _api_token(email: str, password: str, ip: str = "203.0.113.5") -> tuple[int, dict[str, object]]:
    response = Client().post("/api/v1/auth/token", data=json.dumps({"email": email, "password": password}),
                             content_type="application/json", REMOTE_ADDR=ip)
    return response.status_code, response.json()


def test_sixth_login_attempt_on_the_page_answers_429_even_with_the_right_password(owner: Member) -> None:
    for _attempt in range(5):
        status, page = _page_login(owner.user.email, "wrong")
        assert (status, WRONG in page) == (400, True)

    client = Client()
    response = client.post(reverse("accounts:login"), {"email": owner.user.email, "password": PASSWORD},
                           REMOTE_ADDR="203.0.113.5")

    assert (response.status_code, response["Retry-After"]) == (429, "900")
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_locked_out_page_is_in_the_readers_language(owner: Member) -> None:
    for _attempt in range(5):
        _page_login(owner.user.email, "wrong")

    response = Client().post(reverse("accounts:login"), {"email": owner.user.email, "password": PASSWORD},
                             REMOTE_ADDR="203.0.113.5", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert (response.status_code, response["Content-Language"]) == (429, "zh-hans")


def test_sixth_token_request_answers_429_in_the_usual_error_shape_and_makes_no_token(owner: Member) -> None:
    for _attempt in range(5):
        status, body = _api_token(owner.user.email, "wrong")
        assert (status, body) == (401, {"error": {"code": "not_authenticated", "message": WRONG, "fields": {}}})

    status, body = _api_token(owner.user.email, PASSWORD)

    assert (status, body) == (429, {"error": {"code": "too_many_attempts", "message": LOCKED, "fields": {}}})
    assert ApiToken.objects.count() == 0


def test_failures_count_alike_on_the_page_and_the_api_whatever_the_case_of_the_address(owner: Member) -> None:
    for _attempt in range(3):
        _page_login(owner.user.email.upper(), "wrong")
    for _attempt in range(2):
        _api_token(f"  {owner.user.email} ", "wrong")

    assert _page_login(owner.user.email, PASSWORD)[0] == 429


def test_one_address_cannot_lock_another_persons_account(owner: Member) -> None:
    for _attempt in range(6):
        _page_login(owner.user.email, "wrong", ip="198.51.100.66")

    client = Client()
    status, _page = _page_login(owner.user.email, PASSWORD, ip="203.0.113.5", client=client)

    assert status == 302
    assert client.session["_auth_user_id"] == str(owner.user.pk)


def test_many_addresses_guessing_one_account_lock_it_for_every_address(owner: Member) -> None:
    for n in range(4):
        for _attempt in range(5):
            _page_login(owner.user.email, "wrong", ip=f"198.51.100.{n + 1}")

    assert _page_login(owner.user.email, PASSWORD, ip="203.0.113.5")[0] == 429


def test_four_addresses_short_of_the_limit_do_not_lock_the_account(owner: Member) -> None:
    for n in range(4):
        for _attempt in range(5 if n < 3 else 4):
            _page_login(owner.user.email, "wrong", ip=f"198.51.100.{n + 1}")

    assert _page_login(owner.user.email, PASSWORD, ip="203.0.113.5")[0] == 302


def test_attempts_refused_while_locked_out_do_not_count_towards_the_account(owner: Member) -> None:
    for _attempt in range(30):
        _page_login(owner.user.email, "wrong", ip="198.51.100.66")

    assert list(AccessAttempt.objects.values_list("username", "ip_address", "failures_since_start")) == [
        ("owner@example.com", "198.51.100.66", 5)]


def test_one_address_trying_many_accounts_is_locked_out(owner: Member) -> None:
    for n in range(20):
        _page_login(f"someone{n}@example.com", "123456789a", ip="198.51.100.66")

    assert _page_login(owner.user.email, PASSWORD, ip="198.51.100.66")[0] == 429
    assert _page_login(owner.user.email, PASSWORD, ip="203.0.113.5")[0] == 302


def test_lockout_ends_when_the_failures_are_older_than_the_cool_off(owner: Member) -> None:
    for _attempt in range(5):
        _page_login(owner.user.email, "wrong")
    assert _page_login(owner.user.email, PASSWORD)[0] == 429

    attempt = AccessAttempt.objects.get()
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - timedelta(minutes=16))

    assert _page_login(owner.user.email, PASSWORD)[0] == 302


def test_back_office_login_is_locked_out_too(operator: object) -> None:
    for _attempt in range(5):
        response = Client().post("/admin/login/", {"username": "operator@example.com", "password": "wrong"},
                                 REMOTE_ADDR="203.0.113.5")
        assert response.status_code == 200

    client = Client()
    response = client.post("/admin/login/", {"username": "operator@example.com", "password": PASSWORD},
                           REMOTE_ADDR="203.0.113.5")

    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def _comparable(page: str, address: str) -> str:
    """A page without what differs from one request to another anyway (the CSRF token) and
    without the address the person typed, which the form shows back."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page).replace(address, "ADDRESS")


def test_unknown_address_and_wrong_password_answer_alike() -> None:
    UserFactory.create(email="known@example.com")

    unknown = _page_login("nobody@example.com", "wrong password", ip="198.51.100.1")
    wrong = _page_login("known@example.com", "wrong password", ip="198.51.100.2")

    assert unknown[0] == wrong[0] == 400
    assert _comparable(unknown[1], "nobody@example.com") == _comparable(wrong[1], "known@example.com")
    assert _api_token("nobody@example.com", "x", ip="198.51.100.1") == _api_token("known@example.com", "x",
                                                                                   ip="198.51.100.2")


# --- The client's address ----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.5", "", [], "203.0.113.5"),
        # Not behind a trusted proxy: a forwarded header is the client's own word.
        ("203.0.113.5", "198.51.100.1", [], "203.0.113.5"),
        # Behind our proxy: the right-most address it did not add itself.
        ("10.0.0.2", "198.51.100.1, 203.0.113.9", ["10.0.0.0/8"], "203.0.113.9"),
        ("10.0.0.2", "198.51.100.1, 203.0.113.9, 10.0.0.7", ["10.0.0.0/8"], "203.0.113.9"),
        ("10.0.0.2", "not-an-address", ["10.0.0.0/8"], "10.0.0.2"),
        ("10.0.0.2", "", ["10.0.0.0/8"], "10.0.0.2"),
        ("::ffff:0:1", "", [], "::ffff:0:1"),
        ("garbage", "", [], None),
    ],
)
def test_the_client_address_believes_forwarded_for_only_from_trusted_proxies(
        remote: str, forwarded: str, trusted: list[str], expected: str | None) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(IPX_TRUSTED_PROXIES=trusted):
        assert request_ip(request) == expected


def test_a_forged_forwarded_for_does_not_pick_another_clients_lockout(owner: Member) -> None:
    for _attempt in range(5):
        Client().post(reverse("accounts:login"), {"email": owner.user.email, "password": "wrong"},
                      REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=f"198.51.100.{_attempt}")

    assert _page_login(owner.user.email, PASSWORD, ip="203.0.113.5")[0] == 429
