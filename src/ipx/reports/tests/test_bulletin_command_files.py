"""``ipx report bulletin --format xlsx|pdf|html --lang ...``: the bulletin's files in the
reader's language, written where asked, from an edition's imported records."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook
from pypdf import PdfReader

from ipx.expo.inputs import EditionInput
from ipx.expo.services.editions import edition_create
from ipx.expo.services.records import import_records
from ipx.testing.reports_world import FIRST_DAY, LAST_DAY, RECORDS, SLUG

pytestmark = pytest.mark.django_db

# From the records: a patent for 1,250,000 yuan and a copyright (12 works) for HKD 80,000 at 0.92.
TRANSACTIONS_ZH_HANT = ("本屆知交會實現知識產權交易132.36萬元，其中專利和商標交易金額共計125萬元，"
                        "版權達成交易金額7.36萬元，涉及版權12件。")


@pytest.fixture
def edition(on_commit: Callable[[], Any]) -> None:
    with on_commit():
        edition_create(data=EditionInput(slug=SLUG, name="Expo 2001", start_date=FIRST_DAY, end_date=LAST_DAY))
        assert not import_records(RECORDS, actor=None).errors


def _write(tmp_path: Path, file_format: str, language: str) -> bytes:
    target = tmp_path / f"bulletin.{file_format}"
    call_command("report", "bulletin", "--edition", SLUG, "--format", file_format, "--lang", language,
                 "--output", str(target), stdout=io.StringIO())
    return target.read_bytes()


@pytest.mark.usefixtures("edition")
def test_the_files_are_written_in_the_language_asked(tmp_path: Path) -> None:
    workbook = load_workbook(io.BytesIO(_write(tmp_path, "xlsx", "zh-hant")))
    assert workbook.sheetnames[:2] == ["公報", "金額"]
    assert workbook["公報"]["A5"].value == TRANSACTIONS_ZH_HANT  # after the intended agreements
    assert workbook["金額"]["B2"].value == pytest.approx(1323600.00)

    pdf = PdfReader(io.BytesIO(_write(tmp_path, "pdf", "zh-hant")))
    assert TRANSACTIONS_ZH_HANT in "".join(page.extract_text() for page in pdf.pages).replace("\n", "")

    html = _write(tmp_path, "html", "en").decode()
    assert html.startswith("<!doctype html>\n<html lang=\"en\">")
    assert "Expo 2001 achieved intellectual property transactions of 1.32 million yuan" in html
    # The amounts and the auctions: no previous edition to grow on, no exhibitor registered.
    assert html.count('src="data:image/svg+xml;base64,') == 2


@pytest.mark.usefixtures("edition")
def test_an_unknown_language_or_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--lang"):
        call_command("report", "bulletin", "--edition", SLUG, "--format", "pdf", "--lang", "fr")
    with pytest.raises(CommandError, match="--format"):
        call_command("report", "bulletin", "--edition", SLUG, "--format", "docx")
