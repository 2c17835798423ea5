"""The withdrawal pages and API: the holder files and cancels, the CMO marks done, the regulator sees overdue."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mandates import withdrawing
from mandates.models import Withdrawal, WithdrawalStatus
from mandates.tests.conftest import EFFECTIVE
from registers.models import Area, Work
from tests import factories as f
from tests.personas import Personas, everyone

pytestmark = pytest.mark.django_db


def _notice(p: Personas, works: list[Work] | None = None) -> Withdrawal:
    return withdrawing.file_withdrawal(
        by=p.holder, cmo=p.cmo, area=Area.objects.get(item=1), works=works or []
    )


def test_the_holder_files_a_notice_from_the_portal_and_sees_the_countdown(
    personas: Personas, song: Work, on_receipt_day: Any
) -> None:
    client = f.signed_in(personas.holder)
    listing = client.get("/withdrawals/").content.decode()
    assert "KAZ" in listing and "/withdrawals/new/?mandate=" in listing
    form = client.get("/withdrawals/new/", {"area": 1}).content.decode()
    assert "30 November 2026" in form
    assert f'<option value="{personas.cmo.pk}" selected>' in form  # preselected from "My rights"
    response = client.post("/withdrawals/new/", {"cmo": personas.cmo.pk, "area": Area.objects.get(item=1).pk})
    withdrawal = Withdrawal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/withdrawals/{withdrawal.pk}/"
    page = client.get(f"/withdrawals/{withdrawal.pk}/").content.decode()
    assert "in 91 days" in page and 'id="cancel-form"' in page
    client.post(f"/withdrawals/{withdrawal.pk}/cancel/")
    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.CANCELLED


def test_bad_input_on_the_page_is_a_clear_answer_at_the_top_of_the_form(
    personas: Personas, on_receipt_day: Any
) -> None:
    client = f.signed_in(personas.holder)
    response = client.post(
        "/withdrawals/new/", {"cmo": personas.other_cmo.pk, "area": Area.objects.get(item=1).pk}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "error-summary" in html and "not with QAZ" in html
    assert not Withdrawal.objects.exists()


def test_the_api_files_refuses_and_cancels(personas: Personas, song: Work, on_receipt_day: Any) -> None:
    client = f.signed_in(personas.holder)
    created = client.post(
        "/api/withdrawals/",
        {"cmo": personas.cmo.pk, "area": 1, "works": [song.pk]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["scope"], body["effective_on"], body["days_left"], body["works"]) == (
        "works",
        "2026-11-30",
        91,
        [song.pk],
    )
    again = client.post(
        "/api/withdrawals/",
        {"cmo": personas.cmo.pk, "area": 1, "works": [song.pk]},
        content_type="application/json",
    )
    assert again.status_code == 400 and again.json()["code"] == "already_withdrawn"
    cancelled = client.post(f"/api/withdrawals/{body['id']}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_the_cmo_marks_an_obligation_done_and_the_regulator_sees_what_is_overdue(
    personas: Personas, on_receipt_day: Any
) -> None:
    withdrawal = _notice(personas)
    on_receipt_day.travel_to(EFFECTIVE)
    withdrawing.apply_due_withdrawals()
    staff = f.signed_in(personas.cmo_staff)
    page = staff.get(f"/withdrawals/{withdrawal.pk}/").content.decode()
    assert page.count("obligation-form") == 3
    publish = withdrawal.obligations.get(kind="publish")
    staff.post(f"/withdrawals/obligations/{publish.pk}/done/", {f"o{publish.pk}-evidence": "kaz.kz/news/1"})
    publish.refresh_from_db()
    assert publish.done_on == EFFECTIVE
    api = staff.post(
        f"/api/withdrawals/{withdrawal.pk}/obligations/pay/done/",
        {"evidence": "Payment 42"},
        content_type="application/json",
    )
    assert api.status_code == 200
    on_receipt_day.travel_to(dt.date(2027, 1, 4))
    regulator = f.signed_in(personas.regulator)
    overdue = regulator.get("/withdrawals/?overdue=1").content.decode()
    assert "1 obligation overdue" in overdue
    detail = regulator.get(f"/api/withdrawals/{withdrawal.pk}/").json()
    assert {o["kind"]: o["overdue"] for o in detail["obligations"]} == {
        "publish": False,
        "pay": False,
        "report": True,
    }
    # the holder cannot mark the CMO's obligations, nor can another CMO see the notice
    holder = f.signed_in(personas.holder)
    report = withdrawal.obligations.get(kind="report")
    assert (
        holder.post(
            f"/withdrawals/obligations/{report.pk}/done/", {f"o{report.pk}-evidence": "x"}
        ).status_code
        == 403
    )
    other = f.signed_in(personas.other_cmo_staff)
    assert other.get(f"/withdrawals/{withdrawal.pk}/").status_code == 404
    assert (
        other.post(f"/withdrawals/obligations/{report.pk}/done/", {f"o{report.pk}-evidence": "x"}).status_code
        == 404
    )


def test_the_cmos_repertoire_page_and_the_public_filter_honour_the_date(
    personas: Personas, song: Work, second_song: Work, on_receipt_day: Any
) -> None:
    _notice(personas, [song])
    staff = f.signed_in(personas.cmo_staff)
    before = staff.get("/withdrawals/repertoire/", {"on": "2026-11-29"}).content.decode()
    after = staff.get("/withdrawals/repertoire/", {"on": "2026-11-30"}).content.decode()
    assert "Дала әні" in before and "Second song" in before
    assert "Дала әні" not in after and "Second song" in after
    api = staff.get("/api/works/", {"cmo": "KAZ", "on": "2026-11-30"}).json()
    assert [w["title"] for w in api["results"]] == ["Second song"]


def test_each_persona_sees_only_the_withdrawals_it_may(personas: Personas, on_receipt_day: Any) -> None:
    withdrawal = _notice(personas)
    from mandates import access

    people = everyone(personas)
    seen = {}
    for name, user in people.items():
        try:
            access.get_withdrawal_for_user(user, withdrawal.pk)
            seen[name] = True
        except Exception:  # Http404
            seen[name] = False
    assert {n for n, s in seen.items() if s} == {
        "holder",
        "cmo_staff",
        "cmo_admin",
        "cmo_staff_without_mfa",
        "regulator",
        "operator",
    }
    writers = {n for n, u in people.items() if access.withdrawals_editable_by(u).exists()}
    assert writers == {"holder"}


def test_evidence_files_are_checked_and_stored_under_a_generated_name(
    personas: Personas, on_receipt_day: Any, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    withdrawal = _notice(personas)
    on_receipt_day.travel_to(EFFECTIVE)
    withdrawing.apply_due_withdrawals()
    report = withdrawal.obligations.get(kind="report")
    staff = f.signed_in(personas.cmo_staff)
    url = f"/withdrawals/obligations/{report.pk}/done/"
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    staff.post(url, {f"o{report.pk}-evidence": "Report sent", f"o{report.pk}-evidence_file": bad})
    report.refresh_from_db()
    assert report.done_on is None
    good = SimpleUploadedFile("../../Отчёт.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    staff.post(url, {f"o{report.pk}-evidence": "Report sent", f"o{report.pk}-evidence_file": good})
    report.refresh_from_db()
    assert report.done_on == EFFECTIVE
    name = report.evidence_file.name or ""
    assert name.startswith("mandates/evidence/") and name.endswith(".pdf") and "Отчёт" not in name
