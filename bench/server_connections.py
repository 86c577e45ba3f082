"""How the server's worker processes share the clients' connections (``ss``, Debian's iproute2).

With a listening socket per worker the kernel spreads connections by a hash, so a run may
give one worker more of them than the other; the benchmarks print the split they found."""

from __future__ import annotations

import re
import subprocess


def connections_per_process(port: int) -> list[int]:
    """Established connections on the server's port, counted by the process holding each
    (busiest first)."""
    listed = subprocess.run(["ss", "-Htnp", "state", "established", f"( sport = :{port} )"],
                            capture_output=True, text=True, check=False).stdout
    counts: dict[str, int] = {}
    for pid in re.findall(r"pid=(\d+)", listed):
        counts[pid] = counts.get(pid, 0) + 1
    return sorted(counts.values(), reverse=True)
