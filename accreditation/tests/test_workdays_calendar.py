"""The days the government moves, kept as data on top of the `holidays` package, counted by hand.

2026-2027 (package): New Year 1-2 January, 4 January 2027 off (2 January fell on a Saturday); Orthodox
Christmas 7 January; Nauryz 21-23 March with the weekend days moved (2027: Sunday 21 March -> Wednesday 24).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from accreditation import calendar_days
from udp.core import workdays
from udp.core.models import CalendarDay, DayKind
from udp.core.workdays import add_working_days, is_working_day, subtract_working_days, working_days_between

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """The moved days are cached per process: what a test saved (and rolled back) must not outlive it."""
    cache.clear()
    yield
    cache.clear()


def test_the_package_knows_the_public_holidays_and_the_days_moved_off_a_weekend() -> None:
    assert not is_working_day(D(2026, 12, 16))  # Independence Day
    assert not is_working_day(D(2027, 1, 4))  # New Year's Saturday moved to Monday
    assert not is_working_day(D(2027, 3, 24))  # Nauryz's Sunday moved to Wednesday
    assert workdays.package_holiday(D(2027, 3, 22))
    assert is_working_day(D(2027, 3, 25))


def test_a_transferred_day_off_and_a_working_saturday_entered_by_the_operator_count(personas: Any) -> None:
    # Friday 18 December 2026 made a day off, Saturday 26 December a working day (a decree's transfer).
    assert is_working_day(D(2026, 12, 18))
    assert not is_working_day(D(2026, 12, 26))
    assert add_working_days(D(2026, 12, 17), 1) == D(2026, 12, 18)
    calendar_days.set_day(by=personas.operator, day=D(2026, 12, 18), kind=DayKind.DAY_OFF, note="Decree")
    calendar_days.set_day(by=personas.operator, day=D(2026, 12, 26), kind=DayKind.WORKING_DAY)
    # the cached year was cleared on save
    assert not is_working_day(D(2026, 12, 18))
    assert is_working_day(D(2026, 12, 26))
    # Thu 17 + 1: Fri 18 off, Sat 19 / Sun 20 weekend -> Mon 21; + 5: Mon 21, Tue 22, Wed 23, Thu 24, Fri 25
    assert add_working_days(D(2026, 12, 17), 1) == D(2026, 12, 21)
    assert add_working_days(D(2026, 12, 17), 6) == D(2026, 12, 26)
    row = CalendarDay.objects.get(day=D(2026, 12, 18))
    calendar_days.remove_day(by=personas.operator, row=row)
    assert is_working_day(D(2026, 12, 18))


def test_a_moved_day_wins_over_a_package_holiday(personas: Any) -> None:
    # a decree that keeps 7 January 2027 a working day (and moves the day off elsewhere)
    assert not is_working_day(D(2027, 1, 7))
    calendar_days.set_day(by=personas.operator, day=D(2027, 1, 7), kind=DayKind.WORKING_DAY)
    assert is_working_day(D(2027, 1, 7))


def test_only_the_operator_keeps_the_calendar(personas: Any) -> None:
    from django.core.exceptions import PermissionDenied

    for user in (personas.regulator, personas.cmo_admin, personas.holder):
        with pytest.raises(PermissionDenied):
            calendar_days.set_day(by=user, day=D(2026, 12, 18), kind=DayKind.DAY_OFF)
    assert not CalendarDay.objects.exists()


@pytest.mark.statute("A46.1.12-10wd")
def test_ten_working_days_over_the_new_year(personas: Any) -> None:
    # Thu 24 Dec 2026 + 10: Fri 25 (1); Mon 28 - Thu 31 (5); Fri 1 and Sat 2 Jan New Year; Mon 4 Jan moved
    # day off; Tue 5, Wed 6 (7); Thu 7 Christmas; Fri 8 (8); Mon 11 (9); Tue 12 (10).
    assert add_working_days(D(2026, 12, 24), 10) == D(2027, 1, 12)
    assert working_days_between(D(2026, 12, 24), D(2027, 1, 12)) == 10
    # 31 December made a day off by decree: one day later
    calendar_days.set_day(by=personas.operator, day=D(2026, 12, 31), kind=DayKind.DAY_OFF)
    assert add_working_days(D(2026, 12, 24), 10) == D(2027, 1, 13)


@pytest.mark.statute("A46.1.12-10wd")
def test_ten_working_days_over_nauryz() -> None:
    # Thu 18 Mar 2027 + 10: Fri 19 (1); Mon 22 - Wed 24 Nauryz; Thu 25, Fri 26 (3); Mon 29 - Fri 2 Apr (8);
    # Mon 5 (9); Tue 6 (10).
    assert add_working_days(D(2027, 3, 18), 10) == D(2027, 4, 6)
    # 2026: Nauryz Sat 21 - Wed 25 March; Thu 19 Mar + 10: Fri 20 (1); Thu 26, Fri 27 (3); 30 Mar - 3 Apr (8);
    # Mon 6 (9), Tue 7 (10).
    assert add_working_days(D(2026, 3, 19), 10) == D(2026, 4, 7)


@pytest.mark.statute("A46.1.11-gm-notice")
def test_counting_back_ten_working_days_before_a_meeting_skips_nauryz() -> None:
    # Meeting Fri 3 Apr 2026: back 10: Thu 2 (1), Wed 1, Tue 31, Mon 30 (4), Fri 27, Thu 26 (6); 21-25
    # Nauryz and weekend; Fri 20 (7), Thu 19, Wed 18, Tue 17 (10).
    assert subtract_working_days(D(2026, 4, 3), 10) == D(2026, 3, 17)
