"""Writes to the ledger. Every function here posts one balanced transaction.

Callers pass amounts already checked with ``ipx.core.money.parse_amount``; the ledger checks
again what it alone can know: balanced postings, no member account below zero. Accounts are
locked in primary-key order (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's IMMEDIATE
transactions serialise writers) before their balances are read, so two requests spending
the same money cannot both succeed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.core.errors import Conflict, ValidationFailed
from ipx.core.money import MINOR_UNITS, Money, check_currency
from ipx.ledger.models import LedgerAccount, LedgerTransaction, Posting

Kind = LedgerAccount.Kind
ZERO = Decimal("0.00")


class InsufficientFunds(Conflict):
    code = "insufficient_funds"


@dataclass(frozen=True, slots=True)
class Line:
    account: LedgerAccount
    amount: Decimal  # signed, from the account's side


def _account_key(kind: str, currency: str, organisation_id: int | None, reference: str) -> str:
    owner = f"org:{organisation_id}" if organisation_id else "platform"
    return ":".join(part for part in (owner, kind, currency, reference) if part)


def account_for(*, kind: str, currency: str, organisation: Organisation | None = None,
                reference: str = "") -> LedgerAccount:
    """The account of that kind, opened on first use."""
    currency = check_currency(currency)
    if (kind in LedgerAccount.MEMBER_KINDS) != (organisation is not None):
        raise ValueError(f"{kind} accounts {'need' if organisation is None else 'have no'} organisation")
    key = _account_key(kind, currency, organisation.pk if organisation else None, reference)
    account = LedgerAccount.objects.filter(key=key).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return LedgerAccount.objects.create(kind=kind, currency=currency, organisation=organisation,
                                                reference=reference, key=key)
    except IntegrityError:  # opened meanwhile by a concurrent request
        return LedgerAccount.objects.get(key=key)


def balance_of(account: LedgerAccount) -> Decimal:
    total = Posting.objects.filter(account=account).aggregate(total=Sum("amount"))["total"]
    return (total or ZERO).quantize(Decimal("0.01"))


def _check_amount(money: Money) -> None:
    if money.amount <= 0:
        raise ValidationFailed.for_field("amount", _("The amount must be greater than zero."))
    places = MINOR_UNITS[money.currency]
    exponent = money.amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ValidationFailed.for_field("amount", _("%(currency)s amounts have at most %(places)d decimal places.")
                                         % {"currency": money.currency, "places": places})


@transaction.atomic
def transaction_post(*, kind: str, lines: Sequence[Line], memo: str = "", reference: str = "",
                     provider_reference: str = "", actor: User | None = None) -> LedgerTransaction:
    """Post one balanced transaction, refusing it whole if any member account would go negative."""
    if len(lines) < 2:
        raise ValueError("a ledger transaction needs at least two postings")
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        sums[line.account.currency] += line.amount
    unbalanced = {currency: total for currency, total in sums.items() if total != 0}
    if unbalanced:
        raise ValueError(f"postings do not sum to zero: {unbalanced}")

    ids = sorted({line.account.pk for line in lines})
    locked = {account.pk: account for account in LedgerAccount.objects.select_for_update().filter(pk__in=ids)
              .order_by("pk")}
    changes: dict[int, Decimal] = defaultdict(Decimal)
    for line in lines:
        changes[line.account.pk] += line.amount
    for account_id, change in changes.items():
        account = locked[account_id]
        if change < 0 and account.kind in LedgerAccount.MEMBER_KINDS and balance_of(account) + change < 0:
            raise InsufficientFunds(
                _("Not enough money in %(account)s: %(balance)s available, %(needed)s needed.")
                % {"account": account.get_kind_display(), "balance": Money(balance_of(account), account.currency),
                   "needed": Money(-change, account.currency)},
                fields={"amount": _("Not enough money.")},
            )
    entry = LedgerTransaction.objects.create(kind=kind, memo=memo[:300], reference=reference,
                                             provider_reference=provider_reference, actor=actor)
    Posting.objects.bulk_create(
        Posting(transaction=entry, account=line.account, amount=line.amount, currency=line.account.currency)
        for line in lines
    )
    return entry


def escrow_account(*, organisation: Organisation, currency: str, reference: str) -> LedgerAccount:
    return account_for(kind=Kind.ESCROW, currency=currency, organisation=organisation, reference=reference)


def available_account(*, organisation: Organisation, currency: str) -> LedgerAccount:
    return account_for(kind=Kind.AVAILABLE, currency=currency, organisation=organisation)


@transaction.atomic
def deposit_record(*, organisation: Organisation, money: Money, provider_reference: str,
                   actor: User | None = None, memo: str = "") -> LedgerTransaction:
    """Money the payment provider confirmed as received for ``organisation``."""
    _check_amount(money)
    return transaction_post(
        kind=LedgerTransaction.Kind.DEPOSIT, memo=memo, provider_reference=provider_reference, actor=actor,
        lines=[Line(account_for(kind=Kind.BANK_IN, currency=money.currency), -money.amount),
               Line(available_account(organisation=organisation, currency=money.currency), money.amount)],
    )


@transaction.atomic
def payout_record(*, organisation: Organisation, money: Money, provider_reference: str,
                  actor: User | None = None, memo: str = "") -> LedgerTransaction:
    """Money leaving a member's available balance for their bank account."""
    _check_amount(money)
    return transaction_post(
        kind=LedgerTransaction.Kind.PAYOUT, memo=memo, provider_reference=provider_reference, actor=actor,
        lines=[Line(available_account(organisation=organisation, currency=money.currency), -money.amount),
               Line(account_for(kind=Kind.BANK_OUT, currency=money.currency), money.amount)],
    )


