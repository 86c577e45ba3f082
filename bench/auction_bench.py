"""Auction load benchmark: 200 bidders bidding on one open lot over HTTP, then the lot's replay check.

    .venv/bin/python bench/auction_bench.py [--duration 20] [--bidders 200] [--workers 2]
    scripts/with-postgres.sh .venv/bin/python bench/auction_bench.py   # on PostgreSQL

Sets up, in the database DATABASE_URL names (a fresh SQLite file in a temporary directory
otherwise; migrated first), one live session with one open lot that takes a deposit, and
--bidders verified organisations admitted to the session and funded, each with an API token.
Starts the production server (`ipx serve`, ASGI, on 127.0.0.1) and runs the bidders at once
(asyncio, a keep-alive connection each: ``lean_http`` by default, httpx with --client httpx)
for --duration seconds. Each bidder knows only its last answer: it bids the
minimum that answer gave (`lot.minimum_bid`), with a fresh Idempotency-Key per bid and, one bid
in four, a proxy maximum a few steps above. A refusal by the rules (400) carries the lot's
minimum at that moment, which it bids next; after a 409 (it leads, say) it reads the lot again.

By default each bidder sends its next bid as soon as the last is answered (a closed loop: the
server's whole capacity is measured, and with 200 bids always in flight the mean latency is
200 ÷ the bids answered per second). With --rate R the 200 bidders together offer R bids a
second, each on a fixed schedule (an open loop, as a crowd of people bidding is): a bid's
latency is then counted from the moment it was due, not from when it was sent, so a server
that falls behind is charged for the queue it builds. --warmup S bids for S seconds first and
counts only the bids due after them (the first seconds, when the server has just started and
all the bidders connect and read the lot at once, are slow).

Prints `NAME VALUE` lines: handled bids/s (accepted 201 and refused 400/409 — the answers the
rules give; anything else, a 5xx or a connection error, is an error and is printed), accepted/s,
the bid requests' latency percentiles in ms, errors, and the cores the server and this load
generator kept busy (CPU seconds per second: both share the machine); then runs the replay check on the lot
(``ipx.auctions.replay.check_lot``) and prints `replay_problems N` and the problems. Every loop
is bounded by --duration; the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
SECRET = "bench-only-secret-key-" + "x" * 40
PROXY_EVERY = 4  # one bid in four carries a proxy maximum
PROXY_STEPS = 3  # that many steps above the amount
ERRORS_PRINTED = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare(bidders: int) -> tuple[int, list[str]]:
    """The session, the open lot and the bidders' tokens: (lot id, token keys)."""
    import logging

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    logging.disable(logging.INFO)
    call_command("migrate", verbosity=0)

    from ipx.accounts.models import ApiToken
    from ipx.accounts.tokens import TokenInput, api_token_create
    from ipx.auctions.inputs import LotValues, SessionValues
    from ipx.auctions.models import Lot
    from ipx.auctions.services import control, registration, setup
    from ipx.testing.factories import MembershipFactory, UserFactory
    from ipx.testing.scenes import deposit, published_listing

    now = timezone.now()
    operator = UserFactory.create(email="auction-bench-operator@example.com", is_staff=True)
    seller = MembershipFactory.create(user=UserFactory.create(email="auction-bench-seller@example.com"))
    listing = published_listing(seller.organisation, seller.user, operator)
    session = setup.session_create(operator=operator, values=SessionValues(
        title="Auction benchmark", starts_at=now - timedelta(hours=1)))
    lot = setup.lot_add(operator=operator, session_id=session.pk, values=LotValues(
        listing_id=listing.pk, offer_kind="transfer", starting_price="100000", deposit="20000",
        opens_at=now + timedelta(minutes=1), closes_at=now + timedelta(hours=2), hard_end=now + timedelta(hours=3),
        reserve_price="150000", soft_close_minutes=5))
    setup.session_announce(operator=operator, session_id=session.pk)
    keys = []
    for number in range(bidders):
        member = MembershipFactory.create(user=UserFactory.create(email=f"auction-bench-{number}@example.com"))
        applied = registration.registration_apply(actor=member.user, session_id=session.pk,
                                                  organisation_id=member.organisation.pk)
        registration.registration_admit(operator=operator, registration_id=applied.pk)
        deposit(member.organisation, "100000")
        # A bid holds a deposit: the API asks for the token's money scope.
        keys.append(api_token_create(user=member.user, token=TokenInput(
            name="auction bench", scopes=(ApiToken.Scope.READ.value, ApiToken.Scope.MONEY.value)))[1])
    Lot.objects.filter(pk=lot.pk).update(opens_at=timezone.now() - timedelta(seconds=1))
    if control.lot_open_due(lot_id=lot.pk) != Lot.Status.OPEN:
        raise SystemExit("the lot did not open")
    if connection.vendor == "postgresql" and not os.environ.get("AUCTION_BENCH_NO_ANALYZE"):
        # The planner's statistics, which autovacuum gathers within its first minute on a
        # running database; the tables were filled a moment ago.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return lot.pk, keys


