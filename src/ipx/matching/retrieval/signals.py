"""Structured signals: how well a candidate's facts fit the query's (a demand's) facts.

Each signal gives a value in [0, 1] and a :class:`Reason` — a code plus plain values,
never a sentence — so pages can say it in the reader's language. A signal whose facts
are missing on either side is left out (neither rewarded nor punished).

The signals are combined as a weighted mean over the signals present, and blended with
the text score by ``SignalWeights.blend`` (see ``engine.HybridEngine.rank``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from ipx.core.money import INDICATIVE_CNY_RATES


@dataclass(frozen=True)
class Reason:
    """Why a candidate ranks where it does. ``code`` is stable (pages translate it),
    ``values`` holds what the sentence needs (codes, dates, amounts as strings)."""

    code: str
    values: dict[str, Any] = field(default_factory=dict)
    weight: float = 0.0


# Reason codes, for the pages' translations.
MATCHED_TERMS = "matched_terms"  # values: terms (list of simplified tokens, for highlighting)
SEMANTIC = "semantic_similarity"  # values: similarity (0..1, rounded)
IPC_SHARED = "ipc_shared"  # values: codes (shared codes), level ("group", "subclass", "class", "section")
IPC_DIFFERENT = "ipc_different"  # values: {}
IN_FORCE = "in_force"  # values: years_left (int or None), expires_on (ISO date or None)
PENDING = "application_pending"
NOT_IN_FORCE = "not_in_force"  # values: status
SAME_REGION = "same_region"  # values: region
SAME_COUNTRY = "same_country"  # values: region, other_region
OTHER_REGION = "other_region"  # values: region, other_region
PRICE_WITHIN_BUDGET = "price_within_budget"  # values: price, budget_min, budget_max, currency
PRICE_BELOW_BUDGET = "price_below_budget"
PRICE_ABOVE_BUDGET = "price_above_budget"
PRICE_NEGOTIABLE = "price_negotiable"
PRICE_OTHER_CURRENCY = "price_other_currency"  # the comparison used indicative rates: values add converted=True


@dataclass(frozen=True)
class Facts:
    """The structured facts of one side. Everything is optional.

    ipc: IPC codes as written ("H01M 10/052", "H01M10/052", "H01M");
    region: a region code of ``ipx.accounts.regions.region_code`` ("CN-44", "CN", "HK", "US");
    legal_status: a ``catalog.Asset.LegalStatus`` value ("in_force", "pending", ...);
    expires_on: end of the right's term; price / price_max + currency: a listing's asking
    price (None with ``negotiable``); budget_min / budget_max + currency: a demand's budget.
    """

    ipc: tuple[str, ...] = ()
    region: str = ""
    legal_status: str = ""
    expires_on: date | None = None
    price: Decimal | None = None
    price_max: Decimal | None = None
    negotiable: bool = False
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None
    currency: str = ""


@dataclass(frozen=True)
class SignalWeights:
    """Global weights of the structured stage (not fitted to any data set: set by judgement)."""

    ipc: float = 0.4
    legal: float = 0.2
    region: float = 0.15
    price: float = 0.25
    # Share of the final score given to the structured signals (the text score keeps the rest).
    blend: float = 0.3
    # A right that has this many years left or more counts fully.
    full_term_years: float = 5.0


def _ipc_parts(code: str) -> tuple[str, str, str, str]:
    """(section, class, subclass, main group) of an IPC code: H01M10/052 → H, H01, H01M, H01M10;
    the levels a shorter code does not reach are empty (H01 → H, H01, "", "")."""
    compact = "".join(code.upper().split())
    group = compact.split("/")[0]
    return (compact[:1], compact[:3] if len(compact) >= 3 else "", compact[:4] if len(compact) >= 4 else "",
            group if len(group) > 4 else "")


def ipc_sections(codes: Iterable[str]) -> frozenset[str]:
    """The IPC sections (the eight fields, A to H) of ``codes``."""
    return frozenset(section for code in codes if (section := _ipc_parts(code)[0]))


_IPC_LEVELS = (("group", 3, 1.0), ("subclass", 2, 0.75), ("class", 1, 0.4), ("section", 0, 0.1))


def _agreement(mine: tuple[str, str, str, str], theirs: list[tuple[str, str, str, str]]) -> float:
    """How far the candidate's codes agree with one of the query's, as a share of the finest
    level that code states: a query that names a subclass (H01M) is fully met by a
    candidate in that subclass, one that names a group (H01M10) only by that group."""
    stated = [value for _level, position, value in _IPC_LEVELS if mine[position]]
    for _level, position, value in _IPC_LEVELS:
        if mine[position] and any(b[position] == mine[position] for b in theirs):
            return value / stated[0]
    return 0.0


def ipc_signal(query: tuple[str, ...], candidate: tuple[str, ...]) -> tuple[float, Reason] | None:
    if not query or not candidate:
        return None
    mine = [_ipc_parts(code) for code in query if code.strip()]
    theirs = [_ipc_parts(code) for code in candidate if code.strip()]
    for level, position, _value in _IPC_LEVELS:
        shared = sorted({a[position] for a in mine if a[position]} & {b[position] for b in theirs if b[position]})
        if shared:
            value = max(_agreement(code, theirs) for code in mine)
            return value, Reason(IPC_SHARED, {"codes": shared, "level": level})
    return 0.0, Reason(IPC_DIFFERENT)


def legal_signal(facts: Facts, weights: SignalWeights, today: date) -> tuple[float, Reason] | None:
    status = facts.legal_status
    if not status:
        return None
    if status == "in_force":
        if facts.expires_on is None:
            return 1.0, Reason(IN_FORCE, {"years_left": None, "expires_on": None})
        if facts.expires_on < today:
            return 0.0, Reason(NOT_IN_FORCE, {"status": "expired"})
        years = (facts.expires_on - today).days / 365.25
        value = min(1.0, 0.5 + 0.5 * years / weights.full_term_years)
        return value, Reason(IN_FORCE, {"years_left": int(years), "expires_on": facts.expires_on.isoformat()})
    if status == "pending":
        return 0.6, Reason(PENDING)
    return 0.0, Reason(NOT_IN_FORCE, {"status": status})


def region_signal(query: str, candidate: str) -> tuple[float, Reason] | None:
    if not query or not candidate:
        return None
    if query == candidate:
        return 1.0, Reason(SAME_REGION, {"region": candidate})
    if query.split("-")[0] == candidate.split("-")[0] == "CN":
        return 0.5, Reason(SAME_COUNTRY, {"region": candidate, "other_region": query})
    return 0.0, Reason(OTHER_REGION, {"region": candidate, "other_region": query})


def _to(amount: Decimal, source: str, target: str) -> Decimal:
    if source == target:
        return amount
    return amount * INDICATIVE_CNY_RATES[source] / INDICATIVE_CNY_RATES[target]


def price_signal(demand: Facts, listing: Facts) -> tuple[float, Reason] | None:
    """The listing's asking price against the demand's budget. Currencies that differ are
    compared at indicative rates, and the reason says so."""
    if demand.budget_min is None and demand.budget_max is None:
        return None
    if listing.negotiable:
        return 0.5, Reason(PRICE_NEGOTIABLE)
    if listing.price is None or not listing.currency or not demand.currency:
        return None
    if {listing.currency, demand.currency} - set(INDICATIVE_CNY_RATES):
        return None
    low = _to(listing.price, listing.currency, demand.currency)
    values: dict[str, Any] = {
        "price": str(listing.price),
        "price_max": str(listing.price_max) if listing.price_max is not None else None,
        "price_currency": listing.currency,
        "budget_min": str(demand.budget_min) if demand.budget_min is not None else None,
        "budget_max": str(demand.budget_max) if demand.budget_max is not None else None,
        "currency": demand.currency,
        "converted": listing.currency != demand.currency,
    }
    if demand.budget_max is not None and low > demand.budget_max:
        # Over budget: the value falls with the relative excess (twice the budget → 0).
        excess = float((low - demand.budget_max) / demand.budget_max) if demand.budget_max > 0 else 1.0
        return max(0.0, 1.0 - excess), Reason(PRICE_ABOVE_BUDGET, values)
    if demand.budget_min is not None and low < demand.budget_min:
        return 0.9, Reason(PRICE_BELOW_BUDGET, values)
    return 1.0, Reason(PRICE_WITHIN_BUDGET, values)


def _has_budget(facts: Facts) -> bool:
    return facts.budget_min is not None or facts.budget_max is not None


def structured_score(
    query: Facts, candidate: Facts, weights: SignalWeights, today: date | None = None
) -> tuple[float | None, list[Reason]]:
    """Weighted mean of the signals present (None when none is), and their reasons."""
    today = today or timezone.localdate()
    parts = [
        (weights.ipc, ipc_signal(query.ipc, candidate.ipc)),
        # A candidate right's status (when the query is the listing, it is the same for all).
        (weights.legal, legal_signal(candidate, weights, today)),
        (weights.region, region_signal(query.region, candidate.region)),
        # The budget is the demand's, whichever side is the query.
        (weights.price, price_signal(query, candidate) if _has_budget(query) else price_signal(candidate, query)),
    ]
    total = 0.0
    weight_sum = 0.0
    reasons: list[Reason] = []
    for weight, result in parts:
        if result is None or weight <= 0:
            continue
        value, reason = result
        total += weight * value
        weight_sum += weight
        reasons.append(Reason(reason.code, reason.values, round(weight * value, 4)))
    if not weight_sum:
        return None, reasons
    return total / weight_sum, reasons
