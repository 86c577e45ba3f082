"""Reading settings from the environment, and the settings built from them (used by
``ipx.settings``, before Django is set up: nothing here may import Django's settings)."""

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


def redis_cache(location: str, prefix: str) -> dict[str, object]:
    """A cache on Redis that a lost Redis turns into misses (logged), never into failed
    requests: every cached thing here can be computed again."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": prefix,
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
    }


def logging_config(level: str) -> dict[str, object]:
    """LOGGING: the console at ``level`` (LOG_LEVEL), IPX's own messages from INFO on."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {"console": {"class": "logging.StreamHandler"}},
        "root": {"handlers": ["console"], "level": level},
        # Django's own loggers are set to INFO by its defaults and reach the root's handler past
        # the root's level: each 4xx answer ("Bad Request: …", e.g. every bid refused as below
        # the minimum) was printed whatever LOG_LEVEL said.
        "loggers": {"ipx": {"handlers": ["console"], "level": "INFO", "propagate": False},
                    "django": {"level": level}},
    }
