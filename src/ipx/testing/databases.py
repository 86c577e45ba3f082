"""Tests that need PostgreSQL, and why.

SQLite's shared-memory test database answers a reader that meets a writer in another thread
with "table is locked" at once (no busy wait), and serialises writers anyway; tests with
several threads or connections writing at once therefore run in the PostgreSQL pass of
`make test`, as several servers would. Skipping by marker (not inside the test) also spares
the SQLite pass the transactional set-up and flush of a test that would not run.
"""

from __future__ import annotations

import pytest
from django.conf import settings

ON_POSTGRES: bool = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def needs_postgres(why: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(not ON_POSTGRES, reason=f"needs PostgreSQL: {why}")
