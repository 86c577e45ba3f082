"""A server process freezes its long-lived objects when the app has loaded and once more
after its first requests (ipx.long_lived), and then stops listening for requests' ends.

A request's end is the listener called as the signal calls it: sending ``request_finished``
itself would also run Django's own listeners, which close database connections."""

from __future__ import annotations

import gc
import itertools
from collections.abc import Iterator

import pytest
from django.core.signals import request_finished

from ipx import long_lived


@pytest.fixture
def unfrozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    gc.unfreeze()
    monkeypatch.setattr(long_lived, "_served", itertools.count(1))
    yield
    request_finished.disconnect(dispatch_uid="ipx.long_lived")
    gc.unfreeze()


def listening() -> bool:
    return any(key[0] == "ipx.long_lived" for key, *_rest in request_finished.receivers)


def requests_end(count: int) -> None:
    for _request in range(count):
        long_lived._after_request(signal=request_finished, sender=None)


def test_frozen_at_start_and_again_after_the_first_requests(unfrozen: None) -> None:
    long_lived.freeze_after_start()
    at_start = gc.get_freeze_count()
    assert at_start > 0 and listening()

    made_since = [[index] for index in range(1000)]  # alive, tracked, not frozen yet
    requests_end(long_lived.WARM_REQUESTS - 1)
    assert gc.get_freeze_count() == at_start and listening()
    requests_end(1)

    assert gc.get_freeze_count() >= at_start + len(made_since)
    assert not listening()


def test_nothing_more_is_frozen_after_that(unfrozen: None) -> None:
    long_lived.freeze_after_start()
    requests_end(long_lived.WARM_REQUESTS)
    frozen = gc.get_freeze_count()
    kept = [[index] for index in range(1000)]

    requests_end(long_lived.WARM_REQUESTS)  # had it still been listening

    assert gc.get_freeze_count() == frozen
    assert len(kept) == 1000
