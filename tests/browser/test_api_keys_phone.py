"""A rightsholder issues an API key on a 360 px phone: the page fits the screen and shows the key once."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories as f
from tests.browser import checks
from tests.browser.test_journey import ARTIFACTS, issue_api_key, revoke_api_key
from udp.accounts.models import ApiKey, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.statute("A9-2.1.9")
def test_a_holder_issues_and_revokes_a_key_on_a_phone(live_server: Any, browser: Any) -> None:
    base = live_server.url
    holder = f.make_account("phone-holder@example.kz", Role.HOLDER, party=f.make_person())
    page = browser.new_context(locale="en-US", viewport={"width": 360, "height": 740}).new_page()
    checks.sign_in(page, base, holder)

    key = issue_api_key(page, base, "registers:read", "works:write")
    api_key = ApiKey.objects.get(owner=holder)
    assert key.startswith(api_key.prefix) and api_key.scopes == ["registers:read", "works:write"]
    assert _fits(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "api-keys-phone.png"), full_page=True)

    revoke_api_key(page, base, key, api_key.pk)
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    assert _fits(page)
