"""Every public page, in each of the three languages, in a real browser: an automated WCAG 2.1
A/AA audit (axe-core) finds nothing serious or critical, at a desktop width and on a 360-pixel
phone screen, and on the phone nothing scrolls sideways. Bad input (a 200-character Chinese
title without a space, an organisation's name that is one long word, right-to-left script)
does not widen the search, listing and booth pages either.

One site and one browser serve the whole module: the scene is written once and committed (the
live server reads it from its own thread), and the database is emptied after the module."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, sync_playwright
from pytest_django.live_server_helper import LiveServer

from ipx.catalog.reference import clear_caches
from ipx.search.backends import reset_backends
from ipx.testing.factories import PASSWORD
from ipx.testing.world_stage import fresh_test_state

from .conftest import ARGS, CHROMIUM, snap
from .public_pages import (
    BAD_INPUT_PAGES,
    LANGUAGES,
    LONG_CJK_TITLE,
    PRINTED_PAGES,
    PUBLIC_PAGES,
    RTL_TITLE,
    ScenePage,
    build_scene,
)

pytestmark = [pytest.mark.browser]

AXE = Path(__file__).parent / "assets" / "axe-core-4.14.1.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = ViewportSize(width=1280, height=800)
PHONE = ViewportSize(width=360, height=740)

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((n) => n.target.join(" ")).slice(0, 8),
  }));
}"""
WIDTHS = "[document.documentElement.scrollWidth, window.innerWidth]"
# Links and controls a finger must hit that are shown and smaller than 44 × 44 CSS pixels.
SMALL_TARGETS = """(selector) => [...document.querySelectorAll(selector)]
  .filter((e) => e.getClientRects().length && getComputedStyle(e).visibility !== "hidden")
  .map((e) => [e, e.getBoundingClientRect()])
  .filter(([e, box]) => box.width < 44 || box.height < 44)
  .map(([e, box]) => `${e.outerHTML.slice(0, 80)}: ${Math.round(box.width)} × ${Math.round(box.height)}`)"""
SHOWN = """(selector) => [...document.querySelectorAll(selector)]
  .filter((e) => e.getClientRects().length).map((e) => e.outerHTML.slice(0, 80))"""
TARGETS = "#site-menu a, #site-menu button, #site-menu select, main button, main .button, main select, .facets a"


@dataclass(frozen=True)
class Site:
    url: str
    paths: dict[str, str]  # page name → its address in the scene
    seller: str  # who signs in to print a deal and a statement


