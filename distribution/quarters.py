"""Calendar quarters, the usage periods of distribution runs (Art. 46.1 (3): holders paid at least quarterly)."""

from __future__ import annotations

import datetime as dt

from udp.core import clock


def quarter_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar quarter ``day`` falls in: its first and last day."""
    first = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    after = dt.date(first.year + (first.month == 10), (first.month + 2) % 12 + 1, 1)
    return first, after - dt.timedelta(days=1)


def last_ended_quarter(day: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last quarter that ended before ``day`` (the platform's today by default)."""
    return quarter_of(quarter_of(day or clock.today())[0] - dt.timedelta(days=1))


def quarter(year: int, number: int) -> tuple[dt.date, dt.date]:
    """Quarter ``number`` (1–4) of ``year``: its first and last day."""
    if not 1 <= number <= 4:
        raise ValueError(number)
    return quarter_of(dt.date(year, 3 * number - 2, 1))
