"""A server's worker processes are forked after the index was opened (``ipx serve`` checks it
first): each must still see what other processes write to the index afterwards."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.test import override_settings

from ipx.search.backends import get_backend, reset_backends
from ipx.search.tests.test_backends import doc


def _wait_for(listing_ids: set[int], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if get_backend().listing_ids() == listing_ids:
            return True
        time.sleep(0.1)
    return False


def test_a_forked_process_sees_what_another_writes_after_the_fork(tmp_path: Path) -> None:
    with override_settings(IPX_SEARCH_BACKEND="tantivy", IPX_SEARCH_INDEX_DIR=tmp_path):
        reset_backends()
        try:
            get_backend().upsert([doc(1, "锂电池隔膜")])
            assert get_backend().listing_ids() == {1}
            ready_read, ready_write = os.pipe()
            child = os.fork()
            if child == 0:  # the server's worker: searches, never writes
                code = 1
                try:
                    seen_before = get_backend().listing_ids() == {1}
                    os.write(ready_write, b"1")
                    code = 0 if seen_before and _wait_for({1, 2}) else 1
                finally:
                    os._exit(code)
            os.read(ready_read, 1)  # the child has searched the index once
            get_backend().upsert([doc(2, "无人机机载多功能盒")])  # the task worker, say
            _pid, status = os.waitpid(child, 0)
            assert os.waitstatus_to_exitcode(status) == 0, "the forked process never saw the change"
        finally:
            reset_backends()
