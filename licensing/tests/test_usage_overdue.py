"""Reports not received by their day are overdue (A44.2-1-reports): listed, and told once to the user's accounts,
the CMO's accounts and the authorized body, by the daily task and by ``manage.py notice_overdue_reports``."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from licensing.models import ReportDue
from licensing.tasks import notice_overdue_reports
from licensing.usage.overdue import overdue_reports
from licensing.usage.rows import COLUMNS
from licensing.usage_access import reports_due_visible_to
from udp.notices.models import Notice

GOOD = ",".join(COLUMNS) + "\n2026-01-05 10:00,KZA012600001,,Song,Roza,3,215,Café\n"


@pytest.mark.statute("A44.2-1-reports")
def test_a_report_not_received_by_its_day_is_overdue_and_told_once(
    personas: Any, licence: Any, clock: Any
) -> None:
    clock.travel_to(dt.date(2026, 2, 15))  # January's report is due on 15 February: not yet overdue
    assert not overdue_reports().exists() and notice_overdue_reports() == 0
    clock.travel_to(dt.date(2026, 2, 16))
    january = ReportDue.objects.get(licence=licence, period_start=dt.date(2026, 1, 1))
    assert list(overdue_reports()) == [january]
    assert notice_overdue_reports() == 1
    told = set(Notice.objects.filter(code="usage_report_overdue").values_list("recipient__email", flat=True))
    assert {
        personas.licensee.email,
        personas.cmo_staff.email,
        personas.cmo_admin.email,
        personas.regulator.email,
    } <= told
    assert personas.other_cmo_staff.email not in told and personas.holder.email not in told
    january.refresh_from_db()
    assert january.overdue_noticed
    count = Notice.objects.count()
    assert notice_overdue_reports() == 0 and Notice.objects.count() == count  # idempotent
    out = StringIO()
    call_command("notice_overdue_reports", stdout=out)
    assert "0 overdue" in out.getvalue() and Notice.objects.count() == count


@pytest.mark.statute("A44.2-1-reports")
def test_an_accepted_report_answers_its_period_and_is_not_overdue(
    send: Any, licence: Any, clock: Any
) -> None:
    report = send(licence, SimpleUploadedFile("p.csv", GOOD.encode()))
    assert report.status == "accepted"
    clock.travel_to(dt.date(2026, 3, 20))
    overdue = list(overdue_reports().values_list("period_start", flat=True))
    assert dt.date(2026, 1, 1) not in overdue and dt.date(2026, 2, 1) in overdue


@pytest.mark.statute("A44.2-1-reports")
def test_the_overdue_list_is_visible_to_the_user_its_cmo_and_the_regulator_only(
    personas: Any, licence: Any, clock: Any
) -> None:
    clock.travel_to(dt.date(2026, 2, 16))
    for who in (personas.licensee, personas.cmo_staff, personas.regulator, personas.operator):
        assert overdue_reports(among=reports_due_visible_to(who)).count() == 1
    for who in (personas.other_cmo_staff, personas.holder):
        assert overdue_reports(among=reports_due_visible_to(who)).count() == 0
