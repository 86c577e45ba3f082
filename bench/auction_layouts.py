"""The two layouts the auction fault benchmark kills a server in: one ``ipx serve`` with its
embedded task worker, or ``ipx cluster``'s processes (app server 1 is the one killed)."""

from __future__ import annotations

import os
import signal
import subprocess

from auction_bench import ROOT, free_port


def ipx() -> str:
    return str(ROOT / ".venv" / "bin" / "ipx")


class Single:
    """One `ipx serve` with its embedded task worker, in its own process group."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.urls = [f"http://127.0.0.1:{self.port}"]

    def start(self) -> None:
        self.process = subprocess.Popen(
            [ipx(), "serve", "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers)],
            env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def restart(self) -> str:
        self.start()
        return self.urls[0]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=60)


class Layout:
    """``ipx cluster``'s processes; app server 1 is the one killed."""

    def __init__(self) -> None:
        from ipx.cluster import Cluster

        self.cluster = Cluster(app_ports=[free_port(), free_port()], workers=1)
        self.urls = self.cluster.urls

    def start_infrastructure(self) -> None:
        self.cluster.start()
        keep = {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "IPX_VAR_DIR"}
        os.environ.update({k: v for k, v in self.cluster.environment().items() if k in keep})

    def start(self) -> None:
        pass  # the app servers came up with the layout

    def kill(self) -> None:
        process = self.cluster.processes["app-1"]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def restart(self) -> str:
        port = self.cluster.app_ports[0]
        self.cluster.spawn("app-1", [ipx(), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"])
        return self.urls[0]

    def stop(self) -> None:
        self.cluster.stop()
