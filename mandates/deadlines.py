"""The dates a withdrawal (Art. 46.2) runs on: when it takes effect, and when the CMO's obligations fall due.

**When a withdrawal takes effect.** Art. 46.2 says the CMO excludes the rights or works "upon the
expiry of three months from the date of receipt of the notice". Months are counted as calendar
months, as the Civil Code counts a term in months: it ends on the matching day of its last month,
and if that month has no such day, on its last day. So:

- received 15 March → effective 15 June;
- received 31 August → effective 30 November (November has no 31st);
- received 30 November → effective 28 February, or 29 February in a leap year;
- received 29 February 2028 → effective 29 May 2028;
- received 31 December → effective 31 March of the next year.

The effective date is the first day on which the CMO no longer manages what was withdrawn: a
repertoire read "on" that date leaves it out. It does not move off weekends or holidays: the notice
runs by itself, nobody has to act on that day.

**What the CMO owes afterwards.** The law names the duties (publish the exclusion, pay the
remuneration collected under licences granted earlier, report to the holder) but gives no term for
them. The platform sets these terms, counted from the effective date:

- publish the exclusion: within 5 working days (:mod:`udp.core.workdays`): it is a notice on the
  CMO's site and the platform, which the CMO can place at once;
- pay the remuneration collected under earlier licences: within one calendar month (the month-end
  rule above), the period in which a CMO closes a month's collections;
- send the holder a report: within one calendar month as well, so the report covers the payment.

An obligation not done by the end of its due date is overdue from the next day.
"""

from __future__ import annotations

import calendar
import datetime as dt

from udp.core.workdays import add_working_days

#: Calendar months between the receipt of a notice and the day it takes effect (Art. 46.2).
NOTICE_MONTHS = 3
#: Working days the CMO has to publish the exclusion, from the effective date.
PUBLISH_WORKING_DAYS = 5
#: Calendar months the CMO has to pay what it collected under earlier licences, from the effective date.
PAY_MONTHS = 1
#: Calendar months the CMO has to send the holder its report, from the effective date.
REPORT_MONTHS = 1


def add_calendar_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months; the month's last day when it has no such day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def withdrawal_effective_on(received_on: dt.date) -> dt.date:
    """The day a withdrawal whose notice was received on ``received_on`` takes effect."""
    return add_calendar_months(received_on, NOTICE_MONTHS)


def obligation_due_dates(effective_on: dt.date) -> dict[str, dt.date]:
    """Each obligation's due date (``ObligationKind`` value → date) for a withdrawal effective on that day."""
    return {
        "publish": add_working_days(effective_on, PUBLISH_WORKING_DAYS),
        "pay": add_calendar_months(effective_on, PAY_MONTHS),
        "report": add_calendar_months(effective_on, REPORT_MONTHS),
    }


def is_overdue(due_on: dt.date, done_on: dt.date | None, today: dt.date) -> bool:
    """Not done, and its due date has passed."""
    return done_on is None and today > due_on


def days_left(until: dt.date, today: dt.date) -> int:
    """Calendar days from ``today`` to ``until`` (negative once it has passed): the countdown."""
    return (until - today).days
