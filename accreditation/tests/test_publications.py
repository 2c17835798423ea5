"""What a CMO publishes and tells the authorized body, with deadlines in working days (Art. 46.1 (7), (11),
(12); 46.1-1), the flags the CMO and the regulator see, the public place, and the evidence for ground 5."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accreditation import evidence, publishing
from accreditation.models import MeetingNotice, PublicationKind, RevocationGround
from registers.models import CMORepresentative
from tests import factories as f
from udp.notices.models import Notice

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def pdf(name: str = "doc.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


def publish(p: Any, kind: str, event_on: dt.date, **extra: Any) -> Any:
    return publishing.publish(
        by=p.cmo_admin, kind=kind, title=f"{kind} {event_on}", event_on=event_on, document=pdf(), **extra
    )


@pytest.mark.statute("A46.1.12-10wd")
def test_a_charter_amendment_placed_within_ten_working_days_over_nauryz_is_on_time(
    personas: Any, clock: Any
) -> None:
    # registered Thu 19 Mar 2026; Nauryz 21-25 March: due Tue 7 April
    clock.travel_to(D(2026, 4, 7))
    row = publish(personas, PublicationKind.CHARTER_AMENDMENT, D(2026, 3, 19))
    assert row.due_on == D(2026, 4, 7)
    assert not row.late
    assert publishing.flags([personas.cmo.pk]) == []


@pytest.mark.statute("A46.1.12-10wd")
def test_a_resolution_placed_a_day_after_its_deadline_over_new_year_is_flagged_to_cmo_and_regulator(
    personas: Any, clock: Any
) -> None:
    # meeting Thu 24 Dec 2026: due Tue 12 Jan 2027 (New Year, 4 Jan moved, 7 Jan Christmas)
    clock.travel_to(D(2027, 1, 13))
    row = publish(personas, PublicationKind.GM_RESOLUTION, D(2026, 12, 24))
    assert row.due_on == D(2027, 1, 12)
    assert row.late
    [flag] = publishing.flags_for(personas.cmo_admin)
    assert (flag.code, flag.due_on, flag.done_on) == ("gm_resolution_late", D(2027, 1, 12), D(2027, 1, 13))
    assert [x.code for x in publishing.flags_for(personas.regulator)] == ["gm_resolution_late"]
    assert publishing.flags_for(personas.other_cmo_staff) == []
    page = f.signed_in(personas.cmo_staff).get("/publications/")
    assert page.status_code == 200 and "flag-gm_resolution_late" in page.content.decode()
    page = f.signed_in(personas.regulator).get("/publications/")
    assert "flag-gm_resolution_late" in page.content.decode()
    assert (
        "flag-gm_resolution_late"
        not in f.signed_in(personas.other_cmo_staff).get("/publications/").content.decode()
    )


@pytest.mark.statute("A46.1.11-gm-notice")
def test_a_meeting_notice_ten_working_days_ahead_is_on_time_and_a_later_one_is_recorded_late(
    personas: Any, clock: Any
) -> None:
    # meeting Fri 3 Apr 2026: the tenth working day before it is Tue 17 March (Nauryz 21-25 March)
    clock.travel_to(D(2026, 3, 17))
    on_time = publishing.notify_meeting(
        by=personas.cmo_admin, meeting_on=D(2026, 4, 3), place="Almaty", agenda="Charter"
    )
    assert on_time.due_on == D(2026, 3, 17) and not on_time.late
    clock.travel_to(D(2026, 3, 18))
    late = publishing.notify_meeting(
        by=personas.cmo_admin, meeting_on=D(2026, 4, 3), place="Almaty", agenda="Tariffs"
    )
    assert late.late and late.notified_on == D(2026, 3, 18)
    assert MeetingNotice.objects.count() == 2
    codes = set(Notice.objects.filter(recipient=personas.regulator).values_list("code", flat=True))
    assert codes == {"publications_meeting_notice", "publications_meeting_notice_late"}
    [flag] = publishing.flags([personas.cmo.pk])
    assert (flag.code, flag.due_on, flag.done_on) == ("meeting_notice_late", D(2026, 3, 17), D(2026, 3, 18))
    # the regulator sees the upcoming meetings
    page = f.signed_in(personas.regulator).get("/publications/").content.decode()
    assert "Tariffs" in page and "Charter" in page


@pytest.mark.statute("A46.1.12-10wd")
def test_a_resolution_never_placed_after_a_notified_meeting_is_flagged(personas: Any, clock: Any) -> None:
    clock.travel_to(D(2026, 3, 10))
    publishing.notify_meeting(
        by=personas.cmo_admin, meeting_on=D(2026, 4, 3), place="Astana", agenda="Report"
    )
    # due 10 working days after Fri 3 Apr: Fri 17 April
    assert publishing.flags([personas.cmo.pk], D(2026, 4, 17)) == []
    [flag] = publishing.flags([personas.cmo.pk], D(2026, 4, 20))
    assert (flag.code, flag.due_on, flag.done_on) == ("gm_resolution_missing", D(2026, 4, 17), None)
    clock.travel_to(D(2026, 4, 20))
    # the administrator, who publishes, is offered to publish it, the kind and the meeting's day chosen; staff,
    # who cannot publish, are not
    admin = f.signed_in(personas.cmo_admin)
    link = "/publications/new/?kind=gm_resolution&amp;event_on=2026-04-03"
    assert f'href="{link}">Publish the resolution</a>' in admin.get("/publications/").content.decode()
    assert "flag-action" not in f.signed_in(personas.cmo_staff).get("/publications/").content.decode()
    form = admin.get(link.replace("&amp;", "&")).context["form"]
    assert (form["kind"].value(), str(form["event_on"].value())) == ("gm_resolution", "2026-04-03")
    publish(personas, PublicationKind.GM_RESOLUTION, D(2026, 4, 3))
    assert [x.code for x in publishing.flags([personas.cmo.pk], D(2026, 4, 20))] == ["gm_resolution_late"]


@pytest.mark.statute("A46.1-1.audit")
def test_an_audit_report_is_due_a_month_after_approval_public_five_years_and_overdue_after_two(
    personas: Any, clock: Any
) -> None:
    clock.travel_to(D(2026, 5, 31))
    with pytest.raises(ValidationError):  # the financial statements come with the report
        publish(personas, PublicationKind.AUDIT_REPORT, D(2026, 4, 30), auditor="Audit LLP")
    row = publish(
        personas, PublicationKind.AUDIT_REPORT, D(2026, 4, 30), auditor="Audit LLP", statements=pdf("fs.pdf")
    )
    assert row.due_on == D(2026, 5, 30) and row.late
    assert row.public_until == D(2031, 5, 31)
    assert [x.code for x in publishing.flags([personas.cmo.pk])] == ["audit_report_late"]
    assert list(publishing.public_of(personas.cmo.pk, D(2031, 5, 31))) == [row]
    assert list(publishing.public_of(personas.cmo.pk, D(2031, 6, 1))) == []
    # two years after approval with no new audit: overdue
    codes = [x.code for x in publishing.flags([personas.cmo.pk], D(2028, 5, 1))]
    assert codes == ["audit_report_late", "audit_overdue"]


@pytest.mark.statute("A46.1.7-representatives")
def test_the_public_page_shows_representatives_branches_and_published_documents(
    personas: Any, clock: Any
) -> None:
    clock.travel_to(D(2026, 4, 7))
    CMORepresentative.objects.create(cmo=personas.cmo, name="Aigerim Sarsenova", region="Shymkent")
    publish(personas, PublicationKind.CHARTER_AMENDMENT, D(2026, 3, 19))
    from django.test import Client

    page = Client().get(f"/cmos/{personas.cmo.pk}/")
    text = page.content.decode()
    assert "Aigerim Sarsenova" in text and "charter_amendment 2026-03-19" in text
    other = Client().get(f"/cmos/{personas.other_cmo.pk}/").content.decode()
    assert "charter_amendment 2026-03-19" not in other


def test_only_a_cmo_administrator_publishes(personas: Any, clock: Any) -> None:
    for user in (personas.cmo_staff, personas.regulator, personas.operator, personas.holder):
        with pytest.raises(PermissionDenied):
            publishing.publish(
                by=user,
                kind=PublicationKind.CHARTER_AMENDMENT,
                title="x",
                event_on=D(2026, 1, 5),
                document=pdf(),
            )
    assert f.signed_in(personas.cmo_staff).get("/publications/new/").status_code == 403


def test_the_cmo_administrator_publishes_through_the_page_and_the_api(personas: Any, clock: Any) -> None:
    clock.travel_to(D(2026, 4, 8))
    client = f.signed_in(personas.cmo_admin)
    answer = client.post(
        "/publications/new/",
        {"kind": "charter_amendment", "title": "New article 5", "event_on": "2026-03-19", "document": pdf()},
    )
    assert answer.status_code == 302
    answer = client.post(
        "/api/publications/records/",
        {"kind": "gm_resolution", "title": "Resolution 2", "event_on": "2026-04-01", "document": pdf()},
    )
    assert answer.status_code == 201, answer.content
    rows = client.get("/api/publications/records/").json()
    rows = rows.get("results", rows)
    assert {(r["title"], r["late"]) for r in rows} == {("New article 5", True), ("Resolution 2", False)}
    flags = client.get("/api/publications/flags/").json()
    assert [x["code"] for x in flags] == ["charter_amendment_late"]
    assert f.signed_in(personas.other_cmo_staff).get("/api/publications/flags/").json() == []


def test_the_operator_moves_a_day_on_the_page_and_in_the_api_and_deadlines_follow(
    personas: Any, clock: Any
) -> None:
    clock.travel_to(D(2026, 12, 1))
    client = f.signed_in(personas.operator)
    assert client.get("/publications/calendar/?year=2026").status_code == 200
    answer = client.post(
        "/publications/calendar/", {"day": "2026-12-18", "kind": "day_off", "note": "Decree"}
    )
    assert answer.status_code == 302
    # Fri 4 Dec + 10: 7-11 Dec (5), 14, 15 (7), 16 Independence Day, 17 (8), 18 moved off, 21 (9), 22 (10)
    assert publishing.due_on(PublicationKind.CHARTER_AMENDMENT, D(2026, 12, 4)) == D(2026, 12, 22)
    answer = client.post("/api/calendar-days/remove/", {"day": "2026-12-18"}, content_type="application/json")
    assert answer.status_code == 200
    assert publishing.due_on(PublicationKind.CHARTER_AMENDMENT, D(2026, 12, 4)) == D(2026, 12, 21)
    answer = client.post(
        "/api/calendar-days/", {"day": "2026-12-19", "kind": "working_day"}, content_type="application/json"
    )
    assert answer.status_code == 201
    assert (
        f.signed_in(personas.regulator)
        .post(
            "/api/calendar-days/",
            {"day": "2026-12-20", "kind": "working_day"},
            content_type="application/json",
        )
        .status_code
        == 403
    )


def test_missed_deadlines_are_evidence_for_revocation_ground_5(personas: Any, clock: Any) -> None:
    clock.travel_to(D(2027, 1, 13))
    publish(personas, PublicationKind.GM_RESOLUTION, D(2026, 12, 24))
    items = evidence.gather(RevocationGround.ART46_DUTIES.value, personas.cmo, None, D(2027, 1, 13))
    mine = [item for item in items if item.code.startswith("publication_")]
    assert [item.code for item in mine] == ["publication_gm_resolution_late"]
    assert mine[0].params["due"] == "2027-01-12"
    assert "placed late" in evidence.describe(mine[0].as_data())
    assert not [
        i
        for i in evidence.gather(
            RevocationGround.ART46_DUTIES.value, personas.other_cmo, None, D(2027, 1, 13)
        )
        if i.code.startswith("publication_")
    ]
