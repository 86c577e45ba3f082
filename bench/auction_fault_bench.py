"""Auction fault benchmark: SIGKILL of the server mid-auction, restart, and the lot still closes
once with every acknowledged bid kept.

    .venv/bin/python bench/auction_fault_bench.py [--bidders 20] [--kill-after 5] [--close-after 40]
    scripts/with-postgres.sh .venv/bin/python bench/auction_fault_bench.py   # single server on PostgreSQL
    .venv/bin/python bench/auction_fault_bench.py --layout cluster             # two app servers

``--layout single`` (the default): the database DATABASE_URL names (a fresh SQLite file in a
temporary directory otherwise), one `ipx serve` (production mode, --workers processes, with its
embedded task worker and schedules: the clock that closes lots). ``--layout cluster``: the
several-servers layout of ``ipx cluster`` (PostgreSQL, Redis, two app servers, a task worker and
the scheduler, each its own process); the bidders are split between the two app servers.

Sets up the session, lot and funded bidders of ``bench/auction_bench.py``, then moves the lot's
close (and its latest close, so no bid extends it) --close-after seconds ahead and schedules
its close task, as an operator's lot would have. The bidders bid continuously (each its own
connection; the lowest accepted bid, one in four with a proxy maximum), each request with a
fresh Idempotency-Key, remembering every acknowledged bid (201: key, sequence numbers). One
acknowledged request in ten is sent again with the same key: the answer must be the first one.
After --kill-after seconds the server's whole process group (gunicorn's master, its workers and,
on one server, the embedded task worker) gets SIGKILL — on the cluster, app server 1's — and is
started again at once. A request that got no answer (connection refused or cut, a timeout, a
5xx) is sent again with the same key and body until it is answered (on the cluster, to the other
app server); the bidders go on until the lot's close. Then the clock must close the lot (the
restarted embedded worker on one server, the worker of the layout on the cluster).

Checks, from the database: every acknowledged request's receipt is stored exactly once with the
sequence numbers its answer gave and each of those bids is stored (else ``lost``); no key has
two receipts and no two receipts share a sequence number (else ``duplicated``); the replay check
(``ipx.auctions.replay.check_lot``, which runs the ledger's check); every deposit but the
winner's released; exactly one closing event (LotEvent to sold or unsold). Prints `NAME VALUE`
lines; `downtime_ms` is from the SIGKILL until the first bid is answered again (on the cluster,
by the other app server), `restart_ms` until the restarted server answers a read of the lot. Every wait is
bounded; everything started is stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from auction_bench import prepare, production_environment, wait_until_up, with_proxy
from auction_layouts import Layout, Single

PROXY_EVERY = 4
RESEND_EVERY = 10  # one acknowledged request in ten is sent again with its key
REQUEST_TIMEOUT = 10.0
ANSWER_SECONDS = 120.0  # how long an unanswered request is retried after the close
CLOSE_WAIT_SECONDS = 180.0


@dataclass
class Ack:
    key: str
    amount: Decimal
    maximum: Decimal | None
    first_seq: int | None
    last_seq: int | None
    replayed: bool
    retried: bool
    at: float  # when the answer came (monotonic)


@dataclass
class Tally:
    acks: list[Ack] = field(default_factory=list)
    refused: int = 0
    unanswered: int = 0  # requests that got no answer at all within the bound
    retried_requests: int = 0
    retried_then_replayed: int = 0  # the first attempt had committed: its answer came on retry
    retried_then_placed: int = 0  # the first attempt had not: the retry placed the bid
    retried_then_refused: int = 0
    resends: int = 0
    resend_mismatches: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    switched: int = 0
    # for each request answered only after a retry: from its first failed attempt to the answer
    retry_waits_ms: list[float] = field(default_factory=list)
    killed_at: float = float("inf")
    first_answer_after_kill: float = float("inf")


async def send(http: Any, urls: list[str], prefer: int, path: str, body: dict[str, str], headers: dict[str, str],
               until: float, tally: Tally) -> tuple[Any, bool, int]:
    """POST until answered by the rules (201/400/409); the answer, whether it took more than
    one attempt, and the server index now preferred. None when never answered by ``until``."""
    attempts = 0
    first_failure: float | None = None
    while time.monotonic() < until:
        attempts += 1
        try:
            answer = await http.post(urls[prefer] + path, json=body, headers=headers)
        except Exception as exc:  # refused, cut or timed out: the bid's fate is unknown
            answer = None
            problem = type(exc).__name__
        else:
            if answer.status_code in (201, 400, 409):
                now = time.monotonic()
                if now > tally.killed_at and first_failure is not None:
                    tally.first_answer_after_kill = min(tally.first_answer_after_kill, now)
                if first_failure is not None:
                    tally.retry_waits_ms.append((time.monotonic() - first_failure) * 1000)
                return answer, attempts > 1, prefer
            problem = f"{answer.status_code}: {answer.text[:120]}"
            tally.server_errors.append(problem)
        if first_failure is None:
            first_failure = time.monotonic()
        if len(urls) > 1:
            prefer = 1 - prefer  # the other app server
            tally.switched += 1
        await asyncio.sleep(0.1 if answer is None else 0.3)
    return None, attempts > 1, prefer


async def bidder(http: Any, urls: list[str], prefer: int, lot_id: int, key: str, close_at: float,
                 tally: Tally) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    path = f"/api/v1/auctions/lots/{lot_id}"
    minimum: Decimal | None = None
    while time.monotonic() < close_at:
        if minimum is None:
            try:
                read = await http.get(urls[prefer] + path, headers=headers)
                if read.status_code != 200:
                    raise RuntimeError(read.status_code)
                minimum = Decimal(str(read.json()["minimum_bid"]))
            except Exception:  # the server is down: try again (the other one on the cluster)
                prefer = (prefer + 1) % len(urls)
                await asyncio.sleep(0.1)
                continue
        maximum = with_proxy(minimum) if random.randrange(PROXY_EVERY) == 0 else None  # load shape only
        body = {"amount": str(minimum), "currency": "CNY"}
        if maximum is not None:
            body["maximum"] = str(maximum)
        bid_headers = {**headers, "Idempotency-Key": uuid.uuid4().hex}
        until = close_at + ANSWER_SECONDS
        answer, retried, prefer = await send(http, urls, prefer, f"{path}/bids", body, bid_headers, until, tally)
        tally.retried_requests += retried
        if answer is None:
            tally.unanswered += 1
            minimum = None
            continue
        if answer.status_code != 201:
            tally.refused += 1
            tally.retried_then_refused += retried
            minimum = None
            continue
        data = answer.json()
        ack = Ack(key=bid_headers["Idempotency-Key"], amount=minimum, maximum=maximum, first_seq=data["first_seq"],
                  last_seq=data["last_seq"], replayed=bool(data["replayed"]), retried=retried,
                  at=time.monotonic())
        tally.acks.append(ack)
        if retried:
            tally.retried_then_replayed += ack.replayed
            tally.retried_then_placed += not ack.replayed
        minimum = Decimal(str(data["lot"]["minimum_bid"]))
        if random.randrange(RESEND_EVERY) == 0:
            again, _retried, prefer = await send(http, urls, prefer, f"{path}/bids", body, bid_headers, until, tally)
            tally.resends += 1
            if again is None or again.status_code != 201 or (again.json()["first_seq"], again.json()["last_seq"]) != (
                    ack.first_seq, ack.last_seq) or not again.json()["replayed"]:
                tally.resend_mismatches.append(f"{ack.key}: first {ack.first_seq}-{ack.last_seq}, again "
                                               f"{None if again is None else (again.status_code, again.text[:200])}")


async def kill_and_restart(servers: Single | Layout, lot_id: int, kill_at: float, close_at: float,
                           figures: dict[str, Any], tally: Tally) -> None:
    await asyncio.sleep(max(0.0, kill_at - time.monotonic()))
    killed = tally.killed_at = time.monotonic()
    await asyncio.to_thread(servers.kill)
    url = await asyncio.to_thread(servers.restart)
    await asyncio.to_thread(wait_until_up, f"{url}/api/v1/auctions/lots/{lot_id}", 180)
    figures["restart_ms"] = (time.monotonic() - killed) * 1000
    figures["bidding_after_restart_s"] = max(0.0, close_at - time.monotonic())


async def run(servers: Single | Layout, lot_id: int, keys: list[str], kill_at: float, close_at: float,
              figures: dict[str, Any]) -> Tally:
    import httpx

    tally = Tally()
    clients = [httpx.AsyncClient(limits=httpx.Limits(max_connections=1), timeout=REQUEST_TIMEOUT) for _key in keys]
    try:
        killer = asyncio.create_task(kill_and_restart(servers, lot_id, kill_at, close_at, figures, tally))
        await asyncio.gather(*(bidder(http, list(servers.urls), n % len(servers.urls), lot_id, key, close_at, tally)
                               for n, (http, key) in enumerate(zip(clients, keys, strict=True))))
        await killer
        return tally
    finally:
        for http in clients:
            await http.aclose()


def move_close(lot_id: int, seconds: float) -> float:
    """The lot closes ``seconds`` from now, at its latest close too (no bid extends it), by the
    clock's task; returns that moment on this process's monotonic clock."""
    from django.db import transaction
    from django.utils import timezone

    from ipx.auctions.models import Lot
    from ipx.auctions.services.control import schedule_close

    with transaction.atomic():
        lot = Lot.objects.select_for_update().get(pk=lot_id)
        lot.closes_at = lot.scheduled_close = lot.hard_end = timezone.now() + timedelta(seconds=seconds)
        lot.save(update_fields=["closes_at", "scheduled_close", "hard_end"])
        schedule_close(lot)
    return time.monotonic() + seconds


def wait_for_close(lot_id: int) -> str:
    from django.db import close_old_connections

    from ipx.auctions.models import Lot

    deadline = time.monotonic() + CLOSE_WAIT_SECONDS
    status = ""
    while time.monotonic() < deadline:
        close_old_connections()
        status = str(Lot.objects.values_list("status", flat=True).get(pk=lot_id))
        if status not in (Lot.Status.OPEN, Lot.Status.SCHEDULED, Lot.Status.PAUSED):
            return status
        time.sleep(0.5)
    return status


def verify(lot_id: int, tally: Tally) -> dict[str, Any]:
    from collections import Counter

    from ipx.auctions.models import Bid, BidReceipt, Deposit, Lot, LotEvent
    from ipx.auctions.replay import check_lot
    from ipx.ledger.selectors import ledger_check

    lot = Lot.objects.get(pk=lot_id)
    receipts = list(BidReceipt.objects.filter(lot=lot))
    by_key = Counter(receipt.key for receipt in receipts)
    receipt_of = {receipt.key: receipt for receipt in receipts}
    bids = {bid.seq: bid for bid in Bid.objects.filter(lot=lot)}
    lost: list[str] = []
    for ack in tally.acks:
        receipt = receipt_of.get(ack.key)
        if receipt is None:
            lost.append(f"{ack.key}: acknowledged #{ack.first_seq}-{ack.last_seq}, no receipt stored")
        elif (receipt.first_seq, receipt.last_seq) != (ack.first_seq, ack.last_seq) or receipt.amount != ack.amount:
            lost.append(f"{ack.key}: acknowledged #{ack.first_seq}-{ack.last_seq} {ack.amount}, stored "
                        f"#{receipt.first_seq}-{receipt.last_seq} {receipt.amount}")
        elif ack.first_seq is not None and ack.last_seq is not None:
            absent = [seq for seq in range(ack.first_seq, ack.last_seq + 1) if seq not in bids]
            if absent:
                lost.append(f"{ack.key}: bids {absent} not stored")
    duplicated = [f"key {key} has {count} receipts" for key, count in by_key.items() if count > 1]
    covered: Counter[int] = Counter()
    for receipt in receipts:
        if receipt.first_seq is not None and receipt.last_seq is not None:
            covered.update(range(receipt.first_seq, receipt.last_seq + 1))
    duplicated += [f"bid #{seq} is claimed by {count} receipts" for seq, count in covered.items() if count > 1]
    acked_keys = {ack.key for ack in tally.acks}
    problems = check_lot(lot_id)
    ledger = ledger_check()
    deposits = Counter(str(status) for status in Deposit.objects.filter(lot=lot).values_list("status", flat=True))
    losers_held = Deposit.objects.filter(lot=lot, status=Deposit.Status.HELD).exclude(
        registration_id=lot.leader_id if lot.status == Lot.Status.SOLD else None).count()
    closes = LotEvent.objects.filter(lot=lot, to_status__in=[Lot.Status.SOLD, Lot.Status.UNSOLD])
    figures: dict[str, Any] = {
        "lot_status": lot.status, "bids_stored": len(bids), "receipts_stored": len(receipts),
        "stored_unacknowledged": sum(1 for key in by_key if key not in acked_keys),
        "lost": len(lost), "duplicated": len(duplicated), "replay_problems": len(problems),
        "ledger_ok": int(not ledger.problems),
        # the winner's is held at the close and applied to the price by the settlement that follows
        **{f"deposits_{status}": deposits.get(status, 0) for status in Deposit.Status.values},
        "deposits_held_by_losers": losers_held,
        "close_events": closes.count(),
        "close_late_ms": ((lot.closed_at - lot.closes_at).total_seconds() * 1000) if lot.closed_at else -1.0,
    }
    for line in lost[:10]:
        print(f"lost_detail {line}")
    for line in duplicated[:10]:
        print(f"duplicated_detail {line}")
    for problem in problems[:10]:
        print(f"replay_problem {problem}")
    for event in closes:
        print(f"close_event #{event.pk} {event.from_status}->{event.to_status} at {event.created_at.isoformat()} "
              f"{event.params}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layout", choices=("single", "cluster"), default="single")
    parser.add_argument("--bidders", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="server worker processes (single layout)")
    parser.add_argument("--kill-after", type=float, default=5, help="seconds of bidding before the SIGKILL")
    parser.add_argument("--close-after", type=float, default=40, help="seconds of bidding before the lot's close")
    options = parser.parse_args()
    var_dir = production_environment("ipx-auction-fault-")
    servers: Single | Layout
    if options.layout == "cluster":
        servers = Layout()
    else:
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{var_dir / 'bench.sqlite3'}")
        servers = Single(options.workers)
    try:
        if isinstance(servers, Layout):
            servers.start_infrastructure()
        lot_id, keys = prepare(options.bidders)
        from django.db import connections

        connections.close_all()
        servers.start()
        for url in servers.urls:
            wait_until_up(f"{url}/api/v1/openapi.json", 180)
        database = "postgresql" if "postgres" in os.environ["DATABASE_URL"] else "sqlite"
        print(f"layout {options.layout}\ndatabase {database}\nredis {int(bool(os.environ.get('REDIS_URL')))}\n"
              f"app_servers {len(servers.urls)}\nbidders {options.bidders}\nkill_after_s {options.kill_after}\n"
              f"close_after_s {options.close_after}", flush=True)
        close_at = move_close(lot_id, options.close_after)
        started = close_at - options.close_after  # the kill and the close count from one moment
        connections.close_all()
        figures: dict[str, Any] = {}
        tally = asyncio.run(run(servers, lot_id, keys, started + options.kill_after, close_at, figures))
        bidding_s = time.monotonic() - started
        status = wait_for_close(lot_id)
        figures.update({"bidding_s": bidding_s, "close_status_seen": status})
        counted = {"acknowledged_requests": len(tally.acks),
                   "acknowledged_after_kill": sum(1 for a in tally.acks if a.at > tally.killed_at),
                   "acknowledged_bids": sum((a.last_seq or 0) - (a.first_seq or 1) + 1 for a in tally.acks
                                            if a.first_seq is not None),
                   "refused": tally.refused, "unanswered": tally.unanswered,
                   "retried_requests": tally.retried_requests, "retried_then_replayed": tally.retried_then_replayed,
                   "retried_then_placed": tally.retried_then_placed, "retried_then_refused": tally.retried_then_refused,
                   "server_switches": tally.switched, "resends": tally.resends,
                   "resend_mismatches": len(tally.resend_mismatches), "server_errors": len(tally.server_errors),
                   "retry_wait_max_ms": max(tally.retry_waits_ms, default=0.0),
                   # from the SIGKILL to the first bid answered again (a retried one; on the
                   # cluster, by the other app server)
                   "downtime_ms": (tally.first_answer_after_kill - tally.killed_at) * 1000
                   if tally.first_answer_after_kill < float("inf") else -1.0}
        figures.update(counted)
        figures.update(verify(lot_id, tally))
        for name, value in figures.items():
            print(f"{name} {value:.1f}" if isinstance(value, float) else f"{name} {value}")
        for line in tally.resend_mismatches[:10]:
            print(f"resend_mismatch {line}")
        for line in sorted(set(tally.server_errors))[:10]:
            print(f"server_error {line}")
    finally:
        servers.stop()
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
