"""require_recent_authentication: a sensitive change only within IPX_REAUTH_MINUTES of a
password or code; the confirmation page takes either and goes back; wrong passwords end the
session after five tries."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from ipx.accounts.mfa.tests.helpers import age_session, logged_in
from ipx.accounts.sessions.reauth import require_recent_authentication
from ipx.accounts.sessions.recent import AUTHENTICATED_AT
from ipx.core.errors import PermissionDenied
from ipx.testing.factories import PASSWORD
from ipx.testing.fixtures import Member
from ipx.testing.second_factor import current_code, enrol

pytestmark = pytest.mark.django_db

CONFIRM = "/accounts/sessions/confirm/"


def test_a_fresh_login_counts_as_recent(owner: Member) -> None:
    client = logged_in(owner.user)
    assert client.get("/accounts/mfa/enrol/").status_code == 200


def test_a_stale_one_is_sent_to_confirm_and_back_with_the_password(owner: Member, settings: Any) -> None:
    settings.IPX_REAUTH_MINUTES = 5
    client = logged_in(owner.user)
    age_session(client, minutes=4)
    assert client.get("/accounts/mfa/enrol/").status_code == 200
    age_session(client, minutes=6)
    response = client.get("/accounts/mfa/enrol/")
    assert response["Location"] == f"{CONFIRM}?next=%2Faccounts%2Fmfa%2Fenrol%2F"
    page = client.get(response["Location"])
    assert "code" not in page.context["form"].fields  # no authenticator app: the password only
    wrong = client.post(CONFIRM, {"password": "not it", "next": "/accounts/mfa/enrol/"})
    assert wrong.status_code == 400 and "The password is wrong." in wrong.content.decode()
    empty = client.post(CONFIRM, {"next": "/accounts/mfa/enrol/"})
    assert empty.status_code == 400 and "Enter your password." in empty.content.decode()
    done = client.post(CONFIRM, {"password": PASSWORD, "next": "/accounts/mfa/enrol/"})
    assert (done.status_code, done["Location"]) == (302, "/accounts/mfa/enrol/")
    assert client.get("/accounts/mfa/enrol/").status_code == 200


def test_a_code_confirms_too_when_there_is_an_app(owner: Member) -> None:
    enrol(owner.user)
    client = logged_in(owner.user)
    client.post("/accounts/mfa/verify/", {"code": current_code(owner.user)})
    age_session(client, minutes=6)
    done = client.post(CONFIRM, {"code": current_code(owner.user), "next": "/accounts/sessions/"})
    assert (done.status_code, done["Location"]) == (302, "/accounts/sessions/")


def test_confirmation_goes_back_only_to_this_site(owner: Member) -> None:
    client = logged_in(owner.user)
    done = client.post(CONFIRM, {"password": PASSWORD, "next": "//evil.example/"})
    assert done["Location"] == "/accounts/sessions/"


def test_five_wrong_passwords_end_the_session(owner: Member) -> None:
    client = logged_in(owner.user)
    age_session(client, minutes=6)
    for _n in range(4):
        assert client.post(CONFIRM, {"password": "guess"}).status_code == 400
    response = client.post(CONFIRM, {"password": "guess"})
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_the_decorator_refuses_api_calls_with_403(owner: Member) -> None:
    @require_recent_authentication
    def change(request: HttpRequest) -> HttpResponse:
        return HttpResponse("changed")

    request = RequestFactory().post("/api/v1/something")
    request.session = {AUTHENTICATED_AT: 0}  # type: ignore[assignment]
    with pytest.raises(PermissionDenied) as refused:
        change(request)
    assert refused.value.code == "reauthentication_required"
    request.session = Client().session
    request.session[AUTHENTICATED_AT] = time.time()
    assert change(request).content == b"changed"
