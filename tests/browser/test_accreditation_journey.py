"""A CMO is accredited in the browser, from its application to the public list, and a missed annual report
suspends it (Art. 46-1, 46-2, 47-3).

1. The CMO's admin applies on a phone and attaches the required document; the expert organization finds
   the application complete.
2. The authorized body announces the commission's meeting: a date less than 30 working days after today
   is refused on the page, the earliest date is accepted, and the announcement is public.
3. After the meeting it records the conclusion and grants area 1.
4. The public list shows the CMO in force in area 1.
5. The annual report is not filed by 15 April: the daily job drafts the suspension, the authorized body
   decides it, and the public list shows the CMO suspended.

The test moves the platform's clock (the live server reads the same clock).
"""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from accreditation.models import Application, ApplicationStatus, Certificate, Requirement, Suspension
from tests.browser.checks import PHONE, WIDE, describe_overflow, new_context, overflow, sign_in
from tests.browser.test_journey import ARTIFACTS
from tests.personas import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANNOUNCED, EARLIEST = dt.date(2026, 12, 10), dt.date(2027, 1, 27)


def _fits(page: Any, step: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"accreditation-{step}.png"), full_page=True)
    result = overflow(page)
    assert result["scrollWidth"] <= result["innerWidth"], f"{step}: {describe_overflow(result)}"


@pytest.mark.statute("A46-2.application")
@pytest.mark.statute("A46-2.notice-30wd")
@pytest.mark.statute("A46-2.public-list")
@pytest.mark.statute("A47-3.suspension")
def test_a_cmo_is_accredited_listed_and_then_suspended_for_a_missed_report(
    live_server: Any, browser: Any, clock: Any, tmp_path: Path
) -> None:
    p = make_personas()
    Requirement.objects.create(code="charter", title_kk="Жарғы", title_ru="Устав", title_en="Charter")
    base = live_server.url
    clock.travel_to(ANNOUNCED)
    scan = tmp_path / "charter.pdf"
    scan.write_bytes(b"%PDF-1.4\n%%EOF\n")

    # 1. the CMO's admin applies on a phone
    cmo = new_context(browser, base, language="en", width=PHONE).new_page()
    sign_in(cmo, base, p.cmo_admin)
    cmo.goto(f"{base}/accreditation/applications/new/")
    _fits(cmo, "new-phone")
    cmo.check(f"input[name=areas][value='{p.cmo.area_links.get(area__item=1).area_id}']")
    cmo.click("form.entry-form button[type=submit]")
    cmo.wait_for_selector("#documents")
    application = Application.objects.get()
    cmo.select_option("#id_requirement", str(Requirement.objects.get().pk))
    cmo.set_input_files("#id_file", str(scan))
    cmo.click("#documents form.entry-form button[type=submit]")
    cmo.wait_for_selector("#submit-application")
    _fits(cmo, "documents-phone")
    cmo.click("#submit-application")
    cmo.wait_for_load_state()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED

    operator = new_context(browser, base, language="en", width=WIDE).new_page()
    sign_in(operator, base, p.operator)
    operator.goto(f"{base}/accreditation/applications/{application.pk}/")
    operator.check("#check input[value=yes]")
    operator.click("#check button[type=submit]")
    operator.wait_for_load_state()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COMPLETE

    # 2. the commission's date: refused when too early, then accepted and public
    regulator = new_context(browser, base, language="en", width=WIDE).new_page()
    sign_in(regulator, base, p.regulator)
    regulator.goto(f"{base}/accreditation/meetings/new/")
    regulator.fill("#id_meets_on", (EARLIEST - dt.timedelta(days=1)).isoformat())
    regulator.check(f"input[name=applications][value='{application.pk}']")
    regulator.click("form.entry-form button[type=submit]")
    regulator.wait_for_selector(".error-summary")
    assert "30 working days" in regulator.inner_text(".error-summary")
    application.refresh_from_db()
    assert application.meeting is None
    regulator.fill("#id_meets_on", EARLIEST.isoformat())
    regulator.check(f"input[name=applications][value='{application.pk}']")
    regulator.click("form.entry-form button[type=submit]")
    regulator.wait_for_selector(".meeting")
    public = new_context(browser, base, language="en", width=PHONE).new_page()
    public.goto(f"{base}/accreditation/meetings/")
    assert "KAZ" in public.inner_text(".meeting")
    _fits(public, "meetings-phone")

    # 3. after the meeting: the conclusion, then the grant
    clock.travel_to(EARLIEST)
    regulator.goto(f"{base}/accreditation/applications/{application.pk}/")
    regulator.fill("#id_text", "The organisation meets the requirements.")
    regulator.check("#conclusion input[name=recommended]")
    regulator.click("#conclusion button[type=submit]")
    regulator.wait_for_selector("#decide")
    regulator.check("#decide input[name=outcome_1][value=grant]")
    regulator.fill("#id_from_1", EARLIEST.isoformat())
    regulator.fill("#id_until_1", "2032-01-26")
    regulator.click("#decide button[type=submit]")
    regulator.wait_for_selector("#certificates")
    _fits(regulator, "decided-wide")
    certificate = Certificate.objects.get()
    assert certificate.number == "ACC-0000001" and certificate.lines.get().area.item == 1

    # 4. the public list shows the CMO in force
    public.goto(f"{base}/accreditation/")
    row = public.locator("#area-1 tr.accreditation-line[data-cmo=KAZ]")
    assert row.get_attribute("data-status") == "in_force"
    assert "ACC-0000001" in row.inner_text()
    _fits(public, "list-phone")

    # 5. no annual report for 2026 by 15 April 2027: the daily job drafts, the authorized body decides
    clock.travel_to(dt.date(2027, 4, 16))
    call_command("apply_sanctions", stdout=StringIO())
    suspension = Suspension.objects.get()
    regulator.goto(f"{base}/accreditation/sanctions/suspensions/{suspension.pk}/")
    regulator.fill("#decide textarea", "The annual report for 2026 was not filed.")
    regulator.click("#decide button[type=submit]")
    regulator.wait_for_load_state()
    suspension.refresh_from_db()
    assert suspension.status == "decided"
    public.goto(f"{base}/accreditation/")
    row = public.locator("#area-1 tr.accreditation-line[data-cmo=KAZ]")
    assert row.get_attribute("data-status") == "suspended"
    _fits(public, "suspended-phone")
