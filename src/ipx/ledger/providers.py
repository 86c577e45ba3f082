"""Payment providers: how money enters and leaves the exchange.

The ledger records what a provider confirmed; the provider moves the real money. Which
provider runs is the setting ``IPX_PAYMENT_PROVIDER`` (a dotted path to a class with the
methods of ``PaymentProvider``); the default is ``SimulatedProvider``, for development,
demonstrations and tests, which moves no money at all.

Every call carries our own ``reference`` for the request. A real provider uses it as its
idempotency key, so a request we retry (after a timeout, or a rolled-back transaction) is
paid once.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.db import models
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum import iban
from stdnum.exceptions import ValidationError as NumberError

from ipx.accounts.models import Organisation
from ipx.core.errors import Conflict, ValidationFailed
from ipx.core.money import Money

DEFAULT_PROVIDER = "ipx.ledger.providers.SimulatedProvider"


class ReceiptStatus(models.TextChoices):
    SUCCEEDED = "succeeded", gettext_lazy("Succeeded")
    # Accepted by the provider, settled later (bank transfers often are).
    PENDING = "pending", gettext_lazy("Pending")
    FAILED = "failed", gettext_lazy("Failed")


@dataclass(frozen=True, slots=True)
class Receipt:
    provider_reference: str
    status: str
    message: str = ""  # the provider's reason when it failed


class PaymentRefused(Conflict):
    """The provider declined to move the money; nothing was recorded."""

    code = "payment_refused"


@runtime_checkable
class PaymentProvider(Protocol):
    def collect_deposit(self, organisation: Organisation, money: Money, reference: str) -> Receipt:
        """Take ``money`` from the organisation's bank into the exchange's client account."""
        ...

    def send_payout(self, organisation: Organisation, money: Money, bank_account: str, *,
                    reference: str = "") -> Receipt:
        """Send ``money`` from the exchange's client account to ``bank_account``.

        Raises ValidationFailed (field ``bank_account``) for an account it cannot pay to.
        """
        ...


def normalise_bank_account(text: str) -> str:
    """Account numbers are written with spaces or hyphens in groups; compare them without."""
    return re.sub(r"[\s\-]+", "", text).upper()


def check_bank_account(text: str) -> str:
    """The normalised account number, or ValidationFailed when it is obviously wrong.

    Accepted: an IBAN with correct check digits (overseas accounts), or 8 to 30 digits other
    than one digit repeated (mainland, Hong Kong and Macao account numbers differ in length,
    and many corporate accounts carry no check digit, so none is required). Real validation
    is the bank's.
    """
    number = normalise_bank_account(text)
    if re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{8,30}", number):
        try:
            iban.validate(number)
        except NumberError:
            raise ValidationFailed.for_field(
                "bank_account", _("This IBAN's check digits are wrong; please check the number.")) from None
        return number
    if not re.fullmatch(r"\d{8,30}", number) or len(set(number)) == 1:
        raise ValidationFailed.for_field(
            "bank_account", _("This is not a bank account number we can pay to: use 8 to 30 digits, or an IBAN."))
    return number


def _digest(*parts: object) -> str:
    return hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()[:16].upper()


class SimulatedProvider:
    """Confirms every deposit and every payout to a plausible account, moving no money.

    References are derived from the request (``SIM-D-…`` for deposits, ``SIM-P-…`` for
    payouts), so the same request always gets the same reference, like a real provider
    answering a retried request with the same idempotency key.
    """

    def collect_deposit(self, organisation: Organisation, money: Money, reference: str) -> Receipt:
        return Receipt(provider_reference=f"SIM-D-{_digest(organisation.pk, money.amount, money.currency, reference)}",
                       status=ReceiptStatus.SUCCEEDED)

    def send_payout(self, organisation: Organisation, money: Money, bank_account: str, *,
                    reference: str = "") -> Receipt:
        number = check_bank_account(bank_account)
        return Receipt(
            provider_reference=f"SIM-P-{_digest(organisation.pk, money.amount, money.currency, number, reference)}",
            status=ReceiptStatus.SUCCEEDED)


@cache
def _provider(path: str) -> PaymentProvider:
    provider = import_string(path)()
    if not isinstance(provider, PaymentProvider):
        raise TypeError(f"{path} is not a payment provider (collect_deposit, send_payout)")
    return provider


def payment_provider() -> PaymentProvider:
    """The configured provider (one instance per process and setting)."""
    return _provider(getattr(settings, "IPX_PAYMENT_PROVIDER", DEFAULT_PROVIDER) or DEFAULT_PROVIDER)
