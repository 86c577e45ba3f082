"""A server process freezes its long-lived objects when the app has loaded and once more
after its first requests (ipx.long_lived), and then stops listening for requests' ends.

``gc.freeze`` is replaced by a recorder: the real one would change the whole test process's
collector, and its count of frozen objects drops whenever a frozen object is freed, so it
cannot tell how often the process froze. A request's end is the listener called as the signal
calls it: sending ``request_finished`` itself would also run Django's own listeners, which
close database connections."""

from __future__ import annotations

import gc
import itertools
from collections.abc import Iterator

import pytest
from django.core.signals import request_finished

from ipx import long_lived


@pytest.fixture
def freezes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[None]]:
    made: list[None] = []
    monkeypatch.setattr(gc, "freeze", lambda: made.append(None))
    monkeypatch.setattr(long_lived, "_served", itertools.count(1))
    yield made
    request_finished.disconnect(dispatch_uid="ipx.long_lived")


def listening() -> bool:
    return any(key[0] == "ipx.long_lived" for key, *_rest in request_finished.receivers)


def requests_end(count: int) -> None:
    for _request in range(count):
        long_lived._after_request(signal=request_finished, sender=None)


def test_frozen_at_start_and_again_after_the_first_requests(freezes: list[None]) -> None:
    long_lived.freeze_after_start()
    assert len(freezes) == 1 and listening()

    requests_end(long_lived.WARM_REQUESTS - 1)
    assert len(freezes) == 1 and listening()
    requests_end(1)

    assert len(freezes) == 2
    assert not listening()


def test_nothing_more_is_frozen_after_that(freezes: list[None]) -> None:
    long_lived.freeze_after_start()
    requests_end(long_lived.WARM_REQUESTS)

    requests_end(long_lived.WARM_REQUESTS)  # had it still been listening

    assert len(freezes) == 2


def test_started_twice_it_listens_once(freezes: list[None]) -> None:
    long_lived.freeze_after_start()
    long_lived.freeze_after_start()

    assert sum(key[0] == "ipx.long_lived" for key, *_rest in request_finished.receivers) == 1
