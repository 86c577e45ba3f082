"""Why a listing matches a demand, said in the reader's language.

The kept explanation holds codes and values only (``services.explanation_of``); this module
turns them into sentences with gettext in the active language, from the point of view of
the reader: ``"demand"`` (the organisation that posted the demand: "Within your budget")
or ``"seller"`` (the listing's seller: "Your price is within the demand's budget").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

import rjieba
from babel.numbers import format_currency
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ipx.accounts.regions import region_code_label
from ipx.catalog.models import Asset
from ipx.core.notices import status_label
from ipx.matching.demands.selectors import ipc_labels
from ipx.matching.retrieval.signals import (
    IN_FORCE,
    IPC_DIFFERENT,
    IPC_SHARED,
    MATCHED_TERMS,
    NOT_IN_FORCE,
    OTHER_REGION,
    PENDING,
    PRICE_ABOVE_BUDGET,
    PRICE_BELOW_BUDGET,
    PRICE_NEGOTIABLE,
    PRICE_WITHIN_BUDGET,
    SAME_COUNTRY,
    SAME_REGION,
    SEMANTIC,
)
from ipx.search.normalise import CHINESE_STOPWORDS

Reader = Literal["demand", "seller"]
TEXT_CODES = (MATCHED_TERMS, SEMANTIC)
# Facts first (they say most to a reader), then the text evidence.
ORDER = (IPC_SHARED, IPC_DIFFERENT, IN_FORCE, PENDING, NOT_IN_FORCE, PRICE_WITHIN_BUDGET, PRICE_BELOW_BUDGET,
         PRICE_ABOVE_BUDGET, PRICE_NEGOTIABLE, SAME_REGION, SAME_COUNTRY, OTHER_REGION, SEMANTIC, MATCHED_TERMS)
MAX_TERMS_SAID = 8
# Single characters that join words in Chinese: a bigram holding one ("的智", "可转") was cut
# across two words and says nothing about the match, and a term of one character matches
# nearly everything; neither is shown or highlighted.
_JOINING = frozenset("的了和与及或在是其该等并对于以为由中上可能将被从把也而使所之各每此个")


@dataclass(frozen=True)
class Explained:
    code: str
    values: dict[str, Any]
    sentence: str


def _is_word(term: str) -> bool:
    """Whether the segmenter's dictionary has ``term`` (空调 yes; 行模, cut from 运行模式, no)."""
    return bool(rjieba.has_word(term))


def display_terms(terms: Iterable[str], limit: int | None = None) -> list[str]:
    """The matched terms worth showing: no stop words, single characters or cross-word
    bigrams (the engine also matches character bigrams, which find unknown compounds but
    read as nonsense on their own)."""
    shown: list[str] = []
    for term in terms:
        if len(term) < 2 or term in CHINESE_STOPWORDS:
            continue
        if len(term) == 2 and not term.isascii() and (term[0] in _JOINING or term[1] in _JOINING
                                                       or not _is_word(term)):
            continue
        shown.append(term)
    return shown[:limit] if limit is not None else shown


def _locale() -> str:
    return {"zh-hans": "zh_Hans_CN", "zh-hant": "zh_Hant_HK"}.get(get_language() or "en", "en")


def money(amount: object, currency: str) -> str:
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return f"{amount} {currency}"
    return format_currency(value, currency, locale=_locale())


def _date(iso: str) -> str:
    try:
        return formats.date_format(date.fromisoformat(iso), "DATE_FORMAT")
    except ValueError:
        return iso


_REFERENCES = re.compile(r"\s*[(（][^()（）]*(?:[(（][^()（）]*[)）][^()（）]*)*[)）]")


def short_ipc_title(title: str) -> str:
    """An IPC title without its bracketed references to other places ("(… B08B15/00)"),
    and in sentence case when the English title is all capitals."""
    short = _REFERENCES.sub("", title).strip(" ;；")
    if short.isupper():
        short = short[:1] + short[1:].lower()
    return short


def ipc_entries(codes: Iterable[str]) -> list[tuple[str, str]]:
    """Codes with their short titles in the active language."""
    return [(code, short_ipc_title(title)) for code, title in ipc_labels(list(codes), get_language() or "en")]


def ipc_text(codes: Iterable[str]) -> str:
    """Codes with their titles in the active language: "H01M (title)", joined."""
    return "; ".join(f"{code} ({title})" if title else code for code, title in ipc_entries(codes))


