"""Background jobs of distribution: matching a month of usage, one task per chunk of distinct keys."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from distribution import matching


@shared_task(name="distribution.match_chunk", acks_late=True)
def match_chunk(period: str, lo: int, hi: int, gathering: int | None = None) -> dict[str, int]:
    """Match the pending keys of the month ``period`` (ISO date) with ids ``lo..hi``. Idempotent: keys
    already matched are left alone, so a chunk sent twice (or again after its worker died) does nothing
    more. ``gathering``: the month's gathering the chunk was sent for; the last of its chunks to be done
    drops the month's work table."""
    month = dt.date.fromisoformat(period)
    if gathering is not None and not matching.gathering_open(month, gathering):
        # its gathering is finished (this chunk ran before), or the month was gathered again since (its own
        # chunks cover every key): nothing to do
        return vars(matching.ChunkResult())
    result = vars(matching.match_chunk(month, lo, hi))
    if gathering is not None:
        matching.chunk_done(month, gathering, lo)
    return result


@shared_task(name="distribution.match_period")
def match_period(period: str, size: int = matching.CHUNK) -> int:
    """Gather the month's distinct keys and send one ``distribution.match_chunk`` per chunk (more workers,
    more chunks at once). Returns the number of chunks sent."""
    month = dt.date.fromisoformat(period)
    matching.prepare_period(month)
    ranges = matching.chunks(month, size)
    gathering = matching.chunks_sent(month, len(ranges))
    if not ranges:
        matching.finish_period(month)
    for lo, hi in ranges:
        match_chunk.delay(period, lo, hi, gathering)
    return len(ranges)


@shared_task(name="distribution.match_due")
def match_due() -> int:
    """Send each month whose counted reports changed since it was last gathered (a report accepted, or
    replaced), or that was asked again, to be matched (hourly). Returns the number of months sent."""
    months = matching.due_months(running_for=dt.timedelta(hours=1))
    for month in months:
        match_period.delay(month.isoformat())
    return len(months)


@shared_task(name="distribution.refresh_work_keys")
def refresh_work_keys() -> int:
    """Rebuild the registers' title-and-name keys that stage 3 and 4 compare against (daily), then ask the
    months from the last ended quarter's first on whose keys are left unmatched or for review, undecided, to
    be matched again: a work registered since may match them."""
    from distribution.quarters import last_ended_quarter
    from udp.core import clock

    count = matching.refresh_work_keys()
    matching.ask_again(last_ended_quarter(clock.today())[0])
    match_due.delay()
    return count


@shared_task(name="distribution.start_quarterly_runs")
def start_quarterly_runs() -> int:
    """After a quarter ends: each CMO's run for each area it collected for, left for its staff to approve."""
    from distribution import schedule

    return schedule.start_quarterly_runs()


@shared_task(name="distribution.check_compliance")
def check_compliance() -> dict[str, int]:
    """Quarterly runs approved in time, yearly deductions under 20 %: each breach flagged once, with evidence."""
    from distribution import compliance

    return compliance.check()


@shared_task(name="distribution.start_foreign_runs")
def start_foreign_runs() -> int:
    """From 1 April of the year after (the fourth quarter distributed), each CMO's annual run for foreign
    societies (Art. 46.1 (3)), left for its staff to approve and calculated again while its money changes; one
    whose agreements name a currency waits for the staff to enter the rate."""
    from distribution import foreign

    return foreign.start_due_foreign_runs()
