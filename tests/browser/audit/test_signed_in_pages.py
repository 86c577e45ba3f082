"""Every page a signed-in member reaches (``member_pages.SIGNED_IN_PAGES``), as the role that
visits it, in each of the three languages: the WCAG 2.1 A/AA audit finds nothing serious or
critical on a 360-pixel phone (and, in English, at a desktop width too: the structure is the
same in each language), headings never skip a level, and on the phone nothing scrolls sideways.
Each (role, language) signs in once for the module."""

from __future__ import annotations

import pytest

from ..conftest import snap
from ..member_pages import SIGNED_IN_PAGES, MemberPage
from ..public_pages import LANGUAGES
from .checks import open_in, problems_at_both_widths
from .conftest import SignedIn, Site

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("member_page", SIGNED_IN_PAGES, ids=lambda p: p.key)
def test_signed_in_page_passes_the_audit_and_fits_a_phone(
        signed_in: SignedIn, site: Site, member_page: MemberPage, language: str) -> None:
    page = open_in(signed_in(member_page.role, language), site.url + site.paths[member_page.key], language)
    try:
        assert page.locator(".usernav .who").text_content() == site.people[member_page.role].full_name
        problems = problems_at_both_widths(page, desktop_audit=language == "en")
        snap(page, f"a11y-{member_page.role}-{member_page.name}-{language}")
        assert not problems, "\n".join(problems)
    finally:
        page.close()
