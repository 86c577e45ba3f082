"""Task functions the engine tests queue (by name, from other processes too)."""

from __future__ import annotations

import os
import time
from pathlib import Path

ATTEMPTS: dict[str, int] = {}


def slow_the_first_time(*, path: str) -> None:
    """Write this process's id to ``path``/starts; the first run then hangs (to be killed),
    a later one finishes. Idempotent: finishing writes the same file again."""
    folder = Path(path)
    with (folder / "starts").open("a") as starts:
        starts.write(f"{os.getpid()}\n")
    if len((folder / "starts").read_text().split()) == 1:
        time.sleep(120)
    (folder / "done").write_text("done")


def fails_twice(*, name: str) -> None:
    ATTEMPTS[name] = ATTEMPTS.get(name, 0) + 1
    if ATTEMPTS[name] <= 2:
        raise RuntimeError(f"attempt {ATTEMPTS[name]} fails")


def noop() -> None:
    """The trivial task of the throughput benchmark."""
