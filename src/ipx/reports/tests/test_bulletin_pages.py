"""The bulletin from the 2020 expo's records (``ipx.testing.expo_bulletin``), as its page, its
files and its sentences in the three languages: the published wording, every chart, every
table, the PDF with its charts, the workbook with a sheet per table and its native charts."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from ipx.reports import wording
from ipx.reports.compute import edition_bulletin
from ipx.reports.tests.published import EN, ZH_HANS, ZH_HANT
from ipx.testing.expo_bulletin import E2020, published_expo

PAGE = f"/reports/bulletin/{E2020}/"


@pytest.fixture
def expo(db: Any, on_commit: Callable[[], Any]) -> None:
    with on_commit():
        published_expo()


def _get(path: str, language: str) -> Any:
    return Client().get(path, HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.usefixtures("expo")
def test_the_records_are_worded_as_the_report_in_three_languages() -> None:
    bulletin = edition_bulletin(E2020)
    for language, expected in (("zh-hant", ZH_HANT), ("zh-hans", ZH_HANS), ("en", EN)):
        said = {sentence.topic: sentence.text for sentence in wording.sentences(bulletin, language)}
        assert said == expected, language


@pytest.mark.usefixtures("expo")
def test_the_page_and_its_files_say_draw_and_tabulate_the_bulletin() -> None:
    response = _get(PAGE, "zh-hant")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>2020 GBA IP Exchange Expo實現知識產權交易18.67億元</h1>" in page
    for topic, sentence in ZH_HANT.items():
        assert f'<p id="said-{topic}">{sentence}</p>' in page
    for chart in ("amounts", "growth", "auctions", "exhibitors"):
        assert f'<figure class="chart" id="chart-{chart}">' in page
    assert page.count('src="data:image/svg+xml;base64,') == 4
    for table in ("amounts", "counts", "auctions", "exhibitors", "exhibits", "product_rights"):
        assert f'id="table-{table}"' in page
    # Exact amounts in the tables, each with its heading for a phone's cards.
    assert '<td class="figure nowrap" data-label="金額（元）">1,867,000,000.00</td>' in page
    assert '<td class="figure nowrap" data-label="同比增長">15.97%</td>' in page
    assert 'href="?format=pdf"' in page and 'href="?format=xlsx"' in page

    # The files hold the same bulletin.
    data = _get(f"{PAGE}?format=json", "en").json()
    assert data["transactions"]["total_amount"] == "1867000000.00"

    pdf = _get(f"{PAGE}?format=pdf", "zh-hans")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'inline; filename="bulletin-{E2020}-zh-hans.pdf"'
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).replace("\n", "")
    for sentence in ZH_HANS.values():
        assert sentence in text
    assert "1,867,000,000.00" in text

    workbook_bytes = _get(f"{PAGE}?format=xlsx", "en").content
    workbook = load_workbook(io.BytesIO(workbook_bytes))
    assert workbook.sheetnames == ["Bulletin", "Amounts", "Counts", "Auctions by IP type", "Exhibitors",
                                   "Exhibits by IP type", "Rights of the IP products"]
    amounts = workbook["Amounts"]
    assert amounts["A2"].value == "Concluded IP transactions" and amounts["B2"].value == 1867000000
    assert amounts["B2"].number_format == "#,##0.00" and amounts["D3"].value == pytest.approx(0.1597)
    assert workbook["Bulletin"]["A4"].value == EN["intended"]
    charts = [name for name in zipfile.ZipFile(io.BytesIO(workbook_bytes)).namelist()
              if name.startswith("xl/charts/chart")]
    assert len(charts) == 5  # amounts and their growth, auctions, exhibitors, exhibits

    html = _get(f"{PAGE}?format=html", "en")
    assert html["Content-Disposition"] == f'attachment; filename="bulletin-{E2020}-en.html"'
    assert html.content.decode().startswith("<!doctype html>") and EN["transactions"] in html.content.decode()
    csv_lines = _get(f"{PAGE}?format=csv", "en").content.decode().splitlines()
    assert "transactions.total_amount,1867000000.00" in csv_lines

    # And so does any span of days (here the month of the 2020 edition).
    response = _get("/reports/bulletin/?since=2020-11-01&until=2020-11-30", "en")
    assert response.status_code == 200
    assert "<h1>Intellectual property transactions of 1.867 billion yuan from 2020-11-01 to 2020-11-30</h1>" in \
        response.content.decode()
    data = json.loads(_get("/reports/bulletin/?since=2020-11-01&until=2020-11-30&format=json", "en").content)
    assert (data["since"], data["until"]) == ("2020-11-01", "2020-11-30")
    assert data["transactions"]["total_amount"] == "1867000000.00"


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "status", "field"), [
    (f"{PAGE}?format=docx", 400, "format"),
    ("/reports/bulletin/no-such-edition/", 404, None),
    ("/reports/bulletin/?since=2020-11-13&until=2020-13-01", 400, "until"),
    ("/reports/bulletin/?since=&until=2020-11-19", 400, "since"),
    ("/reports/bulletin/?since=2020-11-19&until=2020-11-13", 400, "until"),
    ("/reports/bulletin/?since=2000-01-01&until=2020-11-13", 400, "until"),
])
def test_bad_requests_are_refused_with_the_field_at_fault(path: str, status: int, field: str | None) -> None:
    response = Client().get(path, HTTP_ACCEPT_LANGUAGE="en", HTTP_ACCEPT="application/json")
    assert response.status_code == status
    if field is not None:
        assert field in response.content.decode()
