"""What changes on a page without a reload is announced, and people's text in another
language than the page's says which: the unread count in the header is a polite live region
and names itself ("1 unread"), a count HTMX swaps in is copied to the page's status region,
and a Latin title on a Chinese page (a Chinese one on an English page, a right-to-left one
anywhere) carries its language and sets its own direction."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, expect

from ..public_pages import LONG_CJK_TITLE, RTL_TITLE
from .checks import open_in
from .conftest import SignedIn, Site

pytestmark = [pytest.mark.browser]


def test_the_unread_count_is_a_live_region_that_says_what_it_counts(signed_in: SignedIn, site: Site) -> None:
    page = open_in(signed_in("member", "en"), site.url + site.paths["member: notifications"], "en")
    badge = page.locator("#unread-badge")
    assert badge.get_attribute("aria-live") == "polite"
    assert badge.get_attribute("aria-atomic") == "true"
    count = page.locator("#unread-badge .badge").text_content()
    assert count and count.isdigit()
    unread = int(count)
    # The number shown is hidden from screen readers, which read the words instead.
    assert page.locator("#unread-badge .badge").get_attribute("aria-hidden") == "true"
    assert badge.locator(".visually-hidden").text_content() == f"{unread} unread"
    expect(page.get_by_role("link", name=f"Notifications {unread} unread", exact=True)).to_have_count(1)


def test_a_count_swapped_in_by_htmx_is_announced(contexts: dict[str, BrowserContext], site: Site) -> None:
    page = open_in(contexts["en"], site.url + site.paths["demand board"], "en")
    status = page.locator("#live-status")
    assert status.get_attribute("role") == "status" and status.text_content() == ""
    page.fill("#board-filters input[name=q]", "no demand has this word xyzzy")
    page.press("#board-filters input[name=q]", "Enter")
    expect(page.locator("#demand-count")).to_have_text("0 demands")
    expect(status).to_have_text("0 demands")


@pytest.mark.parametrize(("language", "name", "title", "marked"), [
    ("zh-hans", "listing", "MX selling listing", "en"),
    ("en", "listing", "MX selling listing", None),
    ("en", "listing with the long title", LONG_CJK_TITLE, "zh-Hans"),
    # A title in Simplified characters on a Traditional page is read as Simplified, and not on a Simplified one.
    ("zh-hant", "listing with the long title", LONG_CJK_TITLE, "zh-Hans"),
    ("zh-hans", "listing with the long title", LONG_CJK_TITLE, None),
    ("en", "listing with the right-to-left title", RTL_TITLE, "ar"),
])
def test_a_title_in_another_language_than_the_page_says_which(
        contexts: dict[str, BrowserContext], site: Site, language: str, name: str, title: str,
        marked: str | None) -> None:
    page = open_in(contexts[language], site.url + site.paths[name], language)
    heading = page.locator("#listing-title")
    assert heading.text_content() == title
    assert heading.get_attribute("lang") == marked
    assert heading.get_attribute("dir") == "auto"
