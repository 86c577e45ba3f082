"""Deployment checks for money: production must not run on stand-ins.

``manage.py check --deploy`` (and so a production start-up that runs it) fails when the
exchange would take deposits from the simulated payment provider, which confirms any amount,
or would "send" its mails to the console, where nobody reads them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error
from django.utils.module_loading import import_string

SIMULATED_PROVIDER = "ipx.ledger.providers.SimulatedProvider"
# Django's back-ends that deliver nothing to anybody.
UNDELIVERED_MAIL = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


def check_money_and_mail_are_real(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not getattr(settings, "PRODUCTION", False):
        return []
    problems: list[CheckMessage] = []
    if settings.IPX_PAYMENT_PROVIDER == SIMULATED_PROVIDER:
        problems.append(Error(
            "Production runs the simulated payment provider, which confirms any deposit.",
            hint="Set IPX_PAYMENT_PROVIDER to the dotted path of the bank's PaymentProvider.",
            id="ipx.E001"))
    else:
        try:
            import_string(settings.IPX_PAYMENT_PROVIDER)
        except ImportError as exc:
            problems.append(Error(f"IPX_PAYMENT_PROVIDER cannot be imported: {exc}", id="ipx.E003"))
    if settings.EMAIL_BACKEND in UNDELIVERED_MAIL:
        problems.append(Error(
            f"Production mails through {settings.EMAIL_BACKEND}, which delivers nothing.",
            hint="Set EMAIL_BACKEND (e.g. django.core.mail.backends.smtp.EmailBackend) and its EMAIL_* settings.",
            id="ipx.E002"))
    return problems
