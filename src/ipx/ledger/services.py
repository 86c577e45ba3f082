"""Writes to the ledger. Every function here posts one balanced transaction.

Callers pass amounts already checked with ``ipx.core.money.parse_amount``; the ledger checks
again what it alone can know: balanced postings, no member account below zero. The member
accounts a transaction takes money from are locked in primary-key order (``SELECT … FOR
UPDATE`` on PostgreSQL; SQLite's IMMEDIATE transactions serialise writers) before their
balances are read, so two requests spending the same money cannot both succeed.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.accounts.selectors import access_organisation, binds
from ipx.core.errors import Conflict, PermissionDenied, ValidationFailed
from ipx.core.money import MINOR_UNITS, ZERO, AmountSum, Money, check_currency, parse_amount
from ipx.core.validation import FieldErrors, clean_text
from ipx.ledger.models import LedgerAccount, LedgerTransaction, Payout, Posting
from ipx.ledger.providers import PaymentRefused, ReceiptStatus, normalise_bank_account, payment_provider

Kind = LedgerAccount.Kind


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
    total = Posting.objects.filter(account=account).aggregate(total=AmountSum("amount"))["total"]
    return total or ZERO  # AmountSum answers in cents


def _check_places(amount: Decimal, currency: str, *, field: str) -> None:
    places = MINOR_UNITS[currency]
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ValidationFailed.for_field(field, _("%(currency)s amounts have at most %(places)d decimal places.")
                                         % {"currency": currency, "places": places})


def _check_amount(money: Money) -> None:
    check_currency(money.currency)  # an unknown code is a refusal, not a KeyError below
    if money.amount <= 0:
        raise ValidationFailed.for_field("amount", _("The amount must be greater than zero."))
    _check_places(money.amount, money.currency, field="amount")


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

    changes: dict[int, Decimal] = defaultdict(Decimal)
    kinds: dict[int, str] = {}
    for line in lines:
        changes[line.account.pk] += line.amount
        kinds[line.account.pk] = line.account.kind
    # Only member accounts that lose money can break the rule, so only they are locked: a
    # concurrent credit can only raise a balance, and locking the platform's accounts (which
    # have no floor) would make every deposit and fee in the exchange wait for one another.
    debited = sorted(pk for pk, change in changes.items() if change < 0 and kinds[pk] in LedgerAccount.MEMBER_KINDS)
    locked = LedgerAccount.objects.select_for_update().filter(pk__in=debited).order_by("pk")
    for account in locked:
        change = changes[account.pk]
        balance = balance_of(account)
        if balance + change < 0:
            raise InsufficientFunds(
                _("Not enough money in %(account)s: %(balance)s available, %(needed)s needed.")
                % {"account": account.get_kind_display(), "balance": Money(balance, account.currency),
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
    # A fee in fractions the currency does not have (half a yen) could never be paid out.
    _check_places(fee, money.currency, field="fee")
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


@transaction.atomic
def escrow_transfer(*, payer: Organisation, money: Money, from_reference: str, to_reference: str,
                    actor: User | None = None) -> LedgerTransaction:
    """Move money the payer holds in escrow for one purpose to another of its escrows (an
    auction deposit becoming part of the price): it never passes through the available balance."""
    _check_amount(money)
    return transaction_post(
        kind=LedgerTransaction.Kind.ESCROW_HOLD, reference=to_reference, actor=actor,
        lines=[Line(escrow_account(organisation=payer, currency=money.currency, reference=from_reference),
                    -money.amount),
               Line(escrow_account(organisation=payer, currency=money.currency, reference=to_reference),
                    money.amount)],
    )


@transaction.atomic
def fee_charge(*, payer: Organisation, money: Money, reference: str, actor: User | None = None) -> LedgerTransaction:
    """A fee the payer owes the exchange (an auction's buyer's premium), from its available balance."""
    _check_amount(money)
    return transaction_post(
        kind=LedgerTransaction.Kind.FEE, reference=reference, actor=actor,
        lines=[Line(available_account(organisation=payer, currency=money.currency), -money.amount),
               Line(account_for(kind=Kind.FEE_INCOME, currency=money.currency), money.amount)],
    )


@transaction.atomic
def fee_refund(*, payee: Organisation, money: Money, reference: str, actor: User | None = None) -> LedgerTransaction:
    """A fee charged earlier given back to the member that paid it (the exchange cancelled the
    sale it was charged on), under the charge's reference."""
    _check_amount(money)
    return transaction_post(
        kind=LedgerTransaction.Kind.FEE_REFUND, reference=reference, actor=actor,
        lines=[Line(account_for(kind=Kind.FEE_INCOME, currency=money.currency), -money.amount),
               Line(available_account(organisation=payee, currency=money.currency), money.amount)],
    )


