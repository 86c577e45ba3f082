"""The app server's workers each listen on a socket of their own (ipx.serve_worker), so that
the kernel spreads connections over them instead of the first awake taking most."""

from __future__ import annotations

import contextlib
import http.client
import os
import select
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ipx.serve import WORKER_CLASS
from ipx.serve_worker import check_address_free, own_listener, stop_listening

ROOT = Path(__file__).resolve().parent.parent


async def pid_app(scope: dict[str, Any], receive: Callable[[], Awaitable[dict[str, Any]]],
                  send: Callable[[dict[str, Any]], Awaitable[None]]) -> None:
    """Answers with the worker's process id."""
    if scope["type"] != "http":
        return
    body = str(os.getpid()).encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


@contextlib.contextmanager
def listening(reuse_port: bool) -> Iterator[socket.socket]:
    shared = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    shared.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn opens it
    if reuse_port:
        shared.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    shared.bind(("127.0.0.1", 0))
    shared.listen(16)
    with shared:
        yield shared


def accepted(listener: socket.socket) -> bool:
    ready, _, _ = select.select([listener], [], [], 2)
    return bool(ready)


def test_a_worker_listens_on_its_own_socket_and_the_shared_one_stops() -> None:
    with listening(reuse_port=True) as shared:
        own = own_listener(shared, 16)
        assert own is not None
        with own:
            assert own.getsockname() == shared.getsockname()
            stop_listening(shared)
            stop_listening(shared)  # the next worker does it again: no error
            with socket.create_connection(shared.getsockname(), timeout=2):
                assert accepted(own)
                own.accept()[0].close()
            with pytest.raises(OSError):
                shared.accept()


def test_without_reuse_port_or_over_a_unix_socket_the_shared_socket_stays() -> None:
    with listening(reuse_port=False) as shared:
        assert own_listener(shared, 16) is None
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as unix:
        assert own_listener(unix, 16) is None


def test_an_address_in_use_is_refused_before_starting() -> None:
    with listening(reuse_port=True) as taken:
        host, port = taken.getsockname()
        with pytest.raises(SystemExit, match=f"{host}:{port} is in use"):
            check_address_free(f"{host}:{port}")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    check_address_free(f"127.0.0.1:{free}")
    check_address_free("unix:/tmp/ipx.sock")


def test_a_server_stopped_a_moment_ago_leaves_its_address_free() -> None:
    with listening(reuse_port=True) as stopped:
        address = stopped.getsockname()
        client = socket.create_connection(address, timeout=2)
        served, _ = stopped.accept()
        served.close()  # the server closes first: its side waits (TIME_WAIT)
        client.close()
    check_address_free(f"{address[0]}:{address[1]}")


def answered_by(address: tuple[str, int], connections: int) -> Counter[str]:
    """Open the connections at once, then ask on each which process serves it."""
    clients = [http.client.HTTPConnection(*address, timeout=10) for _ in range(connections)]
    try:
        for client in clients:
            client.connect()
        answers: Counter[str] = Counter()
        for client in clients:
            client.request("GET", "/")
            answers[client.getresponse().read().decode()] += 1
        return answers
    finally:
        for client in clients:
            client.close()


def listening_sockets(port: int) -> int:
    """How many sockets listen on the loopback port (Linux's table of TCP sockets)."""
    wanted = f"0100007F:{port:04X}"
    with open("/proc/net/tcp", encoding="ascii") as table:
        entries = [line.split() for line in table.readlines()[1:]]
    return sum(1 for entry in entries if entry[1] == wanted and entry[3] == "0A")  # 0A: listening


def test_two_workers_share_a_burst_of_connections() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        address = probe.getsockname()
    server = subprocess.Popen(  # noqa: S603 (our own command line)
        [sys.executable, "-m", "gunicorn", "tests.test_serve_worker:pid_app", "--chdir", str(ROOT),
         "--bind", f"{address[0]}:{address[1]}", "--workers", "2", "--reuse-port",
         "--worker-class", WORKER_CLASS],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        # Both workers up: until then the one that is up takes everything.
        while _workers_answering(address) < 2:
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.2)
        # Each worker's own socket, and not the shared one (gunicorn's alone would be one).
        assert listening_sockets(address[1]) == 2
        # 64 connections on two workers by a hash: each gets at least 16 but for a chance
        # of about one in 30,000.
        counts = answered_by(address, 64)
        assert len(counts) == 2 and min(counts.values()) >= 16, counts
    finally:
        server.terminate()
        server.wait(timeout=30)


def _workers_answering(address: tuple[str, int]) -> int:
    try:
        return len(answered_by(address, 8))
    except OSError:  # not listening yet
        return 0
