"""The words a statement shows for a loan's and an insurance policy's money, in the reader's
language."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from ipx.ledger import descriptions

_LOAN = re.compile(r"loan:(\d+)")
_POLICY = re.compile(r"policy:(\d+)")


def describe_loan(kind: str, reference: str) -> str | None:
    match = _LOAN.fullmatch(reference)
    if match is None:
        return None
    return _("Pledge loan #%(loan)d") % {"loan": int(match[1])}


def describe_policy(kind: str, reference: str) -> str | None:
    match = _POLICY.fullmatch(reference)
    if match is None:
        return None
    return _("Insurance policy #%(policy)d") % {"policy": int(match[1])}


def register() -> None:
    descriptions.register("loan:", describe_loan)
    descriptions.register("policy:", describe_policy)
