"""E-mail to members, written in each recipient's language and sent after commit, and the
HTML part every such mail shares (``mail_html``)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from ipx.core.text_language import marked_in

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


def _is_link(value: object) -> bool:
    """A param that is a whole address (a link the mail was made with), not words that start with one."""
    return isinstance(value, str) and value.startswith(("https://", "http://")) and not re.search(r"\s", value)


def words_html(text: str, params: Mapping[str, Any], language: str) -> SafeString:
    """``text`` (words made from ``params``) as HTML: escaped, each link among the params a
    real ``<a>`` (a reader follows it, not copies it), every other piece of people's text
    marked with its language as ``marked_in`` marks it. Links are cut out first, so a name
    that happens to occur inside a link is not marked there."""
    links = sorted({value for value in params.values() if _is_link(value)}, key=len, reverse=True)
    pieces = [value for value in params.values() if isinstance(value, str) and not _is_link(value)]
    if not links:
        return marked_in(text, pieces, language)
    parts = re.split("(" + "|".join(map(re.escape, links)) + ")", text)
    # re.split with one group: the links sit at the odd places, the words around them at the even.
    return mark_safe("".join(  # noqa: S308 (each part escaped by format_html or marked_in)
        format_html('<a href="{}">{}</a>', part, part) if index % 2 else marked_in(part, pieces, language)
        for index, part in enumerate(parts)))


def mail_html(title: str, body: str, params: Mapping[str, Any], link: str = "") -> str:
    """The HTML part of a mail in the active language (the recipient's, under
    ``mail_on_commit``): ``title`` and ``body`` as the text part has them, made from
    ``params``; ``link``, when given, offered after the words."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return render_to_string("core/mail.html", {
        "language": language, "subject": title, "title": words_html(title, params, language),
        "body": words_html(body, params, language), "link": link})
