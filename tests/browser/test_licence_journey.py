"""A café owner on a phone: finds whom it must pay, gets a quote, signs the licence (the CMO countersigns
automatically), sends a playlist with one bad line, sees that line named and the rest accepted, and sees
the invoice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from licensing.models import CountersignPolicy, Licence, LicenceStatus, UsageReport
from licensing.tariffs import Term
from licensing.tests.helpers import accredit, category, published
from mandates.tests.request_helpers import make_signatory
from registers.models import LicenseeLocation
from tests import factories as f
from tests.browser import checks
from tests.browser.test_journey import ARTIFACTS
from tests.personas import make_personas
from udp.documents.signing import enter_signatory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAYLIST = (
    "played_at,isrc,iswc,title,artist,plays,duration,source\n"
    "{day} 10:00,KZA012600001,,Дала әні,Roza Rymbaeva,3,215,Café Alma\n"
    "{day} 10:04,KZA012600002,,Көктем,Dos-Mukasan,2,190,Café Alma\n"
    "{day} 10:08,NOT-AN-ISRC,,Бір бала,Kairat Nurtas,1,200,Café Alma\n"
    "{day} 10:12,KZA012600003,,Алматы түні,Batyrkhan Shukenov,4,240,Café Alma\n"
)


def _fits(page: Any, name: str) -> None:
    page.wait_for_load_state()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"licence-{name}-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name


@pytest.mark.statute("A44.2-1-via-udp")
def test_a_cafe_gets_its_licence_reports_its_playlist_and_sees_its_invoice(
    live_server: Any, browser: Any, settings: Any, tmp_path: Path
) -> None:
    from celery.contrib.testing.worker import start_worker

    from udp.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    p = make_personas()
    licensee = p.licensee.licensee
    assert licensee is not None
    licensee.category = category("restaurant")
    licensee.trade_name = "Café Alma"
    licensee.save()
    LicenseeLocation.objects.create(
        licensee=licensee, name="Café Alma", city="Almaty", address="Abay 10", area_m2=80
    )
    enter_signatory(
        by=None, entity_bin=licensee.party.bin or "", entity_name=licensee.party.name, account=p.licensee,
        iin=f.make_iin(), position="Owner", basis="Charter", valid_from=dt.date(2020, 1, 1),
    )  # fmt: skip
    accredit(p, p.cmo, 1)
    CountersignPolicy.objects.create(
        cmo=p.cmo, signatory=make_signatory(p.cmo_admin, p.cmo), set_by=p.cmo_admin
    )
    published(
        p.cmo_staff, terms=[Term(shape="per_unit", unit="m2", amount=Decimal("120"), period="month")],
        auto_countersign=True, report_frequency="monthly", invoice_period="month",
    )  # fmt: skip

    context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 820})
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    checks.sign_in(page, live_server.url, p.licensee)

    # 1. finds what it needs: from its space, "Get a licence", says what it does
    page.goto(f"{live_server.url}/space/")
    page.click("text=Get a licence")
    page.wait_for_url("**/licences/get/")
    _fits(page, "declare")
    page.select_option("#id_location", label="Café Alma, Almaty")
    page.select_option("#id_use", "background")
    page.fill("#id_param_m2", "80")
    page.click("#content form.entry-form button[type=submit]")

    # 2. gets a quote: KAZ, accredited, 80 m² × 120 tenge × 12 months
    page.wait_for_selector(".need[data-area='1'] .offer[data-cmo='KAZ']")
    _fits(page, "offers")
    offer = page.locator(".offer[data-cmo='KAZ']")
    assert "Accredited" in offer.inner_text()
    assert "115,200.00 tenge a year" in offer.inner_text()

    # 3. signs the licence; the CMO's policy countersigns it at once
    offer.locator("button[type=submit]").click()
    page.wait_for_selector("#agreement")
    _fits(page, "agreement")
    page.check("#id_confirm")
    page.click("#agreement form button[type=submit]")
    page.wait_for_selector("#send-report")
    assert page.inner_text("#status") == "In force"
    licence = Licence.objects.get()
    assert licence.status == LicenceStatus.IN_FORCE and licence.contract.number in page.content()

    # 4. uploads a playlist with one bad line
    page.click("#send-report")
    page.wait_for_selector("input[name=file]")
    _fits(page, "upload")
    playlist = tmp_path / "playlist.csv"
    playlist.write_text(PLAYLIST.format(day=licence.starts_on.isoformat()), encoding="utf-8")
    page.fill("#id_period_start", licence.starts_on.isoformat())
    page.fill("#id_period_end", licence.starts_on.isoformat())
    page.set_input_files("input[name=file]", str(playlist))
    page.check("input[name=policy][value=keep_good]")
    page.click("#content form[method=post] [type=submit]")
    page.wait_for_selector("#report-status")

    # 5. sees the error named and the rest accepted
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        page.wait_for_selector("#bad-lines", timeout=120_000)
    report = UsageReport.objects.get()
    assert (report.status, report.lines_good, report.lines_bad) == ("partial", 3, 1)
    bad = page.inner_text("#bad-lines")
    assert "4" in bad and "ISRC" in bad
    _fits(page, "report")

    # 6. sees the invoice of the first period, with its PDF
    from licensing.models import Invoice

    invoice = Invoice.objects.get(licence=licence)
    page.goto(f"{live_server.url}/space/")
    page.click("a[href='/space/invoices/']")
    page.wait_for_selector("table.invoices")
    _fits(page, "invoices")
    row = page.locator("table.invoices tbody tr").first.inner_text()
    assert invoice.number in row and licence.contract.number in row
    assert f"{invoice.amount:,.2f}" in row
    with page.expect_response(lambda r: r.url.endswith("/pdf/")) as pdf:
        page.click("table.invoices a:text('PDF')")
    assert pdf.value.headers["content-type"] == "application/pdf"