@transaction.atomic
def transfer(*, payer: Organisation, payee: Organisation, money: Money, reference: str,
             actor: User | None = None) -> LedgerTransaction:
    """Pay from one member's available balance to another's (InsufficientFunds when short)."""
    _check_amount(money)
    return transaction_post(
        kind=LedgerTransaction.Kind.TRANSFER, reference=reference, actor=actor,
        lines=[Line(available_account(organisation=payer, currency=money.currency), -money.amount),
               Line(available_account(organisation=payee, currency=money.currency), money.amount)],
    )


def escrow_balance(*, payer: Organisation, currency: str, reference: str) -> Decimal:
    # A read: looks the account up by its key rather than opening it.
    key = _account_key(Kind.ESCROW, check_currency(currency), payer.pk, reference)
    total = Posting.objects.filter(account__key=key).aggregate(total=AmountSum("amount"))["total"]
    return total or ZERO  # AmountSum answers in cents


# --- Deposits and payouts: members asking, the payment provider moving the money ----------

MAX_REFERENCE_LENGTH = 60


def _money_in(amount: object, currency: object) -> Money:
    """The amount and currency a member typed, both checked, all problems reported at once."""
    errors = FieldErrors()
    code = ""
    try:
        code = check_currency(currency)
    except ValidationFailed as exc:
        errors.collect(exc)
    value = Decimal(0)
    if code:
        try:
            value = parse_amount(amount, code, field="amount")
        except ValidationFailed as exc:
            errors.collect(exc)
    errors.raise_if_any()
    return Money(value, code)


def _require_verified(organisation: Organisation) -> None:
    # Money moves only for organisations the operator has verified (know your customer).
    if not organisation.is_verified:
        raise PermissionDenied(_("%(name)s is not verified yet; money can be deposited or paid out once the "
                                 "operator has verified it.") % {"name": organisation.name})


def _reference(kind: str, reference: str) -> str:
    """Our reference for a provider request: the caller's (e.g. from an idempotency key) or new."""
    return (reference or f"{kind}:{uuid.uuid4().hex}")[:MAX_REFERENCE_LENGTH]


def masked_bank_account(bank_account: str) -> str:
    """What the exchange keeps and shows of an account paid to: its last four characters."""
    return f"****{bank_account[-4:]}"


@transaction.atomic
def deposit_create(*, organisation_id: int, actor: User, amount: object, currency: object,
                   reference: str = "") -> LedgerTransaction:
    """A member pays money into their organisation's available balance.

    The provider collects the money first; only a confirmed collection is posted. A retried
    request should pass the same ``reference`` so that the provider collects once.
    """
    organisation = access_organisation(actor, organisation_id)
    _require_verified(organisation)
    money = _money_in(amount, currency)
    receipt = payment_provider().collect_deposit(organisation, money, _reference("deposit", reference))
    if receipt.status != ReceiptStatus.SUCCEEDED:
        # No pending deposits: the money is credited when the provider confirms it.
        raise PaymentRefused(receipt.message or _("The payment provider did not confirm the deposit."))
    entry = deposit_record(organisation=organisation, money=money, provider_reference=receipt.provider_reference,
                           actor=actor)
    return entry


@transaction.atomic
def payout_create(*, organisation_id: int, actor: User, amount: object, currency: object, bank_account: object,
                  reference: str = "") -> Payout:
    """An administrator or a named signatory sends money from the organisation's available
    balance to its bank.

    The ledger entry is posted first, so a short balance is refused before the provider is
    asked; the provider's refusal (e.g. an account it cannot pay to) rolls the entry back.
    The provider is asked inside the transaction: if our commit failed after it paid, its
    record under our reference is what reconciliation finds.
    """
    organisation = access_organisation(actor, organisation_id)
    if not binds(actor, organisation_id):
        raise PermissionDenied(_("Only an administrator or a signatory of %(name)s may pay money out.")
                               % {"name": organisation.name})
    _require_verified(organisation)
    errors = FieldErrors()
    account_text = clean_text(bank_account, field="bank_account", errors=errors, max_length=64,
                              label=_("Bank account"))
    try:
        money = _money_in(amount, currency)
    except ValidationFailed as exc:
        errors.collect(exc)
    errors.raise_if_any()
    account_number = normalise_bank_account(account_text)
    entry = payout_record(organisation=organisation, money=money, provider_reference="", actor=actor,
                          memo=masked_bank_account(account_number))
    receipt = payment_provider().send_payout(organisation, money, account_number,
                                             reference=_reference("payout", reference))
    if receipt.status == ReceiptStatus.FAILED:
        raise PaymentRefused(receipt.message or _("The payment provider refused the payout."))
    payout = Payout.objects.create(organisation=organisation, amount=money.amount, currency=money.currency,
                                   bank_account=masked_bank_account(account_number), transaction=entry,
                                   provider_reference=receipt.provider_reference, requested_by=actor)
    return payout
