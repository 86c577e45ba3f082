"""How other parts of IPX start task processes (``ipx serve`` starts one embedded worker)."""

from __future__ import annotations

import sys


def embedded_worker_argv() -> list[str]:
    """The command line of the one-machine task process: workers plus the schedules."""
    return [sys.executable, "-m", "ipx.cli", "worker", "--schedule"]
