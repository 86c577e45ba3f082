"""Which tests the PostgreSQL pass of `make test` runs: those that reach the database (or need
PostgreSQL or Redis by name). A test that never opens a connection — pure arithmetic, text,
parsing, property tests of an engine — answers the same on either database, so the SQLite
pass runs it and the PostgreSQL pass leaves it out instead of running it twice; so does a
module marked ``once``: who may use which endpoint and page, judged through requests as the
access matrix judges them (which runs on SQLite only as well), and what the demo holds: its
full load (``make demo`` loads it into SQLite) and what its sample holds; test_loader's sample
loads, which run on PostgreSQL too, build every part of it with the same code."""

from __future__ import annotations

import pytest

from ipx.testing.databases import ON_POSTGRES

DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
                     "live_server", "django_db_setup"}
# Tests that start servers of their own (the several-servers layout) use no fixture of the test
# database but are what the PostgreSQL pass is for.
OWN_SERVERS = ("tests/cluster/",)


def reaches_the_database(item: pytest.Item) -> bool:
    if item.get_closest_marker("once") is not None:
        # The same on either database (who may do what, the demo sample's content): on SQLite.
        return False
    if item.get_closest_marker("django_db") is not None or item.get_closest_marker("redis") is not None:
        return True
    if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    if item.nodeid.startswith(OWN_SERVERS):
        return True
    reasons = " ".join(str(mark.kwargs.get("reason", "")) for mark in item.iter_markers("skipif"))
    return "PostgreSQL" in reasons or "Redis" in reasons


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not ON_POSTGRES:
        return
    kept: list[pytest.Item] = []
    left: list[pytest.Item] = []
    for item in items:
        (kept if reaches_the_database(item) else left).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept
