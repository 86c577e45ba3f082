"""Fixtures of the workflow kernel's tests: guard lookups counted afresh per test, and the
domain events published, as their handlers receive them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest

from ipx import events
from ipx.core.tests.workflow_table import (
    membership_lookups,
)


@pytest.fixture(autouse=True)
def _fresh_lookups() -> Iterator[None]:
    membership_lookups.clear()
    yield
    membership_lookups.clear()


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """Domain events as their handlers receive them; only this test's subscriptions exist."""
    received: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(events, "_subscriptions", defaultdict(list))
    for name in ("test.listing.submitted", "test.listing.approved", "test.listing.changed"):
        events.subscribe(name, lambda _name=name, **payload: received.append((_name, payload)))
    return received
