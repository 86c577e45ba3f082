"""Open an uploaded spreadsheet and yield its rows, refusing anything that is not one.

The content decides the format, not the file name: an XLSX workbook is a ZIP archive holding
``xl/workbook.xml``; anything else must decode as text (UTF-8 with or without BOM, UTF-16
with BOM as Excel's "Unicode text" writes it, else GB18030, which covers GBK) and is read as
comma-, tab- or semicolon-separated values.
"""

from __future__ import annotations

import codecs
import csv
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, Literal

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from ipx.core.errors import ValidationFailed

Format = Literal["xlsx", "csv"]
Row = tuple[int, Sequence[object]]

FILE_FIELD = "file"
# A workbook that inflates far beyond its size is refused before openpyxl parses it.
MAX_INFLATION = 30
_SNIFF_BYTES = 64 * 1024
_DECODE_BYTES = 256 * 1024


class SpreadsheetRefused(ValidationFailed):
    """The file as a whole cannot be imported."""

    code = "file_refused"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message, code=code, fields={FILE_FIELD: message})


class FileTooLarge(SpreadsheetRefused):
    status = 413
    code = "too_large"


def check_size(size: int) -> None:
    limit = settings.IPX_MAX_UPLOAD_BYTES
    if size <= 0:
        raise SpreadsheetRefused(_("The file is empty."), code="empty_file")
    if size > limit:
        raise FileTooLarge(
            _(
                "The file is %(size)s; files up to %(limit)s can be imported. "
                "Split it into smaller files."
            )
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )


def _not_a_spreadsheet() -> SpreadsheetRefused:
    return SpreadsheetRefused(
        _(
            "This is not a spreadsheet. Upload an Excel workbook (.xlsx) "
            "or a CSV file in UTF-8 or GBK."
        ),
        code="not_a_spreadsheet",
    )


def sniff_format(file: IO[bytes]) -> Format:
    """Which reader fits the content; refuses other formats with a message naming them."""
    file.seek(0)
    head = file.read(_SNIFF_BYTES)
    file.seek(0)
    if not head:
        raise SpreadsheetRefused(_("The file is empty."), code="empty_file")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise SpreadsheetRefused(
            _("This is an old Excel workbook (.xls). Save it as .xlsx or CSV and upload it again."),
            code="not_a_spreadsheet",
        )
    if head.startswith(b"PK\x03\x04"):
        _check_workbook_archive(file)
        return "xlsx"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"
    if b"\x00" in head or head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        raise _not_a_spreadsheet()
    return "csv"


def _check_workbook_archive(file: IO[bytes]) -> None:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SpreadsheetRefused(
            _("The workbook cannot be read: the file is damaged."), code="not_a_spreadsheet"
        ) from None
    finally:
        file.seek(0)
    if "xl/workbook.xml" not in names:
        if "content.xml" in names and "mimetype" in names:
            raise SpreadsheetRefused(
                _("This is an OpenDocument file. Save it as .xlsx or CSV and upload it again."),
                code="not_a_spreadsheet",
            )
        raise SpreadsheetRefused(
            _("This ZIP archive is not an Excel workbook (.xlsx)."), code="not_a_spreadsheet"
        )
    if inflated > MAX_INFLATION * settings.IPX_MAX_UPLOAD_BYTES:
        raise SpreadsheetRefused(
            _("The workbook unpacks to too much data to import."), code="too_large"
        )


def _csv_encoding(file: IO[bytes]) -> tuple[str, int]:
    """The encoding of a CSV file and the length of its byte-order mark: UTF-8 first (with or
    without the mark), then GB18030 (a superset of GBK and GB2312), so a file saved by Excel on
    Chinese Windows reads as well. The whole file is decoded to know, a piece at a time."""
    file.seek(0)
    head = file.read(len(codecs.BOM_UTF8))
    candidates: tuple[str, ...] = ("utf-8", "gb18030")
    mark = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)  # the codec reads the mark itself
    for encoding in candidates:
        sample: list[str] = []
        size = 0
        try:
            for line in _text_lines(file, encoding, mark):
                if size < _SNIFF_BYTES:
                    sample.append(line[:_SNIFF_BYTES - size])
                    size += len(sample[-1])
        except UnicodeDecodeError:
            continue
        if _looks_like_text("".join(sample)):
            return encoding, mark
        break
    raise _not_a_spreadsheet()


def _text_lines(file: IO[bytes], encoding: str, mark: int) -> Iterator[str]:
    """The file's text line by line, decoded a piece at a time. Only "\n" ends a line (a
    "\r\n" line keeps its "\r"), as the csv module expects of what it reads."""
    file.seek(mark)
    decoder = codecs.getincrementaldecoder(encoding)()
    rest = ""
    while piece := file.read(_DECODE_BYTES):
        lines = (rest + decoder.decode(piece)).split("\n")
        rest = lines.pop()
        for line in lines:
            yield line + "\n"
    rest += decoder.decode(b"", final=True)
    if rest:
        yield rest


