"""The main pages, as the public, a holder and CMO staff see them, at 390 px and 1366 px, in Kazakh and
Russian: nothing is wider than the window, the header keeps to its rows, and each page is saved as a
screenshot in tests/artifacts/ for a person to look at."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from tests import factories as f
from tests.browser.test_journey import ARTIFACTS
from tests.personas import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1366)
OVERFLOWING = (
    "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1"
    " && !e.closest('.table-responsive, .dropdown-menu, .collapse:not(.show)'))"
    ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"
)


def _signed_in(browser: Any, live_server: Any, user: Any, language: str) -> Any:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    cookies = [{"name": "django_language", "value": language, "url": live_server.url}]
    if user is not None:
        client = f.login(Client(), user)
        cookies.append(
            {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}
        )
    context.add_cookies(cookies)
    return context


def _check(page: Any, url: str, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(url)
        page.wait_for_load_state()
        assert response is not None and response.status == 200, (name, response and response.status)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"layout-{name}-{width}.png"), full_page=True)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, (name, width, scroll_width, page.evaluate(OVERFLOWING))
        header = page.locator("header .navbar").bounding_box()
        # wide: the platform's row and the section links' row; phone: one row and a menu button
        assert header is not None and header["height"] < (110 if width >= 1200 else 70), (name, width, header)


def _finance_pages(personas: Any) -> list[tuple[str, str]]:
    """A licence of KAZ with its first invoice, and a bank statement with a bad line and a receipt to allocate."""
    import datetime as dt
    import io

    from licensing.invoicing import issue_first_invoice
    from licensing.payments import import_bank_statement
    from licensing.tests.finance.factories import make_licence

    licence = make_licence(
        cmo=personas.cmo, licensee=personas.licensee.licensee, user=personas.licensee, cmo_user=personas.cmo_admin,
        areas={1: "125000.00", 7: "37500.50"}, starts_on=dt.date(2026, 1, 1),
    )  # fmt: skip
    invoice = issue_first_invoice(licence)
    assert invoice is not None
    text = (
        "date,amount,payer_bin,payer_name,purpose,reference\n"
        f"2026-01-05,1000.00,,Радио Тест ЖШС,{invoice.number} бойынша ішінара төлем,L-1\n"
        "2026-01-05,100.00,,Кафе «Сарыарқа» және ұзын атаулы төлеуші,жалға алу,L-2\nbad line\n"
    )
    statement = import_bank_statement(
        by=personas.cmo_staff,
        cmo=personas.cmo,
        file=io.BytesIO(text.encode()),
        filename="kaspi-statement-2026-01.csv",
    )
    return [
        ("/cmo/finance/", "cmo-finance"),
        (f"/cmo/finance/invoices/{invoice.pk}/", "cmo-invoice"),
        (f"/cmo/finance/statements/{statement.pk}/", "cmo-statement"),
        ("/cmo/finance/receipts/", "cmo-receipts"),
        ("/cmo/finance/periods/", "cmo-periods"),
    ]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_main_pages_fit_a_phone_and_a_laptop(live_server: Any, browser: Any, language: str) -> None:
    personas = make_personas()
    work = f.make_work(
        personas.operator,
        (personas.holder_party, "CA", {"PR": Decimal("83.34"), "MR": Decimal("100")}),
        (personas.other_party, "A", {"PR": Decimal("16.66")}),
        title="Сарыарқа және ұзын атаулы туынды",
        language="kk",
        reason="entered from the paper register",
    )
    base = live_server.url
    public = _signed_in(browser, live_server, None, language).new_page()
    for path, name in [
        ("/", "home"),
        ("/works/?q=Сарыарқа", "works"),
        (f"/works/{work.pk}/", "work"),
        ("/holders/?q=a", "holders"),
        ("/cmos/", "cmos"),
        (f"/cmos/{personas.cmo_staff.cmo_id}/", "cmo"),
        ("/glossary/", "glossary"),
    ]:
        _check(public, base + path, f"{name}-{language}")
    holder = _signed_in(browser, live_server, personas.holder, language).new_page()
    for path, name in [
        ("/portal/", "portal"),
        ("/entries/works/new/", "work-form"),
        ("/claims/", "claims"),
        ("/claims/conflicts/?status=all", "conflicts"),
    ]:
        _check(holder, base + path, f"{name}-{language}")
    staff = _signed_in(browser, live_server, personas.cmo_staff, language).new_page()
    for path, name in [
        ("/cmo/", "cmo-home"),
        ("/cmo/works/", "cmo-works"),
        ("/cmo/members/", "cmo-members"),
        ("/cmo/reciprocal/", "cmo-reciprocal"),
        *_finance_pages(personas),
    ]:
        _check(staff, base + path, f"{name}-{language}")
    licensee = _signed_in(browser, live_server, personas.licensee, language).new_page()
    _check(licensee, base + "/space/invoices/", f"space-invoices-{language}")
    # the menu button opens the collapsed menu on a phone, and its links can be reached
    staff.set_viewport_size({"width": 390, "height": 900})
    staff.goto(base + "/cmo/")
    assert not staff.locator("a.home-link").is_visible()
    staff.click("button.navbar-toggler")
    staff.locator("a.home-link").wait_for(state="visible")
    assert staff.evaluate("document.documentElement.scrollWidth") <= 390
