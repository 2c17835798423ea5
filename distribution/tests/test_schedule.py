"""Celery beat starts each quarter's runs: after the quarter ends, one run per CMO and area that collected for
it, calculated and left for the CMO's staff to approve."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings

from distribution import quarters, schedule
from distribution.calculating import request_run
from distribution.engine import RunError
from distribution.models import Payee, RequestStatus, Run, RunRequest, RunStatus
from distribution.runs import approve_run
from distribution.tests.quarter import POOL, Q1_2027, collected_quarter
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("day", "quarter", "last_ended"),
    [
        (dt.date(2027, 1, 1), (dt.date(2027, 1, 1), dt.date(2027, 3, 31)), (dt.date(2026, 10, 1), dt.date(2026, 12, 31))),
        (dt.date(2027, 4, 1), (dt.date(2027, 4, 1), dt.date(2027, 6, 30)), (dt.date(2027, 1, 1), dt.date(2027, 3, 31))),
        (dt.date(2027, 9, 30), (dt.date(2027, 7, 1), dt.date(2027, 9, 30)), (dt.date(2027, 4, 1), dt.date(2027, 6, 30))),
        (dt.date(2027, 12, 31), (dt.date(2027, 10, 1), dt.date(2027, 12, 31)), (dt.date(2027, 7, 1), dt.date(2027, 9, 30))),
    ],
)  # fmt: skip
def test_quarters(
    day: dt.date, quarter: tuple[dt.date, dt.date], last_ended: tuple[dt.date, dt.date]
) -> None:
    assert quarters.quarter_of(day) == quarter
    assert quarters.last_ended_quarter(day) == last_ended


@pytest.mark.statute("A46.1.3-quarterly")
def test_after_the_quarter_the_run_of_each_cmo_and_area_that_collected_is_started_once_for_approval(
    personas: Any, clock: Any, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    quarter = collected_quarter(personas, clock)
    clock.travel_to(dt.date(2027, 3, 31))
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.start_quarterly_runs() == 0  # the quarter has not ended
    assert not Run.objects.exists()
    clock.travel_to(dt.date(2027, 4, 1))
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.start_quarterly_runs() == 1
    run = Run.objects.get()
    assert (run.cmo, run.area, (run.period_start, run.period_end)) == (personas.cmo, quarter.area, Q1_2027)
    assert (run.status, run.pool_tiyn, run.started_by.email) == (
        RunStatus.CALCULATED,
        POOL,
        schedule.SCHEDULER_EMAIL,
    )
    assert not run.started_by.is_active and not run.started_by.has_usable_password()
    # asked as the staff ask: the run page shows the request, and then the run it calculated
    request = RunRequest.objects.get()
    assert (request.status, request.run, request.requested_by) == (RequestStatus.DONE, run, run.started_by)
    assert sum(Payee.objects.filter(run=run).values_list("gross_tiyn", flat=True)) == POOL
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.start_quarterly_runs() == 0  # the next day: the run is there
    assert RunRequest.objects.count() == 1
    # the staff are asked to check it: nobody approves what the platform calculated as it is
    from distribution.notices import TO_CHECK
    from udp.notices.models import Notice

    assert set(Notice.objects.filter(code=TO_CHECK).values_list("recipient", flat=True)) >= {
        personas.cmo_staff.pk, personas.cmo_admin.pk,
    }  # fmt: skip
    with pytest.raises(RunError) as refused:
        approve_run(run, by=personas.cmo_staff)
    assert refused.value.code == "platform_started"
    page = f.signed_in(personas.cmo_staff).get(f"/cmo/distribution/runs/{run.pk}/").content.decode()
    assert "The platform (with the deductions of the last run)" in page and "udp.invalid" not in page
    assert 'id="approve"' not in page
    listed = f.signed_in(personas.cmo_staff).get("/cmo/distribution/runs/").content.decode()
    assert "The platform" in listed and "udp.invalid" not in listed
    # one member of staff calculates it again (checking its deductions), another approves it
    with django_capture_on_commit_callbacks(execute=True):
        request_run(
            personas.cmo, quarter.area, *Q1_2027, costs_percent=Decimal("10"), funds_percent=Decimal("0"),
            by=personas.cmo_staff,
        )  # fmt: skip
    run = Run.objects.get()
    assert (run.started_by, run.costs_percent) == (personas.cmo_staff, Decimal("10"))
    with pytest.raises(RunError):
        approve_run(run, by=personas.cmo_staff)
    approve_run(run, by=personas.cmo_admin)
    assert Run.objects.get().status == RunStatus.APPROVED


def test_the_quarterly_runs_are_on_celery_beat_and_the_task_exists() -> None:
    from udp.celery import app

    app.loader.import_default_modules()
    entries = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "distribution.start_quarterly_runs" in entries
    assert "distribution.resend_stale_requests" in entries
    assert {
        "distribution.start_quarterly_runs", "distribution.calculate_run", "distribution.resend_stale_requests"
    } <= set(app.tasks)  # fmt: skip


def test_a_quarterly_request_still_waiting_for_a_worker_is_shown_and_not_asked_again(
    personas: Any, clock: Any, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    from distribution.run_tasks import calculate_run

    collected_quarter(personas, clock)
    clock.travel_to(dt.date(2027, 4, 1))
    with django_capture_on_commit_callbacks(execute=False):  # the workers are busy: nothing is calculated yet
        assert schedule.start_quarterly_runs() == 1
    request = RunRequest.objects.get()
    assert (request.status, request.run, request.requested_by.email) == (
        RequestStatus.QUEUED, None, schedule.SCHEDULER_EMAIL,
    )  # fmt: skip
    clock.travel_to(dt.date(2027, 4, 2))
    with django_capture_on_commit_callbacks(execute=False):
        assert schedule.start_quarterly_runs() == 0
    assert RunRequest.objects.count() == 1 and not Run.objects.exists()
    assert calculate_run(request.pk) == RequestStatus.DONE
    request.refresh_from_db()
    assert request.run == Run.objects.get() and request.run.status == RunStatus.CALCULATED


@pytest.mark.statute("A44.5-unidentified-3y")
@pytest.mark.statute("A46.1.3-quarterly")
def test_money_kept_three_years_is_released_by_the_quarters_run_even_when_nothing_was_collected_for_it(
    personas: Any, clock: Any, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    """KAZ kept 120 000 tiyn received on 1 July 2024 for want of use, and its general meeting set the rule.
    In the second quarter of 2027 nothing was collected, but "Dala" was played: on 1 July 2027, three years
    after the receipt, the platform starts that quarter's run, which releases the 120 000 tiyn over it."""
    from distribution import matching
    from distribution.models import ReleaseRule, Unidentified
    from distribution.tests.helpers import lines, report

    quarter = collected_quarter(personas, clock)
    clock.travel_to(dt.date(2027, 4, 1))
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.start_quarterly_runs() == 1
    q1 = Run.objects.get()
    Run.objects.filter(pk=q1.pk).update(started_by=personas.cmo_staff)  # as if a person calculated it again
    approve_run(q1, by=personas.cmo_admin)
    kept = Unidentified.objects.create(
        cmo=personas.cmo, area=quarter.area, licence=quarter.licence, usage_start=dt.date(2024, 4, 1),
        received_on=dt.date(2024, 7, 1), amount_tiyn=120_000, found_in=q1,
    )  # fmt: skip
    ReleaseRule.objects.create(
        cmo=personas.cmo, decided_on=dt.date(2027, 4, 20), meeting_reference="Minutes 3",
        recorded_by=personas.cmo_admin,
    )  # fmt: skip
    april = dt.date(2027, 4, 1)
    lines(report(quarter.licence, period=april), [{"isrc": "KZA012700001", "plays": 2}], period=april)
    matching.match_period(april)
    clock.travel_to(dt.date(2027, 6, 30))
    assert schedule.releasing(dt.date(2027, 6, 30)) == set()  # three years less a day
    clock.travel_to(dt.date(2027, 7, 1))
    assert schedule.releasing(dt.date(2027, 7, 1)) == {(personas.cmo.pk, 1)}
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.start_quarterly_runs() == 1
    q2 = Run.objects.exclude(pk=q1.pk).get()
    assert (q2.period_start, q2.period_end, q2.pool_tiyn) == (april, dt.date(2027, 6, 30), 120_000)
    kept.refresh_from_db()
    assert kept.released_in == q2
    assert sum(Payee.objects.filter(run=q2).values_list("gross_tiyn", flat=True)) == 120_000
    assert set(Payee.objects.filter(run=q2).values_list("party_id", flat=True)) == {quarter.a.pk}
