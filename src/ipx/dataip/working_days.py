"""Working days in mainland China: Monday to Friday, less the public holidays and the days
off moved around them, plus the weekend days worked in their place (调休). The ``holidays``
package keeps the State Council's yearly notices; deadlines such as the objection period are
counted with it."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays


@lru_cache(maxsize=8)
def _mainland(year: int) -> holidays.HolidayBase:
    # One calendar per year asked (a period crossing New Year asks two); cached, it is built
    # from the package's rules each time otherwise.
    return holidays.country_holidays("CN", years=(year - 1, year, year + 1))


def is_working_day(day: date) -> bool:
    return bool(_mainland(day.year).is_working_day(day))


def add_working_days(start: date, count: int) -> date:
    """The ``count``-th working day after ``start`` (``start`` itself not counted)."""
    if count < 1:
        raise ValueError("count must be positive")
    day, left = start, count
    while left:
        day = date.fromordinal(day.toordinal() + 1)
        left -= is_working_day(day)
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` ≤ ``start``)."""
    count, day = 0, start
    while day < end:
        day = date.fromordinal(day.toordinal() + 1)
        count += is_working_day(day)
    return count
