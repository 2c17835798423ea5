"""The pages of the annual run for foreign societies and of money with no use fit a 360 px phone in Kazakh:
the runs by year with the rate form, one run awaiting approval, a society's remittance (owed, then paid, then
returned by the bank), and the general meeting's rule with the money kept by date of receipt."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from distribution.foreign import (
    approve_foreign_run,
    record_remittance_paid,
    record_remittance_returned,
    start_foreign_run,
)
from distribution.models import Remittance, Run, Unidentified
from distribution.runs import approve_run, record_release_rule, start_run
from registers import reciprocal
from registers.models import Area, ForeignSociety, IPIName, ReciprocalArea, SocietyMembership
from tests import factories as f
from tests.browser.checks import describe_overflow, new_context, overflow
from tests.browser.test_journey import ARTIFACTS
from tests.personas import make_personas, mandate_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = 360
D = Decimal


def _world(p: Any) -> tuple[Any, Remittance]:
    """KAZ represents SACEM (paid in euros) in area 1; SACEM's member E co-wrote a work used in two
    approved quarters; the year's run is calculated at 7 tenge a euro and awaits approval."""
    from licensing.tests.usage_fixtures import make_licence

    area = Area.objects.get(item=1)
    society = ForeignSociety.objects.create(name="SACEM", short_name="SACEM", cisac_code="058", country="FR")
    reciprocal.record_reciprocal_agreement(
        by=p.cmo_admin, cmo=p.cmo, society=society, areas=[area], concluded_on=dt.date(2025, 12, 1),
        valid_from=dt.date(2025, 12, 1),
    )  # fmt: skip
    ReciprocalArea.objects.filter(society=society).update(currency="EUR")
    m = f.make_person(name_lat="Marie Mireille Montgolfier-Dupont", citizenship="FR")
    e = f.make_person(name_lat="Etienne Emmanuel Beauregard-Lefebvre", citizenship="FR")
    IPIName.objects.create(party=e, name_number="00052210040", name_type="PA")
    mandate_to(m, p.cmo, area_item=1)
    SocietyMembership.objects.create(party=e, society=society, area=area, source="cmo")
    work = f.make_work(
        p.operator, (m, "C", {"PR": D(50)}), (e, "A", {"PR": D(50)}), title="Sous le ciel de Paris"
    )
    first: Run | None = None
    for start, end in (
        (dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        (dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
    ):
        run = start_run(p.cmo, area, start, end, by=p.cmo_staff, weights={work.pk: 1}, pool_tiyn=1_000_000,
                        costs_percent=D("10"))  # fmt: skip
        approve_run(run, by=p.cmo_admin)
        first = first or run
    foreign_run = start_foreign_run(p.cmo, 2026, by=p.cmo_staff, rates={"EUR": D("512.34")})
    assert first is not None
    Unidentified.objects.create(
        cmo=p.cmo, area=area, licence=make_licence(p), usage_start=dt.date(2026, 1, 1),
        received_on=dt.date(2026, 2, 10), amount_tiyn=123_456_789, found_in=first,
    )  # fmt: skip
    record_release_rule(p.cmo, decided_on=dt.date(2026, 4, 30), meeting_reference="№ 3 хаттама, 30.04.2026",
                        by=p.cmo_admin)  # fmt: skip
    return foreign_run, Remittance.objects.get(run=foreign_run)


def _session(browser: Any, base: str, user: Any, language: str) -> Any:
    from django.test import Client

    context = new_context(browser, base, language=language, width=NARROW)
    client = f.login(Client(), user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}])
    return context.new_page()


def test_the_foreign_run_and_release_pages_fit_a_phone_in_kazakh(
    live_server: Any, browser: Any, clock: Any
) -> None:
    clock.travel_to(dt.date(2027, 1, 20))
    p = make_personas()
    run, remittance = _world(p)
    urls = [
        "/cmo/distribution/foreign/", f"/cmo/distribution/foreign/{run.pk}/",
        f"/cmo/distribution/foreign/remittances/{remittance.pk}/", "/cmo/distribution/release/",
    ]  # fmt: skip
    ARTIFACTS.mkdir(exist_ok=True)
    page = _session(browser, live_server.url, p.cmo_admin, "kk")
    for url in urls:
        page.goto(live_server.url + url)
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "kk"
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        step = "kk-" + url.strip("/").replace("/", "-")
        page.screenshot(path=str(ARTIFACTS / f"foreign-{step}-{NARROW}.png"), full_page=True)
        result = overflow(page)
        assert result["scrollWidth"] <= result["innerWidth"], f"{url}: {describe_overflow(result)}"
    page.goto(live_server.url + f"/cmo/distribution/foreign/{run.pk}/")
    assert page.locator("#approve").count() == 1  # the admin did not calculate it: they may approve

    # approved and paid (the return's form to open), then returned by the bank (the transfers, the new one's form)
    approve_foreign_run(run, by=p.cmo_admin)
    record_remittance_paid(
        remittance, paid_on=dt.date(2027, 1, 20), reference="MT103 0000451277", by=p.cmo_staff
    )
    staff = _session(browser, live_server.url, p.cmo_staff, "kk")
    url = f"/cmo/distribution/foreign/remittances/{remittance.pk}/"
    for state in ("paid", "returned"):
        if state == "returned":
            record_remittance_returned(
                remittance, returned_on=dt.date(2027, 1, 20), reference="RTN 0000451277",
                reason="Алушының шоты жабылған / Счёт получателя закрыт", by=p.cmo_staff,
            )  # fmt: skip
        staff.goto(live_server.url + url)
        staff.wait_for_load_state()
        staff.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert staff.locator("#record-returned" if state == "paid" else "#remittance-transfers").is_visible()
        staff.screenshot(path=str(ARTIFACTS / f"foreign-kk-remittance-{state}-{NARROW}.png"), full_page=True)
        result = overflow(staff)
        assert result["scrollWidth"] <= result["innerWidth"], f"{url} ({state}): {describe_overflow(result)}"
