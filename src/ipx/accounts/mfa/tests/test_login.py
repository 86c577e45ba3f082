"""The second step of logging in: whoever has an authenticator app passes it before anything
else; staff, operators and members of financial institutions set one up before anything
else; the API by session says so with 403; the Django admin is no exception."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from ipx.accounts.mfa.devices import recovery_codes_replace
from ipx.accounts.mfa.tests.helpers import logged_in
from ipx.accounts.models import RecoveryCode, RecoveryCodes, User
from ipx.testing.factories import UserFactory
from ipx.testing.fixtures import Member
from ipx.testing.second_factor import code_of, current_code, enrol

pytestmark = pytest.mark.django_db


def _api_error(client: Client, path: str = "/api/v1/me") -> tuple[int, str]:
    response = client.get(path)
    return response.status_code, response.json()["error"]["code"]


def test_a_user_with_an_app_passes_it_after_the_password_before_anything_else(owner: Member) -> None:
    device = enrol(owner.user)
    client = logged_in(owner.user)
    response = client.get("/deals/?status=signed")
    assert (response.status_code, response["Location"]) == (
        302, "/accounts/mfa/verify/?next=%2Fdeals%2F%3Fstatus%3Dsigned")
    assert _api_error(client) == (403, "second_factor_required")
    assert client.post("/accounts/organisation/choose/", {"organisation_id": owner.organisation.pk})[
        "Location"] == "/accounts/mfa/verify/"

    page = client.get("/accounts/mfa/verify/?next=/deals/")
    assert page.status_code == 200 and "to finish logging in" in page.content.decode()
    wrong = client.post("/accounts/mfa/verify/", {"code": code_of(device, steps_ahead=5), "next": "/deals/"})
    assert wrong.status_code == 400 and "The code is wrong or was already used." in wrong.content.decode()
    assert client.get("/deals/").status_code == 302

    done = client.post("/accounts/mfa/verify/", {"code": current_code(owner.user), "next": "/deals/?status=signed"})
    assert (done.status_code, done["Location"]) == (302, "/deals/?status=signed")
    assert client.get("/deals/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200


def test_verification_goes_back_only_to_this_site(owner: Member) -> None:
    enrol(owner.user)
    client = logged_in(owner.user)
    done = client.post("/accounts/mfa/verify/", {"code": current_code(owner.user),
                                                 "next": "https://evil.example/phish"})
    assert (done.status_code, done["Location"]) == (302, reverse("web:my_organisation"))


def test_an_app_code_is_accepted_once(owner: Member) -> None:
    enrol(owner.user)
    code = current_code(owner.user)
    first = logged_in(owner.user)
    assert first.post("/accounts/mfa/verify/", {"code": code}).status_code == 302
    second = logged_in(owner.user)
    replay = second.post("/accounts/mfa/verify/", {"code": code})
    assert replay.status_code == 400 and "already used" in replay.content.decode()
    assert second.get("/deals/").status_code == 302


def test_wrong_codes_slow_the_next_try_down(owner: Member) -> None:
    device = enrol(owner.user)
    client = logged_in(owner.user)
    client.post("/accounts/mfa/verify/", {"code": code_of(device, steps_ahead=5)})
    # Even the right code waits out the delay after a wrong one.
    slowed = client.post("/accounts/mfa/verify/", {"code": code_of(device)})
    assert slowed.status_code == 400
    assert "Too many wrong codes: wait" in slowed.content.decode()
    assert client.get("/deals/").status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).throttling_failure_count == 1


def test_a_recovery_code_logs_in_once(owner: Member) -> None:
    enrol(owner.user)
    codes = recovery_codes_replace(user=owner.user)
    client = logged_in(owner.user)
    response = client.post("/accounts/mfa/verify/", {"code": codes[0].upper(), "next": "/deals/"})
    assert (response.status_code, response["Location"]) == (302, "/deals/")
    assert RecoveryCode.objects.filter(device__user=owner.user).count() == 9
    again = logged_in(owner.user)
    assert again.post("/accounts/mfa/verify/", {"code": codes[0]}).status_code == 400
    assert RecoveryCode.objects.filter(device__user=owner.user).count() == 9


def test_a_wrong_recovery_code_slows_down_the_next_try(owner: Member) -> None:
    enrol(owner.user)
    codes = recovery_codes_replace(user=owner.user)
    client = logged_in(owner.user)
    wrong = client.post("/accounts/mfa/verify/", {"code": "aaaa-bbbb-cccc-dddd"})
    assert wrong.status_code == 400
    assert "The code is wrong or was already used." in wrong.content.decode()
    # Even the right code waits out the delay after a wrong one, and stays unused.
    slowed = client.post("/accounts/mfa/verify/", {"code": codes[0]})
    assert slowed.status_code == 400
    assert "Too many wrong codes: wait" in slowed.content.decode()
    assert RecoveryCode.objects.filter(device__user=owner.user).count() == 10
    assert RecoveryCodes.objects.get(user=owner.user).throttling_failure_count == 1


def test_using_one_of_the_last_recovery_codes_says_how_many_are_left(owner: Member) -> None:
    enrol(owner.user)
    codes = recovery_codes_replace(user=owner.user)
    for code in codes[:6]:
        assert logged_in(owner.user).post("/accounts/mfa/verify/", {"code": code}).status_code == 302
    client = logged_in(owner.user)
    response = client.post("/accounts/mfa/verify/", {"code": f" {codes[6]} "}, follow=True)
    assert [str(message) for message in response.context["messages"]] == [
        "You used a recovery code; 3 are left. Make new ones on the security page."]
    assert RecoveryCode.objects.filter(device__user=owner.user).count() == 3


def test_the_steps_of_passing_the_second_factor_and_logging_out_stay_open(owner: Member) -> None:
    enrol(owner.user)
    client = logged_in(owner.user)
    assert client.get("/accounts/mfa/verify/").status_code == 200
    assert client.get("/language/zh-hans/?next=/").status_code == 302
    assert client.get("/accounts/mfa/verify/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("who", ["operator", "staff", "banker"])
def test_operators_staff_and_bank_members_set_up_a_second_factor_before_anything_else(
        who: str, operator: User, banker: Member) -> None:
    user = {"operator": operator, "banker": banker.user,
            "staff": UserFactory.create(is_staff=True, is_superuser=True)}[who]
    client = logged_in(user)
    response = client.get("/deals/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/mfa/enrol/?next=%2Fdeals%2F")
    assert _api_error(client) == (403, "second_factor_enrolment_required")
    assert client.get("/api/v1/me").json()["error"]["message"] == (
        "Your account needs a second factor: set up an authenticator app before anything else.")
    assert client.get("/accounts/mfa/enrol/").status_code == 200


def test_others_may_go_without_a_second_factor(owner: Member) -> None:
    client = logged_in(owner.user)
    assert client.get("/deals/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200


def test_the_django_admin_asks_staff_for_the_second_factor(operator: User) -> None:
    client = Client()
    login = client.post("/admin/login/?next=/admin/", {"username": operator.email, "password": "correct horse 42"})
    assert login.status_code == 302
    response = client.get("/admin/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/mfa/enrol/?next=%2Fadmin%2F")
    enrol(operator)
    assert client.get("/admin/")["Location"] == "/accounts/mfa/verify/?next=%2Fadmin%2F"
    client.post("/accounts/mfa/verify/", {"code": current_code(operator), "next": "/admin/"})
    assert client.get("/admin/").status_code == 200


def test_api_token_requests_are_not_held_by_the_session_check(operator: User) -> None:
    from ipx.accounts.tokens import TokenInput, api_token_create

    _token, key = api_token_create(user=operator, token=TokenInput.parse(name="robot"))
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert (response.status_code, response.json()["email"]) == (200, operator.email)
