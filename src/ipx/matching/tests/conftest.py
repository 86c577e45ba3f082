"""Fixtures shared by the demand tests."""

from __future__ import annotations

from typing import Any

import pytest

from ipx.matching.demands import services, workflow


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """The domain events the demand services publish."""
    published_events: list[tuple[str, dict[str, Any]]] = []

    def record(event: str, **payload: Any) -> None:
        published_events.append((event, payload))

    # Transitions publish from the workflow's table, edits from the service.
    monkeypatch.setattr(workflow, "publish", record)
    monkeypatch.setattr(services, "publish", record)
    return published_events
