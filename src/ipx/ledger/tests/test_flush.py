"""A transactional test that leaves ledger rows behind: the database is emptied after it
(TRUNCATE on PostgreSQL, DELETE through the ledger's own flush on SQLite), while deleting
rows one by one stays refused."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from ipx.ledger import services
from ipx.ledger.models import LedgerTransaction, Posting
from ipx.testing.fixtures import Member


@pytest.mark.django_db(transaction=True)
def test_rows_stay_append_only_and_the_test_database_is_still_emptied(buyer: Member) -> None:
    services.deposit_create(organisation_id=buyer.organisation.pk, actor=buyer.user, amount="1", currency="CNY")
    with pytest.raises(DatabaseError), transaction.atomic():
        Posting.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerTransaction.objects.all()._raw_delete(LedgerTransaction.objects.db)
    assert Posting.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_next_test_starts_empty() -> None:
    assert LedgerTransaction.objects.count() == Posting.objects.count() == 0
