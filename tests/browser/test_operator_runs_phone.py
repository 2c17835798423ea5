"""The operator's pages of every CMO's distribution runs fit a 360 px phone in Kazakh and Russian: the list
with its filters and totals, and one run awaiting approval, read without the staff's forms."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from distribution.runs import approve_run, start_run
from distribution.tests.run_world import Q1, make_run_world
from tests import factories as f
from tests.browser.checks import describe_overflow, new_context, overflow
from tests.browser.test_journey import ARTIFACTS
from tests.personas import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = 360


def _session(browser: Any, base: str, user: Any, language: str) -> Any:
    from django.test import Client

    context = new_context(browser, base, language=language, width=NARROW)
    client = f.login(Client(), user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}])
    return context.new_page()


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_operator_s_run_pages_fit_a_phone(live_server: Any, browser: Any, language: str) -> None:
    p = make_personas()
    world = make_run_world(p)
    run = start_run(
        p.cmo, world.area, *Q1, by=p.cmo_staff, costs_percent=Decimal(15), funds_percent=Decimal(5)
    )
    approve_run(run, by=p.cmo_admin)
    waiting = start_run(p.other_cmo, world.area, *Q1, by=p.other_cmo_staff, weights={world.own.pk: 1},
                        pool_tiyn=123_456_789_00)  # fmt: skip
    ARTIFACTS.mkdir(exist_ok=True)
    page = _session(browser, live_server.url, p.operator, language)
    for url in ("/operator/distribution/runs/", f"/operator/distribution/runs/{waiting.pk}/"):
        page.goto(live_server.url + url)
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == language
        step = f"{language}-" + url.strip("/").replace("/", "-")
        page.screenshot(path=str(ARTIFACTS / f"operator-{step}-{NARROW}.png"), full_page=True)
        result = overflow(page)
        assert result["scrollWidth"] <= result["innerWidth"], f"{url}: {describe_overflow(result)}"
    assert page.locator("#approve").count() == 0 and page.locator("#why-not-approve").count() == 1
    page.goto(live_server.url + "/operator/distribution/runs/")
    page.select_option("select[name=status]", "calculated")
    page.locator("#run-filters button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(f"#run-{waiting.pk}").count() == 1 and page.locator(f"#run-{run.pk}").count() == 0
