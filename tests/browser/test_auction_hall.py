"""The auction hall in a real browser: two bidders in two browser contexts, each on the lot's
page. A bid by one appears on the other's page without a reload, with the other's outbid
notice; a bid in the soft-close window moves the countdown."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from ipx.accounts.models import User
from ipx.auctions.models import Lot
from ipx.auctions.tests.scene import new_lot, new_session, opened
from ipx.testing.databases import needs_postgres
from ipx.testing.fixtures import Member

from .test_content_security_policy import RECORD_REFUSALS, log_in, refused

# The two bidders' requests and the hall's live streams read and write from several server
# threads at once: on SQLite's shared-memory test database a reader meeting a writer fails at
# once ("table is locked"), so this walk-through runs in the PostgreSQL pass.
pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              needs_postgres("several server threads bid and stream at once")]


@pytest.fixture
def pages(browser: Browser) -> Iterator[tuple[Page, Page]]:
    contexts = [browser.new_context(), browser.new_context()]
    for context in contexts:
        context.add_init_script(RECORD_REFUSALS)
    yield contexts[0].new_page(), contexts[1].new_page()
    for context in contexts:
        context.close()


def place(page: Page, amount: str) -> None:
    page.fill("#id_amount", amount)
    page.click("#bid-form button[type=submit]")


def test_two_bidders_see_each_others_bids_live(live_server: Any, pages: tuple[Page, Page], owner: Member,
                                               buyer: Member, outsider: Member, operator: User,
                                               settings: Any) -> None:
    settings.IPX_LIVE_RETRY_MS = 300
    lot = opened(new_lot(new_session(operator), owner, operator), operator, buyer, outsider)
    # Inside the soft-close window from the start, so every bid moves the close. (Set before any
    # page is served: the test's database is shared with the server's thread.)
    Lot.objects.filter(pk=lot.pk).update(closes_at=timezone.now() + timedelta(minutes=4))
    first, second = pages
    hall = f"{live_server.url}/auctions/lots/{lot.pk}/"
    for page, member in ((first, buyer), (second, outsider)):
        log_in(page, live_server.url, member)
        page.goto(hall)
        expect(page.locator("#lot-price")).to_have_text("No bid yet")

    unread = int(first.locator("#unread-badge .badge").text_content() or 0)  # the admission's notice
    place(first, "100000")
    expect(first.locator("#lot-leader")).to_contain_text("you")
    expect(second.locator("#lot-price")).to_contain_text("100,000")  # no reload on the other page
    expect(second.locator("#bid-1")).to_be_visible()

    place(second, "105000")
    expect(first.locator("#lot-price")).to_contain_text("105,000")
    # The outbid notice (and the late bid's extension's) reach the badge without a reload.
    expect(first.locator("#unread-badge .badge")).not_to_have_text(str(unread))

    # A bid in the last minutes moves the close, and the countdown with it.
    before = second.locator("#lot-closes time").get_attribute("datetime")
    place(first, "110000")
    expect(second.locator("#lot-closes time")).not_to_have_attribute("datetime", before or "")
    expect(second.locator("#lot-closes .countdown")).to_contain_text("4:")
    assert refused(first) == [] and refused(second) == []
