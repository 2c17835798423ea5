"""The payouts' pages and API: the CMO's staff make a file, download it and import the bank's statement;
another CMO, a holder, a visitor and staff without their second factor reach none of it."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.test import Client

from distribution.models import PaymentBatch, PaymentLine, PayoutStatement
from distribution.payouts import actions
from distribution.tests.test_payouts import kz_iban, paid_world  # noqa: F401  (the approved worked example)
from distribution.tests.test_runs import world  # noqa: F401
from tests import factories as f
from tests.personas import everyone
from udp.accounts.models import User

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def approved(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The worked example approved (see test_payouts.paid_world)."""
    found: dict[str, Any] = request.getfixturevalue("paid_world")
    return found


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db
@pytest.mark.statute("A44.5-distribute")
def test_the_staff_make_a_file_download_it_and_import_the_statement_on_the_pages(
    personas: Any, approved: dict[str, Any], media: None, eager: None
) -> None:
    from distribution.run_tasks import resend_waiting_statements

    client = f.signed_in(personas.cmo_staff)
    assert "/cmo/distribution/payouts/" in client.get("/cmo/").content.decode()
    page = client.get("/cmo/distribution/payouts/")
    assert page.status_code == 200 and 'id="owed-holders">3<' in page.content.decode()
    made = client.post("/cmo/distribution/payouts/", {"execution_date": "2026-04-10"})
    batch = PaymentBatch.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/cmo/distribution/payouts/{batch.pk}/"
    detail = client.get(f"/cmo/distribution/payouts/{batch.pk}/").content.decode()
    assert batch.number in detail and kz_iban(2) in detail
    download = client.get(f"/cmo/distribution/payouts/{batch.pk}/file/")
    assert download.status_code == 200 and download["Content-Type"] == "application/xml"
    assert f.streamed(download).startswith(b"<?xml")
    line = batch.lines.get(party=approved["a"])
    csv = f"end_to_end_id,amount,status,date\n{line.end_to_end_id},220.00,booked,2026-04-11\n".encode()
    imported = client.post(
        "/cmo/distribution/payouts/statements/", {"file": SimpleUploadedFile("st.csv", csv, "text/csv")}
    )
    assert imported.status_code == 302
    # no worker has read it yet: the page says so and looks again by itself
    waiting = client.get(imported["Location"]).content.decode()
    assert 'id="statement-waiting"' in waiting and 'http-equiv="refresh"' in waiting
    assert PaymentLine.objects.get(pk=line.pk).status == "sent"
    # its message was lost: ten minutes on, the periodic task sends it again, and a worker reads it, once
    assert resend_waiting_statements() == []  # not yet: a worker may be reading it
    PayoutStatement.objects.update(uploaded_at=F("uploaded_at") - dt.timedelta(minutes=11))
    assert resend_waiting_statements() == [PayoutStatement.objects.get().pk]
    assert resend_waiting_statements() == []
    shown = client.get(imported["Location"]).content.decode()
    assert 'id="booked">1<' in shown and 'id="statement-waiting"' not in shown


@pytest.mark.django_db
@pytest.mark.statute("A44.5-distribute")
def test_the_api_makes_lists_downloads_and_imports_with_the_same_rules(
    personas: Any, approved: dict[str, Any], media: None, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    client = f.signed_in(personas.cmo_staff)
    made = client.post("/api/payment-batches/", {}, content_type="application/json")
    assert made.status_code == 201 and made.json()["lines_count"] == 2 and made.json()["total_tiyn"] == 39_000
    pk = made.json()["id"]
    assert client.get("/api/payment-batches/").json()["count"] == 1
    assert f.streamed(client.get(f"/api/payment-batches/{pk}/file/")).startswith(b"<?xml")
    again = client.post("/api/payment-batches/", {}, content_type="application/json")
    assert again.status_code == 400  # nobody else with bank details is owed money
    line = PaymentBatch.objects.get(pk=pk).lines.get(party=approved["b"])
    csv = f"end_to_end_id,amount,status,date\n{line.end_to_end_id},170.00,returned,2026-04-11\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        imported = client.post(
            "/api/payout-statements/", {"file": SimpleUploadedFile("st.csv", csv, "text/csv")}
        )
    assert imported.status_code == 201 and imported.json()["status"] == "received"  # a worker reads it
    read = client.get(f"/api/payout-statements/{imported.json()['id']}/").json()
    assert (read["status"], read["returned"]) == ("imported", 1)
    rates = client.get("/api/tax-rates/").json()
    assert {(r["party_kind"], r["resident"], r["percent"]) for r in rates["results"]} >= {
        ("person", True, "10.00"), ("person", False, "15.00"), ("entity", True, "0.00"),
    }  # fmt: skip


@pytest.mark.django_db
def test_nobody_but_the_cmo_s_staff_reaches_its_files_or_bank_details(
    personas: Any, approved: dict[str, Any], media: None
) -> None:
    batch = actions.create_batch(personas.cmo, by=personas.cmo_staff)
    statement = actions.import_statement(
        by=personas.cmo_staff, cmo=personas.cmo, file=io.BytesIO(b"end_to_end_id,amount,status,date\n"),
        filename="empty.csv",
    )  # fmt: skip
    people = everyone(personas)
    pages = [
        f"/cmo/distribution/payouts/{batch.pk}/", f"/cmo/distribution/payouts/{batch.pk}/file/",
        f"/cmo/distribution/payouts/statements/{statement.pk}/",
    ]  # fmt: skip
    apis = [f"/api/payment-batches/{batch.pk}/", f"/api/payment-batches/{batch.pk}/file/",
            f"/api/payout-statements/{statement.pk}/"]  # fmt: skip
    for name, user in people.items():
        client = f.signed_in(user) if isinstance(user, User) else Client()
        allowed = name in ("cmo_staff", "cmo_admin")
        for url in pages + apis:
            code = client.get(url).status_code
            assert (code == 200) is allowed, (name, url, code)
        if name not in ("anonymous", "cmo_staff_without_mfa") and not allowed:
            assert client.get("/api/payment-batches/").json()["count"] == 0, name
            assert kz_iban(2) not in client.get("/cmo/distribution/payouts/").content.decode()
        if not allowed and name != "other_cmo_staff":  # who writes for their own CMO (400: nobody owed)
            assert client.post("/api/payment-batches/", {}, content_type="application/json").status_code in (
                302, 401, 403,
            ), name  # fmt: skip
    assert PaymentBatch.objects.count() == 1  # nobody made a file of KAZ but its staff
