"""Calendar arithmetic every app shares."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    years, month_index = divmod(start.month - 1 + months, 12)
    year, month = start.year + years, month_index + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
