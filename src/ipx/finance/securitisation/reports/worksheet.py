"""A period's investor report as an Excel workbook in the reader's language: one sheet each for
the pool, the tranches, the payments and the triggers. Amounts and ratios are numbers (so they
add up in a spreadsheet), formatted to the currency's decimals."""

from __future__ import annotations

import io
from decimal import Decimal

from ipx.core.money import MINOR_UNITS
from ipx.finance.securitisation.reports.figures import PeriodFigures
from ipx.finance.securitisation.reports.pdf import account_label, report_number
from ipx.finance.securitisation.reports.wording import text

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A spreadsheet runs a cell starting like a formula; a leading apostrophe keeps it text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Row = list[object]


def _safe(value: object) -> object:
    return f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA_STARTS) else value


def _pool_rows(f: PeriodFigures, t: dict[str, str]) -> list[Row]:
    rows: list[Row] = [[t["pool.before"], f.pool_before], [t["pool.scheduled"], f.scheduled],
                       [t["pool.collected"], f.collected], [t["pool.after"], f.pool_after], [],
                       [t["status"], t["count"], t["outstanding"]]]
    rows += [[t[f"status.{line.status}"], line.count, line.outstanding] for line in f.statuses]
    return rows


def _tranche_rows(f: PeriodFigures, t: dict[str, str]) -> list[Row]:
    rows: list[Row] = [[t["tranche"], t["seniority"], t["coupon"], t["balance.before"], t["interest.paid"],
                        t["principal.paid"], t["balance.after"], t["interest.shortfall"]]]
    rows += [[line.name, t[f"seniority.{line.seniority}"], line.coupon_percent / 100, line.before, line.interest,
              line.principal, line.after, line.interest_unpaid] for line in f.tranches]
    return rows


def _payment_rows(f: PeriodFigures, t: dict[str, str], language: str) -> list[Row]:
    rows: list[Row] = [[t["step"], t["action"], t["source"], t["target"], t["amount"]]]
    rows += [[p.position, t[f"action.{p.action}"], account_label(p.source, language),
              account_label(p.target, language), p.amount] for p in f.payments]
    return rows


def _trigger_rows(f: PeriodFigures, t: dict[str, str]) -> list[Row]:
    rows: list[Row] = [[t["trigger"], t["metric"], t["threshold"], t["value"], t["consequence"], t["breached"]]]
    rows += [[trigger.name, t[f"metric.{trigger.metric}"], trigger.threshold, trigger.value,
              t[f"consequence.{trigger.action}"], t["yes" if trigger.breached else "no"]] for trigger in f.triggers]
    rows += [[], [t["pay_mode"], t[f"pay_mode.{f.pay_mode}"]], [t["reserve"], f.reserve_after],
             [t["guarantor_paid"], f.guarantor_paid]]
    return rows


def investor_report_xlsx(figures: PeriodFigures, language: str) -> bytes:
    """The workbook of ``figures`` with its words in ``language`` (zh-hans, zh-hant or en)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ipx.finance.securitisation.reports.wording import TEXT

    words = {key: values[language] for key, values in TEXT.items()}
    money_format = "#,##0" + ("." + "0" * MINOR_UNITS.get(figures.currency, 2) if
                              MINOR_UNITS.get(figures.currency, 2) else "")
    workbook = Workbook()
    first = workbook.active
    assert first is not None  # a new workbook always has one sheet
    workbook.remove(first)
    heading: list[Row] = [[words["title"]], [words["deal"], figures.product.name],
               [words["period"], text("period_no", language, n=figures.period.number)],
               [words["currency"], figures.currency], ["#", report_number(figures)], []]
    sheets: tuple[tuple[str, list[Row], int], ...] = (("section.pool", _pool_rows(figures, words), 0),
              ("section.tranches", _tranche_rows(figures, words), 1),
              ("section.payments", _payment_rows(figures, words, language), 1),
              ("section.triggers", _trigger_rows(figures, words), 1))
    for key, rows, header_rows in sheets:
        title = words[key]
        sheet = workbook.create_sheet(words[key.replace("section.", "sheet.")])
        lines: list[Row] = [*heading, [title], *rows]
        for row in lines:
            sheet.append([_safe(value) for value in row])
        start = len(heading) + 2
        for cell in sheet[len(heading) + 1]:
            cell.font = Font(bold=True)
        for index in range(start, start + header_rows):
            for cell in sheet[index]:
                cell.font = Font(bold=True)
        for row_cells in sheet.iter_rows(min_row=start):
            for cell in row_cells:
                if isinstance(cell.value, Decimal):
                    cell.number_format = "0.0000" if key == "section.triggers" and cell.column in (3, 4) \
                        else "0.000%" if key == "section.tranches" and cell.column == 3 else money_format
        sheet.column_dimensions["A"].width = 28
        for letter in "BCDEFGH":
            sheet.column_dimensions[letter].width = 18
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
