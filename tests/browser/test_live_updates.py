"""Live updates in a real browser under the Content-Security-Policy: HTMX's SSE extension
follows the member's stream and the unread badge changes without a reload. (The test server
is WSGI: each answer is what is there and a retry hint, so the browser reconnects with
Last-Event-ID; under `ipx serve` the same stream stays open.)"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from ipx.core.notices import wording
from ipx.notifications.services import notification_mark_read, notify
from ipx.testing.fixtures import Member

from .test_content_security_policy import log_in, page, refused  # noqa: F401 - the page fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VERB = "live.browser_test"
wording(VERB, title=lambda params: "Something happened", body=lambda params: "")


def test_the_unread_badge_follows_new_and_read_notifications(live_server: Any, page: Page,  # noqa: F811
                                                             owner: Member, settings: Any) -> None:
    settings.IPX_LIVE_RETRY_MS = 300
    log_in(page, live_server.url, owner)
    expect(page.locator("#unread-badge .badge")).to_have_count(0)

    notify(verb=VERB, users=[owner.user])
    expect(page.locator("#unread-badge .badge")).to_have_text("1")
    notify(verb=VERB, users=[owner.user])
    expect(page.locator("#unread-badge .badge")).to_have_text("2")
    notification_mark_read(user=owner.user)
    expect(page.locator("#unread-badge .badge")).to_have_count(0)

    # The stream's address remembers the last number, for a stream opened anew.
    assert page.locator("#unread-badge").get_attribute("sse-connect", timeout=1000).endswith("?after=3")
    assert refused(page) == []
