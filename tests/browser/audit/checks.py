"""What the audits look for on a page as it is: serious or critical WCAG 2.0/2.1 A/AA violations
(axe-core), content wider than the window, headings that skip a level."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from playwright.sync_api import BrowserContext, Page, ViewportSize

from ..public_pages import LANGUAGES

T = TypeVar("T")

AXE = Path(__file__).parent.parent / "assets" / "axe-core-4.14.1.min.js"
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
# The innermost elements that reach past the window's right edge: what to fix.
OVERFLOWING = """() => [...document.body.querySelectorAll("*")]
  .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter((e, _, all) => !all.some((other) => other !== e && e.contains(other)))
  .slice(0, 4)
  .map((e) => `<${e.tagName.toLowerCase()} class="${e.className}">${(e.textContent || "").trim().slice(0, 40)}`)"""
# Headings in document order, leaving out those hidden from everyone; each names its level.
HEADINGS = """() => [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")]
  .filter((h) => !h.closest("[hidden], [aria-hidden=true]"))
  .map((h) => [Number(h.tagName[1]), h.textContent.trim().slice(0, 60)])"""


@cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def audit(page: Page) -> list[str]:
    """The serious and critical violations of WCAG 2.0/2.1 A and AA on the page as it is."""
    # axe-core comes in by evaluation, not as a <script> element: the site's
    # Content-Security-Policy refuses inline script (as it should), evaluation from the test's
    # side is outside it, so the page is audited under its real policy. Only pages audited get
    # it: parsing its half a megabyte in every page the checks open cost a second a page.
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    violations: list[dict[str, Any]] = page.evaluate(RUN_AXE, WCAG_AA)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(v['targets'])}"
            for v in violations if v["impact"] in ("serious", "critical")]


def sideways(page: Page) -> str | None:
    content, viewport = page.evaluate(WIDTHS)
    if content <= viewport:
        return None
    return f"{content} px wide in a {viewport} px window: {'; '.join(page.evaluate(OVERFLOWING))}"


def skipped_headings(levels: list[tuple[int, str]]) -> list[str]:
    """Where an outline of (level, text) headings does not begin with an h1 or goes down
    more than one level at a time (h1 → h3); going back up any number of levels is fine."""
    problems = []
    previous = 0
    for level, text in levels:
        if previous == 0 and level != 1:
            problems.append(f"the first heading is an h{level}: {text!r}")
        elif level > previous + 1:
            problems.append(f"h{previous} → h{level}: {text!r}")
        previous = level
    return problems


def heading_problems(page: Page) -> list[str]:
    return skipped_headings([(level, text) for level, text in page.evaluate(HEADINGS)])


def problems_at_both_widths(page: Page, *, desktop_audit: bool = True) -> list[str]:
    """The audit on a phone (and, unless ``desktop_audit`` is off, first at the page's desktop
    width, where the header is unfolded), the headings, and on the phone anything wider than
    the window."""
    problems = [f"desktop: {violation}" for violation in audit(page)] if desktop_audit else []
    page.set_viewport_size(PHONE)
    return problems + [f"phone: {violation}" for violation in audit(page)] + phone_problems(page)


def phone_problems(page: Page) -> list[str]:
    """What differs between languages on a page of the same structure: the headings' text and
    whether the words fit a phone's width (no audit: its rules judge the structure)."""
    page.set_viewport_size(PHONE)
    return heading_problems(page) + [f"phone: {wide}" for wide in [sideways(page)] if wide]


def each_in_one_language(items: Sequence[T]) -> list[tuple[T, str]]:
    """Each item with the language it is audited in, taking the three in turn: the audit's
    rules judge a structure that is the same in every language, and takes seconds a page, so
    each page is audited once and every language still meets a third of the pages."""
    return [(item, LANGUAGES[number % len(LANGUAGES)]) for number, item in enumerate(items)]


def each_in_the_other_languages(items: Sequence[T]) -> list[tuple[T, str]]:
    """Each item with the languages ``each_in_one_language`` did not give it."""
    audited = dict(each_in_one_language(items))
    return [(item, language) for item in items for language in LANGUAGES if language != audited[item]]


def open_in(context: BrowserContext, url: str, language: str, viewport: ViewportSize = DESKTOP) -> Page:
    """The context's tab, taken to ``url`` at ``viewport``. One tab per context goes from page to
    page and is never closed: opening a tab (its renderer) took a third of a phone check's time.
    What a test changes beyond the document (media emulated, a dialog's handler) it undoes."""
    page = context.pages[0] if context.pages else context.new_page()
    page.set_viewport_size(viewport)
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    assert page.evaluate("document.documentElement.lang") == language
    return page
