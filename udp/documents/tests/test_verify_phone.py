"""Someone handed a printed extract opens its verification link on a 360 px phone and checks the PDF."""

from __future__ import annotations

from typing import Any

import pytest

from registers.documents import issue_holder_extract
from tests.browser.test_journey import ARTIFACTS
from tests.personas import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_verifies_an_extract_on_a_phone(
    live_server: Any,
    browser: Any,
    settings: Any,
    tmp_path: Any,
) -> None:
    from tests.translation_audit import compile_pending

    settings.MEDIA_ROOT = tmp_path
    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS, compile_pending(tmp_path / "pending-locale")]
    p = make_personas()
    document = issue_holder_extract(p.holder_party, by=p.holder, language="kk")
    copy = tmp_path / "extract.pdf"
    with document.file.open("rb") as stored:
        copy.write_bytes(stored.read())
    page = browser.new_context(locale="kk-KZ", viewport={"width": 360, "height": 740}).new_page()

    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "kk", "url": live_server.url}])
    page.goto(live_server.url + document.verification_path)
    assert "Құжатты тексеру" in page.inner_text("h1")
    assert document.number in page.inner_text("#document-facts")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_input_files("input[type=file]", str(copy))
    page.click("#content form[enctype] button[type=submit]")
    page.wait_for_selector("#compare-result")

    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.inner_text("#compare-result").startswith("Иә")
    assert p.holder_party.address not in page.content()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "verify-phone.png"), full_page=True)
    copy.write_bytes(copy.read_bytes() + b"\n% changed")
    page.set_input_files("input[type=file]", str(copy))
    page.click("#content form[enctype] button[type=submit]")
    page.wait_for_selector("#compare-result")
    assert page.inner_text("#compare-result").startswith("Жоқ")
