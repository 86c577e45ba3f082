"""Every public page in a real browser. In one of the three languages, taken in turn
(``checks.each_in_one_language``): an automated WCAG 2.1 A/AA audit (axe-core) finds nothing
serious or critical at a desktop width and on a 360-pixel phone screen. In every language:
headings never skip a level, and on the phone nothing scrolls sideways. Bad input
(a 200-character Chinese title without a space, an organisation's name that is one long word,
right-to-left script) does not widen the search, listing and booth pages either.

The site, the browser and a context per language are the module's (``conftest``)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

from ipx.testing.factories import PASSWORD

from ..conftest import snap
from ..public_pages import (
    BAD_INPUT_PAGES,
    LONG_CJK_TITLE,
    PRINTED_PAGES,
    PUBLIC_PAGES,
    RTL_TITLE,
    ScenePage,
)
from .checks import (
    DESKTOP,
    PHONE,
    audit,
    each_in_one_language,
    each_in_the_other_languages,
    open_in,
    phone_problems,
    problems_at_both_widths,
    sideways,
)
from .conftest import Site

pytestmark = [pytest.mark.browser]

# Links and controls a finger must hit that are shown and smaller than 44 × 44 CSS pixels.
SMALL_TARGETS = """(selector) => [...document.querySelectorAll(selector)]
  .filter((e) => e.getClientRects().length && getComputedStyle(e).visibility !== "hidden")
  .map((e) => [e, e.getBoundingClientRect()])
  .filter(([e, box]) => box.width < 44 || box.height < 44)
  .map(([e, box]) => `${e.outerHTML.slice(0, 80)}: ${Math.round(box.width)} × ${Math.round(box.height)}`)"""
SHOWN = """(selector) => [...document.querySelectorAll(selector)]
  .filter((e) => e.getClientRects().length).map((e) => e.outerHTML.slice(0, 80))"""
TARGETS = "#site-menu a, #site-menu button, #site-menu select, main button, main .button, main select, .facets a"


def open_page(contexts: dict[str, BrowserContext], site: Site, language: str, name: str,
              viewport: ViewportSize = DESKTOP) -> Page:
    return open_in(contexts[language], site.url + site.paths[name], language, viewport)


AUDITED = each_in_one_language(PUBLIC_PAGES)
IN_OTHER_LANGUAGES = each_in_the_other_languages(PUBLIC_PAGES)


def _ids(cases: list[tuple[ScenePage, str]]) -> list[str]:
    return [f"{public_page.name}-{language}" for public_page, language in cases]


@pytest.mark.parametrize(("public_page", "language"), AUDITED, ids=_ids(AUDITED))
def test_public_page_passes_the_audit_and_fits_a_phone(
        contexts: dict[str, BrowserContext], site: Site, public_page: ScenePage, language: str) -> None:
    page = open_page(contexts, site, language, public_page.name)
    problems = problems_at_both_widths(page)
    snap(page, f"a11y-{public_page.name}-{language}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("public_page", "language"), IN_OTHER_LANGUAGES, ids=_ids(IN_OTHER_LANGUAGES))
def test_public_page_fits_a_phone_in_the_other_languages(
        contexts: dict[str, BrowserContext], site: Site, public_page: ScenePage, language: str) -> None:
    page = open_page(contexts, site, language, public_page.name, PHONE)
    problems = phone_problems(page)
    snap(page, f"phone-{public_page.name}-{language}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("bad_page", BAD_INPUT_PAGES, ids=lambda p: p.name)
def test_bad_input_does_not_widen_the_page_on_a_phone(
        contexts: dict[str, BrowserContext], site: Site, bad_page: ScenePage) -> None:
    page = open_page(contexts, site, "en", bad_page.name)
    page.set_viewport_size(PHONE)
    title = RTL_TITLE if "right-to-left" in bad_page.name else LONG_CJK_TITLE
    assert page.get_by_text(title).first.is_visible()
    snap(page, f"bad-input-{bad_page.name}")
    problems = [wide for wide in [sideways(page)] if wide] + audit(page)
    assert not problems, "\n".join(problems)


def test_the_menu_button_opens_and_closes_the_navigation_on_a_phone(
        contexts: dict[str, BrowserContext], site: Site) -> None:
    page = open_page(contexts, site, "en", "home")
    page.set_viewport_size(PHONE)
    button = page.locator("button[aria-controls=site-menu]")
    menu = page.locator("#site-menu")
    assert button.get_attribute("aria-expanded") == "false"
    assert not menu.is_visible()
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    assert menu.get_by_role("link", name="Search").is_visible()
    assert page.evaluate(SMALL_TARGETS, f"button[aria-controls=site-menu], {TARGETS}") == []
    button.click()
    assert not menu.is_visible()
    page.set_viewport_size(DESKTOP)
    assert button.is_hidden() and menu.is_visible()


def test_the_skip_link_leads_to_the_main_content(contexts: dict[str, BrowserContext], site: Site) -> None:
    page = open_page(contexts, site, "en", "search")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert skip.evaluate("(a) => a === document.activeElement") and skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#content"
    assert page.evaluate("document.activeElement.id") == "content"



def test_controls_on_a_phone_are_large_enough_for_a_finger(contexts: dict[str, BrowserContext], site: Site) -> None:
    page = open_page(contexts, site, "en", "search", PHONE)
    page.click("button[aria-controls=site-menu]")
    page.click(".filters > summary")
    assert page.locator(".facets li a").first.is_visible()
    assert page.evaluate(SMALL_TARGETS, TARGETS) == []


def test_without_script_the_menu_and_the_filters_are_open_on_a_phone(browser: Browser, site: Site) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site.url + site.paths["search"])
        assert page.locator("button[aria-controls=site-menu]").is_hidden()
        assert page.locator("#site-menu").get_by_role("link", name="Search").is_visible()
        assert page.locator(".facets li a").first.is_visible()
        assert sideways(page) is None
    finally:
        context.close()


def test_on_a_phone_the_filters_fold_away_behind_their_summary(contexts: dict[str, BrowserContext], site: Site) -> None:
    page = open_page(contexts, site, "en", "search", PHONE)
    assert page.locator(".filters > summary").is_visible()
    assert page.locator(".facets li a").first.is_hidden()


def test_a_listing_prints_its_content_without_the_site_around_it(
        contexts: dict[str, BrowserContext], site: Site) -> None:
    page = open_page(contexts, site, "en", "listing")
    page.emulate_media(media="print")
    try:
        assert page.locator("#listing-title").is_visible()
        assert page.locator("table.data").is_visible()
        for chrome in (".topbar", ".skip", ".footer"):
            assert page.locator(chrome).is_hidden(), chrome
        assert page.evaluate("getComputedStyle(document.querySelector('#listing-title')).color") == "rgb(0, 0, 0)"
    finally:
        page.emulate_media(media="screen")  # the tab goes on to other pages, seen on a screen


def test_a_deal_and_a_statement_print_without_navigation_forms_or_buttons(browser: Browser, site: Site) -> None:
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        page.goto(f"{site.url}/accounts/login/")
        page.fill("#id_email", site.seller)
        page.fill("#id_password", PASSWORD)
        page.click("form.stacked button[type=submit]")
        page.wait_for_selector(".usernav .who")
        page.emulate_media(media="print")
        for printed in PRINTED_PAGES:
            response = page.goto(site.url + site.paths[printed.name])
            assert response is not None and response.status == 200
            assert page.locator("main h1").first.is_visible(), printed.name
            shown = page.evaluate(SHOWN, ".topbar, .footer, main form, main button, main .button")
            assert shown == [], printed.name
            assert page.locator("main table.data").first.is_visible(), printed.name
    finally:
        context.close()
