"""Every page a signed-in member reaches (``member_pages.SIGNED_IN_PAGES``), as the role that
visits it. In one of the three languages, taken in turn (``checks.each_in_one_language``): the
WCAG 2.1 A/AA audit finds nothing serious or critical at a desktop width and on a 360-pixel
phone. In each of the other two: headings never skip a level and on the phone nothing scrolls
sideways. Each (role, language) signs in once for the package."""

from __future__ import annotations

import pytest

from ..conftest import snap
from ..member_pages import SIGNED_IN_PAGES, MemberPage
from .checks import (
    PHONE,
    each_in_one_language,
    each_in_the_other_languages,
    open_in,
    phone_problems,
    problems_at_both_widths,
)
from .conftest import SignedIn, Site

pytestmark = [pytest.mark.browser]

AUDITED = each_in_one_language(SIGNED_IN_PAGES)
IN_OTHER_LANGUAGES = each_in_the_other_languages(SIGNED_IN_PAGES)


def _ids(cases: list[tuple[MemberPage, str]]) -> list[str]:
    return [f"{member_page.key}-{language}" for member_page, language in cases]


@pytest.mark.parametrize(("member_page", "language"), AUDITED, ids=_ids(AUDITED))
def test_signed_in_page_passes_the_audit_and_fits_a_phone(
        signed_in: SignedIn, site: Site, member_page: MemberPage, language: str) -> None:
    page = open_in(signed_in(member_page.role, language), site.url + site.paths[member_page.key], language)
    assert page.locator(".usernav .who").text_content() == site.people[member_page.role].full_name
    problems = problems_at_both_widths(page)
    snap(page, f"a11y-{member_page.role}-{member_page.name}-{language}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("member_page", "language"), IN_OTHER_LANGUAGES, ids=_ids(IN_OTHER_LANGUAGES))
def test_signed_in_page_fits_a_phone_in_the_other_languages(
        signed_in: SignedIn, site: Site, member_page: MemberPage, language: str) -> None:
    page = open_in(signed_in(member_page.role, language), site.url + site.paths[member_page.key], language, PHONE)
    problems = phone_problems(page)
    snap(page, f"phone-{member_page.role}-{member_page.name}-{language}")
    assert not problems, "\n".join(problems)
