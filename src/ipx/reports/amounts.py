"""Figures in the reader's language, rounded as the published bulletins round them.

Chinese counts money in myriads: 亿元 (10⁸) to two decimals, else 万元 (10⁴) to two decimals,
trailing zeros dropped (18.67亿元, 11.1亿元, 2970万元). English counts in thousands: billions to
three decimals, else millions to two (1.867 billion yuan, 144 million yuan). Year-on-year
growth keeps two decimals of a percent even when they are zeros (23.20%), as the bulletins print
it; other rates (a success rate, a premium rate) drop trailing zeros (100%, 30%). Rounding is
half-up throughout, on the exact amounts the JSON states.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import get_language, pgettext

HUNDRED = Decimal(100)
# The scales each language names, largest first: (size, decimals kept).
MYRIADS = ((Decimal(10) ** 8, 2), (Decimal(10) ** 4, 2))
THOUSANDS = ((Decimal(10) ** 9, 3), (Decimal(10) ** 6, 2))


def chinese() -> bool:
    """Whether the active language counts in myriads (Simplified and Traditional Chinese)."""
    return (get_language() or "en").lower().startswith("zh")


def plain(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent: 11.10 → 11.1, 100.00 → 100."""
    return f"{value.normalize():f}"


def _rounded(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _scaled(value: Decimal, scales: tuple[tuple[Decimal, int], ...]) -> tuple[int, Decimal] | None:
    """The first scale at which ``value`` rounds to at least one unit, with the rounded figure."""
    for index, (size, places) in enumerate(scales):
        figure = _rounded(value / size, places)
        if abs(figure) >= 1:
            return index, figure
    return None


def amount(value: Decimal) -> str:
    """An amount in yuan as the bulletin's sentences say it."""
    if chinese():
        scaled = _scaled(value, MYRIADS)
        if scaled is None:
            return pgettext("bulletin", "%(amount)s yuan") % {"amount": plain(_rounded(value, 2))}
        index, figure = scaled
        if index == 0:
            return pgettext("bulletin", "%(amount)s hundred million yuan") % {"amount": plain(figure)}
        return pgettext("bulletin", "%(amount)s ten thousand yuan") % {"amount": plain(figure)}
    scaled = _scaled(value, THOUSANDS)
    if scaled is None:
        return pgettext("bulletin", "%(amount)s yuan") % {"amount": f"{_rounded(value, 2):,}".removesuffix(".00")}
    index, figure = scaled
    if index == 0:
        return pgettext("bulletin", "%(amount)s billion yuan") % {"amount": plain(figure)}
    return pgettext("bulletin", "%(amount)s million yuan") % {"amount": plain(figure)}


def count(value: int) -> str:
    """A count: grouped by thousands in English (2,469), ungrouped in Chinese (2469)."""
    return str(value) if chinese() else f"{value:,}"


def _myriads(value: int) -> str:
    figure = _rounded(Decimal(value) / Decimal(10_000), 2)
    return pgettext("bulletin", "%(count)s ten thousand") % {"count": plain(figure)}


def large_count(value: int) -> str:
    """A count the bulletins round when it is large, from ten thousand up: to the hundred, as
    1.7万 in Chinese and 17,000 in English (17,006 exhibits)."""
    if abs(value) < 10_000:
        return count(value)
    if chinese():
        return _myriads(value)
    return count(int(_rounded(Decimal(value), -2)))


def exact_count(value: int) -> str:
    """A count said exactly: in myriads in Chinese only when that loses nothing (1.25万 for
    12,500, but 24313), grouped by thousands in English."""
    if chinese() and abs(value) >= 10_000 and value % 100 == 0:
        return _myriads(value)
    return count(value)


def growth_percent(rate: Decimal) -> str:
    """A growth rate's size as a percent to two decimals (0.2320 → 23.20%); its sign is worded."""
    return f"{_rounded(abs(rate) * HUNDRED, 2)}%"


def percent(rate: Decimal) -> str:
    """A rate as a percent without trailing zeros (1.0000 → 100%, 0.3000 → 30%)."""
    return f"{plain(_rounded(rate * HUNDRED, 2))}%"


def money_cell(value: Decimal) -> str:
    """An exact amount in yuan for a table: grouped, to the fen."""
    return f"{_rounded(value, 2):,}"
