"""One site and one browser for all the audits of this package: the scene is written once and
committed (the live server reads it from its own thread), and the database is emptied after
the package's last test. Browser contexts are made once too: one per language for the public
pages, one per (role, language) signed in once for the signed-in pages (axe-core is brought
into the pages audited only: ``checks.audit``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import Browser, BrowserContext, sync_playwright
from pytest_django.live_server_helper import LiveServer

from ipx.accounts.mfa.policy import second_factor_required
from ipx.accounts.models import User
from ipx.catalog.reference import clear_caches
from ipx.search.backends import reset_backends
from ipx.testing.factories import PASSWORD
from ipx.testing.second_factor import current_code, enrol
from ipx.testing.world_stage import fresh_test_state

from ..conftest import ARGS, CHROMIUM
from ..member_pages import FORM_PAGES, SIGNED_IN_PAGES
from ..public_pages import BAD_INPUT_PAGES, LANGUAGES, PRINTED_PAGES, PUBLIC_PAGES, build_scene
from .checks import DESKTOP


@dataclass(frozen=True)
class Site:
    url: str
    paths: dict[str, str]  # page name (a signed-in page's: "role: name") → its address in the scene
    people: dict[str, User]  # role → who signs in for it
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


@pytest.fixture(scope="package")
def site(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("audited-pages")
    overrides = override_settings(
        IPX_TASKS_IMMEDIATE=True, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        IPX_SEARCH_INDEX_DIR=root / "search", MEDIA_ROOT=root / "media", IPX_PRIVATE_ROOT=root / "private",
        VAR_DIR=root / "var", IPX_MATCHING_DENSE=False,
        # Each role signs in once for the whole package; on a busy machine the package runs
        # for longer than a privileged session's 30 idle minutes, and the bank's pages would
        # be audited signed out. Idle expiry has tests of its own.
        IPX_SESSION_IDLE_MINUTES_PRIVILEGED=24 * 60,
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
            paths = {page.name: page.path(scene) for page in PUBLIC_PAGES + BAD_INPUT_PAGES + PRINTED_PAGES}
            paths.update({page.key: page.path(scene) for page in SIGNED_IN_PAGES + FORM_PAGES})
            people = {role: user for role, user in scene.world.people.items() if user is not None}
            people["sponsor"] = scene.world.finance.sponsor_admin  # sets up pools; none of the matrix's roles
            for user in people.values():
                if second_factor_required(user):
                    enrol(user)  # whom the exchange holds at the second factor passes it
            yield Site(server.url, paths, people, scene.seller)
            call_command("flush", interactive=False, verbosity=0)
    finally:
        server._live_server_modified_settings.disable()
        server.stop()
        reset_backends()
        overrides.disable()


@pytest.fixture(scope="package")
def browser(site: Site) -> Iterator[Browser]:
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # The tests touch no database while Playwright's event loop runs in this thread.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def _context(browser: Browser, site: Site, language: str) -> BrowserContext:
    """A browser context that asks for ``language`` as the language switch does: by the cookie."""
    context = browser.new_context(viewport=DESKTOP)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": site.url}])
    return context


@pytest.fixture(scope="package")
def contexts(site: Site, browser: Browser) -> Iterator[dict[str, BrowserContext]]:
    """A browser context for each language, signed in as nobody."""
    made = {language: _context(browser, site, language) for language in LANGUAGES}
    yield made
    for context in made.values():
        context.close()


def sign_in(context: BrowserContext, site: Site, user: User) -> None:
    """Through the login page, and the second factor's for whom it is required."""
    page = context.new_page()
    try:
        page.goto(f"{site.url}/accounts/login/")
        page.fill("#id_email", user.email)
        page.fill("#id_password", PASSWORD)
        page.click("form.stacked button[type=submit]")
        page.wait_for_load_state()
        if "/accounts/mfa/verify/" in page.url:
            page.fill("#id_code", current_code(user))
            page.click("form.stacked button[type=submit]")
            page.wait_for_load_state()
        assert "/accounts/" not in page.url, f"{user.email} is held at {page.url}"
        page.wait_for_selector(".usernav .who")
    finally:
        page.close()


class SignedIn:
    """Browser contexts signed in as a role in a language, each made (and signed in) once."""

    def __init__(self, browser: Browser, site: Site) -> None:
        self.browser, self.site = browser, site
        self.made: dict[tuple[str, str], BrowserContext] = {}

    def __call__(self, role: str, language: str) -> BrowserContext:
        if (role, language) not in self.made:
            context = _context(self.browser, self.site, language)
            sign_in(context, self.site, self.site.people[role])
            self.made[role, language] = context
        return self.made[role, language]

    def close(self) -> None:
        for context in self.made.values():
            context.close()


@pytest.fixture(scope="package")
def signed_in(site: Site, browser: Browser) -> Iterator[SignedIn]:
    made = SignedIn(browser, site)
    yield made
    made.close()