def wait_until_up(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback URL we built
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server did not come up at {url}")


@dataclass
class Tally:
    accepted: int = 0
    refused: int = 0
    conflicts: int = 0  # of the refused, those answered 409 (e.g. a bare bid by the leader)
    reads: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def with_proxy(amount: Decimal) -> Decimal:
    from ipx.auctions.rules import DEFAULT_INCREMENTS  # the lot's table (lot_add's default)

    maximum = amount
    for _step in range(PROXY_STEPS):
        maximum = DEFAULT_INCREMENTS.next_step(maximum)
    return maximum


class HttpxBidderClient:
    """httpx behind the lean client's three calls (``--client httpx``, the earlier generator)."""

    def __init__(self, base: str) -> None:
        import httpx

        self.base = base
        # A client (one keep-alive connection) per bidder: httpx's shared pool costs the load
        # generator CPU for every request in proportion to its connections.
        self.http = httpx.AsyncClient(limits=httpx.Limits(max_connections=1), timeout=30)

    async def get(self, path: str, headers: dict[str, str]) -> Any:
        return await self.http.get(self.base + path, headers=headers)

    async def post_json(self, path: str, payload: object, headers: dict[str, str]) -> Any:
        return await self.http.post(self.base + path, json=payload, headers=headers)

    async def aclose(self) -> None:
        await self.http.aclose()


async def bidder(http: Any, lot_id: int, key: str, until: float, counted: Tally, every: float | None,
                 counted_from: float) -> None:
    # Bids due before ``counted_from`` (the warm-up) are tallied apart; errors count whenever they happen.
    warming = Tally(errors=counted.errors)
    tally = warming
    headers = {"Authorization": f"Bearer {key}"}
    lot_path = f"/api/v1/auctions/lots/{lot_id}"
    minimum: Decimal | None = None
    due = time.monotonic() + random.uniform(0, every or 0)  # bidders spread over one interval
    while time.monotonic() < until:
        try:
            if minimum is None:
                tally.reads += 1
                read = await http.get(lot_path, headers=headers)
                if read.status_code != 200:
                    tally.errors.append(f"GET {read.status_code}: {read.text[:200]}")
                    continue
                minimum = Decimal(str(read.json()["minimum_bid"]))
            body: dict[str, str] = {"amount": str(minimum), "currency": "CNY"}
            if random.randrange(PROXY_EVERY) == 0:  # the load's shape, not a secret
                body["maximum"] = str(with_proxy(minimum))
            if every:
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                started, due = due, due + every
            else:
                started = time.monotonic()
            tally = counted if started >= counted_from else warming
            answer = await http.post_json(f"{lot_path}/bids", body,
                                          headers={**headers, "Idempotency-Key": uuid.uuid4().hex})
            tally.latencies_ms.append((time.monotonic() - started) * 1000)
            if answer.status_code == 201:
                tally.accepted += 1
                minimum = Decimal(str(answer.json()["lot"]["minimum_bid"]))
            elif answer.status_code in (400, 409):
                tally.refused += 1
                tally.conflicts += answer.status_code == 409
                # A refusal by the rules carries the lot's minimum at that moment; a 409 (e.g.
                # the bidder leads) sends it to read the lot, as does any other refusal.
                refused_lot = answer.json().get("lot") if answer.status_code == 400 else None
                minimum = Decimal(str(refused_lot["minimum_bid"])) if refused_lot else None
            else:
                tally.errors.append(f"POST {answer.status_code}: {answer.text[:200]}")
                minimum = None
        except Exception as exc:  # a failed request is a result, not the end of the benchmark
            tally.errors.append(f"{type(exc).__name__}: {exc}")
            minimum = None


async def run(port: int, lot_id: int, keys: list[str], duration: float, client: str,
              rate: float | None, warmup: float) -> tuple[Tally, float, list[int]]:
    from lean_http import LeanClient
    from server_connections import connections_per_process

    tally = Tally()
    clients = [LeanClient("127.0.0.1", port) if client == "lean" else HttpxBidderClient(f"http://127.0.0.1:{port}")
               for _key in keys]
    try:
        counted_from = time.monotonic() + warmup
        until = counted_from + duration
        every = len(keys) / rate if rate else None
        split: list[int] = []

        async def count_connections() -> None:
            await asyncio.sleep(warmup + duration / 2)
            split.extend(await asyncio.to_thread(connections_per_process, port))

        await asyncio.gather(count_connections(), *(bidder(http, lot_id, key, until, tally, every, counted_from)
                                                    for http, key in zip(clients, keys, strict=True)))
        return tally, time.monotonic() - counted_from, split
    finally:
        for http in clients:
            await http.aclose()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def group_cpu_seconds(group: int) -> float:
    """User and system CPU seconds of the live processes of a process group (the server's)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[2]) == group:  # fields after the name: state, ppid, pgrp, …, utime (12), stime (13)
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def production_environment(prefix: str) -> Path:
    """A fresh var/ folder, and the production settings the set-up and the server run with
    (loopback only, no mail sent, quiet logs); returns the folder."""
    var_dir = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ.update({"IPX_ENV": "production", "SECRET_KEY": SECRET, "ALLOWED_HOSTS": "127.0.0.1",
                       "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
                       "SECURE_SSL_REDIRECT": "false", "LOG_LEVEL": "ERROR", "IPX_VAR_DIR": str(var_dir),
                       "DJANGO_SETTINGS_MODULE": "ipx.settings"})
    return var_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--bidders", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--client", choices=("lean", "httpx"), default="lean",
                        help="the bidders' HTTP client: lean_http (default) or httpx (the earlier, heavier one)")
    parser.add_argument("--rate", type=float, default=None,
                        help="bids a second the bidders offer together, each on a schedule (default: as fast "
                             "as answered)")
    parser.add_argument("--warmup", type=float, default=0,
                        help="seconds of bidding before the counted --duration (the server's first seconds)")
    options = parser.parse_args()
    var_dir = production_environment("ipx-auction-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{var_dir / 'bench.sqlite3'}")
    database = "postgresql" if "postgres" in os.environ["DATABASE_URL"] else "sqlite"
    server: subprocess.Popen[bytes] | None = None
    try:
        lot_id, keys = prepare(options.bidders)
        from django.db import connections

        connections.close_all()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "ipx"), "serve", "--bind", f"127.0.0.1:{port}",
             "--workers", str(options.workers), "--no-worker"],
            env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        wait_until_up(f"{base}/api/v1/auctions/lots/{lot_id}")
        print(f"database {database}\nbidders {options.bidders}\nserver_workers {options.workers}\n"
              f"client {options.client}\noffered_per_s {options.rate or 'as fast as answered'}\n"
              f"warmup_s {options.warmup}", flush=True)
        server_cpu, client_cpu, wall = group_cpu_seconds(server.pid), time.process_time(), time.monotonic()
        tally, elapsed, split = asyncio.run(run(port, lot_id, keys, options.duration, options.client, options.rate,
                                         options.warmup))
        server_cpu, client_cpu = group_cpu_seconds(server.pid) - server_cpu, time.process_time() - client_cpu
        wall = time.monotonic() - wall  # the warm-up included: the CPU figures cover it too
        handled = tally.accepted + tally.refused
        figures = {"seconds": elapsed, "bids_handled": handled, "bids_accepted": tally.accepted,
                   "bids_refused": tally.refused, "refused_409": tally.conflicts, "lot_reads": tally.reads,
                   "handled_per_s": handled / elapsed, "accepted_per_s": tally.accepted / elapsed,
                   "p50_ms": percentile(tally.latencies_ms, 50), "p95_ms": percentile(tally.latencies_ms, 95),
                   "p99_ms": percentile(tally.latencies_ms, 99), "errors": len(tally.errors),
                   # CPU seconds per second of the run: 1.0 is one core busy.
                   "server_cores_busy": server_cpu / wall, "load_generator_cores_busy": client_cpu / wall,
                   # How the bidders' connections were spread over the server's processes (busiest first).
                   "connections_per_worker": "/".join(map(str, split))}
        for name, value in figures.items():
            print(f"{name} {value:.1f}" if isinstance(value, float) else f"{name} {value}")
        for error in sorted(set(tally.errors))[:ERRORS_PRINTED]:
            print(f"error {error}")
        sys.stdout.flush()
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    try:
        from ipx.auctions.replay import check_lot

        problems = check_lot(lot_id)
        print(f"replay_problems {len(problems)}")
        for problem in problems:
            print(f"replay_problem {problem}")
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
