"""Ledger benchmark: deposit + escrow hold + release (with fee) cycles, and release latency.

    .venv/bin/python bench/ledger_bench.py [--seconds 3] [--threads 1] [--organisations 20]
    scripts/with-postgres.sh .venv/bin/python bench/ledger_bench.py --threads 4

Runs on the database DATABASE_URL names (e.g. the throw-away server of
scripts/with-postgres.sh), migrated first; without DATABASE_URL, on a fresh SQLite file in
a temporary directory, never the var/ database: ledger rows cannot be deleted, so the
benchmark refuses a database that already holds ledger transactions unless --allow-existing.

Each cycle is three ledger transactions through the services, as a deal makes them: a
deposit through the payment provider (the simulated one), a hold of that money in an escrow
of its own, and its release to another organisation less a 2 % fee (seven postings in all).
With --threads N, N threads run cycles at once, each on its own connection and its own
organisations; they share only the platform's accounts. Prints `NAME VALUE` lines:
transactions and postings per second, and p50/p95 of a release in milliseconds. Every loop
is bounded by --seconds; the consistency check runs at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTINGS_PER_CYCLE = 7  # deposit 2, hold 2, release 3 (with a fee)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0, help="How long to run cycles (default 3).")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--organisations", type=int, default=20, help="Organisations per thread.")
    parser.add_argument("--allow-existing", action="store_true",
                        help="Run on a database that already has ledger transactions (adds permanent rows).")
    args = parser.parse_args()

    workdir = None if os.environ.get("DATABASE_URL") else Path(tempfile.mkdtemp(prefix="ipx-ledger-bench-"))
    _prepare_environment(workdir)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from ipx.accounts.models import Membership, Organisation, User
    from ipx.core.money import Money
    from ipx.ledger import selectors, services
    from ipx.ledger.models import LedgerTransaction

    try:
        call_command("migrate", verbosity=0)
        if LedgerTransaction.objects.exists() and not args.allow_existing:
            raise SystemExit("this database already has ledger transactions; use a fresh one or --allow-existing")
        stamp = int(time.time())
        groups: list[list[tuple[Organisation, User]]] = []
        for t in range(args.threads):
            group = []
            for n in range(args.organisations):
                organisation = Organisation.objects.create(
                    name=f"深圳基准测试科技有限公司 {stamp}-{t}-{n}", kind=Organisation.Kind.ENTERPRISE,
                    region_kind="mainland", province="44", city="深圳", status=Organisation.Status.VERIFIED)
                user = User.objects.create_user(email=f"ledger-bench-{stamp}-{t}-{n}@example.com", password=None,
                                                full_name="Bench")
                Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.ADMIN)
                group.append((organisation, user))
            groups.append(group)
        connections.close_all()

        cycles = [0] * args.threads
        latencies: list[list[float]] = [[] for _ in range(args.threads)]
        errors: list[BaseException] = []
        fee_rate = Decimal("0.02")
        barrier = threading.Barrier(args.threads)

        def worker(t: int) -> None:
            group = groups[t]
            try:
                barrier.wait()
                deadline = time.perf_counter() + args.seconds
                i = 0
                while time.perf_counter() < deadline:
                    (payer, user), (payee, _user) = group[i % len(group)], group[(i + 1) % len(group)]
                    amount = Decimal(1000 + i % 997).quantize(Decimal("0.01"))
                    services.deposit_create(organisation_id=payer.pk, actor=user, amount=amount, currency="CNY")
                    reference = f"bench:{stamp}:{t}:{i}"
                    money = Money(amount, "CNY")
                    services.escrow_hold(payer=payer, money=money, reference=reference, actor=user)
                    started = time.perf_counter()
                    services.escrow_release(payer=payer, payee=payee, money=money, reference=reference,
                                            fee=(amount * fee_rate).quantize(Decimal("0.01")))
                    latencies[t].append((time.perf_counter() - started) * 1000)
                    i += 1
                    cycles[t] = i
            except BaseException as exc:
                errors.append(exc)
            finally:
                connections.close_all()

        started = time.perf_counter()
        threads = [threading.Thread(target=worker, args=(t,)) for t in range(args.threads)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        if errors:
            raise errors[0]

        total = sum(cycles)
        releases = [ms for per_thread in latencies for ms in per_thread]
        print(f"database {connection.vendor}")
        print(f"threads {args.threads}")
        print(f"seconds {elapsed:.2f}")
        print(f"cycles {total}")
        print(f"cycles_per_second {total / elapsed:.1f}")
        print(f"transactions_per_second {3 * total / elapsed:.1f}")
        print(f"postings_per_second {POSTINGS_PER_CYCLE * total / elapsed:.1f}")
        print(f"release_p50_ms {statistics.median(releases):.2f}")
        print(f"release_p95_ms {percentile(releases, 0.95):.2f}")
        checked = time.perf_counter()
        report = selectors.ledger_check()
        print(f"ledger_check_ms {(time.perf_counter() - checked) * 1000:.1f}")
        print(f"ledger_check_transactions {report.transactions}")
        print(f"ledger_ok {report.ok}")
        for problem in report.problems[:5]:
            print(f"ledger_problem {problem}")
    finally:
        connections.close_all()
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
