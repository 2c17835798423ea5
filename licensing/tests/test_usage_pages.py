"""The user sends a report on its space and through the API, follows it, and reads the bad lines named; the CMO
reads its licences' reports; nobody else reaches them (A44.2-1-via-udp: reports go through the platform)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from licensing.models import UsageReport
from licensing.tests.usage_fixtures import make_licence
from licensing.usage.rows import COLUMNS
from tests import factories as f
from udp.accounts.actions import issue_api_key
from udp.accounts.models import Role

CSV = (",".join(COLUMNS) + "\n2026-01-05 10:00,KZA012600001,,Дала әні,Roza,3,215,Café\n"
       "2026-01-06 10:00,KZ-BAD,,Song,Roza,2,215,Café\n")  # fmt: skip


def _upload(client: Any, licence: Any, policy: str = "keep_good", content: str = CSV) -> Any:
    return client.post(
        f"/space/usage/licences/{licence.pk}/new/",
        {"period_start": "2026-01-01", "period_end": "2026-01-31", "policy": policy,
         "file": SimpleUploadedFile("playlist.csv", content.encode())},
    )  # fmt: skip


@pytest.mark.statute("A44.2-1-via-udp")
def test_the_user_uploads_a_playlist_with_one_bad_line_and_sees_it_named_and_the_rest_kept(
    personas: Any, licence: Any, eager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = f.signed_in(personas.licensee)
    page = client.get("/space/usage/").content.decode()
    assert licence.contract.number in page and f"/space/usage/licences/{licence.pk}/new/" in page
    assert client.get(f"/space/usage/licences/{licence.pk}/new/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, licence)
    report = UsageReport.objects.get()
    assert response.status_code == 302 and response.url == f"/space/usage/{report.pk}/"
    page = client.get(response.url).content.decode()
    assert "Accepted in part" in page and "The good lines were kept" in page
    assert "“KZ-BAD” is not a valid ISRC" in page and "<td>3</td>" in page
    progress = client.get(f"/space/usage/{report.pk}/progress/").json()
    assert (progress["status"], progress["running"], progress["percent"]) == ("partial", False, 100)
    staff_page = f.signed_in(personas.cmo_staff).get(f"/cmo/usage/{report.pk}/").content.decode()
    assert "KZ-BAD" in staff_page
    assert str(report.pk) in f.signed_in(personas.cmo_staff).get("/cmo/usage/").content.decode()


def test_a_running_report_shows_its_progress_bar(personas: Any, licence: Any) -> None:
    client = f.signed_in(personas.licensee)
    _upload(client, licence)  # queued; not read yet
    report = UsageReport.objects.get()
    UsageReport.objects.filter(pk=report.pk).update(
        status="parsing", stage="reading", lines_total=100, lines_read=40
    )
    page = client.get(f"/space/usage/{report.pk}/").content.decode()
    assert 'id="import-progress"' in page and 'aria-valuenow="40"' in page
    assert client.get(f"/space/usage/{report.pk}/progress/").json()["percent"] == 40


def test_the_templates_download_as_csv_and_xlsx(personas: Any, licence: Any) -> None:
    client = f.signed_in(personas.licensee)
    csv = client.get("/space/usage/template.csv?kind=broadcast")
    assert csv.status_code == 200 and b"played_at,isrc" in csv.content and b"Radio Dala" in csv.content
    assert client.get("/space/usage/template.xlsx").content[:2] == b"PK"


def test_another_user_another_cmo_and_a_visitor_do_not_reach_a_report(
    personas: Any, licence: Any, eager: Any
) -> None:
    _upload(f.signed_in(personas.licensee), licence)
    report = UsageReport.objects.get()
    other_user = f.make_account("cafe2@example.kz", Role.LICENSEE, licensee=f.make_licensee())
    for who in (other_user, personas.other_cmo_staff, personas.holder):
        client = f.signed_in(who)
        assert client.get(f"/space/usage/{report.pk}/").status_code in (403, 404)
        assert client.get(f"/cmo/usage/{report.pk}/").status_code in (403, 404)
    assert f.signed_in(other_user).get(f"/space/usage/licences/{licence.pk}/new/").status_code == 404
    anonymous = f.signed_in(personas.licensee).__class__().get(f"/space/usage/{report.pk}/")
    assert "/accounts/login/" in anonymous["Location"]
    for who in (personas.regulator, personas.operator):
        assert f.signed_in(who).get(f"/cmo/usage/{report.pk}/").status_code == 200


@pytest.mark.statute("A44.2-1-via-udp")
def test_the_api_takes_json_lines_and_a_file_and_answers_status_counts_and_problems(
    personas: Any, licence: Any, eager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _key, secret = issue_api_key(by=personas.licensee, name="cash desk", scopes=["usage:write", "usage:read"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    body = {"licence": licence.pk, "period_start": "2026-01-01", "period_end": "2026-01-31", "policy": "keep_good",
            "lines": [{"isrc": "KZA012600001", "title": "Song", "artist": "A", "plays": 3},
                      {"isrc": "KZA012600002", "title": "Song", "artist": "A", "plays": -1}]}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/usage-reports/", json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    answer = api.get(f"/api/usage-reports/{created.json()['id']}/").json()
    assert (answer["status"], answer["lines_good"], answer["lines_bad"]) == ("partial", 1, 1)
    assert answer["problems"][0]["line"] == 2 and "above zero" in answer["problems"][0]["reason"]
    report = UsageReport.objects.get(pk=answer["id"])
    report.file.open("rb")
    assert json.loads(report.file.read())["lines"][1]["plays"] == -1  # the body stored as received
    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post(
            "/api/usage-reports/",
            {"licence": licence.pk, "period_start": "2026-02-01", "period_end": "2026-02-28",
             "file": SimpleUploadedFile("feb.csv", CSV.replace("2026-01", "2026-02").encode())},
            format="multipart",
        )  # fmt: skip
    assert (
        sent.status_code == 201
        and api.get(f"/api/usage-reports/{sent.json()['id']}/").json()["lines_good"] == 1
    )


def test_the_api_refuses_other_roles_before_reading_input_and_hides_other_licences(
    personas: Any, licence: Any
) -> None:
    staff = APIClient()
    staff.force_authenticate(personas.cmo_staff)
    assert staff.post("/api/usage-reports/", {}, format="json").status_code == 403
    other = f.make_account("cafe3@example.kz", Role.LICENSEE, licensee=f.make_licensee())
    stranger = APIClient()
    stranger.force_authenticate(other)
    answer = stranger.post("/api/usage-reports/", {"licence": licence.pk}, format="json")
    assert answer.status_code == 404
    assert APIClient().get("/api/usage-reports/").status_code in (401, 403)
    second = make_licence(personas, licensee=other.licensee, signed_by=other)
    assert second.pk != licence.pk
    assert (
        stranger.get("/api/usage-reports/").json()["results"] == []
        or stranger.get("/api/usage-reports/").json() == []
    )
    assert dt
