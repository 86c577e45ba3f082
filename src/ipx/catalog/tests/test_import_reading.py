"""Reading uploaded spreadsheets: formats found by content, encodings, headers."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from typing import Any

import pytest
from openpyxl import Workbook

from ipx.catalog.importing import reading
from ipx.catalog.importing.columns import ColumnMap, locate_header, match_header
from ipx.catalog.importing.reading import (
    FileTooLarge,
    SpreadsheetRefused,
    check_size,
    open_sheet,
)
from ipx.catalog.importing.template import headers, template_csv, template_xlsx
from ipx.catalog.tests.import_files import cnipa_rows, csv_bytes, xlsx_bytes

ROWS = [["申请号", "专利名称"], ["202121635235.X", "无人机巡检系统"], ["202121762003.0", "一种用于清除垃圾的无人机"]]


def read(content: bytes) -> tuple[str, list[tuple[int, list[object]]]]:
    sheet = open_sheet(io.BytesIO(content))
    rows = [(number, list(cells)) for number, cells in sheet.rows]
    sheet.close()
    return sheet.format, rows


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_in_each_encoding_reads_the_same(encoding: str) -> None:
    fmt, rows = read(csv_bytes(ROWS, encoding=encoding))
    assert fmt == "csv"
    assert rows == [(1, ["申请号", "专利名称"]), (2, ["202121635235.X", "无人机巡检系统"]),
                    (3, ["202121762003.0", "一种用于清除垃圾的无人机"])]


def test_utf8_is_tried_before_gb18030() -> None:
    # These UTF-8 bytes also decode as GB18030, to different characters.
    assert read("专利".encode())[1] == [(1, ["专利"])]
    assert read("专利".encode("gbk"))[1] == [(1, ["专利"])]
    assert read(codecs.BOM_UTF8 + "专利".encode())[1] == [(1, ["专利"])]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
def test_a_csv_file_is_read_in_pieces_as_it_would_be_read_whole(
    encoding: str, line_end: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pieces of a few bytes split characters, line ends and quoted cells between them.
    rows = [ROWS[0], ['"多行\n标题", 含逗号', "x"], ["", ""], *ROWS[1:], ["尾行", "没有换行"]]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=line_end).writerows(rows)
    text = buffer.getvalue().removesuffix(line_end)  # the last line without its end
    content = text.encode(encoding)
    whole = [(number, list(record)) for number, record in
             enumerate(csv.reader(io.StringIO(text)), start=1) if any(cell.strip() for cell in record)]
    for piece_bytes in (1, 3, 7, 1 << 18):
        monkeypatch.setattr(reading, "_DECODE_BYTES", piece_bytes)
        assert read(content)[1] == whole
        sheet = open_sheet(io.BytesIO(content))
        assert sheet.count_rows() == len(rows)
        sheet.close()


def test_tab_and_semicolon_separated_text_is_read() -> None:
    assert read(csv_bytes(ROWS, delimiter="\t"))[1][1] == (2, ["202121635235.X", "无人机巡检系统"])
    assert read(csv_bytes(ROWS, delimiter=";"))[1][1] == (2, ["202121635235.X", "无人机巡检系统"])


def test_rows_keep_their_spreadsheet_numbers_and_skip_empty_ones() -> None:
    content = csv_bytes([ROWS[0], ["", ""], ROWS[1], ['"多行\n标题"', "x"]])
    assert [number for number, _cells in read(content)[1]] == [1, 3, 4]
    content = xlsx_bytes([ROWS[0], [None, None], ROWS[1]])
    fmt, rows = read(content)
    assert fmt == "xlsx"
    assert rows == [(1, ["申请号", "专利名称"]), (3, ["202121635235.X", "无人机巡检系统"])]


def _streamed_xlsx(rows: list[list[object]]) -> bytes:
    """A workbook as streaming writers make it: no used range recorded."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("专利")
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("piece_bytes", [7, 64, 1 << 20])
def test_a_workbook_without_its_used_range_counts_its_rows_as_they_are_read(
    piece_bytes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pieces smaller than a tag split tags and numbers between them.
    monkeypatch.setattr(reading, "_SCAN_BYTES", piece_bytes)
    # A cell's text that looks like a row tag is escaped in the XML and not counted.
    titles: list[list[object]] = [[f"20212163{n:04d}", '<row r="9">'] for n in range(120)]
    rows: list[list[object]] = [["申请号", "专利名称"], *titles, [None, None], ["202121635235.X", "无人机巡检系统"]]
    content = _streamed_xlsx(rows)
    sheet = open_sheet(io.BytesIO(content))
    try:
        assert sheet.count_rows() == len(rows) == sum(1 for _row in sheet.rows) + 1  # the empty row
    finally:
        sheet.close()


@pytest.mark.parametrize(("xml", "last"), [
    (b'<worksheet><sheetData><row r="2" spans="1:2"><c r="A2"/></row><row r="40"/></sheetData>'
     b'<rowBreaks count="1"/></worksheet>', 40),
    (b"<x:worksheet><x:sheetData><x:row><x:c/></x:row><x:row/><x:row>"
     b"</x:row></x:sheetData></x:worksheet>", 3),  # prefixed tags without numbers follow each other
    (b"<worksheet><sheetData/></worksheet>", 0),
])
def test_the_last_row_number_is_read_from_the_row_tags(xml: bytes, last: int) -> None:
    assert reading._last_row_number(io.BytesIO(xml)) == last


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            # A fixed time: the bytes are part of the test's id, and parallel workers must
            # collect the same ids whenever each of them builds the archive.
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


@pytest.mark.parametrize(("content", "message"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00", "This is not a spreadsheet. Upload an Excel workbook (.xlsx) "
                                                  "or a CSV file in UTF-8 or GBK."),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "This is not a spreadsheet. Upload an Excel workbook (.xlsx) "
                                            "or a CSV file in UTF-8 or GBK."),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
     "This is an old Excel workbook (.xls). Save it as .xlsx or CSV and upload it again."),
    (_zip({"word/document.xml": b"<w/>"}), "This ZIP archive is not an Excel workbook (.xlsx)."),
    (_zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}),
     "This is an OpenDocument file. Save it as .xlsx or CSV and upload it again."),
    (_zip({"xl/workbook.xml": b"not xml at all"}),
     "The workbook cannot be read: the file is damaged or not an .xlsx workbook."),
    (b"PK\x03\x04 truncated", "The workbook cannot be read: the file is damaged."),
    (bytes(range(1, 32)) * 100, "This is not a spreadsheet. Upload an Excel workbook (.xlsx) "
                                "or a CSV file in UTF-8 or GBK."),
    (b"", "The file is empty."),
])
def test_files_that_are_not_spreadsheets_are_refused_by_content(content: bytes, message: str) -> None:
    with pytest.raises(SpreadsheetRefused) as refused:
        open_sheet(io.BytesIO(content))
    assert refused.value.message == message
    assert refused.value.fields == {"file": message}


