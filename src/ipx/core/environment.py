"""Reading settings from the environment (used by ``ipx.settings``, before Django is set up:
nothing here may import Django's settings)."""

from __future__ import annotations

import os
from urllib.parse import urlsplit


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def redis_url() -> str:
    """REDIS_URL. In a parallel test run each process (pytest-xdist's gw0, gw1, …) uses a
    database of its own on that server (1, 2, …): one process clearing its cache or its task
    queue never touches another's. Processes it starts inherit the same choice."""
    url = os.environ.get("REDIS_URL", "")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker.startswith("gw"):
        return url
    return urlsplit(url)._replace(path=f"/{int(worker[2:]) + 1}").geturl()
