"""The language a fragment of people's text (a title, a name) is written in, guessed from its
script, so that a page can mark a Chinese title on an English page (and the reverse) for
screen readers, which otherwise read it with the page's voice, and let right-to-left text
set its own direction. Kept in core: the contract PDF marks names by it too (WeasyPrint picks
glyphs and line breaking by ``lang``), and the notification list the names in a notice.

Scripts are told apart: Chinese characters → ``zh``, Latin letters → ``en``, Hebrew →
``he``, Arabic → ``ar``. Chinese is then told Simplified (``zh-Hans``) from Traditional
(``zh-Hant``) where its characters say so, with OpenCC: text that converting to Simplified
changes is Traditional; text that converting to Traditional changes (and to Simplified does
not) is Simplified; text made only of characters both scripts share stays plain ``zh``,
which either Chinese page already is.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import opencc
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

RIGHT_TO_LEFT = frozenset({"he", "ar"})

# Built once: loading a conversion table costs far more than converting a name with it, and
# the guess runs for every name and title on a page.
_TO_SIMPLIFIED = opencc.OpenCC("t2s")
_TO_TRADITIONAL = opencc.OpenCC("s2t")

# Script ranges (start, end, language), in the order they are looked up.
_RANGES = (
    (0x3400, 0x4DBF, "zh"), (0x4E00, 0x9FFF, "zh"), (0xF900, 0xFAFF, "zh"), (0x20000, 0x3134F, "zh"),
    (0x0590, 0x05FF, "he"), (0xFB1D, 0xFB4F, "he"),
    (0x0600, 0x06FF, "ar"), (0x0750, 0x077F, "ar"), (0x08A0, 0x08FF, "ar"), (0xFB50, 0xFDFF, "ar"),
    (0xFE70, 0xFEFF, "ar"),
)


def _language_of_character(character: str) -> str | None:
    point = ord(character)
    for start, end, language in _RANGES:
        if start <= point <= end:
            return language
    if character.isascii() and character.isalpha():
        return "en"
    if unicodedata.category(character).startswith("L") and "LATIN" in unicodedata.name(character, ""):
        return "en"
    return None


def chinese_script(text: str) -> str:
    """``zh-Hant`` for text in Traditional characters, ``zh-Hans`` for Simplified, ``zh`` when
    every character is written the same in both."""
    if _TO_SIMPLIFIED.convert(text) != text:
        return "zh-Hant"
    if _TO_TRADITIONAL.convert(text) != text:
        return "zh-Hans"
    return "zh"


@lru_cache(maxsize=4096)  # the same organisation names recur on every page of a thread or statement
def guess_language(text: str) -> str | None:
    """The language whose script most of the letters of ``text`` are in (on a tie, the one
    met first), Chinese told ``zh-Hans``/``zh-Hant``/``zh`` by :func:`chinese_script`; None
    for text without letters (numbers, codes, punctuation)."""
    counts: dict[str, int] = {}
    for character in text:
        language = _language_of_character(character)
        if language is not None:
            counts[language] = counts.get(language, 0) + 1
    if not counts:
        return None
    language = max(counts, key=lambda language: counts[language])  # max keeps the first of equals
    if language == "zh":
        chinese = "".join(character for character in text if _language_of_character(character) == "zh")
        return chinese_script(chinese)
    return language


def _same_language(text_language: str, page_language: str) -> bool:
    """Whether a screen reader on the page's language reads the text right: same language,
    and for Chinese the same script unless the text's script is unknown (plain ``zh``)."""
    text_primary, _, text_script = text_language.lower().partition("-")
    page_primary, _, page_script = page_language.lower().partition("-")
    if text_primary != page_primary:
        return False
    return not text_script or text_script == page_script


def language_attributes(text: str, page_language: str) -> str:
    """What an element holding ``text`` needs on a page in ``page_language``: ``lang`` when the
    text's language differs from the page's (``zh-Hans`` or plain ``zh`` text on a ``zh-hans``
    page does not; ``zh-Hant`` text there does), and always ``dir="auto"``, so that
    right-to-left text runs its own way. Starts with a space."""
    language = guess_language(text)
    attributes = ' dir="auto"'
    if language is not None and not _same_language(language, page_language or ""):
        attributes = f' lang="{language}"' + attributes
    return attributes


def marked_in(text: str, pieces: Iterable[str], language: str) -> SafeString:
    """``text`` escaped, each of ``pieces`` of people's text in it (the names, titles and words
    a sentence was made with) in a ``<span>`` marked as :func:`language_attributes` marks it
    against ``language``, the sentence's. Pieces without letters (numbers, amounts) are left
    as they are; a longer piece is matched before a shorter one it contains."""
    escaped = str(conditional_escape(text))
    found = sorted({str(escape(piece)) for piece in pieces if piece and guess_language(piece) is not None},
                   key=len, reverse=True)
    if not found:
        return mark_safe(escaped)  # noqa: S308 (escaped above)

    def wrap(match: re.Match[str]) -> str:
        return f"<span{language_attributes(html.unescape(match.group(0)), language)}>{match.group(0)}</span>"

    return mark_safe(re.sub("|".join(map(re.escape, found)), wrap, escaped))  # noqa: S308 (escaped pieces)
