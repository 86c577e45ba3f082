"""The words a statement shows for an auction's money, in the reader's language: a deposit
held for a lot, released at the close, and a buyer's premium (``ipx.ledger.descriptions``).
The deposit applied to the price and a forfeited deposit are the deal's own lines."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from ipx.ledger import descriptions
from ipx.ledger.models import LedgerTransaction

_DEPOSIT = re.compile(r"auction-lot:(\d+)")
_PREMIUM = re.compile(r"auction-premium:(\d+)")
Kind = LedgerTransaction.Kind


def describe_deposit(kind: str, reference: str) -> str | None:
    match = _DEPOSIT.fullmatch(reference)
    if match is None:
        return None
    values = {"lot": int(match[1])}
    if kind == Kind.ESCROW_HOLD:
        return _("Deposit held for auction lot #%(lot)d") % values
    if kind == Kind.ESCROW_REFUND:
        return _("Deposit for auction lot #%(lot)d released") % values
    return None


def describe_premium(kind: str, reference: str) -> str | None:
    match = _PREMIUM.fullmatch(reference)
    if match is None or kind != Kind.FEE:
        return None
    return _("Buyer's premium (auction settlement #%(settlement)d)") % {"settlement": int(match[1])}


def register() -> None:
    descriptions.register("auction-lot:", describe_deposit)
    descriptions.register("auction-premium:", describe_premium)
