"""A holder withdraws an area from CMO A in the browser, sees the effective date; after that date CMO A's
repertoire no longer lists the holder's works and the holder's mandate to CMO B is in force (Art. 46.2).

The holder works on a phone (390 px), CMO A's staff on a laptop. The test moves the platform's clock
(the live server reads the same clock) and runs the effective-date job as the daily beat would.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.formats import date_format

from mandates.models import Withdrawal, WithdrawalStatus
from registers.models import Mandate
from tests import factories as f
from tests.browser.checks import PHONE, WIDE, describe_overflow, new_context, overflow, sign_in
from tests.browser.test_journey import ARTIFACTS
from tests.personas import make_personas, mandate_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECEIVED, EFFECTIVE = dt.date(2026, 8, 31), dt.date(2026, 11, 30)


def _fits(page: Any, step: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"withdrawal-{step}.png"), full_page=True)
    result = overflow(page)
    assert result["scrollWidth"] <= result["innerWidth"], f"{step}: {describe_overflow(result)}"


@pytest.mark.statute("A46.2-withdraw")
@pytest.mark.statute("A46.2-no-license-after")
def test_a_holder_withdraws_an_area_and_after_the_date_cmo_a_no_longer_lists_the_works(
    live_server: Any,
    browser: Any,  # noqa: F811
    clock: Any,
) -> None:
    p = make_personas()  # the holder has a mandate to KAZ (CMO A) for area 1
    song = f.make_work(
        p.holder, (p.holder_party, "CA", {"PR": Decimal("100")}), title="Көктем вальсі", public=True
    )
    base = live_server.url
    clock.travel_to(RECEIVED)

    # 1. the holder, on a phone, gives notice withdrawing area 1 from KAZ
    holder_context = new_context(browser, base, language="en", width=PHONE)
    page = holder_context.new_page()
    sign_in(page, base, p.holder)
    page.goto(f"{base}/withdrawals/")
    _fits(page, "list-phone")
    page.locator(".holder-mandates a", has_text="Withdraw").first.click()
    page.wait_for_selector("#withdrawal-form")
    _fits(page, "form-phone")
    page.click("#withdrawal-form button[type=submit]")
    page.wait_for_selector("#countdown")

    # 2. the holder sees the effective date, and the countdown
    withdrawal = Withdrawal.objects.get()
    assert (withdrawal.scope, withdrawal.effective_on) == ("area", EFFECTIVE)
    with translation.override("en"):
        shown = date_format(EFFECTIVE)
    assert page.inner_text("#effective-on").strip() == shown
    assert "in 91 days" in page.inner_text("#countdown")
    _fits(page, "notice-phone")

    # before the date, KAZ's repertoire still lists the song
    cmo_context = new_context(browser, base, language="en", width=WIDE)
    cmo_page = cmo_context.new_page()
    sign_in(cmo_page, base, p.cmo_staff)
    cmo_page.goto(f"{base}/withdrawals/repertoire/")
    assert "Көктем вальсі" in cmo_page.inner_text("#repertoire")

    # 3. the clock passes the effective date; the daily job runs
    clock.travel_to(EFFECTIVE + dt.timedelta(days=1))
    call_command("apply_withdrawals", stdout=StringIO())
    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.EFFECTIVE
    # the holder gives area 1 to QAZ (CMO B): the mandate is written to the register of contracts
    new_mandate = mandate_to(p.holder_party, p.other_cmo, area_item=1)
    Mandate.objects.filter(pk=new_mandate.pk).update(valid_from=EFFECTIVE)

    cmo_page.goto(f"{base}/withdrawals/repertoire/")
    assert "Көктем вальсі" not in cmo_page.inner_text("#repertoire")
    cmo_page.goto(f"{base}/works/?cmo=KAZ")
    assert "Көктем вальсі" not in cmo_page.content()
    cmo_page.goto(f"{base}/withdrawals/{withdrawal.pk}/")
    assert cmo_page.locator("#obligations .obligation-form").count() == 3
    _fits(cmo_page, "obligations-wide")

    # 4. the holder's mandate to QAZ is in force: the work's page says so, and the day before said KAZ
    page.goto(f"{base}/works/{song.pk}/")
    managed = page.inner_text("table.who-manages")
    assert "QAZ" in managed and "KAZ" not in managed
    _fits(page, "work-after-phone")
    page.fill("#id_on", (EFFECTIVE - dt.timedelta(days=1)).isoformat())
    page.click(".who-manages-date button[type=submit]")
    page.wait_for_selector("table.who-manages")
    before = page.inner_text("table.who-manages")
    assert "KAZ" in before and "QAZ" not in before
    page.goto(f"{base}/withdrawals/")
    assert "QAZ" in page.inner_text(".holder-mandates")
    assert "In effect" in page.inner_text("#withdrawals")
    holder_context.close()
    cmo_context.close()
