"""A run period's investor report: the PDF's text carries the period's figures in the three
languages; the workbook's cells hold them as numbers, with its words in the reader's language;
an investor's report shows only its tranches and the payments to them; a period not run, or a
product the reader has no part in, has no report (404)."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from ipx.finance.securitisation.reports.access import report_figures
from ipx.finance.securitisation.reports.worksheet import investor_report_xlsx
from ipx.testing.factories import MembershipFactory, OrganisationFactory, UserFactory
from ipx.testing.second_factor import signed_in
from ipx.testing.securitisation_world import SecuritisationWorld, build_securitisation_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: None) -> SecuritisationWorld:
    return build_securitisation_world()


def pdf_text(content: bytes) -> str:
    return re.sub(r"\s+", " ", "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


def cells(content: bytes) -> dict[str, list[list[object]]]:
    book = load_workbook(io.BytesIO(content))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def row_of(rows: list[list[object]], first: object) -> list[object]:
    return next(row for row in rows if row and row[0] == first)


def test_the_pdf_carries_the_periods_figures_in_three_languages(world: SecuritisationWorld) -> None:
    address = f"/finance/securitisation/{world.product.pk}/periods/1/report.pdf"
    answer = signed_in(world.trustee_admin).get(address)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert f"IPX-ABS-{world.product.pk:06d}-001.pdf" in answer["Content-Disposition"]
    text = pdf_text(answer.content)
    assert "资产支持证券收益分配报告" in text and "資產支持證券收益分配報告" in text and "investor report" in text
    # Collections 1,000,000 (four payers of five); the pool left 4,000,000; senior interest 40,000 at
    # 4 % a year for a quarter; the reserve topped up to 100,000; 850,000 of senior principal, A left
    # at 3,150,000; the trustee's fee 5,000.
    for figure in ("1,000,000.00", "4,000,000.00", "40,000.00", "100,000.00", "850,000.00", "3,150,000.00",
                   "5,000.00"):
        assert figure in text, figure
    assert "逾期" in text  # the late payer, among the receivables by status


def test_the_workbook_holds_the_figures_in_the_readers_language(world: SecuritisationWorld) -> None:
    address = f"/api/v1/finance/securitisation/products/{world.product.pk}/periods/1/report.xlsx"
    reader = signed_in(world.investor_a_admin)
    chinese = cells(reader.get(address, HTTP_ACCEPT_LANGUAGE="zh-hans").content)
    assert list(chinese) == ["资产池", "证券本息", "分配顺序", "触发事件"]
    pool = chinese["资产池"]
    assert row_of(pool, "本期实际回款")[1] == 1000000 and row_of(pool, "期末资产池余额")[1] == 4000000
    assert row_of(pool, "逾期")[1:] == [1, 1000000]  # the late payer still owes its four instalments
    tranches = chinese["证券本息"]
    assert row_of(tranches, "A")[1:] == ["优先级", 0.04, 4000000, 40000, 850000, 3150000, 0]
    english = cells(reader.get(address, HTTP_ACCEPT_LANGUAGE="en").content)
    assert list(english) == ["Pool", "Tranches", "Payments", "Triggers"]
    assert row_of(english["Pool"], "Collections received")[1] == 1000000
    assert any(row[0] == "1. Pool performance" for row in english["Pool"])
    traditional = investor_report_xlsx(report_figures(world.trustee_admin, world.product.pk, 1), "zh-hant")
    assert "資產池" in "".join(cells(traditional))


def test_an_investor_reads_only_its_tranches_and_strangers_no_report(world: SecuritisationWorld) -> None:
    product = world.product
    investor = report_figures(world.investor_b_admin, product.pk, 1)
    assert [line.name for line in investor.tranches] == ["A"]  # not the originator's subordinated B
    assert {p.action for p in investor.payments} <= {"pay_interest", "pay_principal"}
    whole = report_figures(world.trustee_admin, product.pk, 1)
    assert [line.name for line in whole.tranches] == ["A", "B"] and len(whole.payments) > len(investor.payments)
    stranger = MembershipFactory.create(user=UserFactory.create(email="nosy@example.cn"),
                                        organisation=OrganisationFactory.create(name="好奇投资有限公司")).user
    for kind in ("pdf", "xlsx"):
        assert signed_in(stranger).get(f"/finance/securitisation/{product.pk}/periods/1/report.{kind}"
                                        ).status_code == 404
        assert signed_in(world.trustee_admin).get(f"/finance/securitisation/{product.pk}/periods/2/report.{kind}"
                                                  ).status_code == 404