def _looks_like_text(text: str) -> bool:
    # GB18030 maps almost any byte sequence to some character; control characters give
    # binary content away.
    sample = text[:_SNIFF_BYTES]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n")
    return "\x00" not in sample and controls <= len(sample) // 100


def _delimiter(first_line: str) -> str:
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _cells_empty(values: Sequence[object]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def _nothing() -> None:
    return None


@dataclass
class Sheet:
    """The rows of a spreadsheet, numbered as the user sees them (the first row is 1)."""

    format: Format
    rows: Iterator[Row]
    # The highest row number (for a progress bar); may read the file once more to find it.
    count_rows: Callable[[], int | None]
    on_close: Callable[[], None] = _nothing

    def close(self) -> None:
        close = getattr(self.rows, "close", None)
        if close is not None:
            close()
        self.on_close()


class RowUnreadable(SpreadsheetRefused):
    """A row in the middle of the file cannot be read; the rows before it were processed."""


def open_sheet(file: IO[bytes]) -> Sheet:
    fmt = sniff_format(file)
    if fmt == "xlsx":
        return _open_xlsx(file)
    return _open_csv(file)


def _open_csv(file: IO[bytes]) -> Sheet:
    # Streamed, never held whole: read once for the encoding, once for the record count (and
    # any broken quote, refused before the import starts), then for the rows.
    encoding, mark = _csv_encoding(file)
    delimiter = _delimiter(next((line for line in _text_lines(file, encoding, mark) if line.strip()), ""))
    reader = csv.reader(_text_lines(file, encoding, mark), delimiter=delimiter)
    records = 0
    try:
        for _record in reader:
            records += 1
    except csv.Error:
        # The csv module's own message is English; the record number is what helps.
        raise SpreadsheetRefused(
            _("The CSV file cannot be read from row %(row)d on (a broken quote or line?).")
            % {"row": reader.line_num},
            code="not_a_spreadsheet",
        ) from None
    return Sheet(format="csv", rows=_csv_rows(_text_lines(file, encoding, mark), delimiter),
                 count_rows=lambda: records)


def _csv_rows(lines: Iterator[str], delimiter: str) -> Iterator[Row]:
    # A quoted cell may span lines; a spreadsheet shows each record as one row, so rows are
    # numbered by record, not by line.
    for number, record in enumerate(csv.reader(lines, delimiter=delimiter), start=1):
        values: list[object] = list(record)
        if not _cells_empty(values):
            yield number, values


def _open_xlsx(file: IO[bytes]) -> Sheet:

    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        if not isinstance(sheet, ReadOnlyWorksheet):
            raise TypeError("the first sheet is a chart sheet")
    except Exception:
        # openpyxl raises a wide range of errors (zip, XML, KeyError, TypeError) on damaged
        # or hand-made files; any of them means the same thing to the user.
        raise SpreadsheetRefused(
            _("The workbook cannot be read: the file is damaged or not an .xlsx workbook."),
            code="not_a_spreadsheet",
        ) from None
    return Sheet(format="xlsx", rows=_xlsx_rows(sheet), count_rows=lambda: _xlsx_last_row(sheet),
                 on_close=workbook.close)


# A row element's start tag (any namespace prefix) and its row number attribute.
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb"\br=\"(\d+)\"")
_SCAN_BYTES = 1 << 20


# Typed loosely: openpyxl's read-only sheet has no type hints for its source.
def _xlsx_last_row(sheet: Any) -> int | None:
    """The sheet's last row number, for the progress shown before the rows are read."""
    # Excel and openpyxl record the used range; streaming writers often leave it out.
    if isinstance(sheet.max_row, int) and sheet.max_row > 1:
        return sheet.max_row
    try:
        with sheet._get_source() as source:
            return _last_row_number(source)
    except Exception:
        return None  # the import itself reports the damage, with the row


def _last_row_number(source: IO[bytes]) -> int:
    """The last ``<row>`` element's number in a worksheet's XML, read as bytes in pieces.

    Parsing the XML for the count alone cost as much as a quarter of a first import; a row's
    start tag holds its number (``r``, else it follows the row before), so the tags are
    enough."""
    last = 0
    carried = b""
    while piece := source.read(_SCAN_BYTES):
        text = carried + piece
        # A tag has no "<" inside: from the last "<" on, it may continue in the next piece.
        cut = text.rfind(b"<")
        text, carried = (text, b"") if cut < 0 else (text[:cut], text[cut:])
        last = _scan_rows(text, last)
    return _scan_rows(carried, last)


def _scan_rows(text: bytes, last: int) -> int:
    for tag in _ROW_TAG.finditer(text):
        number = _ROW_NUMBER.search(tag.group(1))
        last = int(number.group(1)) if number else last + 1
    return last


def _xlsx_rows(sheet: Any) -> Iterator[Row]:
    number = 0
    try:
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells: list[object] = list(values)
            if not _cells_empty(cells):
                yield number, cells
    except Exception:
        raise RowUnreadable(
            _("Row %(row)d of the workbook cannot be read: the file is damaged.")
            % {"row": number + 1},
            code="not_a_spreadsheet",
        ) from None
