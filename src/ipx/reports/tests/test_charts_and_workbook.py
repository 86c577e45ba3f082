"""The bulletin's charts and workbook from its figures: which charts are drawn, that a drawing
is SVG and the same figures draw the same bytes, and the workbook's sheets, numbers and charts."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

from django.utils import translation
from openpyxl import load_workbook

from ipx.reports import charts
from ipx.reports.figures import Figures
from ipx.reports.tests.published import BULLETIN_2020
from ipx.reports.xlsx import bulletin_xlsx, sheet_name


def test_four_charts_are_drawn_as_svg_and_the_same_figures_draw_the_same_bytes() -> None:
    with translation.override("zh-hans"):
        drawn = charts.charts(BULLETIN_2020)
        again = charts.amounts_chart(BULLETIN_2020)
    assert [chart.key for chart in drawn] == ["amounts", "growth", "auctions", "exhibitors"]
    for chart in drawn:
        assert chart.svg.startswith(b"<?xml") and b'xmlns="http://www.w3.org/2000/svg"' in chart.svg
        assert chart.svg.rstrip().endswith(b"</svg>")
        assert chart.data_uri.startswith("data:image/svg+xml;base64,")
    assert again is not None and again.svg == drawn[0].svg
    assert drawn[0].title == "各类交易金额"


def test_a_chart_with_nothing_to_show_is_left_out() -> None:
    first = replace(BULLETIN_2020, previous=None)
    assert [chart.key for chart in charts.charts(first)] == ["amounts", "auctions", "exhibitors"]
    empty = replace(BULLETIN_2020, figures=Figures(), previous=None)
    assert charts.charts(empty) == []


def test_the_workbook_has_a_sheet_per_table_with_numbers_and_native_charts() -> None:
    content = bulletin_xlsx(BULLETIN_2020, "zh-hant")
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames[:6] == ["公報", "金額", "數量", "按知識產權類型的拍賣", "參展機構",
                                       "按知識產權類型的展品"]
    assert len(workbook.sheetnames) == 7  # and the rights the products involve
    assert workbook["公報"]["A1"].value == "2020 GBA IP Exchange Expo實現知識產權交易18.67億元"
    auctions = workbook["按知識產權類型的拍賣"]
    assert [[cell.value for cell in row] for row in auctions.iter_rows(min_row=2)] == [
        ["專利", 9, 16100000, 0.3], ["商標", 17, 13600000, 0.35]]
    assert auctions["D2"].number_format == "0.00%"
    exhibits = workbook["按知識產權類型的展品"]
    assert exhibits["B6"].value == 5486  # the products, a slice of the pie
    assert exhibits["B7"].value == 17006  # the total row
    rights = workbook.worksheets[6]
    assert [[cell.value for cell in row][1] for row in rights.iter_rows(min_row=2)] == [12500, 24313, 11036]
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert sorted(name for name in names if name.startswith("xl/charts/chart")) == [
        f"xl/charts/chart{number}.xml" for number in range(1, 6)]


def test_sheet_names_lose_what_a_workbook_refuses() -> None:
    assert sheet_name("Amounts [CNY]: 2020/2021?") == "Amounts  CNY   2020 2021 "
    assert len(sheet_name("x" * 40)) == 31
