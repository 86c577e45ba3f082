"""Every money row is fixed once written: the database refuses to move an account to another
owner, currency or kind (its balance would move without a posting), to rewrite or delete a
payout, and keeps only the masked bank account of a payout."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from ipx.ledger import services
from ipx.ledger.models import LedgerAccount, Payout
from ipx.ledger.selectors import balances_of
from ipx.testing.factories import OrganisationFactory
from ipx.testing.fixtures import Member

BANK = "6222021234567890128"


def refused(sql: str, *params: int) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_account_cannot_change_owner_currency_or_kind(buyer: Member) -> None:
    services.deposit_create(organisation_id=buyer.organisation.pk, actor=buyer.user, amount="500", currency="CNY")
    account = LedgerAccount.objects.get(organisation=buyer.organisation, kind=LedgerAccount.Kind.AVAILABLE)
    other = OrganisationFactory.create()
    before = balances_of(buyer.organisation.pk)

    refused("UPDATE ledger_ledgeraccount SET organisation_id = %s WHERE id = %s", other.pk, account.pk)
    refused("UPDATE ledger_ledgeraccount SET currency = 'HKD' WHERE id = %s", account.pk)
    refused("UPDATE ledger_ledgeraccount SET kind = 'escrow' WHERE id = %s", account.pk)
    refused("DELETE FROM ledger_ledgeraccount WHERE id = %s", account.pk)

    assert balances_of(buyer.organisation.pk) == before
    assert balances_of(other.pk) == []
    account.save()  # writing the same values back changes nothing and is allowed


def test_a_payout_keeps_only_the_masked_account_and_cannot_be_rewritten(buyer: Member) -> None:
    services.deposit_create(organisation_id=buyer.organisation.pk, actor=buyer.user, amount="500", currency="CNY")
    payout = services.payout_create(organisation_id=buyer.organisation.pk, actor=buyer.user, amount="120.00",
                                    currency="CNY", bank_account=BANK)
    assert Payout.objects.get().bank_account == "****0128"
    assert not Payout.objects.filter(bank_account__contains="62220212").exists()

    refused("UPDATE ledger_payout SET amount = 1 WHERE id = %s", payout.pk)
    refused("UPDATE ledger_payout SET bank_account = '****9999' WHERE id = %s", payout.pk)
    refused("DELETE FROM ledger_payout WHERE id = %s", payout.pk)
    assert Payout.objects.get().amount == payout.amount