def test_size_limits(settings: Any) -> None:
    settings.IPX_MAX_UPLOAD_BYTES = 1000
    check_size(1000)
    with pytest.raises(FileTooLarge) as too_large:
        check_size(1001)
    assert too_large.value.status == 413
    assert too_large.value.message == ("The file is 1001\xa0bytes; files up to 1000\xa0bytes can be imported. "
                                       "Split it into smaller files.")
    with pytest.raises(SpreadsheetRefused, match=r"The file is empty\."):
        check_size(0)


def test_cnipa_headers_map_to_patent_fields() -> None:
    header = cnipa_rows()[0]
    assert len(header) == 61
    mapping = ColumnMap.from_header(header)
    assert mapping.headers == {
        "application_number": "申请号", "publication_number": "公开号", "grant_number": "授权公告号",
        "title": "专利名称", "kind": "专利类型", "filing_date": "申请日", "publication_date": "公开日",
        "grant_date": "授权公告日", "owners": "当前权利人", "inventors": "发明人", "ipc_main": "主分类号",
        "ipc_codes": "分类号", "legal_status": "法律状态", "abstract": "申请摘要", "claims": "主权项",
    }
    assert mapping.missing() == []


@pytest.mark.parametrize(("header", "field"), [
    ("公开（公告）号", "publication_number"), ("公开(公告)号", "publication_number"),
    ("申请（专利权）人", "owners"), ("专利权人", "owners"), ("申请人", "owners"), ("名称", "title"),
    ("IPC", "ipc_codes"), ("摘要", "abstract"), ("权利要求", "claims"), (" Application No. ", "application_number"),
    ("FILING_DATE", "filing_date"), ("申请号 Application number *", "application_number"),
    ("公开（公告）号 Publication number", "publication_number"), ("\ufeff申请号", "application_number"),
])
def test_header_aliases(header: str, field: str) -> None:
    found = match_header(header)
    assert found is not None
    assert found[0] == field


@pytest.mark.parametrize("header", ["CPC主分类号", "国际申请号", "申请人地址", "序号", "Notes"])
def test_other_columns_are_ignored(header: str) -> None:
    assert match_header(header) is None


def test_the_first_alias_wins_when_a_file_has_several() -> None:
    mapping = ColumnMap.from_header(["申请人", "名称", "专利名称", "申请号", "当前权利人"])
    assert mapping.positions == {"owners": 4, "title": 2, "application_number": 3}


def test_a_title_row_above_the_header_is_skipped() -> None:
    rows = iter([(1, ["2024年专利清单"]), (2, ["申请号", "专利名称"]), (3, ["202121635235.X", "无人机巡检系统"])])
    mapping, header_row, rest = locate_header(rows)
    assert (mapping.positions, header_row, list(rest)) == (
        {"application_number": 0, "title": 1}, 2, [(3, ["202121635235.X", "无人机巡检系统"])])


def test_missing_required_columns_refuse_the_file() -> None:
    with pytest.raises(SpreadsheetRefused) as refused:
        locate_header(iter([(1, ["专利名称", "发明人"]), (2, ["无人机巡检系统", "郭晓东"])]))
    assert refused.value.message == (
        "Row 1, the header, lacks columns for an application number (申请号 or Application number) or a "
        "publication number (公开号 or Publication number). Use the template's headers or a CNIPA export.")
    with pytest.raises(SpreadsheetRefused) as refused:
        locate_header(iter([(1, ["公开号", "发明人"])]))
    assert refused.value.message == ("Row 1, the header, lacks columns for a title (专利名称 or Title). "
                                     "Use the template's headers or a CNIPA export.")


def test_the_templates_have_both_languages_and_one_example_row() -> None:
    assert headers()[:4] == ["申请号 Application number", "公开号 Publication number", "授权公告号 Grant number",
                             "专利名称 Title *"]
    for content in (template_csv(), template_xlsx()):
        sheet = open_sheet(io.BytesIO(content))
        rows = list(sheet.rows)
        assert len(rows) == 2
        mapping = ColumnMap.from_header(rows[0][1])
        assert len(mapping.positions) == 17
        assert mapping.values(rows[1][1])["application_number"] == "202310123456.6"
    assert template_csv().startswith(codecs.BOM_UTF8)
