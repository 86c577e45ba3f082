"""Signed-in sessions: a row per login (browser, address, last seen) its owner sees and ends
from another device; an idle limit of 30 minutes for those a second factor is required of
and 12 hours for everyone else; logging out ends the row."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ipx.accounts.mfa.tests.helpers import age_session, logged_in
from ipx.accounts.models import User
from ipx.accounts.sessions.models import UserSession
from ipx.accounts.sessions.services import RECORD, SEEN_AT
from ipx.testing.fixtures import Member
from ipx.testing.second_factor import fresh_second_factor, sign_in

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"


def _rows(user: User) -> list[tuple[Any, ...]]:
    return list(UserSession.objects.filter(user=user).order_by("pk").values_list("user_agent", "ip_address",
                                                                                  "end_reason"))


def _idle(client: Client, minutes: float) -> None:
    session = client.session
    session[SEEN_AT] = time.time() - minutes * 60
    session.save()


def test_a_login_keeps_a_row_with_the_browser_and_address(owner: Member) -> None:
    client = logged_in(owner.user, Client(HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="203.0.113.9"))
    assert _rows(owner.user) == [(FIREFOX, "203.0.113.9", "")]
    assert client.session[RECORD] == UserSession.objects.get().pk
    page = client.get("/accounts/sessions/")
    assert page.status_code == 200
    html = page.content.decode()
    assert FIREFOX in html and "203.0.113.9" in html and "This session" in html


def test_the_list_shows_only_my_open_sessions_with_the_current_one_marked(owner: Member, buyer: Member) -> None:
    phone = logged_in(owner.user, Client(HTTP_USER_AGENT="Phone", REMOTE_ADDR="198.51.100.4"))
    desk = logged_in(owner.user, Client(HTTP_USER_AGENT="Desk"))
    logged_in(buyer.user, Client(HTTP_USER_AGENT="Buyer's"))
    ended = logged_in(owner.user, Client(HTTP_USER_AGENT="Old"))
    ended.post("/accounts/logout/")
    idle = logged_in(owner.user, Client(HTTP_USER_AGENT="Forgotten"))
    UserSession.objects.filter(pk=idle.session[RECORD]).update(last_seen_at=timezone.now() - timedelta(hours=13))
    page = desk.get("/accounts/sessions/")
    rows = [(s.user_agent, s.pk == page.context["current"]) for s in page.context["sessions"]]
    assert sorted(rows) == [("Desk", True), ("Phone", False)]
    assert phone.session[RECORD] != desk.session[RECORD]


def test_ending_another_session_signs_it_out_at_its_next_request(owner: Member) -> None:
    phone = logged_in(owner.user, Client(HTTP_USER_AGENT="Phone"))
    desk = logged_in(owner.user, Client(HTTP_USER_AGENT="Desk"))
    target = phone.session[RECORD]
    response = desk.post(f"/accounts/sessions/{target}/revoke/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/sessions/")
    assert UserSession.objects.get(pk=target).end_reason == "revoked"
    signed_out = phone.get("/deals/")
    assert (signed_out.status_code, signed_out["Location"].startswith("/accounts/login/")) == (302, True)
    assert "_auth_user_id" not in phone.session
    assert phone.get("/api/v1/me").status_code == 401
    assert desk.get("/deals/").status_code == 200


def test_the_current_session_and_others_sessions_cannot_be_ended_there(owner: Member, buyer: Member) -> None:
    desk = logged_in(owner.user)
    theirs = logged_in(buyer.user)
    before = _rows(owner.user) + _rows(buyer.user)
    desk.post(f"/accounts/sessions/{desk.session[RECORD]}/revoke/")
    desk.post(f"/accounts/sessions/{theirs.session[RECORD]}/revoke/")
    assert _rows(owner.user) + _rows(buyer.user) == before
    messages = [str(m) for m in desk.get("/accounts/sessions/").context["messages"]]
    assert messages == ["This is the session you are using; log out to end it.", "No such session."]


def test_ending_all_other_sessions(owner: Member) -> None:
    others = [logged_in(owner.user) for _n in range(2)]
    desk = logged_in(owner.user)
    response = desk.post("/accounts/sessions/revoke-others/")
    assert response.status_code == 302
    assert [str(m) for m in desk.get("/accounts/sessions/").context["messages"]] == ["2 other sessions are ended."]
    assert [r[2] for r in _rows(owner.user)] == ["revoked", "revoked", ""]
    assert all(other.get("/deals/").status_code == 302 for other in others)
    assert desk.get("/deals/").status_code == 200


def test_ending_sessions_needs_a_recent_authentication(owner: Member) -> None:
    phone = logged_in(owner.user)
    desk = logged_in(owner.user)
    age_session(desk, minutes=6)
    before = _rows(owner.user)
    for path in (f"/accounts/sessions/{phone.session[RECORD]}/revoke/", "/accounts/sessions/revoke-others/"):
        response = desk.post(path)
        assert (response.status_code, response["Location"]) == (
            302, "/accounts/sessions/confirm/?next=%2Faccounts%2Fsessions%2F")
    assert _rows(owner.user) == before


def test_logging_out_ends_the_row(owner: Member) -> None:
    client = logged_in(owner.user)
    client.post("/accounts/logout/")
    assert [r[2] for r in _rows(owner.user)] == ["logout"]


@pytest.mark.parametrize(("who", "limit"), [("operator", 30), ("banker", 30), ("owner", 12 * 60)])
def test_an_idle_session_is_signed_out(who: str, limit: int, owner: Member, banker: Member, operator: User) -> None:
    user = {"operator": operator, "banker": banker.user, "owner": owner.user}[who]
    client = sign_in(Client(), user)
    _idle(client, limit - 1)
    assert client.get("/deals/").status_code == 200
    _idle(client, limit + 1)
    response = client.get("/deals/")
    assert (response.status_code, response["Location"].startswith("/accounts/login/")) == (302, True)
    assert "_auth_user_id" not in client.session
    assert [r[2] for r in _rows(user)] == ["idle"]


def test_the_idle_limits_are_settings(owner: Member, settings: Any) -> None:
    settings.IPX_SESSION_IDLE_MINUTES = 5
    client = sign_in(Client(), owner.user)
    _idle(client, 6)
    assert client.get("/api/v1/me").status_code == 401


def test_activity_keeps_a_session_open_and_its_cookie_lives_as_long_as_the_idle_limit(operator: User) -> None:
    client = sign_in(Client(), operator)
    _idle(client, 20)
    assert client.get("/deals/").status_code == 200
    assert client.session.get_expiry_age() == 30 * 60
    assert time.time() - client.session[SEEN_AT] < 5
    row = UserSession.objects.get(user=operator)
    assert (time.time() - row.last_seen_at.timestamp()) < 5


def test_a_session_signed_in_before_rows_existed_gets_one(owner: Member) -> None:
    client = sign_in(Client(), owner.user)
    UserSession.objects.all().delete()
    session = client.session
    del session[RECORD]
    session.save()
    assert client.get("/deals/").status_code == 200
    assert len(_rows(owner.user)) == 1
    assert client.session[RECORD] == UserSession.objects.get().pk


def test_passing_the_second_factor_keeps_the_sessions_row(owner: Member) -> None:
    client = fresh_second_factor(owner.client, owner.user)
    record = client.session[RECORD]
    assert client.get("/deals/").status_code == 200
    assert client.session[RECORD] == record
