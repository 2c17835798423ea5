"""Kazakhstan's working days, counted by hand against the 2026 calendar of public holidays.

2026: Nauryz falls on Saturday 21 - Monday 23 March, and the two weekend days are moved to
Tuesday 24 and Wednesday 25 March; Capital Day is Monday 6 July.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from udp.core.workdays import add_working_days, is_working_day, working_days_between

D = dt.date
pytestmark = pytest.mark.django_db


def test_one_working_day_after_the_friday_before_nauryz_is_the_next_thursday() -> None:
    # Fri 20 March + 1: Sat 21 and Sun 22 (weekend, also Nauryz), Mon 23 (Nauryz),
    # Tue 24 and Wed 25 (Nauryz days moved off the weekend) -> Thu 26 March.
    assert add_working_days(D(2026, 3, 20), 1) == D(2026, 3, 26)


@pytest.mark.parametrize("day", [D(2026, 3, day) for day in (21, 22, 23, 24, 25)])
def test_the_nauryz_days_of_2026_are_not_working_days(day: Any) -> None:
    assert not is_working_day(day)


@pytest.mark.parametrize("year", [2026, 2027, 2028])
def test_the_first_of_january_is_never_a_working_day(year: Any) -> None:
    assert not is_working_day(D(year, 1, 1))


def test_an_ordinary_weekday_is_a_working_day_and_a_saturday_is_not() -> None:
    assert is_working_day(D(2026, 3, 19))  # Thursday
    assert is_working_day(D(2026, 3, 26))  # Thursday after Nauryz
    assert not is_working_day(D(2026, 6, 20))  # Saturday


def test_a_holiday_on_a_sunday_moves_to_the_monday() -> None:
    # Women's Day, Sunday 8 March 2026 -> Monday 9 March is off.
    assert not is_working_day(D(2026, 3, 9))
    assert add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 10)


def test_thirty_working_days_across_capital_day_end_one_working_day_later() -> None:
    # From Fri 19 June 2026, counting Monday-to-Friday:
    #   22-26 Jun = 5;  29 Jun - 3 Jul = 10;  Mon 6 Jul is Capital Day;  7-10 Jul = 14;
    #   13-17 Jul = 19; 20-24 Jul = 24; 27-31 Jul = 29;  Mon 3 Aug = 30.
    # Without the holiday the 30th working day would be Friday 31 July.
    assert not is_working_day(D(2026, 7, 6))
    assert add_working_days(D(2026, 6, 19), 30) == D(2026, 8, 3)
    assert working_days_between(D(2026, 6, 19), D(2026, 8, 3)) == 30
    assert working_days_between(D(2026, 6, 19), D(2026, 7, 31)) == 29


def test_a_span_across_the_new_year_skips_both_years_holidays() -> None:
    # Fri 11 Dec 2026 + 5: Mon 14, Tue 15 (2); Wed 16 is Independence Day; Thu 17, Fri 18 (4); Mon 21 (5).
    assert add_working_days(D(2026, 12, 11), 5) == D(2026, 12, 21)
    # Wed 30 Dec 2026 + 2: Thu 31 Dec (1); Fri 1 and Sat 2 Jan 2027 are New Year, Sun 3 Jan,
    # Mon 4 Jan is the New Year day moved off Saturday -> Tue 5 Jan (2).
    assert add_working_days(D(2026, 12, 30), 2) == D(2027, 1, 5)


def test_zero_working_days_after_a_date_is_the_date_itself() -> None:
    assert add_working_days(D(2026, 3, 21), 0) == D(2026, 3, 21)
    assert working_days_between(D(2026, 3, 21), D(2026, 3, 21)) == 0
