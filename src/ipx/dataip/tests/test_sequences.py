"""Numbers without gaps or repeats under concurrency: 30 transactions take the next serial
at once on PostgreSQL (real row locks), one in three rolling back after taking it; the numbers
kept are exactly 1…N, the rolled-back ones given back."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from ipx.dataip.models import Sequence
from ipx.dataip.services.sequences import next_value
from ipx.testing.databases import needs_postgres

THREADS = 30


class _RolledBack(Exception):
    pass


@pytest.mark.django_db(transaction=True)
@needs_postgres("row locks between connections")
def test_concurrent_allocations_keep_no_gaps() -> None:
    start = threading.Barrier(THREADS)
    kept: list[int] = []
    problems: list[str] = []
    lock = threading.Lock()

    def allocate(number: int) -> None:
        try:
            start.wait(timeout=30)
            with transaction.atomic():
                value = next_value("certificate:4400:2026")
                if number % 3 == 0:
                    raise _RolledBack
            with lock:
                kept.append(value)
        except _RolledBack:
            pass
        except Exception as exc:  # any other failure is what this test looks for
            with lock:
                problems.append(repr(exc))
        finally:
            connection.close()

    workers = [threading.Thread(target=allocate, args=(n,)) for n in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert problems == []
    assert sorted(kept) == list(range(1, THREADS - THREADS // 3 + 1))
    assert Sequence.objects.get(name="certificate:4400:2026").last == len(kept)

