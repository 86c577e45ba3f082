"""Gap-free counters: the next value is read and written under the counter's row lock, so
concurrent allocations queue instead of racing, and a rolled-back transaction gives its
number back (the increment is undone with it)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from ipx.dataip.models import Sequence


def next_value(name: str) -> int:
    """Must run inside the transaction that uses the number."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate numbers inside the transaction that keeps them")
    counter = Sequence.objects.select_for_update().filter(name=name).first()
    if counter is None:
        try:
            with transaction.atomic():  # a savepoint: another transaction may create it first
                Sequence.objects.create(name=name)
        except IntegrityError:
            pass
        counter = Sequence.objects.select_for_update().get(name=name)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last