@pytest.fixture(autouse=True)
def db(django_db_blocker: Any) -> Iterator[None]:
    """In place of pytest-django's: by its name the test database is made, and the site may
    use it during each test, outside any transaction of the test's. A test's transaction would
    hold SQLite's write lock, and the site's own writes (a sign-in's session) would wait on it
    in vain; what the site writes is emptied with the scene after the module."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture(autouse=True)
def _isolated_settings() -> None:
    # In place of the project's per-test settings, whose search index of each test's own
    # would hide the scene's from the live server.
    fresh_test_state()


@pytest.fixture(scope="module")
def site(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("public-pages")
    overrides = override_settings(
        IPX_TASKS_IMMEDIATE=True, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        IPX_SEARCH_INDEX_DIR=root / "search", MEDIA_ROOT=root / "media", IPX_PRIVATE_ROOT=root / "private",
        VAR_DIR=root / "var", IPX_MATCHING_DENSE=False,
        STORAGES={**settings.STORAGES,
                  "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
    )
    overrides.enable()
    reset_backends()
    clear_caches()
    fresh_test_state()
    server = LiveServer("localhost")
    server._live_server_modified_settings.enable()
    try:
        with django_db_blocker.unblock():
            scene = build_scene()
            pages = PUBLIC_PAGES + BAD_INPUT_PAGES + PRINTED_PAGES
            yield Site(server.url, {page.name: page.path(scene) for page in pages}, scene.seller)
            call_command("flush", interactive=False, verbosity=0)
    finally:
        server._live_server_modified_settings.disable()
        server.stop()
        reset_backends()
        overrides.disable()


@pytest.fixture(scope="module")
def browser(site: Site) -> Iterator[Browser]:
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # The tests touch no database while Playwright's event loop runs in this thread.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def contexts(site: Site, browser: Browser) -> Iterator[dict[str, BrowserContext]]:
    """A browser context for each language, which it asks for as the language switch does: by
    the cookie."""
    made = {}
    for language in LANGUAGES:
        context = browser.new_context(viewport=DESKTOP)
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": site.url}])
        made[language] = context
    yield made
    for context in made.values():
        context.close()


def audit(page: Page) -> list[str]:
    """The serious and critical violations of WCAG 2.0/2.1 A and AA on the page as it is."""
    # Loaded by evaluation, not as a <script> element: the site's Content-Security-Policy
    # refuses inline script (as it should), and evaluation from the test's side is outside it,
    # so the page is audited under its real policy.
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    violations: list[dict[str, Any]] = page.evaluate(RUN_AXE, WCAG_AA)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(v['targets'])}"
            for v in violations if v["impact"] in ("serious", "critical")]


def sideways(page: Page) -> str | None:
    content, viewport = page.evaluate(WIDTHS)
    return None if content <= viewport else f"{content} px wide in a {viewport} px window"


def open_page(contexts: dict[str, BrowserContext], site: Site, language: str, name: str,
              viewport: ViewportSize = DESKTOP) -> Page:
    page = contexts[language].new_page()
    page.set_viewport_size(viewport)
    response = page.goto(site.url + site.paths[name])
    assert response is not None and response.status == 200, f"{name}: {response and response.status}"
    assert page.evaluate("document.documentElement.lang") == language
    return page


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("public_page", PUBLIC_PAGES, ids=lambda p: p.name)
def test_public_page_passes_the_audit_and_fits_a_phone(
        contexts: dict[str, BrowserContext], site: Site, public_page: ScenePage, language: str) -> None:
    page = open_page(contexts, site, language, public_page.name)
    try:
        problems = [f"desktop: {violation}" for violation in audit(page)]
        page.set_viewport_size(PHONE)
        problems += [f"phone: {violation}" for violation in audit(page)]
        problems += [f"phone: {wide}" for wide in [sideways(page)] if wide]
        snap(page, f"a11y-{public_page.name}-{language}")
        assert not problems, "\n".join(problems)
    finally:
        page.close()


@pytest.mark.parametrize("bad_page", BAD_INPUT_PAGES, ids=lambda p: p.name)
def test_bad_input_does_not_widen_the_page_on_a_phone(
        contexts: dict[str, BrowserContext], site: Site, bad_page: ScenePage) -> None:
    page = open_page(contexts, site, "en", bad_page.name)
    try:
        page.set_viewport_size(PHONE)
        title = RTL_TITLE if "right-to-left" in bad_page.name else LONG_CJK_TITLE
        assert page.get_by_text(title).first.is_visible()
        snap(page, f"bad-input-{bad_page.name}")
        problems = [wide for wide in [sideways(page)] if wide] + audit(page)
        assert not problems, "\n".join(problems)
    finally:
        page.close()


def test_the_menu_button_opens_and_closes_the_navigation_on_a_phone(
        contexts: dict[str, BrowserContext], site: Site) -> None:
    page = open_page(contexts, site, "en", "home")
    try:
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
    finally:
        page.close()


def test_the_skip_link_leads_to_the_main_content(contexts: dict[str, BrowserContext], site: Site) -> None:
    page = open_page(contexts, site, "en", "search")
    try:
        page.keyboard.press("Tab")
        skip = page.locator("a.skip")
        assert skip.evaluate("(a) => a === document.activeElement") and skip.is_visible()
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#content"
        assert page.evaluate("document.activeElement.id") == "content"
    finally:
        page.close()



def test_controls_on_a_phone_are_large_enough_for_a_finger(contexts: dict[str, BrowserContext], site: Site) -> None:
    page = open_page(contexts, site, "en", "search", PHONE)
    try:
        page.click("button[aria-controls=site-menu]")
        page.click(".filters > summary")
        assert page.locator(".facets li a").first.is_visible()
        assert page.evaluate(SMALL_TARGETS, TARGETS) == []
    finally:
        page.close()


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
    try:
        assert page.locator(".filters > summary").is_visible()
        assert page.locator(".facets li a").first.is_hidden()
    finally:
        page.close()


def test_a_listing_prints_its_content_without_the_site_around_it(
        contexts: dict[str, BrowserContext], site: Site) -> None:
    page = open_page(contexts, site, "en", "listing")
    try:
        page.emulate_media(media="print")
        assert page.locator("#listing-title").is_visible()
        assert page.locator("table.data").is_visible()
        for chrome in (".topbar", ".skip", ".footer"):
            assert page.locator(chrome).is_hidden(), chrome
        assert page.evaluate("getComputedStyle(document.querySelector('#listing-title')).color") == "rgb(0, 0, 0)"
    finally:
        page.close()


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
