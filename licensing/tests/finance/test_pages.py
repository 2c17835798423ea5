"""The finance pages and API: the user's invoices, the CMO's work, the regulator's overview; access."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from licensing import invoicing
from licensing.models import Invoice, Licence, Payment
from tests import factories as f
from tests.personas import Personas
from udp.accounts.models import Role

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def invoice(licence: Licence, in_2027: Any, settings: Any, tmp_path: Any) -> Invoice:
    settings.MEDIA_ROOT = tmp_path
    issued = invoicing.issue_first_invoice(licence)
    assert issued is not None
    return issued


def test_the_user_sees_its_invoices_and_downloads_the_pdf(invoice: Invoice, personas: Personas) -> None:
    client = f.signed_in(personas.licensee)
    assert "/space/invoices/" in client.get("/space/").content.decode()
    page = client.get("/space/invoices/")
    assert page.status_code == 200 and invoice.number in page.content.decode()
    pdf = client.get(f"/space/invoices/{invoice.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_a_second_user_another_cmo_and_a_visitor_do_not_see_the_invoice(
    invoice: Invoice, personas: Personas
) -> None:
    from registers.models import Licensee

    other = Licensee.objects.create(
        party=f.make_entity(name_ru="ТОО Кафе", name_lat="Cafe LLP"),
        category_id=invoice.licence.licensee.category_id,
    )
    second = f.make_account("cafe@example.kz", Role.LICENSEE, licensee=other)
    client = f.signed_in(second)
    assert invoice.number not in client.get("/space/invoices/").content.decode()
    assert client.get(f"/space/invoices/{invoice.pk}/pdf/").status_code == 404
    assert client.get(f"/api/invoices/{invoice.pk}/").status_code == 404
    staff2 = f.signed_in(personas.other_cmo_staff)
    assert staff2.get(f"/cmo/finance/invoices/{invoice.pk}/").status_code == 404
    assert staff2.get("/api/invoices/").json()["count"] == 0
    from django.test import Client

    assert Client().get("/space/invoices/").status_code == 302
    assert Client().get("/api/invoices/").status_code in (401, 403)


def test_the_cmo_records_a_payment_and_the_regulator_reads_the_overview(
    invoice: Invoice, personas: Personas
) -> None:
    staff = f.signed_in(personas.cmo_staff)
    answer = staff.post(
        "/cmo/finance/payments/new/",
        {
            "invoice_number": invoice.number,
            "amount": "45000.00",
            "received_on": "2027-01-10",
            "bank_reference": "X1",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    invoice.refresh_from_db()
    assert invoice.status == "paid"
    regulator = f.signed_in(personas.regulator)
    assert "/regulator/finance/" in regulator.get("/regulator/").content.decode()
    assert "/cmo/finance/" in staff.get("/cmo/").content.decode()
    page = regulator.get("/regulator/finance/")
    assert page.status_code == 200 and "KAZ" in page.content.decode()
    assert regulator.post("/api/payments/", {}, content_type="application/json").status_code == 403


def test_a_statement_uploaded_on_the_page_names_its_bad_line(
    invoice: Invoice, personas: Personas, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    staff = f.signed_in(personas.cmo_staff)
    content = (
        "date,amount,payer_bin,payer_name,purpose,reference\n"
        f"2027-01-10,45000.00,,Radio,{invoice.number},S-1\n"
        "2027-01-10,-5,,Radio,x,S-2\n"
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):  # read by a worker once the upload commits
        answer = staff.post("/cmo/finance/statements/", {"file": SimpleUploadedFile("bank.csv", content)})
    assert answer.status_code == 302
    page = staff.get(answer["Location"]).content.decode()
    assert "“-5” is not an amount" in page
    assert Payment.objects.get(bank_reference="S-1").invoice == invoice


def test_the_api_records_and_allocates_and_closes_a_month(
    invoice: Invoice, personas: Personas, clock: Any
) -> None:
    staff = f.signed_in(personas.cmo_staff)
    answer = staff.post(
        "/api/payments/", {"amount": "45000.00", "received_on": "2027-01-10"}, content_type="application/json"
    )
    assert answer.status_code == 201 and answer.json()["unallocated"] == "45000.00"
    allocated = staff.post(
        f"/api/payments/{answer.json()['id']}/allocate/",
        {"invoice": invoice.number},
        content_type="application/json",
    )
    assert allocated.status_code == 200 and allocated.json()["invoice"] == invoice.number
    clock.travel_to(dt.date(2027, 2, 2))
    closed = staff.post("/api/accounting-periods/", {"month": "2027-01-01"}, content_type="application/json")
    assert closed.status_code == 201
    assert staff.get("/api/accounting-periods/").json()["count"] == 1
    assert Decimal(staff.get(f"/api/invoices/{invoice.pk}/").json()["paid"]) == Decimal("45000.00")
