"""The main pages with the keyboard alone: Tab from the top of the page reaches the skip link
first, then every control a pointer could use, in the order of the page, and leaves the page at
its end (no trap); each control shows a focus indicator that is not there without the focus
(its outline or shadow, compared focused and not). On a phone the menu opens with Enter or
Space and closes with Escape, giving the focus back to its button."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page

from ..public_pages import LANGUAGES
from .checks import PHONE, open_in
from .conftest import SignedIn, Site

pytestmark = [pytest.mark.browser]

# The focused element (described), its focus styles, and those of the one focused before, now
# that it is not: the same element's two states are compared one step later. Each element keeps
# the step it was first reached at: past the last control, a tab that has been tabbed through
# before wraps to the first instead of leaving the page.
STEP = """() => {
  const style = (e) => { const s = getComputedStyle(e);
    return {outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`, width: parseFloat(s.outlineWidth) || 0,
            outlineStyle: s.outlineStyle, shadow: s.boxShadow}; };
  const e = document.activeElement;
  const before = window.__keyboardPrevious || null;
  window.__keyboardPrevious = e === document.body ? null : e;
  const name = e === document.body ? "body" : `<${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}> `
    + (e.getAttribute("aria-label") || e.textContent || e.name || "").trim().replace(/\\s+/g, " ").slice(0, 40);
  if (e !== document.body && !e.dataset.keyboardStep) {
    e.dataset.keyboardStep = String((window.__keyboardSteps = (window.__keyboardSteps || 0) + 1));
  }
  return {name, body: e === document.body, same: e === before, focused: e === document.body ? null : style(e),
          skip: e.matches("a.skip[href='#content']"),
          previousUnfocused: before ? style(before) : null};
}"""
# What a pointer could use: shown controls that take the focus from Tab (one radio per group).
REACHABLE = """() => {
  const selector = "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]),"
    + " textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";
  const radioGroups = new Set();
  return [...document.querySelectorAll(selector)].filter((e) => {
    if (e.closest("[inert], details:not([open]) > :not(summary)") || e.tabIndex < 0) return false;
    const box = e.getBoundingClientRect();
    if (getComputedStyle(e).visibility === "hidden" || (box.width === 0 && box.height === 0)) return false;
    if (e.type === "radio") { if (radioGroups.has(e.name)) return false; radioGroups.add(e.name); }
    return true;
  }).map((e) => ({name: `<${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}> `
      + (e.getAttribute("aria-label") || e.textContent || e.name || "").trim().replace(/\\s+/g, " ").slice(0, 40),
    step: e.dataset.keyboardStep || null}));
}"""
# Whether the elements visited, in the order visited, are in the order of the page.
IN_PAGE_ORDER = """() => {
  const visited = [...document.querySelectorAll("[data-keyboard-step]")]
    .sort((a, b) => Number(a.dataset.keyboardStep) - Number(b.dataset.keyboardStep));
  const out = [];
  for (let i = 1; i < visited.length; i++) {
    if (visited[i - 1].compareDocumentPosition(visited[i]) & Node.DOCUMENT_POSITION_PRECEDING) {
      out.push(`${visited[i - 1].outerHTML.slice(0, 60)} before ${visited[i].outerHTML.slice(0, 60)}`);
    }
  }
  return out.concat([...document.querySelectorAll("[tabindex]")].filter((e) => e.tabIndex > 0)
    .map((e) => `tabindex ${e.tabIndex}: ${e.outerHTML.slice(0, 60)}`));
}"""


def shows_focus(focused: dict[str, Any], unfocused: dict[str, Any] | None) -> bool:
    """Whether the focused state draws an outline (2 px or more) or a shadow that the unfocused
    state does not."""
    drawn = (focused["outlineStyle"] != "none" and focused["width"] >= 2) or focused["shadow"] != "none"
    if not drawn:
        return False
    return unfocused is None or (focused["outline"], focused["shadow"]) != (unfocused["outline"], unfocused["shadow"])


def tab_through(page: Page, limit: int = 250) -> list[str]:
    """Tab from the top of the page to its end; the problems met on the way."""
    # Tab goes on from where the focus last was: start it before everything (out of the Tab order).
    page.evaluate("""() => { const start = document.createElement("span"); start.tabIndex = -1;
      document.body.prepend(start); start.focus(); }""")
    problems: list[str] = []
    pending: tuple[str, dict[str, Any]] | None = None
    names: list[str] = []
    first_is_skip = False
    for _ in range(limit):
        page.keyboard.press("Tab")
        step = page.evaluate(STEP)
        if step["same"]:
            continue  # a stop inside the same control (a date's day, month and year)
        if pending is not None and not shows_focus(pending[1], step["previousUnfocused"]):
            problems.append(f"no visible focus on {pending[0]}: {pending[1]} (unfocused: {step['previousUnfocused']})")
        if step["body"] or (names and step["name"] == names[0]):
            break
        first_is_skip = first_is_skip or (not names and step["skip"])
        names.append(step["name"])
        pending = (step["name"], step["focused"])
    else:
        problems.append(f"the focus never left the page after {limit} presses of Tab (a trap?): {names[-5:]}")
    if not first_is_skip:  # the link to the content, in any language
        problems.append(f"the first stop is {names[:1]}, not the skip link")
    problems += [f"not reached by Tab: {c['name']}" for c in page.evaluate(REACHABLE) if c["step"] is None]
    problems += [f"out of the page's order: {p}" for p in page.evaluate(IN_PAGE_ORDER)]
    return problems


def test_the_focus_check_fails_where_the_outline_is_removed() -> None:
    plain = {"outline": "none 0px rgb(0, 0, 0)", "width": 0.0, "outlineStyle": "none", "shadow": "none"}
    ring = {"outline": "solid 3px rgb(24, 100, 171)", "width": 3.0, "outlineStyle": "solid", "shadow": "none"}
    assert not shows_focus(plain, plain)  # outline: none, nothing in its place
    assert not shows_focus(ring, ring)  # drawn all the time: focus changes nothing
    assert shows_focus(ring, plain)
    assert shows_focus({**plain, "shadow": "rgb(24, 100, 171) 0px 0px 0px 3px"}, plain)


# The main pages in each language (the Chinese ones have their own words, widths and wrapping);
# the other public pages in English, and the expo's edition and the bulletin in Traditional
# Chinese too (the expo's own language).
OTHER_PUBLIC = ("asset", "booth", "demand board", "demand", "classifications", "login", "register",
                "password reset", "auctions", "live auction session", "auction lot", "auction results",
                "dataip publicity", "dataip application in publicity", "dataip verification",
                "statistics bulletin", "expo editions", "expo edition", "expo edition open for registration",
                "expo hall", "expo zone", "expo schedule", "expo booth")
PUBLIC = [(name, language) for name in ("home", "search", "listing") for language in LANGUAGES] + [
    (name, "en") for name in OTHER_PUBLIC] + [
    ("expo edition open for registration", "zh-hant"), ("statistics bulletin", "zh-hant")]


@pytest.mark.parametrize(("name", "language"), PUBLIC, ids=[f"{name}-{language}" for name, language in PUBLIC])
def test_every_control_of_a_public_page_is_reached_by_tab_and_shows_its_focus(
        name: str, language: str, site: Site, contexts: dict[str, BrowserContext]) -> None:
    page = open_in(contexts[language], site.url + site.paths[name], language)
    problems = tab_through(page)
    assert not problems, f"{name} ({language}):\n" + "\n".join(problems)


# Signed-in forms sent back with errors: a demand's (the shared form partial) in each language,
# the offer form (its own rows of milestones) in Traditional Chinese, and forms of later work
# sent empty (nothing is made: each has a field it needs): a new securitisation, a receivable
# (its choice of source and its schedule), a data-IP application (many fields, dates), and the
# expo's records upload among the back-office's other forms.
FORMS = [("admin: new demand", "main form.stacked", language) for language in LANGUAGES] + [
    ("admin: offer form", "#offer-form", "zh-hant"), ("admin: new securitisation", "main form.stacked", "zh-hant"),
    ("admin: new receivable", "main form.stacked", "zh-hans"), ("admin: dataip new product", "main form.stacked", "en"),
    ("operator: expo back-office", "#records-form", "zh-hant")]


@pytest.mark.parametrize(("name", "form", "language"), FORMS,
                         ids=[f"{name.split(': ')[1]}-{language}" for name, _form, language in FORMS])
def test_a_form_with_errors_and_the_signed_in_header_by_keyboard(
        name: str, form: str, language: str, signed_in: SignedIn, site: Site) -> None:
    page = open_in(signed_in(name.split(": ")[0], language), site.url + site.paths[name], language)
    page.locator(form).evaluate("(form) => { form.noValidate = true; }")
    page.locator(f"{form} button[type=submit]").first.click()
    page.wait_for_selector("[data-error-summary]")
    problems = tab_through(page)
    assert not problems, f"{name} ({language}):\n" + "\n".join(problems)


def test_search_filters_fold_and_unfold_by_keyboard_on_a_phone(site: Site, contexts: dict[str, BrowserContext]) -> None:
    page = open_in(contexts["en"], site.url + site.paths["search"], "en", PHONE)
    panel = page.locator("details[data-fold-narrow]")
    assert not panel.evaluate("(d) => d.open"), "filters are folded on a phone"
    panel.locator("summary").focus()
    page.keyboard.press("Enter")
    assert panel.evaluate("(d) => d.open")
    problems = tab_through(page)  # the unfolded filters are in the walk too
    assert not problems, "\n".join(problems)


def test_the_phone_menu_opens_with_enter_or_space_and_closes_with_escape(
        site: Site, contexts: dict[str, BrowserContext]) -> None:
    page = open_in(contexts["en"], site.url + "/", "en", PHONE)
    button = page.locator(".menu-toggle")
    menu_link = page.locator("#site-menu a").first
    assert not menu_link.is_visible(), "the menu is folded on a phone"
    button.focus()
    for key in ("Enter", " "):
        page.keyboard.press(key)
        assert button.get_attribute("aria-expanded") == "true", key
        assert menu_link.is_visible(), key
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('#site-menu') !== null"), "Tab goes into the menu"
        page.keyboard.press("Escape")
        assert button.get_attribute("aria-expanded") == "false"
        assert not menu_link.is_visible()
        assert page.evaluate("document.activeElement.classList.contains('menu-toggle')"), "focus back on the button"
    problems = tab_through(page)
    assert not problems, "\n".join(problems)
