"""The words a statement shows for a securitisation's money, in the reader's language:
``abs:<id>:<account>`` (its issue, collection, reserve and tax accounts) and
``abs:<id>:p<n>`` (period n's waterfall)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from ipx.ledger import descriptions

_PERIOD = re.compile(r"abs:(\d+):p(\d+)")
_ACCOUNT = re.compile(r"abs:(\d+):(issue|collections|reserve|tax)")


def describe(kind: str, reference: str) -> str | None:
    period = _PERIOD.fullmatch(reference)
    if period is not None:
        return _("Securitisation #%(product)d, period %(period)d") % {"product": int(period[1]),
                                                                       "period": int(period[2])}
    account = _ACCOUNT.fullmatch(reference)
    if account is None:
        return None
    words = {"issue": _("Securitisation #%(product)d: issue"),
             "collections": _("Securitisation #%(product)d: collections"),
             "reserve": _("Securitisation #%(product)d: reserve account"),
             "tax": _("Securitisation #%(product)d: tax on collections")}
    return words[account[2]] % {"product": int(account[1])}


def register() -> None:
    descriptions.register("abs:", describe)
