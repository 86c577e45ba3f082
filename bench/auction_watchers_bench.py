"""Live hall benchmark: 500 watchers of one lot (server-sent events, ``/live/lot-<id>/``) while a
few bidders bid over the API at a steady pace; how long each price update takes to reach each
watcher.

    .venv/bin/python bench/auction_watchers_bench.py [--watchers 500] [--rate 5] [--duration 20]
    scripts/with-postgres.sh .venv/bin/python bench/auction_watchers_bench.py   # on PostgreSQL

Sets up, in the database DATABASE_URL names (a fresh SQLite file in a temporary directory
otherwise), the session and open lot of ``bench/auction_bench.py`` with --bidders funded
bidders, and --watchers signed-in members who only watch (each its own session cookie, so each
stream is rendered for its own viewer as in a browser). Starts the production server
(`ipx serve`, gunicorn with uvicorn workers, --workers processes), opens every stream (httpx,
one asyncio process, in batches like pages being opened), then the bidders take turns placing
the lowest accepted bid, --rate bids per second in all, for --duration seconds.

A price update is one accepted bid (201; no proxy maxima, so each places exactly one bid and
one ``bids`` event on the stream). It has arrived at a watcher when the watcher's stream
delivers the bid's history row (``<tr id="bid-<seq>">``; the ``state`` swap, with the new
price, comes in the same write). Latency is measured from the bid's acknowledgement (the 201
reaching the bidder, this process's clock; an update may reach a watcher before its own
bidder's answer: those count as 0 ms) and, second, from the bid's own timestamp in the row
(``<time datetime>``, the server's time when the rules accepted it, before its commit).

Prints `NAME VALUE` lines: watchers connected, updates sent, deliveries expected / received /
missing / duplicated, p50/p95/p99/max delivery ms from the acknowledgement, the same from the
bid's timestamp, the share within 1 s, and whether the goal (every watcher receives every
update, p99 within 1 s) is met. Raises the open-files limit (RLIMIT_NOFILE) to its hard limit
when it is lower than the streams need. Every wait is bounded; the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import resource
import shutil
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from auction_bench import ROOT, free_port, percentile, prepare, production_environment, wait_until_up

BID_ROW = re.compile(r'<tr id="bid-(\d+)">.*?<time datetime="([^"]+)"')
GOAL_MS = 1000.0
GRACE_SECONDS = 15.0  # after the last bid, how long the watchers may take to receive it


def raise_open_files(needed: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed and (hard == resource.RLIM_INFINITY or hard > soft):
        soft = needed if hard == resource.RLIM_INFINITY else min(hard, max(needed, soft))
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return soft


def watcher_sessions(count: int) -> list[str]:
    """Members who only watch: one signed-in session (cookie value) each."""
    from django.test import Client

    from ipx.accounts.models import User

    User.objects.bulk_create([User(email=f"auction-watcher-{n}@example.com", full_name=f"Watcher {n}")
                              for n in range(count)])
    cookies = []
    for user in User.objects.filter(email__startswith="auction-watcher-").order_by("pk"):
        client = Client()
        client.force_login(user)
        cookies.append(client.cookies["sessionid"].value)
    return cookies


@dataclass
class Watch:
    opened: int = 0
    # per watcher: bid seq -> (arrival time, the bid's own timestamp), first arrival only
    seen: list[dict[int, tuple[float, float]]] = field(default_factory=list)
    duplicates: int = 0
    # the first bid row received twice by one watcher: (watcher, bid seq, the two frames' ids)
    duplicate_example: tuple[int, int, int, int] | None = None
    errors: list[str] = field(default_factory=list)


async def follow(http: Any, url: str, cookie: str, index: int, watch: Watch, stop: asyncio.Event) -> None:
    seen = watch.seen[index]
    frame_of: dict[int, int] = {}
    opened = False
    frame_id = 0
    try:
        async with http.stream("GET", url, headers={"Cookie": f"sessionid={cookie}"}) as response:
            if response.status_code != 200:
                watch.errors.append(f"HTTP {response.status_code}")
                return
            event, data = "", []
            async for line in response.aiter_lines():
                if line.startswith("id: "):
                    frame_id = int(line[4:])
                    if not opened:
                        opened = True
                        watch.opened += 1
                elif line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    data.append(line[6:])
                elif line == "":
                    if event == "bid":
                        arrived = time.time()
                        for seq, stamp in BID_ROW.findall("".join(data)):
                            if int(seq) in seen:
                                watch.duplicates += 1
                                if watch.duplicate_example is None:
                                    watch.duplicate_example = (index, int(seq), frame_of[int(seq)], frame_id)
                            else:
                                seen[int(seq)] = (arrived, datetime.fromisoformat(stamp).timestamp())
                                frame_of[int(seq)] = frame_id
                    event, data = "", []
                if stop.is_set():
                    return
    except Exception as exc:  # a watcher's failure is a result, not the end of the benchmark
        if not stop.is_set():
            watch.errors.append(f"{type(exc).__name__}: {exc}")


async def bid_steadily(base: str, lot_id: int, keys: list[str], rate: float, duration: float,
                       acked: dict[int, float], errors: list[str]) -> int:
    """The bidders take turns, one bid every 1/rate s; returns the refusals (should be none)."""
    import httpx

    refused = 0
    lot_url = f"{base}/api/v1/auctions/lots/{lot_id}"
    async with httpx.AsyncClient(timeout=30) as http:
        read = await http.get(lot_url, headers={"Authorization": f"Bearer {keys[0]}"})
        minimum = Decimal(str(read.json()["minimum_bid"]))
        started = time.monotonic()
        turn = 0
        while time.monotonic() - started < duration:
            key = keys[turn % len(keys)]
            turn += 1
            answer = await http.post(f"{lot_url}/bids", json={"amount": str(minimum), "currency": "CNY"},
                                     headers={"Authorization": f"Bearer {key}", "Idempotency-Key": uuid.uuid4().hex})
            if answer.status_code == 201:
                body = answer.json()
                acked[int(body["last_seq"])] = time.time()
                minimum = Decimal(str(body["lot"]["minimum_bid"]))
            else:
                refused += 1
                errors.append(f"POST {answer.status_code}: {answer.text[:200]}")
                read = await http.get(lot_url, headers={"Authorization": f"Bearer {key}"})
                minimum = Decimal(str(read.json()["minimum_bid"]))
            pause = started + turn / rate - time.monotonic()
            if pause > 0:
                await asyncio.sleep(pause)
    return refused


async def run(options: argparse.Namespace, base: str, lot_id: int, keys: list[str],
              cookies: list[str]) -> dict[str, float]:
    import httpx

    watch = Watch(seen=[{} for _cookie in cookies])
    stop = asyncio.Event()
    url = f"{base}/live/lot-{lot_id}/"
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
    async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(None, connect=30)) as http:
        tasks: list[asyncio.Task[None]] = []
        for start in range(0, len(cookies), options.batch):
            for index in range(start, min(start + options.batch, len(cookies))):
                tasks.append(asyncio.create_task(follow(http, url, cookies[index], index, watch, stop)))
            deadline = time.monotonic() + 60
            while watch.opened < len(tasks) and time.monotonic() < deadline and len(watch.errors) < 10:
                await asyncio.sleep(0.05)
        print(f"watchers_connected {watch.opened}", flush=True)
        acked: dict[int, float] = {}
        bid_errors: list[str] = []
        refused = await bid_steadily(base, lot_id, keys, options.rate, options.duration, acked, bid_errors)
        deadline = time.monotonic() + GRACE_SECONDS
        while time.monotonic() < deadline:
            if all(all(seq in seen for seq in acked) for seen in watch.seen):
                break
            await asyncio.sleep(0.2)
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    from_ack = [max(0.0, (seen[seq][0] - at) * 1000) for seen in watch.seen for seq, at in acked.items()
                if seq in seen]
    from_stamp = [(seen[seq][0] - seen[seq][1]) * 1000 for seen in watch.seen for seq in acked if seq in seen]
    expected = len(acked) * len(cookies)
    if watch.duplicate_example is not None:
        index, seq, first, again = watch.duplicate_example
        print(f"duplicate_example watcher {index} got the row of bid #{seq} in the frame of stream event {first} "
              f"and again in that of event {again}")
    for error in sorted(set(watch.errors + bid_errors))[:10]:
        print(f"error {error}")
    p99 = percentile(from_ack, 99)
    received = len(from_ack)
    return {"updates_sent": len(acked), "bids_refused": refused, "deliveries_expected": expected,
            "deliveries_received": received, "missing": expected - received, "duplicated": watch.duplicates,
            "p50_ms": percentile(from_ack, 50), "p95_ms": percentile(from_ack, 95), "p99_ms": p99,
            "max_ms": max(from_ack, default=0.0),
            "within_1s_pct": 100.0 * sum(1 for v in from_ack if v <= GOAL_MS) / expected if expected else 0.0,
            "stamp_p50_ms": percentile(from_stamp, 50), "stamp_p99_ms": percentile(from_stamp, 99),
            "watcher_errors": len(watch.errors),
            "goal_met": int(expected > 0 and received == expected and p99 <= GOAL_MS)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--watchers", type=int, default=500)
    parser.add_argument("--bidders", type=int, default=4)
    parser.add_argument("--rate", type=float, default=5, help="bids per second, all bidders together")
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--batch", type=int, default=50, help="watchers that connect at once")
    options = parser.parse_args()
    limit = raise_open_files(options.watchers * 2 + 256)
    var_dir = production_environment("ipx-auction-watchers-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{var_dir / 'bench.sqlite3'}")
    database = "postgresql" if "postgres" in os.environ["DATABASE_URL"] else "sqlite"
    server: subprocess.Popen[bytes] | None = None
    try:
        lot_id, keys = prepare(options.bidders)
        cookies = watcher_sessions(options.watchers)
        from django.db import connections

        connections.close_all()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "ipx"), "serve", "--bind", f"127.0.0.1:{port}",
             "--workers", str(options.workers), "--no-worker"],
            env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        wait_until_up(f"{base}/api/v1/auctions/lots/{lot_id}")
        print(f"database {database}\nwatchers {options.watchers}\nbidders {options.bidders}\n"
              f"rate_per_s {options.rate}\nduration_s {options.duration}\nserver_workers {options.workers}\n"
              f"open_files_limit {limit}", flush=True)
        figures = asyncio.run(run(options, base, lot_id, keys, cookies))
        for name, value in figures.items():
            print(f"{name} {value:.1f}" if isinstance(value, float) else f"{name} {value}")
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
