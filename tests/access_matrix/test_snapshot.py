"""The snapshot the matrix compares sees a change anywhere: a row added, a row changed."""

from __future__ import annotations

from ipx.ledger.models import LedgerTransaction
from ipx.notifications.models import Notification

from . import snapshot
from .conftest import Stage


def test_a_changed_row_is_seen(cell: Stage) -> None:
    before = snapshot.take()
    count = Notification.objects.count()
    Notification.objects.filter(pk=cell.world.notification.pk).update(read_at=None, url="/changed/")
    assert snapshot.changes(before, snapshot.take()) == [f"notifications_notification ({count} → {count} rows)"]


def test_a_new_ledger_entry_is_seen(cell: Stage) -> None:
    before = snapshot.take()
    count = LedgerTransaction.objects.count()
    LedgerTransaction.objects.create(kind=LedgerTransaction.Kind.DEPOSIT, memo="matrix")
    assert snapshot.changes(before, snapshot.take()) == [f"ledger_ledgertransaction ({count} → {count + 1} rows)"]


def test_nothing_changed_is_nothing(cell: Stage) -> None:
    assert snapshot.changes(snapshot.take(), snapshot.take()) == []
