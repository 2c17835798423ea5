"""Background jobs of distribution: matching a month of usage, one task per chunk of distinct keys."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from distribution import matching


@shared_task(name="distribution.match_chunk", acks_late=True)
def match_chunk(period: str, lo: int, hi: int) -> dict[str, int]:
    """Match the pending keys of the month ``period`` (ISO date) with ids ``lo..hi``. Idempotent: keys
    already matched are left alone, so a chunk sent twice (or again after its worker died) does nothing
    more."""
    return vars(matching.match_chunk(dt.date.fromisoformat(period), lo, hi))


@shared_task(name="distribution.match_period")
def match_period(period: str, size: int = matching.CHUNK) -> int:
    """Gather the month's distinct keys and send one ``distribution.match_chunk`` per chunk (more workers,
    more chunks at once). Returns the number of chunks sent."""
    month = dt.date.fromisoformat(period)
    matching.prepare_period(month)
    ranges = matching.chunks(month, size)
    for lo, hi in ranges:
        match_chunk.delay(period, lo, hi)
    return len(ranges)


@shared_task(name="distribution.refresh_work_keys")
def refresh_work_keys() -> int:
    """Rebuild the registers' title-and-name keys that stage 3 and 4 compare against."""
    return matching.refresh_work_keys()
