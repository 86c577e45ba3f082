"""The language a fragment of people's text (a title, a name) is written in, guessed from its
script, so that a page can mark a Chinese title on an English page (and the reverse) for
screen readers, which otherwise read it with the page's voice, and let right-to-left text
set its own direction.

Only scripts are told apart: Chinese characters → ``zh``, Latin letters → ``en``, Hebrew →
``he``, Arabic → ``ar``. Simplified and Traditional Chinese share most characters and are
not told apart; both are ``zh``, which a ``zh-hans`` or ``zh-hant`` page already is.
"""

from __future__ import annotations

import unicodedata

RIGHT_TO_LEFT = frozenset({"he", "ar"})

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


def guess_language(text: str) -> str | None:
    """The language whose script most of the letters of ``text`` are in (on a tie, the one
    met first); None for text without letters (numbers, codes, punctuation)."""
    counts: dict[str, int] = {}
    for character in text:
        language = _language_of_character(character)
        if language is not None:
            counts[language] = counts.get(language, 0) + 1
    if not counts:
        return None
    return max(counts, key=lambda language: counts[language])  # max keeps the first of equals


def language_attributes(text: str, page_language: str) -> str:
    """What an element holding ``text`` needs on a page in ``page_language``: ``lang`` when the
    text's language differs from the page's (``zh`` text on a ``zh-hans`` page does not), and
    always ``dir="auto"``, so that right-to-left text runs its own way. Starts with a space."""
    language = guess_language(text)
    page = (page_language or "").split("-")[0].lower()
    attributes = ' dir="auto"'
    if language is not None and language != page:
        attributes = f' lang="{language}"' + attributes
    return attributes
