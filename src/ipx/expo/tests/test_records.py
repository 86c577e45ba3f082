"""Records from outside the platform: the import file, row by row, and the edition's dates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ipx.core.errors import ApplicationError, Conflict
from ipx.events import subscribe
from ipx.expo import selectors
from ipx.expo.inputs import COLUMNS, EditionInput
from ipx.expo.models import Edition, ExpoRecord
from ipx.expo.services.editions import edition_create
from ipx.expo.services.records import ImportReport, import_records, record_delete

pytestmark = pytest.mark.django_db
HEADER = ",".join(COLUMNS)


@pytest.fixture
def edition() -> Edition:
    return edition_create(data=EditionInput(slug="gba-2020", name="GBA IP Expo 2020", start_date=date(2020, 11, 13),
                                            end_date=date(2020, 11, 19)))


def csv_bytes(*rows: str, encoding: str = "utf-8") -> bytes:
    return "\n".join((HEADER, *rows)).encode(encoding)


def errors_of(report: ImportReport) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in report.errors]


def test_rows_land_with_amount_in_cny_per_record_rounded_half_up(edition: Edition) -> None:
    report = import_records(csv_bytes(
        "T1,gba-2020,2020-11-13,transaction,patent,1000.00,CNY,,,,,contract 1",
        "T2,gba-2020,2020-11-14,transaction,trademark,0.05,HKD,0.9,,,,",  # 0.045 → 0.05
        "C1,gba-2020,2020-11-15,transaction,copyright,100,USD,6.58155,12,,,",  # 658.155 → 658.16
        "L1,gba-2020,2020-11-16,auction_lot,patent,130,CNY,,,100,1,",
        "L2,gba-2020,2020-11-16,auction_lot,patent,0,CNY,,,100,0,",
        "P1,gba-2020,2020-11-17,pledge,,5000000,CNY,,,,,loan contract",
    ), actor=None)
    assert (report.rows, report.created, report.updated, report.refused, report.errors) == (6, 6, 0, 0, [])
    cny = dict(ExpoRecord.objects.values_list("ref", "amount_cny"))
    assert cny == {"T1": Decimal("1000.00"), "T2": Decimal("0.05"), "C1": Decimal("658.16"),
                   "L1": Decimal("130.00"), "L2": Decimal("0.00"), "P1": Decimal("5000000.00")}
    copyright = ExpoRecord.objects.get(ref="C1")
    assert (copyright.fx_rate_to_cny, copyright.currency, copyright.items, copyright.date) == (
        Decimal("6.58155"), "USD", 12, date(2020, 11, 15))
    groups = {(g.kind, g.ip_type, g.sold): (g.count, g.items, g.amount_cny)
              for g in selectors.record_groups(edition_id=edition.pk)}
    assert groups[("auction_lot", "patent", True)] == (1, 1, Decimal("130.00"))
    assert groups[("auction_lot", "patent", False)] == (1, 1, Decimal("0.00"))
    assert groups[("transaction", "copyright", None)] == (1, 12, Decimal("658.16"))
    assert selectors.max_premium_rates(edition_id=edition.pk) == {"patent": Decimal("0.3000")}
    assert selectors.record_groups(edition_id=edition.pk, since=date(2020, 11, 17)) == [
        selectors.RecordGroup("pledge", "", None, 1, 1, Decimal("5000000.00"))]


def test_gbk_file_is_read(edition: Edition) -> None:
    report = import_records(csv_bytes("G1,gba-2020,2020-11-13,gi_sale,gi,88.80,CNY,,3,,,增城丝苗米 展销合同",
                                      encoding="gbk"), actor=None)
    assert report.created == 1
    assert ExpoRecord.objects.get(ref="G1").evidence == "增城丝苗米 展销合同"


def test_reimporting_a_ref_updates_it(edition: Edition) -> None:
    import_records(csv_bytes("T1,gba-2020,2020-11-13,transaction,patent,1000,CNY,,,,,"), actor=None)
    report = import_records(csv_bytes("T1,gba-2020,2020-11-14,transaction,patent,1500,CNY,,,,,"), actor=None)
    assert (report.created, report.updated) == (0, 1)
    assert list(ExpoRecord.objects.values_list("ref", "date", "amount_cny")) == [
        ("T1", date(2020, 11, 14), Decimal("1500.00"))]


BAD_ROWS = [
    ("X1,gba-2020,2020-12-01,transaction,patent,1,CNY,,,,,", "date"),  # outside the edition
    ("X2,gba-2020,2020-11-13,barter,patent,1,CNY,,,,,", "kind"),
    ("X3,gba-2020,2020-11-13,transaction,design,1,CNY,,,,,", "ip_type"),
    ("X4,gba-2020,2020-11-13,transaction,patent,100,HKD,,,,,", "fx_rate_to_cny"),
    ("X5,gba-2020,2020-11-13,transaction,patent,-5,CNY,,,,,", "amount"),
    ("X6,gba-2020,2020-11-13,auction_lot,patent,50,CNY,,,100,0,", "amount"),  # unsold with a hammer price
    ("X7,no-such,2020-11-13,transaction,patent,1,CNY,,,,,", "edition"),
    ("deal:12,gba-2020,2020-11-13,transaction,patent,1,CNY,,,,,", "ref"),
    ("X8,gba-2020,2020-11-13,transaction,patent,1,CNY,,,,,settled as auction-lot:4", "evidence"),
    ("X9,gba-2020,13/11/2020,transaction,patent,1,CNY,,,,,", "date"),
    ("X10,gba-2020,2020-11-13,transaction,patent,1,CNY,,0,,,", "items"),
    ("X11,gba-2020,2020-11-13,transaction,patent,1,CNY,,,100,,", "start_price"),
    ("X12,gba-2020,2020-11-13,auction_lot,patent,1,CNY,,,,1,", "start_price"),
    ("X13,gba-2020,2020-11-13,transaction,patent,1,XYZ,,,,,", "currency"),
    ("X14,gba-2020,2020-11-13,transaction,,1,CNY,,,,,", "ip_type"),
    # Each within its own limit, beyond any amount once converted (10^17 CNY).
    ("X15,gba-2020,2020-11-13,transaction,patent,1000000000000,USD,100000,1,,,", "amount"),
    ("X16,gba-2020,2020-11-13,transaction,patent,1,CNY,,99999999999999999999999,,,", "items"),
    ("X17,gba-2020,2020-11-13,auction_lot,copyright,50,CNY,,,100,1,", "amount"),  # sold below its start
]


@pytest.mark.parametrize(("row", "column"), BAD_ROWS)
def test_a_bad_row_is_refused_naming_row_and_column_and_good_rows_land(edition: Edition, row: str,
                                                                       column: str) -> None:
    report = import_records(csv_bytes("OK1,gba-2020,2020-11-13,transaction,patent,1,CNY,,,,,", row), actor=None)
    assert (report.created, report.refused) == (1, 1)
    assert errors_of(report) == [(3, column)]
    assert list(ExpoRecord.objects.values_list("ref", flat=True)) == ["OK1"]


def test_duplicate_refs_in_one_file_are_all_refused(edition: Edition) -> None:
    report = import_records(csv_bytes("D1,gba-2020,2020-11-13,transaction,patent,1,CNY,,,,,",
                                      "OK,gba-2020,2020-11-13,transaction,patent,1,CNY,,,,,",
                                      "D1,gba-2020,2020-11-14,transaction,patent,2,CNY,,,,,"), actor=None)
    assert errors_of(report) == [(2, "ref"), (4, "ref")]
    assert list(ExpoRecord.objects.values_list("ref", flat=True)) == ["OK"]


def test_a_wrong_header_refuses_the_file(edition: Edition) -> None:
    with pytest.raises(ApplicationError) as refused:
        import_records(b"ref,edition,date,amount\nT1,gba-2020,2020-11-13,1", actor=None)
    assert "kind" in refused.value.message
    assert not ExpoRecord.objects.exists()


def test_changes_are_published_with_editions_and_days(edition: Edition, on_commit: Callable[..., Any]) -> None:
    seen: list[dict[str, Any]] = []

    def listen(**payload: Any) -> None:
        seen.append(payload)

    subscribe(selectors.RECORDS_CHANGED, listen)
    with on_commit():
        import_records(csv_bytes("T1,gba-2020,2020-11-13,transaction,patent,1,CNY,,,,,"), actor=None)
    with on_commit():
        import_records(csv_bytes("T1,gba-2020,2020-11-15,transaction,patent,1,CNY,,,,,"), actor=None)
    with on_commit():
        record_delete(ref="T1")
    assert seen == [{"edition_ids": [edition.pk], "dates": ["2020-11-13"]},
                    {"edition_ids": [edition.pk], "dates": ["2020-11-13", "2020-11-15"]},
                    {"edition_ids": [edition.pk], "dates": ["2020-11-15"]}]


def test_editions_may_not_overlap(edition: Edition) -> None:
    with pytest.raises(Conflict) as refused:
        edition_create(data=EditionInput(slug="other", name="Other", start_date=date(2020, 11, 19),
                                         end_date=date(2020, 11, 25)))
    assert "start_date" in refused.value.fields
    assert Edition.objects.count() == 1


def test_command_adds_an_edition_and_imports_a_file(tmp_path: Path) -> None:
    out = StringIO()
    call_command("expo", "add-edition", "gba-2019", "--name", "GBA IP Expo 2019", "--start", "2019-11-01",
                 "--end", "2019-11-03", stdout=out)
    with pytest.raises(CommandError, match="overlap"):
        call_command("expo", "add-edition", "again", "--name", "Again", "--start", "2019-11-03",
                     "--end", "2019-11-04")
    path = tmp_path / "records.csv"
    path.write_bytes("\n".join((HEADER, "A,gba-2019,2019-11-02,intended,patent,10,CNY,,,,,",
                                "B,gba-2019,2019-11-09,intended,patent,10,CNY,,,,,")).encode("gbk"))
    call_command("expo", "import-records", str(path), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[1] == "Records: 2 rows, 1 created, 0 updated, 1 refused"
    assert lines[3].startswith("3\tdate\t2019-11-09 is outside gba-2019")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("expo", "import-records", str(tmp_path / "missing.csv"))
