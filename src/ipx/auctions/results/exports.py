"""A session's results as files: CSV (UTF-8 with a byte-order mark, so Excel reads Chinese),
an Excel workbook and a PDF. Headings and labels are in the reader's language (the one active
when the file is made); amounts keep their currency's decimals, rates are percentages."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ipx.auctions.results.selectors import LotResult, SessionResults, Summary
from ipx.core.money import MINOR_UNITS
from ipx.core.text_language import language_attributes, marked_in

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"
FORMATS = ("csv", "xlsx", "pdf")

# A spreadsheet runs a cell starting like a formula; a leading apostrophe keeps it text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def amount_text(value: Decimal | None, currency: str) -> str:
    return "" if value is None else f"{value:.{MINOR_UNITS.get(currency, 2)}f}"


def percent_text(value: Decimal | None) -> str:
    """A rate of four decimals as a percentage of two (0.0333 → 3.33)."""
    return "" if value is None else f"{value * 100:.2f}"


T = TypeVar("T")


@dataclass(frozen=True)
class Column(Generic[T]):
    heading: str
    cell: Callable[[T], object]
    kind: str = "text"  # text, amount, rate or count
    # People's text (a lot's title), not the exchange's words: the PDF marks its language.
    people: bool = False


def lot_columns() -> list[Column[LotResult]]:
    return [
        Column(_("Lot"), lambda lot: lot.number, "count"),
        Column(_("Title"), lambda lot: lot.title, people=True),
        Column(_("IP type"), lambda lot: " / ".join(lot.ip_type_labels)),
        Column(_("Offered as"), lambda lot: lot.offer_kind_label),
        Column(_("Status"), lambda lot: lot.status_label),
        Column(_("Currency"), lambda lot: lot.currency),
        Column(_("Starting price"), lambda lot: lot.starting_price, "amount"),
        Column(_("Hammer price"), lambda lot: lot.hammer_price, "amount"),
        Column(_("Premium rate"), lambda lot: lot.premium_rate, "rate"),
        Column(_("Bids"), lambda lot: lot.bids, "count"),
        Column(_("Bidders"), lambda lot: lot.bidders, "count"),
        Column(_("Winning bidder number"), lambda lot: lot.winner_number, "count"),
    ]


def summary_columns() -> list[Column[Summary]]:
    return [
        Column(_("IP type"), lambda row: row.ip_type_label),
        Column(_("Currency"), lambda row: row.currency),
        Column(_("Lots offered"), lambda row: row.lots_offered, "count"),
        Column(_("Lots sold"), lambda row: row.lots_sold, "count"),
        Column(_("Lots withdrawn"), lambda row: row.lots_withdrawn, "count"),
        Column(_("Success rate"), lambda row: row.success_rate, "rate"),
        Column(_("Total hammer price"), lambda row: row.total_hammer, "amount"),
        Column(_("Highest premium rate"), lambda row: row.highest_premium_rate, "rate"),
    ]


def summaries(results: SessionResults) -> list[Summary]:
    """The rows of the summary table: one per IP type, then the session's."""
    return [*results.by_ip_type, results.total]


def _heading(column: Column[T]) -> str:
    return f"{column.heading} (%)" if column.kind == "rate" else column.heading


def _csv_cell(value: object, kind: str, currency: str) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return percent_text(value) if kind == "rate" else amount_text(value, currency)
    return _text(str(value))


def results_csv(results: SessionResults) -> bytes:
    """The lots, an empty line, then the figures per IP type and for the session."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    columns = lot_columns()
    writer.writerow([_heading(column) for column in columns])
    for lot in results.lots:
        writer.writerow([_csv_cell(column.cell(lot), column.kind, lot.currency) for column in columns])
    writer.writerow([])
    totals = summary_columns()
    writer.writerow([_heading(column) for column in totals])
    for row in summaries(results):
        writer.writerow([_csv_cell(column.cell(row), column.kind, row.currency) for column in totals])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _number_format(kind: str, currency: str) -> str | None:
    if kind == "amount":
        places = MINOR_UNITS.get(currency, 2)
        return "#,##0" + ("." + "0" * places if places else "")
    if kind == "rate":
        return "0.00%"
    return None


def results_xlsx(results: SessionResults) -> bytes:
    """Two sheets: the lots, and the figures per IP type and for the session. Amounts and rates
    are numbers (rates as fractions shown as percentages), so they add up in a spreadsheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    workbook = Workbook()
    bold = Font(bold=True)

    def fill(sheet: Worksheet, columns: list[Column[T]], rows: list[tuple[T, str]]) -> None:
        sheet.append([column.heading for column in columns])
        for cell in sheet[1]:
            cell.font = bold
        for row, currency in rows:
            values = [column.cell(row) for column in columns]
            sheet.append([_text(value) if isinstance(value, str) else value for value in values])
            for index, column in enumerate(columns, start=1):
                number_format = _number_format(column.kind, currency)
                if number_format:
                    sheet.cell(row=sheet.max_row, column=index).number_format = number_format
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(12, len(column.heading) + 4)
        sheet.freeze_panes = "A2"

    lots = workbook.active
    assert lots is not None  # a new workbook always has one sheet
    lots.title = _("Lots")[:31]
    fill(lots, lot_columns(), [(lot, lot.currency) for lot in results.lots])
    lots.column_dimensions["B"].width = 40
    fill(workbook.create_sheet(_("By IP type")[:31]), summary_columns(),
         [(row, row.currency) for row in summaries(results)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _shown(value: object, kind: str, currency: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return f"{percent_text(value)} %" if kind == "rate" else f"{value:,.{MINOR_UNITS.get(currency, 2)}f}"
    return str(value)


def _pdf_cell(value: object, column: Column[T], currency: str, language: str) -> str:
    shown = _shown(value, column.kind, currency)
    return marked_in(shown, [shown], language) if column.people else shown


def results_html(results: SessionResults) -> str:
    """The page WeasyPrint prints: the session's and the lots' titles in another language or
    script than the reader's carry their ``lang``, by which WeasyPrint picks the glyphs of
    Simplified or Traditional characters and the line breaking (as the contract PDF does)."""
    from ipx.deals.contracts.pdf import FONT_FAMILY

    language = get_language() or "en"
    columns, totals = lot_columns(), summary_columns()
    return render_to_string("auctions/results/results_pdf.html", {
        "results": results,
        "lang": language,
        "title_lang": language_attributes(results.title, language),
        "font_family": FONT_FAMILY,
        "made_at": timezone.localtime(),
        "lot_headings": [column.heading for column in columns],
        "lot_rows": [[_pdf_cell(column.cell(lot), column, lot.currency, language) for column in columns]
                     for lot in results.lots],
        "lot_numeric": [index for index, column in enumerate(columns) if column.kind != "text"],
        "summary_headings": [column.heading for column in totals],
        "summary_rows": [[_shown(column.cell(row), column.kind, row.currency) for column in totals]
                         for row in summaries(results)],
    })


def results_pdf(results: SessionResults) -> bytes:
    """The results as an A4 landscape PDF in the reader's language, with the exchange's fonts;
    nothing but the exchange's own static files is loaded while it is made."""
    from weasyprint import HTML  # heavy; loaded when a PDF is first made

    from ipx.deals.contracts import resources

    return bytes(HTML(string=results_html(results), base_url=resources.base_url(),
                      url_fetcher=resources.static_files_only).write_pdf())


def filename(results: SessionResults, file_format: str) -> str:
    return f"auction-{results.session_id}-results.{file_format}"
