"""The month-end rule of a withdrawal's effective date, and the CMO's terms afterwards (Art. 46.2)."""

from __future__ import annotations

import datetime as dt

import pytest

from mandates import deadlines

D = dt.date


@pytest.mark.parametrize(
    ("received", "effective"),
    [
        (D(2026, 3, 15), D(2026, 6, 15)),  # the matching day
        (D(2026, 8, 31), D(2026, 11, 30)),  # November has no 31st: its last day
        (D(2026, 11, 30), D(2027, 2, 28)),  # February of a common year
        (D(2027, 11, 30), D(2028, 2, 29)),  # February of a leap year
        (D(2027, 11, 29), D(2028, 2, 29)),
        (D(2028, 2, 29), D(2028, 5, 29)),  # from a 29 February
        (D(2026, 12, 31), D(2027, 3, 31)),  # across the year
        (D(2026, 10, 31), D(2027, 1, 31)),
        (D(2026, 1, 31), D(2026, 4, 30)),
    ],
)
@pytest.mark.statute("A46.2-withdraw")
def test_a_withdrawal_takes_effect_three_calendar_months_after_its_notice(received: D, effective: D) -> None:
    assert deadlines.withdrawal_effective_on(received) == effective


def test_adding_months_keeps_the_day_or_takes_the_months_last() -> None:
    assert deadlines.add_calendar_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert deadlines.add_calendar_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert deadlines.add_calendar_months(D(2026, 5, 31), 12) == D(2027, 5, 31)
    assert deadlines.add_calendar_months(D(2026, 3, 31), -1) == D(2026, 2, 28)


@pytest.mark.django_db  # working days read the days the expert organization moved
def test_the_obligations_fall_due_on_the_documented_terms() -> None:
    # effective Monday 30 November 2026: 5 working days → Monday 7 December; one month → 30 December
    due = deadlines.obligation_due_dates(D(2026, 11, 30))
    assert due == {"publish": D(2026, 12, 7), "pay": D(2026, 12, 30), "report": D(2026, 12, 30)}


@pytest.mark.django_db
def test_an_obligation_is_overdue_from_the_day_after_its_due_date_until_it_is_done() -> None:
    due = D(2026, 12, 30)
    assert not deadlines.is_overdue(due, None, D(2026, 12, 30))
    assert deadlines.is_overdue(due, None, D(2026, 12, 31))
    assert not deadlines.is_overdue(due, D(2027, 1, 5), D(2027, 2, 1))
