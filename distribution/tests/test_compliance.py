"""The compliance checks: a quarter's money not distributed by an approved run by the end of the next quarter,
and a CMO's yearly deductions above 20 % of what it collected, each flagged once with its evidence, where the
CMO and the authorized body see missed deadlines (and as evidence for revocation on ground 5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from accreditation import evidence, publishing
from accreditation.models import RevocationGround
from distribution import compliance, tasks
from distribution.models import ComplianceFlag, Run
from distribution.runs import approve_run, start_run, usage_weights
from distribution.tests.quarter import Q1_2027, Quarter, collected_quarter
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
D = dt.date


def _approve_on(run: Run, by: Any, clock: Any) -> Run:
    """Approve ``run`` on the platform's day: ``approve_run`` stamps the machine's time, so the moment is set
    to the travelled clock's, as the approval on that day would have it."""
    approved = approve_run(run, by=by)
    Run.objects.filter(pk=run.pk).update(approved_at=clock.now())
    approved.refresh_from_db()
    return approved


def _run(personas: Any, quarter: Quarter, start: D, end: D, costs: str, funds: str) -> Run:
    return start_run(
        personas.cmo, quarter.area, start, end, by=personas.cmo_staff,
        weights=usage_weights(personas.cmo, quarter.area, start, end),
        costs_percent=Decimal(costs), funds_percent=Decimal(funds),
    )  # fmt: skip


@pytest.mark.statute("A46.1.3-quarterly")
def test_a_quarter_not_distributed_by_the_end_of_the_next_is_flagged_once_then_done_late_when_approved(
    personas: Any, clock: Any
) -> None:
    quarter = collected_quarter(personas, clock)  # 30 000.00 collected for use in January–March 2027
    clock.travel_to(D(2027, 6, 30))
    assert tasks.check_compliance() == {
        "quarterly": 0,
        "cap20": 0,
        "foreign": 0,
        "late": 0,
    }  # the deadline is today
    run = _run(personas, quarter, *Q1_2027, "15", "5")  # calculated, but nobody approves it
    clock.travel_to(D(2027, 7, 1))
    assert tasks.check_compliance() == {"quarterly": 1, "cap20": 0, "foreign": 0, "late": 0}
    assert tasks.check_compliance() == {"quarterly": 0, "cap20": 0, "foreign": 0, "late": 0}  # once
    [flag] = publishing.flags_for(personas.cmo_staff)
    assert (flag.code, flag.due_on, flag.done_on) == ("quarterly_run_missing", D(2027, 6, 30), None)
    assert flag.params["collected_tiyn"] == 3_000_000 and flag.params["waiting_runs"] == [run.pk]
    assert flag.text == (
        "The 30,000.00 tenge collected for use in 1 Jan 2027 – 31 Mar 2027 (area 1) were not distributed by "
        "an approved run by the end of the following quarter (Art. 46.1 (3))"
    )
    # the stored figures and days read as the reader's language writes them
    assert flag.params["start"] == "2027-01-01"
    for language in ("kk", "ru"):
        with translation.override(language):
            assert "30\u00a0000,00" in flag.text and "01.01.2027 – 31.03.2027" in flag.text, language
    assert [x.code for x in publishing.flags_for(personas.regulator)] == ["quarterly_run_missing"]
    assert publishing.flags_for(personas.other_cmo_staff) == []
    answer = f.signed_in(personas.cmo_staff).get("/api/publications/flags/").json()
    assert [x["code"] for x in answer] == ["quarterly_run_missing"]
    facts = answer[0]["facts"]
    assert (facts["collected_tiyn"], facts["start"], facts["end"]) == (3_000_000, "2027-01-01", "2027-03-31")
    assert facts["waiting_runs"] == [run.pk] and facts["approved_runs"] == []
    official = f.signed_in(personas.regulator).get("/publications/").content.decode()
    assert "not distributed" in official and "flag-action" not in official
    # the CMO's staff are shown what to do about it: approve the run waiting for a second person
    page = f.signed_in(personas.cmo_staff).get("/publications/").content.decode()
    assert f'href="/cmo/distribution/runs/{run.pk}/">Approve the waiting run</a>' in page
    [item] = evidence.gather(RevocationGround.ART46_DUTIES.value, personas.cmo, None, D(2027, 7, 1))
    described = evidence.describe(item.as_data())
    assert item.code == "publication_quarterly_run_missing" and "30,000.00" in described
    assert item.link == "/publications/"  # where the authorized body reads it, not the CMO's run page
    assert "(30 Jun 2027 / —)" in described

    clock.travel_to(D(2027, 7, 14))
    _approve_on(run, personas.cmo_admin, clock)
    assert tasks.check_compliance() == {"quarterly": 0, "cap20": 0, "foreign": 0, "late": 0}
    flag_row = ComplianceFlag.objects.get()
    assert (flag_row.found_on, flag_row.done_on) == (D(2027, 7, 1), D(2027, 7, 14))
    assert flag_row.evidence["approved_runs"] == [run.pk]


