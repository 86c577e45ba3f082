"""A notice's e-mail as HTML, besides its plain text: the same words, with each piece of
people's text the sentence was made with (a listing's title, an organisation's name) marked
with its language and direction, so a reader's screen reader speaks a Chinese title in a
mail in English, or an English name in one in Chinese, in its own voice. The layout is the
one every mail shares (``ipx.core.mail.mail_html``)."""

from __future__ import annotations

from ipx.core.mail import mail_html
from ipx.core.notices import Params, render


def notice_html(verb: str, params: Params, link: str) -> str:
    """The HTML part of a notice's mail in the active language (the recipient's)."""
    title, body = render(verb, params)
    return mail_html(title, body, params, link)
