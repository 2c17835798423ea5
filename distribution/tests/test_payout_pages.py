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
    from distribution.run_tasks import resend_unfinished_batches, resend_waiting_statements

    client = f.signed_in(personas.cmo_staff)
    assert "/cmo/distribution/payouts/" in client.get("/cmo/").content.decode()
    page = client.get("/cmo/distribution/payouts/")
    assert page.status_code == 200 and 'id="owed-holders">3<' in page.content.decode()
    made = client.post("/cmo/distribution/payouts/", {"execution_date": "2026-04-10"})
    batch = PaymentBatch.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/cmo/distribution/payouts/{batch.pk}/"
    # asked for; no worker has made it yet: the page says so and looks again by itself, nothing set aside yet
    assert (batch.status, batch.lines_count) == ("requested", 0) and 'id="owed-holders">3<' in (
        client.get("/cmo/distribution/payouts/").content.decode()
    )
    detail = client.get(f"/cmo/distribution/payouts/{batch.pk}/").content.decode()
    assert batch.number in detail and "Requested: being made" in detail
    assert 'id="batch-total"' not in detail and 'id="transfers"' not in detail  # not known until it is made
    assert 'id="batch-waiting"' in detail and 'http-equiv="refresh"' in detail and "/file/" not in detail
    assert client.get(f"/cmo/distribution/payouts/{batch.pk}/file/").status_code == 404
    # asked again meanwhile: the same file, not a second one
    assert (
        client.post("/cmo/distribution/payouts/", {"execution_date": "2026-04-10"})["Location"]
        == made["Location"]
    )
    # its message was lost: ten minutes on, the periodic task sends it again, and a worker makes it, once
    assert resend_unfinished_batches() == []  # not yet: a worker may be making it
    PaymentBatch.objects.update(created_at=F("created_at") - dt.timedelta(minutes=11))
    assert resend_unfinished_batches() == [batch.pk]
    assert resend_unfinished_batches() == []
    batch.refresh_from_db()
    assert (batch.status, batch.lines_count, PaymentBatch.objects.count()) == ("ready", 2, 1)
    detail = client.get(f"/cmo/distribution/payouts/{batch.pk}/").content.decode()
    assert 'id="batch-waiting"' not in detail and f"/cmo/distribution/payouts/{batch.pk}/file/" in detail
    assert (
        kz_iban(2) in detail
        and 'id="owed-holders">1<' in client.get("/cmo/distribution/payouts/").content.decode()
    )
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
    assert 'id="booked"' not in waiting  # no count until it is read
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
    with django_capture_on_commit_callbacks(execute=True):
        made = client.post("/api/payment-batches/", {}, content_type="application/json")
    assert made.status_code == 201 and made.json()["status"] == "requested"  # a worker makes it
    pk = made.json()["id"]
    assert client.get("/api/payment-batches/").json()["count"] == 1
    done = client.get(f"/api/payment-batches/{pk}/").json()
    assert (done["status"], done["lines_count"], done["total_tiyn"]) == ("ready", 2, 39_000)
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


@pytest.mark.django_db
@pytest.mark.statute("A44.5-unclaimed-forever")
def test_a_file_asked_for_when_its_money_went_meanwhile_is_empty_and_pays_nobody(
    personas: Any, approved: dict[str, Any], media: None
) -> None:
    from django.core.exceptions import ValidationError

    from distribution import calculating

    requested = actions.request_batch(personas.cmo, by=personas.cmo_staff)
    assert (requested.status, requested.lines_count) == ("requested", 0)
    # before a worker makes it, the administrator corrects the run: nobody is owed anything any more
    calculating.correct(approved["run"], by=personas.cmo_admin, reason="Wrong tariff applied")
    empty = actions.write_batch(requested.pk)
    assert empty is not None and (empty.status, empty.lines_count, empty.total_tiyn) == ("empty", 0, 0)
    assert not PaymentLine.objects.exists() and not empty.sha256
    again = actions.write_batch(requested.pk)  # sent again: nothing changes
    assert again is not None and again.status == "empty"
    page = f.signed_in(personas.cmo_staff).get(f"/cmo/distribution/payouts/{empty.pk}/").content.decode()
    assert "Not made: nobody with bank details was owed money any more" in page
    assert 'id="batch-waiting"' not in page and "/file/" not in page
    with pytest.raises(ValidationError, match="Nobody with bank details"):
        actions.request_batch(personas.cmo, by=personas.cmo_staff)
    assert PaymentBatch.objects.count() == 1
