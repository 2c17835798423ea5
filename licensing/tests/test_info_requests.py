"""Requests for information of the authorized body (Art. 48-2.2): the user answers on the platform, the
authorized body receives it; nobody else sees or answers; only the authorized body asks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from licensing.info_access import get_info_request_for_user, info_requests_visible_to
from licensing.info_requests import answer_information_request, ask_for_information
from licensing.models import InfoRequest, InfoRequestStatus
from tests import factories as f
from udp.accounts.models import Role
from udp.core import clock as platform_clock
from udp.notices.models import Notice

pytestmark = pytest.mark.usefixtures("english")


def _ask(personas: Any, **over: Any) -> InfoRequest:
    today = platform_clock.today()
    fields: dict[str, Any] = {
        "licensee": personas.licensee.licensee, "subject": "Works used in 2025",
        "question": "Which recordings did you broadcast, and what did you pay?",
        "topics": ["works_used", "payments"], "period_from": dt.date(2025, 1, 1),
        "period_to": dt.date(2025, 12, 31), "due_on": today + dt.timedelta(days=20),
    }  # fmt: skip
    fields.update(over)
    return ask_for_information(by=personas.regulator, **fields)


@pytest.mark.statute("A48-2.user-info")
def test_the_user_answers_on_the_platform_and_the_authorized_body_receives_it(
    personas: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    row = _ask(personas)
    assert Notice.objects.filter(recipient=personas.licensee, code="info_request_asked").exists()

    client = f.signed_in(personas.licensee)
    page = client.get(f"/space/info-requests/{row.pk}/")
    assert page.status_code == 200 and b"Works used in 2025" in page.content
    sent = client.post(
        f"/space/info-requests/{row.pk}/",
        {
            "text": "Playlist attached; we paid 120 000 tenge.",
            "attachment": SimpleUploadedFile("p.csv", b"isrc\n"),
        },
    )
    assert sent.status_code == 302

    row.refresh_from_db()
    assert row.status == InfoRequestStatus.ANSWERED
    answer = row.answers.get()
    assert answer.answered_by == personas.licensee and str(answer.attachment.name).endswith(".csv")
    assert "p.csv" not in str(answer.attachment.name)  # stored under a generated name
    assert Notice.objects.filter(recipient=personas.regulator, code="info_request_answered").exists()
    seen = f.signed_in(personas.regulator).get(f"/regulator/info-requests/{row.pk}/")
    assert b"we paid 120 000 tenge" in seen.content


@pytest.mark.statute("A48-2.user-info")
def test_another_user_neither_sees_nor_answers(personas: Any) -> None:
    row = _ask(personas)
    other = f.make_account("club@example.kz", Role.LICENSEE, licensee=f.make_licensee())
    assert not info_requests_visible_to(other).exists()
    with pytest.raises(Http404):
        get_info_request_for_user(other, row.pk)
    with pytest.raises(PermissionError):
        answer_information_request(row, by=other, text="Not mine")
    client = f.signed_in(other)
    assert client.get(f"/space/info-requests/{row.pk}/").status_code == 404
    assert client.post(f"/space/info-requests/{row.pk}/", {"text": "x"}).status_code == 404
    assert client.post(f"/api/info-requests/{row.pk}/answer/", {"text": "x"}).status_code == 404
    listed = client.get("/api/info-requests/").json()
    assert not (listed["results"] if isinstance(listed, dict) else listed)
    row.refresh_from_db()
    assert row.status == InfoRequestStatus.OPEN and not row.answers.exists()


@pytest.mark.statute("A48-2.user-info")
def test_only_the_authorized_body_asks(personas: Any) -> None:
    for who in (
        personas.cmo_admin,
        personas.cmo_staff,
        personas.operator,
        personas.licensee,
        personas.holder,
    ):
        with pytest.raises(PermissionError):
            ask_for_information(
                by=who, licensee=personas.licensee.licensee, subject="s", question="q", topics=["income"],
                period_from=dt.date(2025, 1, 1), period_to=dt.date(2025, 3, 31),
                due_on=platform_clock.today() + dt.timedelta(days=5),
            )  # fmt: skip
    api = f.signed_in(personas.cmo_admin).post(
        "/api/info-requests/",
        {"licensee": personas.licensee.licensee.pk, "subject": "s", "question": "q", "topics": ["income"],
         "period_from": "2025-01-01", "period_to": "2025-03-31", "due_on": "2099-01-01"},
        content_type="application/json",
    )  # fmt: skip
    assert api.status_code == 403
    assert not InfoRequest.objects.exists()


def test_the_api_asks_and_answers_and_overdue_is_read_from_the_date(personas: Any, clock: Any) -> None:
    asked = f.signed_in(personas.regulator).post(
        "/api/info-requests/",
        {"licensee": personas.licensee.licensee.pk, "subject": "Income", "question": "Your income?",
         "topics": ["income"], "period_from": "2025-01-01", "period_to": "2025-03-31",
         "due_on": (platform_clock.today() + dt.timedelta(days=3)).isoformat()},
        content_type="application/json",
    )  # fmt: skip
    assert asked.status_code == 201, asked.content
    pk = asked.json()["id"]
    clock.travel_to(platform_clock.today() + dt.timedelta(days=10))
    user = f.signed_in(personas.licensee)
    assert user.get(f"/api/info-requests/{pk}/").json()["overdue"] is True
    answered = user.post(
        f"/api/info-requests/{pk}/answer/", {"text": "None"}, content_type="application/json"
    )
    assert answered.status_code == 201
    assert user.get(f"/api/info-requests/{pk}/").json()["overdue"] is False


def test_asking_checks_the_input(personas: Any) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        _ask(personas, topics=[], period_to=dt.date(2024, 1, 1), due_on=platform_clock.today())
    assert {"topics", "period_to", "due_on"} <= set(caught.value.message_dict)


def test_the_consoles_show_the_cards(personas: Any) -> None:
    _ask(personas)
    space = f.signed_in(personas.licensee).get("/space/")
    assert b"/space/info-requests/" in space.content and b"/space/monitoring/" in space.content
    assert b"/regulator/info-requests/" in f.signed_in(personas.regulator).get("/regulator/").content
    assert b"/cmo/monitoring/" in f.signed_in(personas.cmo_staff).get("/cmo/").content
    assert b"/operator/monitoring/providers/" in f.signed_in(personas.operator).get("/operator/").content