@transaction.atomic
def escrow_hold(*, payer: Organisation, money: Money, reference: str, actor: User | None = None,
                memo: str = "") -> LedgerTransaction:
    """Move money from the payer's available balance into the escrow for ``reference``."""
    _check_amount(money)
    return transaction_post(
        kind=LedgerTransaction.Kind.ESCROW_HOLD, memo=memo, reference=reference, actor=actor,
        lines=[Line(available_account(organisation=payer, currency=money.currency), -money.amount),
               Line(escrow_account(organisation=payer, currency=money.currency, reference=reference),
                    money.amount)],
    )


@transaction.atomic
def escrow_release(*, payer: Organisation, payee: Organisation, money: Money, fee: Decimal, reference: str,
                   actor: User | None = None, memo: str = "") -> LedgerTransaction:
    """Pay ``money`` out of the escrow for ``reference`` to the payee, the fee to the platform."""
    _check_amount(money)
    if fee < 0 or fee > money.amount:
        raise ValidationFailed.for_field("fee", _("The fee must be between zero and the amount released."))
    lines = [
        Line(escrow_account(organisation=payer, currency=money.currency, reference=reference), -money.amount),
        Line(available_account(organisation=payee, currency=money.currency), money.amount - fee),
    ]
    if fee:
        lines.append(Line(account_for(kind=Kind.FEE_INCOME, currency=money.currency), fee))
    return transaction_post(kind=LedgerTransaction.Kind.ESCROW_RELEASE, memo=memo, reference=reference,
                            actor=actor, lines=lines)


@transaction.atomic
def escrow_refund(*, payer: Organisation, money: Money, reference: str, actor: User | None = None,
                  memo: str = "") -> LedgerTransaction:
    """Return money held for ``reference`` to the payer's available balance."""
    _check_amount(money)
    return transaction_post(
        kind=LedgerTransaction.Kind.ESCROW_REFUND, memo=memo, reference=reference, actor=actor,
        lines=[Line(escrow_account(organisation=payer, currency=money.currency, reference=reference),
                    -money.amount),
               Line(available_account(organisation=payer, currency=money.currency), money.amount)],
    )


def escrow_balance(*, payer: Organisation, currency: str, reference: str) -> Decimal:
    return balance_of(escrow_account(organisation=payer, currency=currency, reference=reference))
