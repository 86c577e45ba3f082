"""A transactional test that leaves ledger rows behind: the database is emptied after it
(TRUNCATE on PostgreSQL, DELETE through the ledger's own flush on SQLite), while deleting
rows one by one stays refused; the reference tables migrations load are kept."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction

from ipx.accounts.models import Organisation
from ipx.catalog.models import IpcCode, NiceClass
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


@pytest.mark.django_db(transaction=True)
def test_flush_keeps_the_reference_tables_instead_of_writing_them_again(buyer: Member) -> None:
    ipc, nice = IpcCode.objects.count(), NiceClass.objects.count()
    assert ipc > 70_000 and nice == 45
    with mock.patch("ipx.catalog.reference_tables.fill", side_effect=AssertionError("written again")):
        call_command("flush", interactive=False, verbosity=0)
    assert (IpcCode.objects.count(), NiceClass.objects.count()) == (ipc, nice)
    assert not Organisation.objects.filter(pk=buyer.organisation.pk).exists()
