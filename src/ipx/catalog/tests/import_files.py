"""Spreadsheets for the import tests, built in memory from rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from typing import Any, cast

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from ipx.catalog.identifiers import patent_check_character
from ipx.catalog.importing.reading import RowUnreadable, Sheet
from ipx.catalog.models import Patent, Trademark
from ipx.testing.factories import PatentFactory, TrademarkFactory
from ipx.testing.shared_data import SHARED_DATA

CNIPA_RECORDS = SHARED_DATA / "patent-records-cnipa" / "patent_cases.tsv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Our English headers, as a member's own inventory would have them.
HEADERS = ["Application number", "Publication number", "Title", "Kind", "Filing date", "IPC codes",
           "Legal status", "Owners"]


def application_number(serial: int, *, year: int = 2021, kind_digit: str = "1") -> str:
    digits = f"{year}{kind_digit}{serial:07d}"
    return f"{digits}.{patent_check_character(digits)}"


def patent_row(serial: int, title: str = "", **changes: str) -> list[str]:
    values = {
        "Application number": application_number(serial),
        "Publication number": "",
        "Title": title or f"一种锂电池隔膜及其制备方法{serial}",
        "Kind": "invention",
        "Filing date": "2021-03-01",
        "IPC codes": "H01M10/0525; H01M50/40",
        "Legal status": "pending",
        "Owners": "",
    } | changes
    return [values[header] for header in HEADERS]


def csv_bytes(rows: Sequence[Sequence[object]], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def cnipa_rows() -> list[list[str]]:
    """The ten real CNIPA records (61 columns), header first."""
    with CNIPA_RECORDS.open(encoding="utf-8", newline="") as handle:
        return [list(row) for row in csv.reader(handle, delimiter="\t")]


def upload(content: bytes, name: str = "patents.csv") -> SimpleUploadedFile:
    content_type = XLSX_TYPE if name.endswith(".xlsx") else "text/csv"
    return SimpleUploadedFile(name, content, content_type=content_type)


def make_patent(**fields: Any) -> Patent:
    return cast(Patent, PatentFactory(**fields))


def make_trademark(**fields: Any) -> Trademark:
    return cast(Trademark, TrademarkFactory(**fields))


def registered_numbers() -> list[str]:
    return sorted(str(number) for number in Patent.objects.values_list("application_number", flat=True))


def damaged_sheet(good_rows: int) -> Sheet:
    """A workbook whose row after ``good_rows`` data rows cannot be read."""

    def rows() -> Iterator[tuple[int, list[object]]]:
        yield 1, list(HEADERS)
        for n in range(1, good_rows + 1):
            yield n + 1, list(patent_row(n))
        raise RowUnreadable(f"Row {good_rows + 2} of the workbook cannot be read: the file is damaged.")

    return Sheet(format="xlsx", rows=rows(), count_rows=lambda: good_rows + 10)


# Two good patents around one without a title.
GOOD_AND_BAD = csv_bytes([HEADERS, patent_row(1), patent_row(2, Title=""), patent_row(3)])
