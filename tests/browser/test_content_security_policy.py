"""Pages work in a real browser under the Content-Security-Policy, which refuses inline
scripts and styles: htmx runs, choosing another organisation submits its form, deleting an
asset asks first (and "Cancel" keeps it), the API documentation draws itself, and the browser
reports no refused script, style or request on the way."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from ipx.accounts.models import Membership
from ipx.catalog.models import Asset
from ipx.testing.factories import PASSWORD, MembershipFactory, OrganisationFactory, PatentFactory
from ipx.testing.fixtures import Member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collects what the page's policy refused, from before the page's own scripts run.
RECORD_REFUSALS = """
window.refused = [];
document.addEventListener("securitypolicyviolation",
    (event) => window.refused.push(`${event.effectiveDirective} ${event.blockedURI}`));
"""


def refused(page: Page) -> list[str]:
    result: list[str] = page.evaluate("window.refused")
    return result


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    context.add_init_script(RECORD_REFUSALS)
    yield context.new_page()
    context.close()


def log_in(page: Page, base: str, member: Member) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_email", member.user.email)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    expect(page.locator(".usernav .who")).to_have_text(member.user.full_name)


def test_choosing_an_organisation_and_confirming_a_deletion_work_without_inline_script(
        live_server: object, page: Page, owner: Member) -> None:
    base = live_server.url
    other = OrganisationFactory.create(name="第二家公司")
    MembershipFactory.create(user=owner.user, organisation=other, role=Membership.Role.ADMIN)
    patent = PatentFactory.create(asset__holder=owner.organisation)
    log_in(page, base, owner)

    switch = page.locator(".orgswitch select")
    switch.select_option(str(other.pk))  # submits its form: no button to press
    expect(page.locator(".orgswitch select")).to_have_value(str(other.pk))
    switch.select_option(str(owner.organisation.pk))
    expect(page.locator(".orgswitch select")).to_have_value(str(owner.organisation.pk))

    page.goto(f"{base}/catalog/assets/{patent.asset_id}/")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("#asset-actions button.danger")
    expect(page.locator("#asset-actions")).to_be_visible()
    assert Asset.objects.filter(pk=patent.asset_id).exists()
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#asset-actions button.danger")
    assert not Asset.objects.filter(pk=patent.asset_id).exists()
    assert refused(page) == []


def test_htmx_runs_and_the_api_documentation_draws_itself_under_the_policy(live_server: object, page: Page) -> None:
    base = live_server.url
    page.goto(f"{base}/")
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("htmx.config.allowEval") is False
    assert refused(page) == []
    page.goto(f"{base}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("IPX API", timeout=20_000)
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    assert refused(page) == []