@pytest.mark.statute("A46.1.3-quarterly")
def test_a_quarter_approved_by_the_end_of_the_next_quarter_is_not_flagged(personas: Any, clock: Any) -> None:
    quarter = collected_quarter(personas, clock)
    clock.travel_to(D(2027, 6, 30))
    _approve_on(_run(personas, quarter, *Q1_2027, "15", "5"), personas.cmo_admin, clock)
    clock.travel_to(D(2028, 2, 1))
    assert compliance.check() == {"quarterly": 0, "cap20": 0, "foreign": 0, "late": 0}
    assert publishing.flags_for(personas.regulator) == [] and not ComplianceFlag.objects.exists()


@pytest.mark.statute("A46.1.2-cap20")
def test_yearly_deductions_above_a_fifth_of_the_collected_are_flagged_with_the_figures(
    personas: Any, clock: Any
) -> None:
    """The quarter's run deducts 15 % + 5 % of 3 000 000 tiyn (450 000 and 150 000): exactly 20 %, allowed.
    A January run over the same money deducts 10 % more (300 000): 900 000 of 3 000 000, 30 %, flagged."""
    quarter = collected_quarter(personas, clock)
    clock.travel_to(D(2027, 5, 4))
    _approve_on(_run(personas, quarter, *Q1_2027, "15", "5"), personas.cmo_admin, clock)
    clock.travel_to(D(2028, 1, 4))
    assert compliance.check()["cap20"] == 0  # 20 % is the cap, not above it
    clock.travel_to(D(2027, 5, 5))
    january = _run(personas, quarter, D(2027, 1, 1), D(2027, 1, 31), "10", "0")
    _approve_on(january, personas.cmo_admin, clock)
    clock.travel_to(D(2027, 12, 31))
    assert compliance.check()["cap20"] == 0  # the year has not ended
    clock.travel_to(D(2028, 1, 4))
    assert compliance.check() == {"quarterly": 0, "cap20": 1, "foreign": 0, "late": 0}
    [flag] = publishing.flags_for(personas.regulator)
    assert (flag.code, flag.due_on, flag.done_on) == ("deductions_over_cap", D(2027, 12, 31), None)
    assert {k: flag.params[k] for k in ("collected_tiyn", "costs_tiyn", "funds_tiyn", "percent")} == {
        "collected_tiyn": 3_000_000, "costs_tiyn": 750_000, "funds_tiyn": 150_000, "percent": "30.00",
    }  # fmt: skip
    assert flag.text == (
        "Deductions of the runs for 2027: 7,500.00 tenge for costs and 1,500.00 tenge for special funds, "
        "30.00 % of the 30,000.00 tenge collected: above 20 % (Art. 46.1 (2))"
    )
    with translation.override("ru"):
        assert "7\u00a0500,00" in flag.text and "30,00 %" in flag.text
    assert publishing.flags_for(personas.other_cmo_staff) == []
    assert compliance.check()["cap20"] == 0  # once


def test_the_checks_are_on_celery_beat() -> None:
    from django.conf import settings

    assert "distribution.check_compliance" in {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}


@pytest.mark.statute("A46.1.3-quarterly")
def test_a_quarter_whose_run_is_corrected_after_its_deadline_is_flagged_until_a_new_run_is_approved(
    personas: Any, clock: Any
) -> None:
    """Approved in time, the quarter is not flagged; its run corrected (reversed and cancelled) after the
    deadline, the quarter's money was not distributed after all: the next check flags it, and the new run's
    approval marks it done, late."""
    from distribution.payouts.posting import reverse_run

    quarter = collected_quarter(personas, clock)
    clock.travel_to(D(2027, 6, 30))
    first = _approve_on(_run(personas, quarter, *Q1_2027, "15", "5"), personas.cmo_admin, clock)
    clock.travel_to(D(2027, 7, 1))
    assert compliance.check()["quarterly"] == 0
    clock.travel_to(D(2027, 7, 5))
    reverse_run(first, by=personas.cmo_admin, reason="The pool missed a licence's payment")
    assert compliance.check()["quarterly"] == 1
    flag = ComplianceFlag.objects.get()
    assert (flag.due_on, flag.done_on, flag.evidence["approved_runs"]) == (D(2027, 6, 30), None, [])
    # no run waits: the staff are sent to start the quarter's run, its area and quarter chosen
    staff = f.signed_in(personas.cmo_staff)
    start = f"/cmo/distribution/runs/new/?area={quarter.area.pk}&amp;quarter=2027-1"
    assert f'href="{start}">Start the quarter&#x27;s run</a>' in staff.get("/publications/").content.decode()
    form = staff.get(start.replace("&amp;", "&")).context["form"]
    assert (form["area"].value(), form["quarter"].value()) == (str(quarter.area.pk), "2027-1")
    clock.travel_to(D(2027, 7, 9))
    second = _approve_on(_run(personas, quarter, *Q1_2027, "15", "5"), personas.cmo_admin, clock)
    assert compliance.check()["quarterly"] == 0
    flag.refresh_from_db()
    assert (flag.done_on, flag.evidence["approved_runs"]) == (D(2027, 7, 9), [second.pk])
