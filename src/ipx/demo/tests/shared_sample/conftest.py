"""One sample load of the demo (``load_demo(sample=25)``, some 15 s) for the modules here, which
each read what it built: made once inside a transaction that is rolled back at the end; each
test runs in a savepoint of its own, rolled back after it, so what one test changes (a bid, a
lot closed, a second load) is gone for the next."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ipx.demo.loader import LoadResult, load_demo
from ipx.testing.world_stage import fresh_test_state, rolled_back_world


@pytest.fixture(autouse=True)
def _isolated_settings() -> None:
    # In place of the per-test settings (a directory per test would lose the load's files).
    fresh_test_state()


@pytest.fixture(scope="package")
def _loaded(django_db_setup: None, django_db_blocker: Any,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoadResult]:
    with rolled_back_world(tmp_path_factory.mktemp("demo-sample"), django_db_blocker):
        yield load_demo(sample=25)


@pytest.fixture
def sample(_loaded: LoadResult, db: None) -> LoadResult:
    """The sample load; ``db`` runs the test in a savepoint of its transaction."""
    return _loaded
