"""Working days count mainland public holidays out and the weekend days worked in their
place in (2026: Spring Festival 15–23 February off, Saturday 14 and 28 February worked)."""

from __future__ import annotations

from datetime import date

from ipx.dataip.working_days import add_working_days, is_working_day, working_days_between


def test_holidays_and_make_up_days() -> None:
    assert not is_working_day(date(2026, 2, 17))  # Spring Festival, a Tuesday
    assert is_working_day(date(2026, 2, 14))  # a Saturday worked instead
    assert not is_working_day(date(2026, 2, 21))  # an ordinary Saturday in the holiday


def test_ten_working_days_across_the_national_day_holiday() -> None:
    # 29, 30 Sep; 1–7 Oct off; 8, 9 Oct; Saturday 10 Oct worked; 12–16 Oct.
    assert add_working_days(date(2026, 9, 28), 10) == date(2026, 10, 16)
    assert working_days_between(date(2026, 9, 28), date(2026, 10, 16)) == 10


def test_across_the_spring_festival() -> None:
    assert add_working_days(date(2026, 2, 10), 5) == date(2026, 2, 24)
