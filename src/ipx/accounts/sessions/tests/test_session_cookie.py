"""A change of session key does not sign its owner out through a request still carrying the old
key: a page's background requests (event streams, HTMX) never clear the session cookie, page
navigations still clear a cookie whose session is gone, and logging out clears it whatever asks."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.http import HttpResponseBase
from django.test import Client

from ipx.accounts.mfa.tests.helpers import logged_in
from ipx.live.selectors import stream_url
from ipx.notifications.live import STREAM
from ipx.testing.fixtures import Member
from ipx.testing.second_factor import current_code, enrol

pytestmark = pytest.mark.django_db

EVENT_STREAM = {"Accept": "text/event-stream"}
HTMX = {"HX-Request": "true"}


def _with_key(key: str | None) -> Client:
    """Another request of the same browser, sent with the session key it had then."""
    assert key is not None
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return client


def _clears_cookie(response: HttpResponseBase) -> bool:
    cookie = response.cookies.get(settings.SESSION_COOKIE_NAME)
    return cookie is not None and cookie.value == "" and cookie["max-age"] == 0


def test_passing_the_second_factor_survives_a_stream_request_sent_with_the_old_key(owner: Member) -> None:
    enrol(owner.user)
    browser = logged_in(owner.user)
    old_key = browser.session.session_key
    done = browser.post("/accounts/mfa/verify/", {"code": current_code(owner.user), "next": "/"})
    assert done.status_code == 302 and browser.session.session_key != old_key

    # The stream's reconnection and an HTMX part, both sent before the new key arrived.
    stream = _with_key(old_key).get(stream_url(STREAM, owner.user.pk), headers=EVENT_STREAM)
    part = _with_key(old_key).get("/search/?q=drone", headers=HTMX)
    assert stream.status_code == 401 and not _clears_cookie(stream)
    assert part.status_code == 200 and not _clears_cookie(part)
    assert "Cookie" in stream["Vary"]
    # The browser's cookie is still the new key, and it is signed in and verified with it.
    assert browser.get("/deals/").status_code == 200


def test_a_page_navigation_with_a_gone_session_still_clears_its_cookie(owner: Member) -> None:
    browser = logged_in(owner.user)
    old_key = browser.session.session_key
    browser.session.delete(old_key)
    assert _clears_cookie(_with_key(old_key).get("/search/?q=drone"))


@pytest.mark.parametrize("headers", [HTMX, EVENT_STREAM, {}], ids=["htmx", "event-stream", "page"])
def test_logging_out_clears_the_cookie_whatever_asks(owner: Member, headers: dict[str, str]) -> None:
    browser = logged_in(owner.user)
    response = browser.post("/accounts/logout/", headers=headers)
    assert _clears_cookie(response)
    assert browser.get("/deals/").status_code == 302


def test_a_session_held_at_the_second_factor_opens_no_live_stream(owner: Member) -> None:
    enrol(owner.user)
    browser = logged_in(owner.user)
    held = browser.get("/accounts/mfa/verify/").content.decode()
    assert 'id="unread-badge"' in held and "sse-connect" not in held
    browser.post("/accounts/mfa/verify/", {"code": current_code(owner.user), "next": "/"})
    passed = browser.get("/").content.decode()
    assert f'sse-connect="{stream_url(STREAM, owner.user.pk)}"' in passed
