"""A new member's whole first day, in a real browser: register the organisation, get
verified by the operator, import a spreadsheet of patents, publish a listing, and find it
with a Traditional-Chinese query."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from openpyxl import Workbook
from playwright.sync_api import Browser, Page, expect

from ipx.accounts.models import User
from ipx.listings.models import Listing
from ipx.testing.second_factor import current_code, enrol
from tests.browser.conftest import snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OPERATOR_EMAIL, OPERATOR_PASSWORD = "operator@ipx.example", "operator password 2026"

# Two real CNIPA records (public data) and one row with a wrong check character.
PATENTS = [
    ("申请号", "专利名称", "专利类型", "申请日", "公开号", "分类号", "申请摘要"),
    ("CN202223220665.2", "一种无人机机载多功能盒", "实用新型", "20221202", "CN218751475U", "B64U20/80;B64U101/30",
     "可将数据直接发送到云服务器的无人机机载多功能盒。"),
    ("CN202122975192.6", "一种可拍照便携式实时语音播报端测摄像头", "实用新型", "20211130", "CN216774847U",
     "H04N5/225;H02J7/00", "固定于眼镜部位的端测摄像头，语音播报预警信息。"),
    ("CN202121635235.1", "一种错误校验位的专利", "实用新型", "20210701", "", "B64U", "校验位错误。"),
]


def spreadsheet(directory: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for row in PATENTS:
        sheet.append(list(row))
    path = directory / "我们的专利.xlsx"
    workbook.save(path)
    return path


def operator_page(browser: Browser, base: str) -> Page:
    page = browser.new_page()
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", OPERATOR_EMAIL)
    page.fill("#id_password", OPERATOR_PASSWORD)
    page.click("input[type=submit]")
    # Staff pass the second factor after the password: the code their app shows now.
    page.fill("#id_code", current_code(User.objects.get(email=OPERATOR_EMAIL)))
    page.click("form.stacked button[type=submit]")
    # The admin's login page has the site's name too; only a signed-in operator sees their tools.
    expect(page.locator("#user-tools")).to_be_visible()
    return page


def run_admin_action(page: Page, changelist: str, row_text: str, action: str) -> None:
    page.goto(changelist)
    # Fails here, with the page it got instead, if the operator was sent elsewhere.
    expect(page).to_have_url(changelist)
    expect(page.locator("#result_list")).to_be_visible()
    row = page.locator("#result_list tbody tr", has_text=row_text)
    row.locator("input.action-select").check()
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")
    expect(page.locator("ul.messagelist li.success")).to_be_visible()


def test_register_verify_import_publish_and_find(live_server: object, browser: Browser, tmp_path: Path) -> None:
    base = live_server.url
    enrol(User.objects.create_superuser(OPERATOR_EMAIL, OPERATOR_PASSWORD, full_name="Operator"))
    member = browser.new_page()

    # 1. Register, as a new user would.
    member.goto(f"{base}/")
    member.click("text=Register an organisation")
    member.fill("#id_full_name", "陳大文")
    member.fill("#id_email", "chan@baytech.example")
    member.fill("#id_password", "a long secret 2026")
    member.fill("#id_name", "灣區無人機科技有限公司")
    member.select_option("#id_kind", "enterprise")
    member.select_option("#id_region_kind", "mainland")
    member.select_option("#id_province", "44")
    member.fill("#id_city", "深圳")
    member.fill("#id_uscc", "91310112087994932F")
    snap(member, "01-register")
    member.click("form.stacked button[type=submit]")
    expect(member.locator("h1")).to_have_text("Check your inbox")

    # 2. Confirm the address from the mailed link, then log in.
    link = next(line for line in mail.outbox[-1].body.split() if "/accounts/email/confirm/" in line)
    member.goto(link.replace(settings.IPX_SITE_URL, base))
    member.click("main button[type=submit]")
    member.goto(f"{base}/accounts/login/")
    member.fill("input[name=email]", "chan@baytech.example")
    member.fill("input[name=password]", "a long secret 2026")
    member.click("main button[type=submit]")
    expect(member.locator("#organisation-status")).to_have_text("Pending verification")
    snap(member, "02-pending")

    # 3. The operator sees it waiting on the back-office's front page and verifies it.
    operator = operator_page(browser, base)
    expect(operator.locator("#waiting-organisations .count")).to_have_text("1")
    snap(operator, "02b-back-office-waiting")
    operator.click("#waiting-organisations a")
    expect(operator.locator("main, #content").first).to_contain_text("灣區無人機科技有限公司")
    run_admin_action(operator, f"{base}/admin/accounts/organisation/?status__exact=pending", "灣區無人機科技有限公司",
                     "verify")
    member.reload()
    expect(member.locator("#organisation-status")).to_have_text("Verified")

    # 4. Import a spreadsheet of patents; the bad row is reported, the good ones land.
    member.click("text=Import patents from a spreadsheet")
    member.set_input_files("input[type=file]", str(spreadsheet(tmp_path)))
    member.click("form.stacked button[type=submit]")
    expect(member.locator("#import-status")).to_have_text("Done", timeout=30_000)
    expect(member.locator("#import-counts")).to_contain_text("2")
    expect(member.locator("#import-report")).to_contain_text("check character")
    snap(member, "03-import-done")

    # 5. Offer the drone patent and submit it for review; the operator publishes it.
    member.goto(f"{base}/listings/new/")
    member.fill("#id_title", "無人機機載多功能盒專利轉讓")
    member.locator("label", has_text="一种无人机机载多功能盒").click()
    member.locator("#id_offer_kinds input[value=transfer]").check()
    member.select_option("#id_price_type", "fixed")
    member.fill("#id_price_amount", "380000")
    member.click("form.stacked button[type=submit]")
    expect(member.locator("#listing-status")).to_have_text("Draft")
    member.click("text=Submit for review")
    expect(member.locator("#listing-status")).to_have_text("Awaiting review")
    run_admin_action(operator, f"{base}/admin/listings/listing/?status__exact=submitted", "無人機機載多功能盒",
                     "approve")
    assert Listing.objects.get().status == "published"

    # 6. Anyone finds it with a Traditional-Chinese query and opens it.
    visitor = browser.new_page()
    visitor.goto(f"{base}/")
    visitor.fill("input[name=q]", "無人機 多功能盒")
    visitor.press("input[name=q]", "Enter")
    expect(visitor.locator("#result-count")).to_have_text("1 listing found")
    expect(visitor.locator(".result mark").first).to_be_visible()
    snap(visitor, "04-search")
    visitor.click(".result h3 a")
    expect(visitor.locator("#listing-title")).to_have_text("無人機機載多功能盒專利轉讓")
    expect(visitor.locator("table.data")).to_contain_text("202223220665.2")
    snap(visitor, "05-listing")
