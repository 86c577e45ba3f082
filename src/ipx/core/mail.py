"""E-mail to members, written in each recipient's language and sent after commit."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation

logger = logging.getLogger(__name__)


class Recipient(Protocol):
    email: str
    preferred_language: str


def mail_on_commit(
    recipients: Iterable[Recipient], subject: Callable[[], str], body: Callable[[], str]
) -> None:
    """``subject`` and ``body`` are called under each recipient's language."""
    messages = []
    for recipient in recipients:
        with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
            messages.append((recipient.email, subject(), body()))

    def send() -> None:
        for email, text_subject, text_body in messages:
            try:
                send_mail(text_subject, text_body, settings.DEFAULT_FROM_EMAIL, [email])
            except Exception:
                logger.exception("could not send mail to %s", email)

    transaction.on_commit(send)
