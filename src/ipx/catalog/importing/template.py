"""The downloadable import template: our headers in Chinese and English in one cell (the
reader accepts either language, or both), one example row with a valid number, and for the
workbook a second sheet explaining each column."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from ipx.catalog.identifiers import patent_check_character
from ipx.catalog.importing.columns import PATENT_COLUMNS

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

_EXAMPLE_DIGITS = "202310123456"  # filed 2023, an invention (kind digit 1)


def example_row() -> dict[str, str]:
    return {
        "application_number": f"{_EXAMPLE_DIGITS}.{patent_check_character(_EXAMPLE_DIGITS)}",
        "publication_number": "",
        "grant_number": "",
        "title": "一种锂离子电池正极材料及其制备方法",
        "title_en": "Cathode material for lithium-ion batteries and method of making it",
        "kind": "发明",
        "office": "CN",
        "filing_date": "2023-03-15",
        "publication_date": "",
        "grant_date": "",
        "owners": "",
        "inventors": "张三; 李四",
        "ipc_main": "H01M4/525",
        "ipc_codes": "H01M4/525; H01M10/0525",
        "legal_status": "审中",
        "abstract": "本发明公开了一种锂离子电池正极材料，提高了电池的循环寿命。",
        "claims": "1. 一种锂离子电池正极材料，其特征在于……",
    }


def _notes() -> dict[str, str]:
    return {
        "application_number": _(
            "CN application number with its check character, e.g. 202310123456.6. "
            "Give it, or the publication number."
        ),
        "publication_number": _("e.g. CN114081026A."),
        "grant_number": _("e.g. CN115883397B."),
        "title": _("Required."),
        "kind": _(
            "invention / utility model / design, or 发明 / 实用新型 / 外观设计; "
            "taken from the number when empty."
        ),
        "office": _("Two letters; CN when empty."),
        "filing_date": _("YYYY-MM-DD or YYYYMMDD."),
        "owners": _("Separate names with “;”. Your organisation when empty."),
        "inventors": _("Separate names with “;”."),
        "ipc_codes": _("Separate codes with “;”."),
        "legal_status": _(
            "in force / pending / lapsed / expired / invalidated / withdrawn, or CNIPA's "
            "words (有权, 审中, 失效, …)."
        ),
    }


def headers() -> list[str]:
    return [column.template_header for column in PATENT_COLUMNS]


def template_csv() -> bytes:
    """UTF-8 with a BOM, so Excel opens the Chinese headers correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers())
    example = example_row()
    writer.writerow([example[column.field] for column in PATENT_COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = "专利 Patents"
    sheet.append(headers())
    example = example_row()
    sheet.append([example[column.field] for column in PATENT_COLUMNS])
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    for index, column in enumerate(PATENT_COLUMNS, start=1):
        # Numbers typed into cells lose their form (dates become serials, "0123" becomes 123);
        # text format keeps them as written.
        letter = get_column_letter(index)
        dimension = sheet.column_dimensions[letter]
        dimension.width = max(14, len(column.template_header) + 6)
        dimension.number_format = "@"
        sheet.cell(row=2, column=index).number_format = "@"
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet("说明 Notes")
    notes.append([_("Column"), _("Notes")])
    for cell in notes[1]:
        cell.font = bold
    texts = _notes()
    for column in PATENT_COLUMNS:
        notes.append([column.template_header, texts.get(column.field, "")])
    notes.column_dimensions["A"].width = 36
    notes.column_dimensions["B"].width = 90

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
