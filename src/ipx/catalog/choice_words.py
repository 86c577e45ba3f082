"""Legal statuses and patent kinds as people write them: our value ("in_force"), its label in
the language in use ("In force", "有效"), or the words CNIPA's exports use ("有权-审定授权")."""

from __future__ import annotations

import functools
from collections.abc import Mapping

from django.db.models import TextChoices
from django.utils.translation import get_language

from ipx.catalog.models import Asset, Patent

# Legal-status words as CNIPA exports write them (法律状态), mapped to ours.
CNIPA_LEGAL_STATUS = {
    "有权": Asset.LegalStatus.IN_FORCE,
    "审中": Asset.LegalStatus.PENDING,
    "无权": Asset.LegalStatus.LAPSED,
    "失效": Asset.LegalStatus.LAPSED,
    "届满": Asset.LegalStatus.EXPIRED,
    "期满": Asset.LegalStatus.EXPIRED,
    "无效": Asset.LegalStatus.INVALIDATED,
    "撤回": Asset.LegalStatus.WITHDRAWN,
    "驳回": Asset.LegalStatus.WITHDRAWN,
}
CNIPA_PATENT_KINDS = {
    "发明": Patent.Kind.INVENTION,
    "实用新型": Patent.Kind.UTILITY_MODEL,
    "外观设计": Patent.Kind.DESIGN,
    "外观": Patent.Kind.DESIGN,
}


def parse_legal_status(value: object) -> str | None:
    """Our status; None when nothing is given, "" when the text is no status."""
    return _read_choice(value, Asset.LegalStatus, CNIPA_LEGAL_STATUS)


def parse_patent_kind(value: object) -> str | None:
    """Our patent kind; None when nothing is given, "" when the text is no kind."""
    return _read_choice(value, Patent.Kind, CNIPA_PATENT_KINDS)


def _read_choice(value: object, choices: type[TextChoices], cnipa_words: Mapping[str, str]) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    if text in _values(choices):
        return text
    by_label = _values_by_label(choices, get_language())
    if text.lower() in by_label:
        return by_label[text.lower()]
    # CNIPA's status carries detail after the word ("有权-审定授权"); the word decides.
    return next((ours for word, ours in cnipa_words.items() if text.startswith(word)), "")


@functools.cache
def _values(choices: type[TextChoices]) -> frozenset[str]:
    # ``choices.values`` builds its list anew (with every label) at each reading.
    return frozenset(choices.values)


@functools.cache
def _values_by_label(choices: type[TextChoices], language: str | None) -> dict[str, str]:
    """The choices' values by their labels in ``language`` (lower case); an import asks for
    every row, and translating each label each time was a tenth of a row's checks."""
    values: dict[str, str] = {}
    for choice in choices:
        values.setdefault(str(choice.label).lower(), choice.value)
    return values
