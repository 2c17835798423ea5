"""On a 360 px phone: a holder asks a CMO for management, the CMO accepts, both sign the agreement, and
the mandate is in force; every page of the way fits the screen."""

from __future__ import annotations

from typing import Any

import pytest

from mandates.models import MandateRequest, RequestStatus
from mandates.tests.request_helpers import make_signatory
from registers.models import Mandate
from registers.models.contracts import MandateStatus
from tests import factories as f
from tests.browser.test_journey import ARTIFACTS
from tests.personas import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OVERFLOWING = (
    "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1"
    " && !e.closest('.table-responsive, .dropdown-menu, .collapse:not(.show)'))"
    ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"
)


def _phone(browser: Any, live_server: Any, user: Any) -> Any:
    from django.test import Client

    context = browser.new_context(viewport={"width": 360, "height": 740})
    client = f.login(Client(), user)
    context.add_cookies(
        [
            {"name": "django_language", "value": "en", "url": live_server.url},
            {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url},
        ]
    )
    return context.new_page()


def _fits(page: Any, name: str) -> None:
    page.wait_for_load_state()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"mandate-{name}-360.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.evaluate(OVERFLOWING)


@pytest.mark.statute("A44.1-must-accept")
def test_a_mandate_is_asked_accepted_and_signed_on_phones(live_server: Any, browser: Any) -> None:
    p = make_personas()
    make_signatory(p.cmo_admin, p.cmo)
    base = live_server.url

    holder = _phone(browser, live_server, p.holder)
    holder.goto(base + "/mandates/new/?area=7")
    _fits(holder, "new")
    holder.select_option("#id_cmo", str(p.cmo.pk))
    area_7 = p.cmo.area_links.get(area__item=7).area_id
    assert holder.is_checked(f"input[name=areas][value='{area_7}']")
    holder.click("form.entry-form button[type=submit]")
    holder.wait_for_selector("#status")
    made = MandateRequest.objects.get()
    _fits(holder, "requested")

    staff = _phone(browser, live_server, p.cmo_staff)
    staff.goto(base + "/mandates/")
    _fits(staff, "cmo-list")
    staff.click(f"#requests a[href='/mandates/{made.pk}/']")
    _fits(staff, "cmo-request")
    staff.click("text=Accept and prepare the agreement")
    staff.wait_for_selector("#agreement")

    for page, name in ((holder, "holder-sign"), (_phone(browser, live_server, p.cmo_admin), "cmo-sign")):
        page.goto(f"{base}/mandates/{made.pk}/")
        page.wait_for_selector("#agreement")
        _fits(page, name)
        page.check("#id_confirm")
        page.click("text=Sign the agreement")
        page.wait_for_selector("#signatures")

    made.refresh_from_db()
    assert made.status == RequestStatus.IN_FORCE
    assert Mandate.objects.filter(
        holder=p.holder_party, cmo=p.cmo, area__item=7, status=MandateStatus.ACTIVE
    ).exists()
    holder.goto(f"{base}/mandates/{made.pk}/")
    assert "Signed; the mandate is in force" in holder.content()
    _fits(holder, "in-force")


def test_a_company_enters_who_signs_for_it_and_signs_on_a_phone_in_kazakh(
    live_server: Any, browser: Any
) -> None:
    """A rightsholder that is a company: its agreement's page sends it to enter who signs for it, and
    then it signs. In Kazakh, at 360 px."""
    from mandates.tests.request_helpers import accepted
    from udp.accounts.models import Role
    from udp.documents.models import Signatory

    p = make_personas()
    make_signatory(p.cmo_admin, p.cmo)
    party = f.make_entity(name_ru="ТОО Дала Мьюзик", name_lat="Dala Music LLP")
    director = f.make_account("director@dala.kz", Role.HOLDER, party=party, full_name="Асель Нурланова")
    made = accepted(director, p.cmo, p.cmo_staff, 7)
    page = _phone(browser, live_server, director)
    page.context.add_cookies([{"name": "django_language", "value": "kk", "url": live_server.url}])
    page.goto(f"{live_server.url}/mandates/{made.pk}/")
    page.wait_for_selector("#needs-signatory")
    _fits(page, "company-needs-signatory-kk")
    assert page.locator("#id_confirm").count() == 0
    page.click("#needs-signatory a")
    page.wait_for_selector("form.entry-form")
    page.fill("#id_iin", f.make_iin())
    page.fill("#id_position", "Директор")
    page.fill("#id_basis", "Жарғы")
    _fits(page, "company-signatories-form-kk")
    page.click("form.entry-form button[type=submit]")
    page.wait_for_selector("#signatories")
    _fits(page, "company-signatories-kk")
    assert Signatory.objects.filter(entity_bin=party.bin, account=director).exists()
    page.goto(f"{live_server.url}/mandates/{made.pk}/")
    page.check("#id_confirm")
    page.click("form[action$='/sign/'] button[type=submit]")
    page.wait_for_selector("#signatures")
    made.refresh_from_db()
    assert made.holder_signature is not None and made.holder_signature.on_behalf_bin == party.bin
