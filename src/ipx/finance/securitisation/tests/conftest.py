"""Fixtures of the securitisation tests.

The serviced world (``ipx.testing.securitisation_world``) runs on fixed dates from a cut-off of
2026-03-31, and a period is recorded and run only once it has ended: a test that services the
later periods says on which day the exchange does it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.utils import timezone


@pytest.fixture
def today_is(monkeypatch: pytest.MonkeyPatch) -> Callable[[date], None]:
    """``today_is(day)``: from then on the exchange's today (``timezone.localdate()``) is ``day``."""

    def pin(day: date) -> None:
        def localdate(value: object = None, **_zone: object) -> date:
            return day

        monkeypatch.setattr(timezone, "localdate", localdate)

    return pin
