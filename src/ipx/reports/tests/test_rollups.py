"""Rollups follow the records through changes, deletions and re-imports (on commit, on the
queue), and ``ipx report verify`` finds any difference from a recomputation."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ipx.expo.inputs import parse_record
from ipx.expo.services.records import import_records, record_delete, record_save
from ipx.reports import rollups
from ipx.reports.compute import edition_bulletin
from ipx.reports.models import RecordRollup
from ipx.testing.expo_bulletin import E2020, Records, published_expo, records_2020

pytestmark = pytest.mark.django_db


def test_rollups_follow_changes_deletions_and_reimports(on_commit: Callable[[], Any]) -> None:
    with on_commit():
        published_expo()
    first = records_2020().rows[0]
    lot = next(row for row in records_2020().rows if row["kind"] == "auction_lot")

    # Changed: a transaction moves to another day and type; the top patent lot is unsold now.
    with on_commit():
        record_save(record=parse_record({**first, "date": "2020-11-19", "ip_type": "copyright", "items": "7"}),
                    actor=None)
        record_save(record=parse_record({**lot, "amount": "0", "sold": "0"}), actor=None)
    assert rollups.differences() == []
    figures = edition_bulletin(E2020).figures
    assert figures.transactions.copyright_items == 2323 + 7
    assert figures.auctions.lots_sold == 25 and figures.auctions.lots_offered == 26
    assert figures.auctions.by_type["patent"].max_premium_rate == Decimal("0.1000")

    # Deleted, then imported again: back where it started.
    with on_commit():
        record_delete(ref=first["ref"])
        record_delete(ref=lot["ref"])
    assert rollups.differences() == []
    assert edition_bulletin(E2020).figures.auctions.lots_offered == 25
    again = Records(E2020, date(2020, 11, 13), 7)
    again.rows = [first, lot]
    with on_commit():
        report = import_records(again.csv(), actor=None)
    assert report.created == 2 and report.errors == []
    assert rollups.differences() == []
    data = edition_bulletin(E2020).figures
    assert data.transactions.total_amount == Decimal("1867000000.00")
    assert data.auctions.by_type["patent"].max_premium_rate == Decimal("0.3000")


def test_verify_reports_a_tampered_rollup_and_repairs_it(on_commit: Callable[[], Any]) -> None:
    with on_commit():
        published_expo()
    row = RecordRollup.objects.filter(kind="gi_sale").order_by("day").first()
    assert row is not None
    RecordRollup.objects.filter(pk=row.pk).update(amount_fen=row.amount_fen + 100)
    RecordRollup.objects.create(day=date(2020, 11, 20), kind="pledge", ip_type="", records=1, items=1,
                                amount_fen=500)

    out = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("report", "verify", stdout=out)
    assert exited.value.code == 1
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"{row.day} gi_sale gi: rollup") and len(lines) == 2
    assert lines[1].startswith("2020-11-20 pledge -: rollup")

    call_command("report", "verify", "--repair", stdout=StringIO())
    out = StringIO()
    call_command("report", "verify", stdout=out)
    assert out.getvalue().strip() == "rollups agree with the records"


def test_bulletin_command(on_commit: Callable[[], Any], tmp_path: Any, capsysbinary: Any) -> None:
    with on_commit():
        published_expo()
    target = tmp_path / "b.json"
    call_command("report", "bulletin", "--edition", E2020, "--output", str(target), stdout=StringIO())
    assert json.loads(target.read_text())["gi_sales"] == {"amount": "1110000000.00", "items": 90}

    call_command("report", "bulletin", "--since", "2020-11-13", "--until", "2020-11-19", "--format", "csv")
    lines = capsysbinary.readouterr().out.decode().splitlines()
    assert lines[0] == "key,value" and "transactions.total_amount,1867000000.00" in lines
    # The same days a year earlier hold the 2019 edition: the same growth as the edition's.
    assert "yoy.transactions.patent_trademark_amount,0.1597" in lines

    for argv, message in ((["--edition", "nope"], "No expo edition is called “nope”."),
                          (["--since", "2020-13-01", "--until", "2020-11-19"], "--since: “2020-13-01” is not a date"),
                          (["--since", "2020-11-19", "--until", "2020-11-13"], "--until: the last day comes before"),
                          (["--edition", E2020, "--since", "2020-11-13"], "not both")):
        with pytest.raises(CommandError, match=message):
            call_command("report", "bulletin", *argv)
