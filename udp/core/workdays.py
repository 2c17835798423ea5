"""Kazakhstan's working days, from the `holidays` package's calendar of public holidays.

Transferred days off and extra working days come with the package's data for Kazakhstan
(the government's yearly decree). Deadlines in the law counted "in working days" use
:func:`add_working_days`.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("KZ", years=[year])


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _calendar(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    current = start
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end``."""
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count