def _budget(values: dict[str, Any]) -> str:
    currency = str(values.get("currency") or "")
    low, high = values.get("budget_min"), values.get("budget_max")
    if low and high:
        return f"{money(low, currency)} – {money(high, currency)}"
    if high:
        return _("up to %(amount)s") % {"amount": money(high, currency)}
    if low:
        return _("from %(amount)s") % {"amount": money(low, currency)}
    return ""


def _price(values: dict[str, Any]) -> str:
    currency = str(values.get("price_currency") or values.get("currency") or "")
    text = money(values.get("price"), currency)
    if values.get("price_max"):
        text = f"{text} – {money(values['price_max'], currency)}"
    return text


def _converted(sentence: str, values: dict[str, Any]) -> str:
    if values.get("converted"):
        return _("%(sentence)s (compared at indicative exchange rates)") % {"sentence": sentence}
    return sentence


def sentence(code: str, values: dict[str, Any], reader: Reader) -> str:
    """One reason as a sentence in the active language ("" for an unknown code)."""
    mine = reader == "demand"
    if code == MATCHED_TERMS:
        terms = display_terms(values.get("terms", []), MAX_TERMS_SAID)
        return _("Shared terms: %(terms)s") % {"terms": "、".join(terms) if _locale() != "en" else ", ".join(terms)}
    if code == SEMANTIC:
        return _("Close in meaning (similarity %(value)s)") % {"value": f"{float(values.get('similarity', 0)):.2f}"}
    if code == IPC_SHARED:
        codes = list(values.get("codes", []))
        level = values.get("level")
        labels = {"group": _("Same IPC group: %(codes)s"), "subclass": _("Same IPC subclass: %(codes)s"),
                  "class": _("Same IPC class: %(codes)s"), "section": _("Same IPC section: %(codes)s")}
        return labels.get(str(level), _("Shared IPC classes: %(codes)s")) % {"codes": ipc_text(codes)}
    if code == IPC_DIFFERENT:
        return _("No IPC class in common")
    if code == IN_FORCE:
        if values.get("expires_on"):
            return _("In force until %(date)s") % {"date": _date(str(values["expires_on"]))}
        return _("In force")
    if code == PENDING:
        return _("Patent application still pending")
    if code == NOT_IN_FORCE:
        status = status_label(str(values.get("status", "")), Asset.LegalStatus)
        return _("Not in force: %(status)s") % {"status": status}
    if code == SAME_REGION:
        return _("Same region: %(region)s") % {"region": region_code_label(str(values.get("region", "")))}
    if code in (SAME_COUNTRY, OTHER_REGION):
        region = region_code_label(str(values.get("region", "")))
        wanted = region_code_label(str(values.get("other_region", "")))
        if mine:
            return (_("Seller elsewhere on the mainland: %(region)s") if code == SAME_COUNTRY
                    else _("Seller in another region: %(region)s")) % {"region": region}
        return _("The demand looks for solutions from %(wanted)s; you are in %(region)s") % {
            "wanted": wanted, "region": region}
    if code == PRICE_WITHIN_BUDGET:
        text = (_("Within your budget: %(price)s") if mine
                else _("Your price %(price)s is within the demand's budget")) % {"price": _price(values)}
        return _converted(text, values)
    if code == PRICE_BELOW_BUDGET:
        text = (_("Below your budget: %(price)s") if mine
                else _("Your price %(price)s is below the demand's budget")) % {"price": _price(values)}
        return _converted(text, values)
    if code == PRICE_ABOVE_BUDGET:
        text = (_("Above your budget (%(budget)s): %(price)s") if mine
                else _("Your price %(price)s is above the demand's budget (%(budget)s)")) % {
            "price": _price(values), "budget": _budget(values)}
        return _converted(text, values)
    if code == PRICE_NEGOTIABLE:
        return _("Price negotiable") if mine else _("Your price is negotiable; the demand has a budget")
    return ""


def reason_sentences(explanation: dict[str, Any], *, reader: Reader, limit: int | None = None,
                     text: bool = True) -> list[Explained]:
    """The explanation's reasons as sentences, facts first; ``text=False`` leaves out the
    matched terms and the similarity (pages highlight the terms instead)."""
    reasons = [r for r in explanation.get("reasons", []) if isinstance(r, dict) and r.get("code")]
    if not text:
        reasons = [r for r in reasons if r["code"] not in TEXT_CODES]
    reasons.sort(key=lambda r: ORDER.index(r["code"]) if r["code"] in ORDER else len(ORDER))
    out: list[Explained] = []
    for reason in reasons:
        said = sentence(str(reason["code"]), dict(reason.get("values") or {}), reader)
        if said:
            out.append(Explained(code=str(reason["code"]), values=dict(reason.get("values") or {}), sentence=said))
    return out[:limit] if limit is not None else out
