"""``ipx cluster``: the several-servers layout, run on this machine.

One PostgreSQL server and one Redis server (Debian's packages, in a throw-away directory),
two app servers on their own loopback ports, task workers and the one scheduler, all sharing
the database and Redis exactly as separate machines would. It prints the addresses and stops
everything (and removes the directory) on Ctrl-C. Tests drive the same ``Cluster``.

    ipx cluster [--app-ports 8001,8002] [--workers 1] [--demo]
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.request import urlopen

STARTUP_SECONDS = 90
# What the deployment guide asks of a production Redis (README, "Several servers").
REDIS_MEMORY = ("--maxmemory", "256mb", "--maxmemory-policy", "volatile-lru")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _postgres_bin() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if not versions:
        raise SystemExit("ipx cluster: PostgreSQL is not installed (scripts/install-system-deps.sh test)")
    return versions[-1].parent


def _as_postgres(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; its own system user runs it then.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _ipx() -> str:
    return str(Path(sys.executable).with_name("ipx"))


@dataclass
class Cluster:
    """The processes of one layout; ``start`` brings them up in order, ``stop`` takes them down."""

    app_ports: list[int]
    workers: int = 1
    demo: bool = False
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="ipx-cluster.")))
    # Settings every process of the layout gets besides its addresses (tests shorten timings).
    extra_environment: dict[str, str] = field(default_factory=dict)
    postgres_port: int = field(default_factory=free_port)
    redis_port: int = field(default_factory=free_port)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def database_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.postgres_port}/ipx"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.app_ports]

    def environment(self) -> dict[str, str]:
        """What every process of the layout reads: one database, one Redis, one secret key,
        shared files (several machines would mount one file store)."""
        return {**os.environ, "DATABASE_URL": self.database_url, "REDIS_URL": self.redis_url,
                "SECRET_KEY": self._secret, "IPX_VAR_DIR": str(self.root / "var"), "DEBUG": "0",
                "PYTHONUNBUFFERED": "1", **self.extra_environment}

    def __post_init__(self) -> None:
        self._secret = secrets.token_urlsafe(48)
        # PostgreSQL's own user must reach its data directory inside.
        self.root.chmod(0o755)
        (self.root / "logs").mkdir(parents=True, exist_ok=True)

    # --- Starting ------------------------------------------------------------------------------

    def start(self) -> None:
        try:
            self._start_postgres()
            self._start_redis()
            self._run("migrate", [_ipx(), "migrate", "--verbosity", "0"])
            if self.demo:
                self._run("demo", [_ipx(), "demo"])
            for index, port in enumerate(self.app_ports):
                self.spawn(f"app-{index + 1}", [_ipx(), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"])
            for index in range(self.workers):
                self.spawn(f"worker-{index + 1}", [_ipx(), "worker"])
            self.spawn("scheduler", [_ipx(), "scheduler"])
            self._wait_for_apps()
        except BaseException:
            self.stop()
            raise

    def spawn(self, name: str, command: list[str], **environment: str) -> subprocess.Popen[bytes]:
        """Start one more process of the layout (tests add and kill workers with it)."""
        output = (self.root / "logs" / f"{name}.log").open("ab")
        process = subprocess.Popen(command, env={**self.environment(), **environment}, stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.processes[name] = process
        return process

    def _run(self, name: str, command: list[str]) -> None:
        with (self.root / "logs" / f"{name}.log").open("ab") as output:
            done = subprocess.run(command, env=self.environment(), stdout=output, stderr=subprocess.STDOUT,
                                  check=False)
        if done.returncode:
            raise SystemExit(f"ipx cluster: `{' '.join(command[1:])}` failed; see {self.root}/logs/{name}.log")

    def _start_postgres(self) -> None:
        pg = _postgres_bin()
        data = self.root / "postgres"
        data.mkdir()
        if os.geteuid() == 0:
            shutil.chown(data, "postgres")
        subprocess.run(_as_postgres([str(pg / "initdb"), "-D", str(data / "db"), "-U", "postgres", "--auth=trust",
                                     "-E", "UTF8", "--locale=C.UTF-8"]), check=True, capture_output=True)
        subprocess.run(_as_postgres([str(pg / "pg_ctl"), "-D", str(data / "db"), "-l", str(data / "server.log"),
                                     "-w", "-o", f"-p {self.postgres_port} -k {data} -c listen_addresses=127.0.0.1 "
                                                 "-c max_connections=200", "start"]),
                       check=True, capture_output=True)
        self._postgres_data = data / "db"
        subprocess.run([str(pg / "createdb"), "-h", "127.0.0.1", "-p", str(self.postgres_port), "-U", "postgres",
                        "ipx"], check=True, capture_output=True)

    def _start_redis(self) -> None:
        server = shutil.which("redis-server")
        if server is None:
            raise SystemExit("ipx cluster: redis-server is not installed (scripts/install-system-deps.sh test)")
        # Append-only persistence, as production would run it: a restarted Redis keeps its queue;
        # and a memory limit that drops old cached answers, never the queue (ipx.health's check).
        self.spawn("redis", [server, "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "yes", "--dir", str(self.root), *REDIS_MEMORY])
        self._wait(partial(_answers_ping, self.redis_port), "Redis")

    def add_app_server(self, port: int, **environment: str) -> str:
        """One more app server (e.g. a new machine: its own empty ``IPX_VAR_DIR``); its address."""
        self.app_ports.append(port)
        self.spawn(f"app-{len(self.app_ports)}", [_ipx(), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
                   **environment)
        url = self.urls[-1]
        # Only the new server is watched: a test may have stopped others on purpose.
        self._wait(partial(_answers_http, f"{url}/api/v1/openapi.json"), url, watch=[f"app-{len(self.app_ports)}"])
        return url

    def _wait_for_apps(self) -> None:
        for url in self.urls:
            self._wait(partial(_answers_http, f"{url}/api/v1/openapi.json"), url)

    def _wait(self, ready: Callable[[], bool], what: str, *, watch: Sequence[str] | None = None) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if ready():
                return
            dead = [name for name, process in self.processes.items()
                    if (watch is None or name in watch) and process.poll() is not None]
            if dead:
                raise SystemExit(f"ipx cluster: {', '.join(dead)} stopped; see {self.root}/logs/")
            time.sleep(0.2)
        raise SystemExit(f"ipx cluster: {what} did not come up within {STARTUP_SECONDS} s; see {self.root}/logs/")

    # --- Stopping ------------------------------------------------------------------------------

    def stop(self, *, keep_files: bool = False) -> None:
        # App servers and workers first, Redis after them, the database last.
        for name in [name for name in self.processes if name != "redis"] + ["redis"]:
            process = self.processes.get(name)
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        data = getattr(self, "_postgres_data", None)
        if data is not None:
            subprocess.run(_as_postgres([str(_postgres_bin() / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
                           check=False, capture_output=True)
        if not keep_files:
            shutil.rmtree(self.root, ignore_errors=True)


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _answers_http(url: str) -> bool:
    try:
        with urlopen(url, timeout=2) as answer:  # noqa: S310 (a loopback address of our own)
            return int(answer.status) == 200
    except OSError:
        return False


@contextmanager
def running_cluster(app_ports: Sequence[int], *, workers: int = 1, demo: bool = False) -> Iterator[Cluster]:
    cluster = Cluster(app_ports=list(app_ports), workers=workers, demo=demo)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


def parse_options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ipx cluster", description=__doc__.split("\n\n")[0])
    parser.add_argument("--app-ports", default="8001,8002", help="the app servers' loopback ports")
    parser.add_argument("--workers", type=int, default=1, help="task workers (one scheduler runs besides)")
    parser.add_argument("--demo", action="store_true", help="load the demo data first")
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    options = parse_options(argv)
    ports = [int(port) for port in options.app_ports.split(",")]
    cluster = Cluster(app_ports=ports, workers=options.workers, demo=options.demo)
    print(f"ipx cluster: starting in {cluster.root} ...", flush=True)
    try:
        cluster.start()  # stops what it started on any interruption
    except KeyboardInterrupt:
        print("\nipx cluster: stopped while starting", flush=True)
        return
    print(f"PostgreSQL  {cluster.database_url}\nRedis       {cluster.redis_url}", flush=True)
    for url in cluster.urls:
        print(f"app server  {url}", flush=True)
    print(f"workers     {options.workers}, scheduler 1; logs in {cluster.root}/logs\nCtrl-C stops everything.",
          flush=True)
    try:
        while all(process.poll() is None for process in cluster.processes.values()):
            time.sleep(1)
        stopped = [name for name, process in cluster.processes.items() if process.poll() is not None]
        print(f"ipx cluster: {', '.join(stopped)} stopped; stopping the rest", flush=True)
    except KeyboardInterrupt:
        # Ctrl-C reaches every process of the terminal's group; a second one must not cut the
        # clean-up short and leave servers behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print("\nipx cluster: stopping", flush=True)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        cluster.stop()
