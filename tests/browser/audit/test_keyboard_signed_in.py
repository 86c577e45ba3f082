"""The signed-in pages a member works on, with the keyboard alone, as ``test_keyboard`` walks
the public ones: Tab from the top reaches the skip link first, then every shown control in the
order of the page, and leaves the page at its end (no trap); each control shows its focus.
Home's administrator (who sees the most buttons and forms) walks each page in English and in
Simplified Chinese (other words, widths and wrapping)."""

from __future__ import annotations

import pytest

from .checks import open_in
from .conftest import SignedIn, Site
from .test_keyboard import tab_through

pytestmark = [pytest.mark.browser]

PAGES = ("deal", "statement", "negotiation selling", "finance", "loan running")
CASES = [(name, language) for name in PAGES for language in ("en", "zh-hans")]


@pytest.mark.parametrize(("name", "language"), CASES, ids=[f"{name}-{language}" for name, language in CASES])
def test_every_control_of_a_signed_in_page_is_reached_by_tab_and_shows_its_focus(
        name: str, language: str, signed_in: SignedIn, site: Site) -> None:
    page = open_in(signed_in("admin", language), site.url + site.paths[f"admin: {name}"], language)
    try:
        # A statement or a thread has many rows of links: room for all of them before "a trap".
        problems = tab_through(page, limit=600)
        assert not problems, f"{name} ({language}):\n" + "\n".join(problems)
    finally:
        page.close()
