"""A form sent back with problems says so to everyone: a summary at its top is announced
(role="alert") and focused, each of its items leads to the control concerned, and each invalid
control is marked aria-invalid and described by its own error text. Seen in the browser on a
form drawn by the shared partial (a demand) and on the offer form, which draws its own rows;
the page with its errors passes the audit at both widths."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .checks import open_in, problems_at_both_widths
from .conftest import SignedIn, Site

pytestmark = [pytest.mark.browser]

# Each invalid control: its id, aria-invalid, and the text of what its aria-describedby names.
INVALID = """() => [...document.querySelectorAll("main [aria-invalid=true]")].map((control) => ({
  id: control.id,
  described: (control.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean)
    .map((id) => document.getElementById(id)).filter(Boolean)
    .filter((e) => e.classList.contains("errorlist")).map((e) => e.textContent.trim()),
}))"""
SUMMARY_LINKS = """() => [...document.querySelectorAll("[data-error-summary] a")].map((a) => a.getAttribute("href"))"""


def sent_back_with_problems(page: Page) -> tuple[list[dict[str, object]], list[str]]:
    summary = page.locator("[data-error-summary]")
    assert summary.get_attribute("role") == "alert"
    assert summary.evaluate("(e) => e === document.activeElement"), "the summary has the focus"
    invalid: list[dict[str, object]] = page.evaluate(INVALID)
    links: list[str] = page.evaluate(SUMMARY_LINKS)
    for control in invalid:
        assert control["described"], f"{control['id']} is described by no error text"
        assert all(control["described"]), control
    # Every invalid control is in the summary, and every item leads to an invalid control.
    assert sorted(links) == sorted(f"#{control['id']}" for control in invalid)
    return invalid, links


def test_an_empty_demand_comes_back_with_its_problems_linked_to_their_fields(
        signed_in: SignedIn, site: Site) -> None:
    page = open_in(signed_in("admin", "en"), site.url + site.paths["admin: new demand"], "en")
    page.locator("main form.stacked button[type=submit]").click()
    page.wait_for_selector("[data-error-summary]")
    invalid, _links = sent_back_with_problems(page)
    ids = {str(control["id"]) for control in invalid}
    assert "id_title" in ids and "id_description" in ids, ids
    title = page.locator("#id_title")
    assert "id_title_error" in str(title.get_attribute("aria-describedby")).split()
    assert page.locator("#id_title_error").text_content() == "This field is required."
    page.locator("[data-error-summary] a[href='#id_title']").click()
    assert page.evaluate("document.activeElement.id") == "id_title"
    problems = problems_at_both_widths(page)
    assert not problems, "\n".join(problems)


def test_an_offer_with_a_bad_milestone_amount_marks_that_control(signed_in: SignedIn, site: Site) -> None:
    page = open_in(signed_in("admin", "en"), site.url + site.paths["admin: offer form"], "en")
    page.fill("#id_milestone_1_title", "On signing")
    page.fill("#id_milestone_1_amount", "not a number")
    page.locator("#offer-form button[type=submit]").click()
    page.wait_for_selector("[data-error-summary]")
    invalid, _links = sent_back_with_problems(page)
    assert "id_milestone_1_amount" in {control["id"] for control in invalid}
    assert page.locator("#id_milestone_1_title").get_attribute("aria-invalid") is None
    # The control is named by its row, for whom the column heading is not read with it.
    assert page.get_by_label("Milestone 1: Amount").get_attribute("id") == "id_milestone_1_amount"
    problems = problems_at_both_widths(page)
    assert not problems, "\n".join(problems)
