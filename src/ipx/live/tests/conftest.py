from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import connections


@pytest.fixture(autouse=True)
def _quick_hub(settings: Any) -> None:
    # The hub polls often in tests so that they wait little; nothing asserts on time.
    settings.IPX_LIVE_POLL_SECONDS = 0.02


@pytest.fixture(autouse=True)
def _connections_of_other_threads_closed() -> Iterator[None]:
    """A stream's test runs the view in asgiref's shared thread and the hub's polls in threads
    of its event loop, each with a database connection of its own: closed here, or they stay
    open until the process ends (the polls' wrappers hold reference cycles) and the test
    database cannot be dropped (PostgreSQL refuses while sessions use it)."""
    yield
    asyncio.run(sync_to_async(connections.close_all, thread_sensitive=True)())
    gc.collect()
