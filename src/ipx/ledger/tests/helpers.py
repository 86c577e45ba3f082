"""Shared look-ups for the ledger tests: balances and a snapshot of every ledger row."""

from __future__ import annotations

from decimal import Decimal

from ipx.accounts.models import Organisation
from ipx.ledger import selectors
from ipx.ledger.models import IdempotencyRecord, LedgerTransaction, Payout, Posting
from ipx.ledger.services import Kind, account_for, balance_of


def available(organisation: Organisation, currency: str = "CNY") -> Decimal:
    return selectors.available_balance(organisation.pk, currency)


def platform(kind: str, currency: str = "CNY") -> Decimal:
    return balance_of(account_for(kind=kind, currency=currency))


def fee_income(currency: str = "CNY") -> Decimal:
    return platform(Kind.FEE_INCOME, currency)


def snapshot() -> tuple[int, int, int, int, list[tuple[int, Decimal]]]:
    """Everything a refused action must leave as it was."""
    return (LedgerTransaction.objects.count(), Posting.objects.count(), Payout.objects.count(),
            IdempotencyRecord.objects.count(),
            list(Posting.objects.order_by("pk").values_list("account_id", "amount")))
