"""Calendar arithmetic every app shares."""

from __future__ import annotations

import calendar
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

# The days anyone may enter or ask about. Every span the exchange computes adds at most some
# decades to a day, and a time zone at most a day: kept well inside Python's years 1-9999, no
# day a user gives can overflow a date (a bulletin "until 9999-12-31", a statement "from
# 0001-01-01" used to answer 500).
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2199, 12, 31)


def day_out_of_range(day: date | datetime) -> str | None:
    """Why ``day`` (or a moment's day) is not one the exchange accepts, or None."""
    as_day = day.date() if isinstance(day, datetime) else day
    if as_day < EARLIEST_DAY:
        return _("This date is too far in the past (the earliest is %(day)s).") % {"day": EARLIEST_DAY.isoformat()}
    if as_day > LATEST_DAY:
        return _("This date is too far ahead (the latest is %(day)s).") % {"day": LATEST_DAY.isoformat()}
    return None


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    years, month_index = divmod(start.month - 1 + months, 12)
    year, month = start.year + years, month_index + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def moment_words(value: datetime) -> str:
    """A moment as a sentence states it: the exchange's local time to the minute
    (2026-12-06 13:42), not the stored UTC with its microseconds."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
