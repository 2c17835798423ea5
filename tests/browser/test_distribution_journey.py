"""A quarter's money reaches the holders, in the browser on a 360 px phone (Art. 44.5, 46.1 (1), (2)):

1. A CMO's staff member starts the run of the last quarter that ended (the page says it is calculating while
   a Celery worker calculates it) and sees that someone else must approve it;
2. a second member of staff, told by a notice, approves it;
3. the holder, told its statement is ready, opens the statement and its PDF;
4. a holder whose money the CMO kept claims it, is answered, and is paid by the next payment run.

The clock is moved to April 2026, so the last quarter that ended is the first (the live server and the worker
read the same clock).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from distribution.models import Run, Statement
from distribution.notices import STATEMENT_READY, TO_APPROVE
from distribution.tests.run_world import make_run_world
from tests.browser.checks import describe_overflow, new_context, overflow, sign_in
from tests.browser.test_journey import ARTIFACTS
from tests.personas import make_personas
from udp.notices.models import Notice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = 360


def _fits(page: Any, step: str) -> None:
    page.wait_for_load_state()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"distribution-{step}-{NARROW}.png"), full_page=True)
    result = overflow(page)
    assert result["scrollWidth"] <= result["innerWidth"], f"{step}: {describe_overflow(result)}"


@pytest.mark.statute("A44.5-distribute")
@pytest.mark.statute("A46.1.1-statement")
def test_staff_run_a_quarter_a_colleague_approves_it_and_the_holder_reads_its_statement(
    live_server: Any, browser: Any, clock: Any, settings: Any, tmp_path: Path
) -> None:
    from celery.contrib.testing.worker import start_worker

    from udp.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    clock.travel_to(dt.date(2026, 4, 10))
    p = make_personas()
    world = make_run_world(p)
    base = live_server.url

    # 1. staff A starts the first quarter's run from the CMO dashboard
    staff = new_context(browser, base, language="en", width=NARROW).new_page()
    sign_in(staff, base, p.cmo_staff)
    staff.goto(f"{base}/cmo/")
    staff.click("a[href='/cmo/distribution/runs/']")
    staff.wait_for_url("**/cmo/distribution/runs/")
    staff.click("#start-run")
    staff.wait_for_url("**/cmo/distribution/runs/new/")
    _fits(staff, "start")
    assert staff.input_value("#id_quarter") == "2026-1"  # the last quarter that ended, by default
    staff.select_option("#id_area", str(world.area.pk))
    staff.fill("#id_costs_percent", "15")
    staff.fill("#id_funds_percent", "5")
    staff.click("#content form.entry-form button[type=submit]")
    staff.wait_for_selector("#calculating")
    _fits(staff, "calculating")
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        staff.wait_for_url("**/cmo/distribution/runs/*/", timeout=120_000)
        staff.wait_for_selector("#run-facts")
    run = Run.objects.get()
    assert staff.inner_text("#pool").startswith("3,000.00")
    assert "450.00" in staff.inner_text("#costs") and "150.00" in staff.inner_text("#funds")
    assert staff.locator("#approve").count() == 0
    assert "does not approve it" in staff.inner_text("#why-not-approve")
    _fits(staff, "run")

    # 2. staff B, told the run waits for them, approves it
    told = Notice.objects.get(code=TO_APPROVE, recipient=p.cmo_admin)
    admin = new_context(browser, base, language="en", width=NARROW).new_page()
    sign_in(admin, base, p.cmo_admin)
    admin.goto(f"{base}{told.link}")
    admin.wait_for_selector("#approve")
    _fits(admin, "approve")
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        admin.click("#approve")
        admin.wait_for_selector("#run-status[data-status=approved]")
        for _ in range(100):
            if Notice.objects.filter(code=STATEMENT_READY, recipient=p.holder).exists():
                break
            admin.wait_for_timeout(200)
    run.refresh_from_db()
    assert (run.status, run.started_by, run.approved_by) == ("approved", p.cmo_staff, p.cmo_admin)
    assert p.cmo_admin.email in admin.inner_text("#approved-by") or str(p.cmo_admin) in admin.inner_text(
        "#approved-by"
    )

    # 3. the holder opens its statement and the PDF
    statement = Statement.objects.get(run=run, party=p.holder_party)
    notice = Notice.objects.get(code=STATEMENT_READY, recipient=p.holder)
    assert notice.link == f"/portal/distribution/statements/{statement.pk}/"
    holder = new_context(browser, base, language="en", width=NARROW).new_page()
    sign_in(holder, base, p.holder)
    holder.goto(f"{base}/portal/")
    holder.click("a[href='/portal/distribution/statements/']")
    holder.wait_for_selector("#statements")
    _fits(holder, "statements")
    holder.click(f"#statement-{statement.pk} a")
    holder.wait_for_selector("#statement-money")
    _fits(holder, "statement")
    assert "1,950.00" in holder.inner_text("#net") and "2,437.50" in holder.inner_text("#gross")
    assert "Agreed ownership shares" in holder.inner_text("#basis")
    works = holder.inner_text("#statement-works")
    assert "Dala" in works and world.licence.contract.number in works
    with holder.expect_response(lambda r: r.url.endswith("/pdf/")) as pdf:
        holder.click("#statement-pdf")
    assert pdf.value.headers["content-type"] == "application/pdf"
    assert pdf.value.headers["x-document-number"].startswith("DST-")


def _session(browser: Any, base: str, user: Any, language: str) -> Any:
    from django.test import Client

    from tests import factories as f

    context = new_context(browser, base, language=language, width=NARROW)
    client = f.login(Client(), user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}])
    return context.new_page()


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_run_and_statement_pages_fit_a_phone_in_kazakh_and_russian(
    live_server: Any, browser: Any, clock: Any, settings: Any, tmp_path: Path, language: str
) -> None:
    from decimal import Decimal

    from distribution.calculating import approve, calculate_requested, request_run

    settings.MEDIA_ROOT = tmp_path / "media"
    clock.travel_to(dt.date(2026, 4, 10))
    p = make_personas()
    world = make_run_world(p)
    asked = request_run(
        p.cmo, world.area, dt.date(2026, 1, 1), dt.date(2026, 3, 31), costs_percent=Decimal("15"),
        funds_percent=Decimal("5"), by=p.cmo_staff,
    )  # fmt: skip
    calculated = calculate_requested(asked.pk)
    assert calculated is not None and calculated.run is not None
    run = calculated.run
    staff_urls = [
        "/cmo/distribution/runs/", "/cmo/distribution/runs/new/", f"/cmo/distribution/runs/requests/{asked.pk}/",
        f"/cmo/distribution/runs/{run.pk}/",
    ]  # fmt: skip
    staff = _session(browser, live_server.url, p.cmo_admin, language)
    for url in staff_urls:
        staff.goto(live_server.url + url)
        _fits(staff, f"{language}-{url.strip('/').replace('/', '-')}")
    approve(run, by=p.cmo_admin)
    statement = Statement.objects.get(run=run, party=p.holder_party)
    for url in (
        "/cmo/distribution/statements/",
        f"/cmo/distribution/statements/{statement.pk}/",
        "/cmo/distribution/remuneration-claims/",
    ):
        staff.goto(live_server.url + url)
        _fits(staff, f"{language}-{url.strip('/').replace('/', '-')}")
    holder = _session(browser, live_server.url, p.holder, language)
    for url in (
        "/portal/",
        "/portal/distribution/statements/",
        f"/portal/distribution/statements/{statement.pk}/",
        "/portal/distribution/kept/",
    ):
        holder.goto(live_server.url + url)
        _fits(holder, f"{language}-{url.strip('/').replace('/', '-')}")
        assert holder.locator("html").get_attribute("lang") == language


@pytest.mark.statute("A46.2-claim")
@pytest.mark.statute("A44.5-unclaimed-forever")
def test_an_unpaid_holder_claims_what_was_kept_and_is_paid_by_the_next_payment_run(
    live_server: Any, browser: Any, clock: Any, settings: Any, tmp_path: Path
) -> None:
    """4. The other holder gave their mandate to another CMO, so the CMO kept their half of a work used in its
    approved run (30 000 tiyn net). They find it in their portal and claim it; a member of the CMO's staff
    accepts it (10 % tax withheld: 27 000 to pay); the next payment file pays them and the bank's statement
    confirms it; the holder sees it paid."""
    from decimal import Decimal

    from celery.contrib.testing.worker import start_worker

    from distribution.models import PaymentLine, RemunerationClaim
    from distribution.runs import approve_run, start_run
    from distribution.tests.test_payouts import give_bank_account
    from registers.models import Area
    from tests import factories as f
    from udp.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    clock.travel_to(dt.date(2026, 4, 10))
    p = make_personas()
    base = live_server.url
    work = f.make_work(
        p.operator, (p.holder_party, "C", {"PR": Decimal("50")}), (p.other_party, "A", {"PR": Decimal("50")}),
        title="Kyz Zhibek",
    )  # fmt: skip
    run = start_run(
        p.cmo, Area.objects.get(item=1), dt.date(2026, 1, 1), dt.date(2026, 3, 31), by=p.cmo_staff,
        weights={work.pk: 4}, pool_tiyn=75_000, costs_percent=Decimal("15"), funds_percent=Decimal("5"),
    )  # fmt: skip
    approve_run(run, by=p.cmo_admin)
    give_bank_account(p.cmo.party, 1)
    give_bank_account(p.other_party, 2)

    # the unpaid holder finds the money kept for them and claims it
    holder = new_context(browser, base, language="en", width=NARROW).new_page()
    sign_in(holder, base, p.other_holder)
    holder.goto(f"{base}/portal/")
    holder.click("a[href='/portal/distribution/kept/']")
    holder.wait_for_selector(f"#kept-{p.cmo.pk}")
    _fits(holder, "kept")
    assert "300.00" in holder.inner_text(f"#kept-{p.cmo.pk} .kept-total")
    holder.fill(f"#kept-{p.cmo.pk} textarea[name=note]", "My half of Kyz Zhibek")
    holder.click(f"#kept-{p.cmo.pk} form.claim-form button[type=submit]")
    holder.wait_for_selector("#claim-facts")
    claim = RemunerationClaim.objects.get(party=p.other_party)
    assert "Waiting for the CMO" in holder.inner_text("#claim-status")
    _fits(holder, "claim")

    # a member of the CMO's staff, told of the claim, accepts it
    staff = new_context(browser, base, language="en", width=NARROW).new_page()
    sign_in(staff, base, p.cmo_staff)
    told = Notice.objects.get(code="remuneration_claim_filed", recipient=p.cmo_staff)
    staff.goto(f"{base}/cmo/")
    staff.click("a[href='/cmo/distribution/remuneration-claims/']")
    staff.wait_for_selector(f"#remuneration-claim-{claim.pk}")
    staff.click(f"#remuneration-claim-{claim.pk} a")
    staff.wait_for_url(f"**{told.link}")
    _fits(staff, "claim-answer")
    staff.click("#accept-claim")
    staff.wait_for_selector("#claim-to-pay")
    assert "270.00" in staff.inner_text("#claim-to-pay") and "30.00" in staff.inner_text("#claim-tax")

    # the next payment run: the file is made, the bank's statement says it was booked
    staff.goto(f"{base}/cmo/distribution/payouts/")
    staff.fill("#id_execution_date", "2026-04-13")
    staff.click("#content form.entry-form button[type=submit]")
    # the money is set aside at once and a worker writes the file; the page, saying so meanwhile, looks again
    staff.wait_for_selector("#batch-waiting")
    _fits(staff, "batch-waiting")
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        staff.locator("#batch-waiting").wait_for(state="detached", timeout=60_000)
    staff.wait_for_load_state()
    staff.wait_for_selector("#transfers")
    assert staff.locator("a[href$='/file/']").count() == 1
    line = PaymentLine.objects.get(party=p.other_party)
    assert line.amount_tiyn == 27_000
    csv = tmp_path / "statement.csv"
    csv.write_text(f"end_to_end_id,amount,status,date\n{line.end_to_end_id},270.00,booked,2026-04-14\n")
    staff.goto(f"{base}/cmo/distribution/payouts/statements/")
    staff.set_input_files("#id_file", str(csv))
    staff.click("#content form.entry-form button[type=submit]")
    staff.wait_for_url("**/cmo/distribution/payouts/statements/*/")
    # a worker reads the statement; the page, saying so meanwhile, looks again by itself
    staff.wait_for_selector("#statement-waiting")
    _fits(staff, "statement-waiting")
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        staff.locator("#statement-waiting").wait_for(state="detached", timeout=60_000)
    staff.wait_for_load_state()
    assert staff.inner_text("#booked").strip() == "1"

    # the holder sees it paid
    holder.goto(f"{base}/portal/distribution/remuneration-claims/{claim.pk}/")
    holder.wait_for_selector("#claim-paid")
    assert "270.00" in holder.inner_text("#claim-paid")
    assert "Not yet" not in holder.inner_text("#claim-paid")
    _fits(holder, "claim-paid")
