"""When usage is matched: a month whose counted reports changed since it was last gathered is matched again
(hourly, by Celery beat, and before a run reads it); the chunks sent for a month finish it once; the registers'
keys rebuilt daily send the recent months' undecided keys to be tried again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from distribution import matching, schedule, tasks
from distribution.models import MatchingMonth, Payee, Run, UsageKey
from distribution.tests.helpers import FEBRUARY, JANUARY, lines, recording, report
from distribution.tests.quarter import collected_quarter
from licensing.models import UsageReport
from licensing.tests.usage_fixtures import make_licence

pytestmark = pytest.mark.django_db


def _work_table(period: dt.date) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [matching.staged_table(period)])
        return bool(cursor.fetchone()[0])


@pytest.mark.statute("A46.1.3-identify")
def test_a_month_is_matched_again_when_its_counted_reports_change_and_only_then(personas: Any) -> None:
    licence = make_licence(personas)
    rec = recording(personas, "Dala", isrc="KZA012600001")
    matching.refresh_work_keys()
    lines(report(licence), [{"isrc": "KZA012600001", "plays": 2}])
    lines(report(licence, status="refused"), [{"isrc": "KZA012600001", "plays": 50}])
    assert matching.due_months() == [JANUARY]  # never gathered; a refused report is no reason
    assert matching.match_due([JANUARY, FEBRUARY]) == [JANUARY]
    key = UsageKey.objects.get(isrc="KZA012600001")
    assert (key.status, key.recording_id, key.lines, key.plays) == ("matched", rec.pk, 1, 2)
    assert matching.due_months() == [] and matching.match_due([JANUARY]) == []
    # another report accepted for January: January is gathered again, its keys counted anew
    second = report(licence)
    lines(second, [{"isrc": "KZA012600001", "plays": 5}, {"title": "Kok", "artist": "Nobody"}])
    assert matching.due_months([JANUARY]) == [JANUARY]
    matching.match_due([JANUARY])
    key.refresh_from_db()
    assert (key.lines, key.plays) == (2, 7)
    assert UsageKey.objects.get(title="Kok").status == "unmatched"
    # a report replaced by a corrected one: due again
    assert matching.due_months() == []
    UsageReport.objects.filter(pk=second.pk).update(status="replaced")
    assert matching.due_months() == [JANUARY]


def test_the_chunks_sent_for_a_month_finish_it_once_and_a_chunk_of_an_earlier_gathering_counts_for_nothing(
    personas: Any,
) -> None:
    licence = make_licence(personas)
    recording(personas, "Dala", isrc="KZA012600001")
    lines(report(licence), [{"isrc": "KZA012600001"}, {"title": "Unknown"}, {"title": "Other"}])
    matching.refresh_work_keys()
    with mock.patch.object(tasks.match_chunk, "delay") as delay:  # the broker, not our code
        assert tasks.match_period(JANUARY.isoformat(), size=2) == 2
    sent = [call.args for call in delay.call_args_list]
    month = MatchingMonth.objects.get(period=JANUARY)
    assert (month.gathering, month.chunks, month.done, month.finished_at) == (1, 2, [], None)
    assert [args[3] for args in sent] == [1, 1]
    tasks.match_chunk(*sent[0])
    tasks.match_chunk(*sent[0])  # sent twice (a worker died after it): counted once
    month.refresh_from_db()
    assert (month.done, month.finished_at) == ([1], None) and _work_table(JANUARY)
    tasks.match_chunk(*sent[1])
    month.refresh_from_db()
    assert sorted(month.done) == [1, 3] and month.finished_at is not None and not _work_table(JANUARY)
    assert matching.due_months() == []
    # gathered again (asked): a late chunk of the first gathering neither counts nor drops the new work table
    MatchingMonth.objects.filter(period=JANUARY).update(
        requested_at=month.finished_at + dt.timedelta(seconds=1)
    )
    assert matching.due_months() == [JANUARY]
    with mock.patch.object(tasks.match_chunk, "delay") as delay:
        tasks.match_period(JANUARY.isoformat(), size=3)
    assert [call.args[3] for call in delay.call_args_list] == [2]
    assert matching.chunk_done(JANUARY, 1, 1) is False
    month.refresh_from_db()
    assert (month.gathering, month.done, month.finished_at) == (2, [], None) and _work_table(JANUARY)
    tasks.match_chunk(*delay.call_args_list[0].args)
    assert MatchingMonth.objects.get(period=JANUARY).finished_at is not None and not _work_table(JANUARY)


def test_beat_sends_each_due_month_once_an_hour_and_not_while_its_chunks_are_on_their_way(
    personas: Any,
) -> None:
    licence = make_licence(personas)
    lines(report(licence), [{"title": "Dala", "artist": "Aigul"}])
    lines(report(licence, period=FEBRUARY), [{"title": "Kok", "artist": "Aigul"}], period=FEBRUARY)
    matching.match_period(FEBRUARY)
    with mock.patch.object(tasks.match_period, "delay") as delay:  # the broker
        assert tasks.match_due() == 1
    assert [call.args for call in delay.call_args_list] == [(JANUARY.isoformat(),)]
    # January's gathering began and its chunks are out: not sent again within the hour
    with mock.patch.object(tasks.match_chunk, "delay"):
        tasks.match_period(JANUARY.isoformat())
    lines(report(licence), [{"title": "Third", "artist": "Aigul"}])
    assert matching.due_months() == [JANUARY]
    with mock.patch.object(tasks.match_period, "delay") as delay:
        assert tasks.match_due() == 0
    MatchingMonth.objects.filter(period=JANUARY).update(gathered_at=timezone.now() - dt.timedelta(hours=2))
    with mock.patch.object(tasks.match_period, "delay") as delay:
        assert tasks.match_due() == 1  # chunks lost for two hours: gathered again
    entries = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert (entries["distribution.match_due"], entries["distribution.refresh_work_keys"]) == (3600.0, 86400.0)


@pytest.mark.statute("A46.1.3-identify")
def test_the_daily_rebuild_of_the_registers_keys_tries_the_recent_months_undecided_keys_again(
    personas: Any, clock: Any
) -> None:
    clock.travel_to(dt.date(2026, 4, 10))  # the last ended quarter: January to March
    licence = make_licence(personas)
    lines(report(licence), [{"title": "Saryarqa", "artist": "Aigul Serikova"}])
    matching.refresh_work_keys()
    matching.match_period(JANUARY)
    assert UsageKey.objects.get(title="Saryarqa").status == "unmatched"
    rec = recording(personas, "Saryarqa")  # registered since; performer: Aigul Serikova
    with mock.patch.object(tasks.match_due, "delay") as sent:  # the broker
        tasks.refresh_work_keys()
    assert sent.call_count == 1 and matching.due_months() == [JANUARY]
    assert matching.match_due([JANUARY]) == [JANUARY]
    key = UsageKey.objects.get(title="Saryarqa")
    assert (key.status, key.recording_id) == ("matched", rec.pk)


@pytest.mark.statute("A46.1.3-proportional")
def test_a_run_matches_the_months_whose_reports_came_since_before_it_reads_their_use(
    personas: Any, clock: Any, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    """January (matched): "Dala" 3 plays, "Kok" 1; February's report, accepted after January was matched and
    matched by nobody yet: "Dala" 4 plays. The run's 3 000 000 tiyn go 7/8 to "Dala" (A 100 %) and 1/8 to "Kok"
    (A 25 %, B 75 %): A 2 625 000 + 93 750 = 2 718 750, B 281 250 (with January alone it would be 2 437 500
    and 562 500)."""
    quarter = collected_quarter(personas, clock)
    february = dt.date(2027, 2, 1)
    lines(report(quarter.licence, period=february), [{"isrc": "KZA012700001", "plays": 4}], period=february)
    clock.travel_to(dt.date(2027, 4, 1))
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.start_quarterly_runs() == 1
    run = Run.objects.get()
    gross = dict(Payee.objects.filter(run=run).values_list("party_id", "gross_tiyn"))
    assert gross == {quarter.a.pk: 2_718_750, quarter.b.pk: 281_250}
    assert MatchingMonth.objects.get(period=february).finished_at is not None
    assert Decimal(sum(gross.values())) == Decimal(3_000_000)


@pytest.mark.statute("A46.1.3-identify")
@pytest.mark.usefixtures("english")
def test_staff_see_where_matching_stands_for_their_own_months_on_the_page_and_in_the_api(
    personas: Any,
) -> None:
    from django.test import Client

    from tests.factories import signed_in

    ours = make_licence(personas)
    lines(report(ours), [{"title": "Dala", "artist": "Aigul"}])
    lines(report(ours, period=FEBRUARY), [{"title": "Kok", "artist": "Aigul"}], period=FEBRUARY)
    theirs = make_licence(personas, cmo=personas.other_cmo)
    march = dt.date(2026, 3, 1)
    lines(report(theirs, period=march), [{"title": "Qaz", "artist": "X"}], period=march)
    matching.match_period(JANUARY)
    with mock.patch.object(tasks.match_chunk, "delay"):  # the broker: February's chunks are on their way
        tasks.match_period(FEBRUARY.isoformat())
    staff = signed_in(personas.cmo_staff)
    states = {
        row["period"]: (row["state"], row["state_label"])
        for row in staff.get("/api/match-review/months/").json()
    }
    assert states == {
        "2026-02-01": ("running", "Being matched"),
        "2026-01-01": ("matched", "Matched"),
    }
    html = staff.get("/cmo/distribution/review/").content.decode()
    assert 'id="month-2026-01"' in html and 'id="month-2026-02"' in html and 'id="month-2026-03"' not in html
    assert "Being matched" in html
    # another report for January: waiting; the other CMO sees March only, waiting, and nothing of ours
    lines(report(ours), [{"title": "Third", "artist": "Aigul"}])
    assert staff.get("/api/match-review/months/").json()[1]["state"] == "waiting"
    other = signed_in(personas.other_cmo_staff).get("/api/match-review/months/").json()
    assert [(row["period"], row["state"]) for row in other] == [("2026-03-01", "waiting")]
    for outsider in (signed_in(personas.holder), signed_in(personas.licensee), signed_in(personas.regulator)):
        assert outsider.get("/api/match-review/months/").json() == []
    assert Client().get("/api/match-review/months/").status_code in (401, 403)
    russian = signed_in(personas.cmo_staff, language="ru").get("/api/match-review/months/").json()
    assert russian[0]["state_label"] == "Сопоставляется"
