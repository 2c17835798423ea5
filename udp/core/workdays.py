"""Kazakhstan's working days: the `holidays` package's public holidays, with the days the government moves
each year kept as data (:class:`udp.core.models.CalendarDay`) by the expert organization.

How the two combine, for a day:

1. a :class:`CalendarDay` for that day wins: ``day_off`` makes it a day off (a day transferred onto a
   weekday), ``working_day`` makes it a working day (a working Saturday, or a package holiday the decree
   moved elsewhere);
2. otherwise a public holiday of the package (``holidays.country_holidays("KZ")``) is a day off. The
   package knows the fixed holidays, the moving ones (Kurban ait, estimated) and, for the years it covers,
   the days off moved from a weekend (e.g. Nauryz 2026 on 24 and 25 March). It has no working Saturdays:
   a weekend day is never a working day for it;
3. otherwise Monday to Friday are working days.

The moved days are read once per year and kept in the cache; saving or deleting one clears that year.
Deadlines in the law counted "in working days" use :func:`add_working_days`.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.core.cache import cache

CACHE_KEY = "workdays:moved:{year}"
CACHE_SECONDS = 24 * 3600


@lru_cache(maxsize=64)
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("KZ", years=[year])


def _moved(year: int) -> dict[dt.date, str]:
    """The moved days of ``year``: day -> kind (one query per year, then the cache)."""
    key = CACHE_KEY.format(year=year)
    cached = cache.get(key)
    if cached is None:
        from udp.core.models import CalendarDay

        cached = {
            row.day.isoformat(): row.kind
            for row in CalendarDay.objects.filter(day__year=year).only("day", "kind")
        }
        cache.set(key, cached, CACHE_SECONDS)
    return {dt.date.fromisoformat(day): kind for day, kind in cached.items()}


def forget(year: int) -> None:
    """Clear the cached moved days of ``year`` (called when one is saved or deleted)."""
    cache.delete(CACHE_KEY.format(year=year))


def package_holiday(day: dt.date) -> str | None:
    """The package's name for ``day`` if it is a public holiday (or a day off moved from a weekend)."""
    return _calendar(day.year).get(day)


def is_working_day(day: dt.date) -> bool:
    moved = _moved(day.year).get(day)
    if moved is not None:
        return moved == "working_day"
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


def subtract_working_days(end: dt.date, days: int) -> dt.date:
    """The date ``days`` working days before ``end`` (``end`` itself not counted): the mirror of
    :func:`add_working_days`."""
    current = end
    remaining = days
    while remaining > 0:
        current -= dt.timedelta(days=1)
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
