"""A server process's long-lived objects kept out of the garbage collector's full passes.

A worker of ``ipx serve`` holds about 340,000 objects once Django, the apps and their
libraries are loaded, nearly all of them alive until the process ends. Python's full
collection walks every tracked object, and while it runs the process answers nothing: measured
in a worker under load, 150 ms per full collection, which set the p99 of the signed-in pages
(63–82 ms against a p90 of 18–20 ms; BENCHMARKS.md, "HTTP" → "The collector's pauses").

``gc.freeze()`` moves the objects alive now to a permanent generation that collections skip:
once when the app has loaded, and once more after the process's first ``WARM_REQUESTS``
requests, which build what Django and the apps make lazily (URL resolvers, compiled
templates, translation catalogues, the search engine's readers). Garbage among the objects
frozen then (those of a request in flight) is never freed: a bounded, one-time cost.
"""

from __future__ import annotations

import gc
import itertools
from typing import Any

from django.core.signals import request_finished

WARM_REQUESTS = 500

_served = itertools.count(1)


def freeze_after_start() -> None:
    """Freeze what is alive now, and again after the first ``WARM_REQUESTS`` requests."""
    gc.freeze()
    request_finished.connect(_after_request, dispatch_uid="ipx.long_lived")


def _after_request(**_kwargs: Any) -> None:
    # next() on a count is atomic under the interpreter lock: exactly one request is the last.
    if next(_served) == WARM_REQUESTS:
        request_finished.disconnect(dispatch_uid="ipx.long_lived")
        gc.freeze()
