"""Tests that need PostgreSQL or Redis, and why.

SQLite's shared-memory test database answers a reader that meets a writer in another thread
with "table is locked" at once (no busy wait), and serialises writers anyway; tests with
several threads or connections writing at once therefore run in the PostgreSQL pass of
`make test`, as several servers would. Skipping by marker (not inside the test) also spares
the SQLite pass the transactional set-up and flush of a test that would not run.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings

ON_POSTGRES: bool = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def needs_postgres(why: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(not ON_POSTGRES, reason=f"needs PostgreSQL: {why}")


# The PostgreSQL pass of `make test` starts a throw-away Redis and sets REDIS_URL, so these run
# in every `make test`; the SQLite pass skips them.
REDIS_URL: str = os.environ.get("REDIS_URL", "")
needs_redis: pytest.MarkDecorator = pytest.mark.skipif(not REDIS_URL, reason="needs Redis (REDIS_URL)")
