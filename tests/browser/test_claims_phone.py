"""A co-author, in Kazakh on a 360 px phone, finds a proposal that takes from their share and rejects it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import checks
from tests.browser.test_journey import ARTIFACTS, a_proposal_that_takes_from_a_co_author, reject_proposal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.statute("A45-1.2-works")
def test_a_co_author_rejects_a_proposal_in_kazakh_on_a_phone(live_server: Any, browser: Any) -> None:
    co, proposal = a_proposal_that_takes_from_a_co_author()

    context = browser.new_context(locale="kk-KZ", viewport={"width": 360, "height": 740})
    context.add_cookies([{"name": "django_language", "value": "kk", "url": live_server.url}])
    page = context.new_page()
    checks.sign_in(page, live_server.url, co)

    page.click("a.claims-link")  # the header says a proposal awaits an answer
    page.wait_for_selector("#waiting")
    assert "Сіздің жауабыңызды күтуде" in page.content()  # "Awaiting your answer", in Kazakh
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "claims-overview-kk-phone.png"), full_page=True)
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"
    )
    assert _fits(page), wide
    page.click(f"#waiting a[href='/claims/proposals/{proposal.pk}/']")
    page.wait_for_selector("#answer-form")
    assert _fits(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "claims-proposal-kk-phone.png"), full_page=True)
    reject_proposal(page, proposal, co)
    assert "Қабылданбады" in page.content()  # "Rejected", in Kazakh
