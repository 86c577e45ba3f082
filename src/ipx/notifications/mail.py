"""A notice's e-mail as HTML, besides its plain text: the same words, with each piece of
people's text the sentence was made with (a listing's title, an organisation's name) marked
with its language and direction, so a reader's screen reader speaks a Chinese title in a
mail in English, or an English name in one in Chinese, in its own voice."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import get_language

from ipx.core.notices import Params, render
from ipx.core.text_language import marked_in


def notice_html(verb: str, params: Params, link: str) -> str:
    """The HTML part of a notice's mail in the active language (the recipient's)."""
    title, body = render(verb, params)
    language = get_language() or settings.LANGUAGE_CODE
    pieces = [value for value in params.values() if isinstance(value, str)]
    return render_to_string("notifications/mail.html", {
        "language": language, "subject": title, "title": marked_in(title, pieces, language),
        "body": marked_in(body, pieces, language), "link": link})
