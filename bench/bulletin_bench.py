"""Statistics bulletin benchmark: the bulletin over millions of expo records, from the rollups.

    .venv/bin/python bench/bulletin_bench.py [--records 5000000] [--editions 10] [--runs 30]
    scripts/with-postgres.sh .venv/bin/python bench/bulletin_bench.py

Runs on the database DATABASE_URL names (migrated first), else on a fresh SQLite file in a
temporary directory, never the var/ database; it refuses a database that already holds expo
records. Loads ``--records`` records spread over ``--editions`` yearly seven-day editions
(every kind, every IP type, a fifth of them in HKD, MOP or USD at their own rates, auction
lots sold and unsold), written in bulk as an import would leave them, then:

- builds every day's rollups as the queue does after an import (``rollups.rebuild``);
- times the bulletin of the last edition (with its growth over the one before) and of a span
  covering every edition, ``--runs`` times each: p50 / p95 / max in milliseconds;
- changes one record through the service and times the queue's refresh of its day;
- runs ``ipx report verify``'s recomputation from the raw records, for comparison.

Prints ``NAME VALUE`` lines.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = (("transaction", 45), ("intended", 5), ("gi_sale", 25), ("auction_lot", 20), ("pledge", 5))
TYPES = ("patent", "trademark", "copyright", "gi", "data")
RATES = {"CNY": Decimal(1), "HKD": Decimal("0.8472"), "MOP": Decimal("0.8231"), "USD": Decimal("6.5432")}
CHUNK = 20_000
PAYLOADS = 9_973  # prime, so payloads and days do not repeat together


def _prepare_environment(workdir: Path | None) -> None:
    if workdir is not None:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
        os.environ["IPX_VAR_DIR"] = str(workdir)
    os.environ.setdefault("IPX_TASKS_IMMEDIATE", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipx.settings")
    sys.path.insert(0, str(ROOT / "src"))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _payload(rng: random.Random) -> tuple[str | int | bool | None, ...]:
    """One record's kind, type, money and items (the columns after its ref, edition and day)."""
    kind = rng.choices([k for k, _w in KINDS], [w for _k, w in KINDS])[0]
    ip_type = "" if kind == "pledge" else rng.choice(TYPES)
    currency = "CNY" if rng.random() < 0.8 else rng.choice(("HKD", "MOP", "USD"))
    rate = RATES[currency]
    amount = Decimal(rng.randrange(10_000, 50_000_000)) / 100
    start = sold = None
    if kind == "auction_lot":
        start = (amount / Decimal("1.2")).quantize(Decimal("0.01"))
        sold = rng.random() < 0.9
        if not sold:
            amount = Decimal("0.00")
    cny = (amount * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return (kind, ip_type, str(amount), currency, str(rate), str(cny), rng.randrange(1, 5),
            None if start is None else str(start), sold, "bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=5_000_000)
    parser.add_argument("--editions", type=int, default=10)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    workdir = None if os.environ.get("DATABASE_URL") else Path(tempfile.mkdtemp(prefix="ipx-bulletin-bench-"))
    _prepare_environment(workdir)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from ipx.expo.inputs import EditionInput, parse_record
    from ipx.expo.models import ExpoRecord
    from ipx.expo.services.editions import edition_create
    from ipx.expo.services.records import record_save
    from ipx.reports import rollups
    from ipx.reports.compute import edition_bulletin, range_bulletin

    call_command("migrate", verbosity=0)
    if ExpoRecord.objects.exists():
        raise SystemExit("this database already holds expo records; use a fresh one")
    rng = random.Random(15)
    first_year = 2026 - args.editions
    editions = [edition_create(data=EditionInput(slug=f"bench-{year}", name=f"Bench expo {year}",
                                                 start_date=date(year, 11, 13), end_date=date(year, 11, 19)))
                for year in range(first_year, 2026)]

    table = ExpoRecord._meta.db_table
    columns = ("ref", "edition_id", "date", "kind", "ip_type", "amount", "currency", "fx_rate_to_cny", "amount_cny",
               "items", "start_price", "sold", "evidence", "updated_at")
    # Names from the model, values as parameters; raw rows load several times faster than models.
    insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    now = timezone.now()
    started = time.perf_counter()
    per_edition = args.records // len(editions)
    number = 0
    # Records cycle through a pool of drawn payloads: drawing five million would cost more
    # than writing them, and the rollups' work does not depend on the amounts being distinct.
    payloads = [_payload(rng) for _n in range(PAYLOADS)]
    for index, edition in enumerate(editions):
        days = [(edition.start_date + timedelta(days=n)).isoformat() for n in range(7)]
        count = per_edition if index < len(editions) - 1 else args.records - per_edition * (len(editions) - 1)
        for chunk_start in range(0, count, CHUNK):
            rows = [(f"bench-{number + n:08d}", edition.pk, days[(number + n) % 7], *payloads[(number + n) % PAYLOADS],
                     now) for n in range(min(CHUNK, count - chunk_start))]
            number += len(rows)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(insert, rows)
    print(f"database {connection.vendor}")
    print(f"records {number}")
    print(f"load_seconds {time.perf_counter() - started:.1f}")

    started = time.perf_counter()
    rebuilt = rollups.rebuild()
    print(f"rollup_days {rebuilt}")
    print(f"rollup_build_seconds {time.perf_counter() - started:.1f}")

    last = editions[-1]
    for name, make in (("edition", lambda: edition_bulletin(last.slug)),
                       ("all_editions", lambda: range_bulletin(editions[0].start_date, last.end_date))):
        make()  # a first read fills the connection and caches, as a served page's would be
        times = []
        for _run in range(args.runs):
            started = time.perf_counter()
            bulletin = make()
            times.append((time.perf_counter() - started) * 1000)
        assert bulletin.figures.transactions.total_amount > 0
        print(f"bulletin_{name}_p50_ms {percentile(times, 0.5):.1f}")
        print(f"bulletin_{name}_p95_ms {percentile(times, 0.95):.1f}")
        print(f"bulletin_{name}_max_ms {max(times):.1f}")

    # One record changed through the service: its day's rollups are recomputed on commit.
    record = ExpoRecord.objects.filter(edition=last, kind="transaction").order_by("id").first()
    assert record is not None
    cells = {"ref": record.ref, "edition": last.slug, "date": record.date.isoformat(), "kind": "transaction",
             "ip_type": record.ip_type, "amount": "1234.56", "currency": "CNY", "items": "1"}
    started = time.perf_counter()
    with transaction.atomic():
        record_save(record=parse_record(cells), actor=None)
    print(f"change_and_refresh_day_ms {(time.perf_counter() - started) * 1000:.0f}")

    started = time.perf_counter()
    found = rollups.differences()
    print(f"verify_seconds {time.perf_counter() - started:.1f}")
    print(f"verify_differences {len(found)}")


if __name__ == "__main__":
    main()
