"""The bulletin as a workbook (xlsxwriter): its sentences on the first sheet, then one sheet per
table with figures stored as numbers (amounts to the fen, rates as percentages) and a native
chart beside the table, so a reader can re-sort, sum and re-chart the figures in a spreadsheet.
"""

from __future__ import annotations

import io
from datetime import datetime, time
from typing import Any

from django.utils import translation
from django.utils.translation import pgettext

from ipx.reports import wording
from ipx.reports.document import span_words
from ipx.reports.figures import Bulletin
from ipx.reports.tables import Cell, Table, tables

MONEY = "#,##0.00"
COUNT = "#,##0"
RATE = "0.00%"
# The charts each table gets: (a chart type, the column it charts, counted from 0 at the labels).
CHARTS: dict[str, tuple[tuple[str, int], ...]] = {
    "amounts": (("bar", 1), ("bar", 3)),  # the amounts, and their growth
    "auctions": (("column", 2),),
    "exhibitors": (("bar", 1),),
    "exhibits": (("pie", 1),),
}
# Characters a sheet's name may not hold.
NOT_IN_SHEET_NAMES = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def sheet_name(title: str) -> str:
    return title.translate(NOT_IN_SHEET_NAMES)[:31]


def _write_cell(sheet: Any, row: int, column: int, cell: Cell, formats: dict[str, Any]) -> None:
    if cell.value is None:
        sheet.write_blank(row, column, None)
    elif cell.kind == "text":
        sheet.write_string(row, column, str(cell.value))
    else:
        sheet.write_number(row, column, float(cell.value), formats[cell.kind])


def _charts(workbook: Any, sheet: Any, table: Table, rows: int) -> None:
    name = sheet.get_name()
    # The total row of the exhibits is not a slice of the pie.
    last = rows - 1 if table.key == "exhibits" else rows
    if last < 1:
        return
    for place, (kind, column) in enumerate(CHARTS.get(table.key, ())):
        chart = workbook.add_chart({"type": kind})
        chart.add_series({
            "name": [name, 0, column],
            "categories": [name, 1, 0, last, 0],
            "values": [name, 1, column, last, column],
            "data_labels": {"percentage": True} if kind == "pie" else {"value": True},
        })
        chart.set_title({"name": table.headers[column] if kind != "pie" else table.title})
        legend: dict[str, object] = {"position": "right"} if kind == "pie" else {"none": True}
        chart.set_legend(legend)
        if kind == "bar":
            chart.set_y_axis({"reverse": True})  # the table's first row at the top
        sheet.insert_chart(1 + place * 22, len(table.headers) + 1, chart, {"x_scale": 1.4, "y_scale": 1.4})


def bulletin_xlsx(bulletin: Bulletin, language: str) -> bytes:
    """The workbook in ``language``."""
    import xlsxwriter  # loaded when a workbook is first made

    out = io.BytesIO()
    with translation.override(language):
        workbook = xlsxwriter.Workbook(out, {"in_memory": True})
        # The same figures make the same file: its date is the last day the bulletin covers.
        workbook.set_properties({"title": wording.title(bulletin),
                                 "created": datetime.combine(bulletin.last_day, time())})
        bold = workbook.add_format({"bold": True})
        wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        formats = {"money": workbook.add_format({"num_format": MONEY}),
                   "count": workbook.add_format({"num_format": COUNT}),
                   "rate": workbook.add_format({"num_format": RATE})}

        words = workbook.add_worksheet(sheet_name(pgettext("bulletin", "Bulletin")))
        words.set_column(0, 0, 110)
        words.write_string(0, 0, wording.title(bulletin), bold)
        words.write_string(1, 0, span_words(bulletin))
        for index, sentence in enumerate(wording.sentences(bulletin), start=3):
            words.write_string(index, 0, sentence.text, wrap)

        for table in tables(bulletin):
            sheet = workbook.add_worksheet(sheet_name(table.title))
            sheet.set_column(0, 0, 34)
            sheet.set_column(1, len(table.headers) - 1, 20)
            for column, header in enumerate(table.headers):
                sheet.write_string(0, column, header, bold)
            for row, cells in enumerate(table.rows, start=1):
                for column, cell in enumerate(cells):
                    _write_cell(sheet, row, column, cell, formats)
            _charts(workbook, sheet, table, len(table.rows))
        workbook.close()
    return out.getvalue()
