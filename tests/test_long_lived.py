"""A server process freezes its long-lived objects when the app has loaded and once more
after its first requests (ipx.long_lived), and then stops listening for requests' ends."""

from __future__ import annotations

import gc
import itertools
from collections.abc import Iterator

import pytest
from django.core.signals import request_finished

from ipx import long_lived


@pytest.fixture
def unfrozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(long_lived, "_served", itertools.count(1))
    yield
    request_finished.disconnect(dispatch_uid="ipx.long_lived")
    gc.unfreeze()


def listening() -> bool:
    return any(key[0] == "ipx.long_lived" for key, *_rest in request_finished.receivers)


def test_frozen_at_start_and_again_after_the_first_requests(unfrozen: None) -> None:
    gc.unfreeze()
    long_lived.freeze_after_start()
    at_start = gc.get_freeze_count()
    assert at_start > 0 and listening()

    made_since = [[index] for index in range(1000)]  # alive, tracked, not frozen yet
    for _request in range(long_lived.WARM_REQUESTS - 1):
        request_finished.send(sender=None)
    assert gc.get_freeze_count() == at_start
    request_finished.send(sender=None)

    assert gc.get_freeze_count() >= at_start + len(made_since)
    assert not listening()


def test_later_requests_freeze_nothing_more(unfrozen: None) -> None:
    long_lived.freeze_after_start()
    for _request in range(long_lived.WARM_REQUESTS):
        request_finished.send(sender=None)
    frozen = gc.get_freeze_count()
    kept = [[index] for index in range(1000)]

    for _request in range(long_lived.WARM_REQUESTS):
        request_finished.send(sender=None)

    assert gc.get_freeze_count() == frozen
    assert len(kept) == 1000
