"""The registers' journeys again, at 1366 px and 390 px, in Kazakh, Russian and English.

The main journey (:mod:`tests.browser.test_journey`: a holder signs up, the operator approves the
account, the holder registers a work with a co-author, the public finds it) and the claims journey
(:mod:`tests.browser.test_claims_phone`: a co-author rejects a proposal that takes from their share)
and the API key journey (:mod:`tests.browser.test_api_keys_phone`: a holder issues a key and revokes it)
run their own steps through a page that checks itself after each navigation and before acting on
a page it has not checked yet (:class:`tests.browser.checks.CheckedPage`): no horizontal overflow,
and a screenshot ``tests/artifacts/journeys/<lang>-<width>-<step>.png``. Each run fails listing
every step that was too wide. Later journeys run once, at 390 px.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from registers.models import Work
from tests import factories as f
from tests.browser import checks
from tests.browser.test_journey import (
    ARTIFACTS,
    a_proposal_that_takes_from_a_co_author,
    confirm_email,
    issue_api_key,
    operator_approves,
    register_work_with_co_author,
    reject_proposal,
    revoke_api_key,
    sign_up_holder,
)
from udp.accounts.models import ApiKey, Moderation, Role, User

JOURNEYS = ARTIFACTS / "journeys"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

languages_and_widths = pytest.mark.parametrize(
    ("language", "width"),
    [(language, width) for width in (checks.WIDE, checks.PHONE) for language in checks.LANGUAGES],
)


def checked_context(browser: Any, base: str, journey: checks.Journey) -> checks.CheckedContext:
    context = checks.new_context(browser, base, language=journey.language, width=journey.width)
    return checks.CheckedContext(context, journey)


@languages_and_widths
def test_a_holder_signs_up_is_approved_registers_a_work_and_the_public_finds_it(
    live_server: Any, chromium: Any, language: str, width: int
) -> None:
    base = live_server.url
    journey = checks.Journey(JOURNEYS, language, width, "register")
    # an address of its own for each run: allauth sends one confirmation per address every few minutes
    email, title = f"dina-{language}-{width}@example.kz", "Көктем таңы"
    co_author = f.make_person(name_lat="Shamshi Kaldayakov", name_kk="Шәмші Қалдаяқов")
    operator = f.make_account("operator@udp.kz", Role.OPERATOR)

    holder = checked_context(chromium, base, journey).new_page()
    sign_up_holder(holder, base, email=email, iin=f.make_iin())
    account = User.objects.get(email=email)
    assert account.moderation == Moderation.PENDING
    confirm_email(holder, base, email)

    operator_approves(checked_context(chromium, base, journey), base, operator, email)
    account.refresh_from_db()
    assert account.moderation == Moderation.APPROVED

    register_work_with_co_author(holder, base, title=title, co_author=co_author.name_lat)
    work = Work.objects.get(title=title)
    assert {c.party_id for c in work.contributors.all()} == {account.party_id, co_author.pk}
    assert holder.locator("html").get_attribute("lang") == language

    public = checked_context(chromium, base, journey).new_page()
    public.goto(f"{base}/works/")
    public.fill("form.search-box input[name=q]", "Koktem")
    public.click("form.search-box button[type=submit]")
    public.wait_for_load_state()
    assert public.get_by_role("link", name=title).is_visible()
    public.click(f"a[href='/works/{work.pk}/']")
    public.wait_for_url(f"{base}/works/{work.pk}/")

    assert len(journey.steps) >= 12, journey.steps
    journey.assert_fits()


@languages_and_widths
def test_a_co_author_finds_a_proposal_that_takes_from_their_share_and_rejects_it(
    live_server: Any, chromium: Any, language: str, width: int
) -> None:
    base = live_server.url
    journey = checks.Journey(JOURNEYS, language, width, "claims")
    co, proposal = a_proposal_that_takes_from_a_co_author()
    with translation.override(language):
        awaiting, rejected = translation.gettext("Awaiting your answer"), translation.gettext("Rejected")

    page = checked_context(chromium, base, journey).new_page()
    checks.sign_in(page, base, co)
    page.click("a.claims-link")  # the header says a proposal awaits an answer
    page.wait_for_selector("#waiting")
    assert awaiting in page.inner_text("#waiting")
    page.click(f"#waiting a[href='/claims/proposals/{proposal.pk}/']")
    page.wait_for_selector("#answer-form")
    reject_proposal(page, proposal, co)
    assert rejected in page.inner_text("body")
    assert len(journey.steps) >= 5, journey.steps
    journey.assert_fits()


@languages_and_widths
def test_a_holder_issues_an_api_key_sees_it_once_and_revokes_it(
    live_server: Any, chromium: Any, language: str, width: int
) -> None:
    base = live_server.url
    journey = checks.Journey(JOURNEYS, language, width, "api-key")
    holder = f.make_account(f"keys-{language}-{width}@example.kz", Role.HOLDER, party=f.make_person())

    page = checked_context(chromium, base, journey).new_page()
    checks.sign_in(page, base, holder)
    key = issue_api_key(page, base, "registers:read")
    api_key = ApiKey.objects.get(owner=holder)
    assert key.startswith(api_key.prefix)

    revoke_api_key(page, base, key, api_key.pk)
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    assert len(journey.steps) >= 5, journey.steps
    journey.assert_fits()
