"""The words a statement shows for a loan's money, in the reader's language."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from ipx.ledger import descriptions

_LOAN = re.compile(r"loan:(\d+)")


def describe_loan(kind: str, reference: str) -> str | None:
    match = _LOAN.fullmatch(reference)
    if match is None:
        return None
    return _("Pledge loan #%(loan)d") % {"loan": int(match[1])}


def register() -> None:
    descriptions.register("loan:", describe_loan)
