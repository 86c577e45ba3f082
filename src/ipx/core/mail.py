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
    recipients: Iterable[Recipient], subject: Callable[[], str], body: Callable[[], str],
    html: Callable[[], str] | None = None,
) -> None:
    """``subject`` and ``body`` (and ``html``, the same body as an HTML part, when given) are
    called after commit, under each recipient's language, so nothing is translated while the
    caller's rows are locked."""
    addressed = [(recipient.email, recipient.preferred_language or settings.LANGUAGE_CODE)
                 for recipient in recipients]

    def send() -> None:
        for email, language in addressed:
            try:
                with translation.override(language):
                    text_subject, text_body = subject(), body()
                    html_body = html() if html is not None else None
                send_mail(text_subject, text_body, settings.DEFAULT_FROM_EMAIL, [email], html_message=html_body)
            except Exception:
                logger.exception("could not send mail to %s", email)

    transaction.on_commit(send)
