"""The main journey in a real browser: a holder signs up, is approved, registers a work, and the public finds it.

Runs the system Chromium through Playwright (the ``browser`` fixture, tests/browser/fixtures.py) against
pytest-django's live server. Skipped when /usr/bin/chromium is missing, unless UDP_REQUIRE_BROWSER=1
(then it fails).
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from registers.actions import ContributorInput, change_work
from registers.models import Conflict, Proposal, Share, Work
from tests import factories as f
from tests.browser import checks
from udp.accounts.models import Moderation, Role, User

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]  # fmt: skip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_up_holder(page: Any, base: str, *, email: str, iin: str) -> None:
    page.goto(f"{base}/accounts/signup/")
    page.check("input[name=account_type][value=holder_person]")
    page.fill("input[name=email]", email)
    page.fill("input[name=password1]", f.PASSWORD)
    page.fill("input[name=password2]", f.PASSWORD)
    page.fill("input[name=full_name]", "Dina Nurpeisova")
    page.fill("input[name=name_kk]", "Дина Нұрпейісова")
    page.fill("input[name=name_lat]", "Dina Nurpeisova")
    page.fill("input[name=iin]", iin)
    page.click("#signup-form button[type=submit]")
    page.wait_for_load_state()


def confirm_email(page: Any, base: str, email: str) -> None:
    [message] = [m for m in mail.outbox if email in m.to]
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+", str(message.body))
    assert link, message.body
    path = link.group(0).split("/accounts/", 1)[1]
    page.goto(f"{base}/accounts/{path}")
    page.click("#content form[method=post] button[type=submit]")
    page.wait_for_load_state()
    assert EmailAddress.objects.get(email=email).verified


def operator_approves(context: Any, base: str, operator: User, email: str) -> None:
    page = context.new_page()
    checks.sign_in(page, base, operator)
    page.goto(f"{base}/operator/accounts/")
    section = page.locator("section.application", has_text=email)
    section.locator("form[action$='/approve/'] button[type=submit]").click()
    page.wait_for_load_state()


def register_work_with_co_author(page: Any, base: str, *, title: str, co_author: str) -> None:
    page.goto(f"{base}/portal/")
    page.click("#my-works a[href='/entries/works/new/']")
    page.fill("input[name=title]", title)
    page.fill("input[name=c-0-pr]", "50")
    page.fill("input[name=c-0-mr]", "50")
    page.fill("input[name=c-1-party_label]", co_author[:6])
    page.locator("tr.formset-row").nth(1).locator("button.lookup-choice").first.click()
    page.fill("input[name=c-1-pr]", "50")
    page.fill("input[name=c-1-mr]", "50,0")
    page.click("button.add-row")  # a spare row added by the script is left blank and ignored
    assert page.locator("input[name=c-TOTAL_FORMS]").input_value() == "5"
    assert page.locator("input[name=c-4-party_label]").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "work-form.png"), full_page=True)
    page.click("#work-form button[type=submit]")
    page.wait_for_url(re.compile(r"/entries/work/\d+/"))


def issue_api_key(page: Any, base: str, *scopes: str) -> str:
    """Issue a key on the API keys page (asked for the password again); the key, shown this once."""
    page.goto(f"{base}/accounts/api-keys/")
    page.fill("input[name=name]", "Publisher back office with a rather long name")
    for scope in scopes:
        page.check(f"input[name=scopes][value='{scope}']")
    page.click("#issue-key button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    page.fill("input[name=password]", f.PASSWORD)
    page.click("#content form[method=post] button[type=submit]")
    page.wait_for_selector("#new-key")
    return str(page.input_value("#new-key-value"))


def revoke_api_key(page: Any, base: str, key: str, pk: int) -> None:
    """Revoke a key from the API keys page, which no longer shows the key itself."""
    page.goto(f"{base}/accounts/api-keys/")
    assert key not in page.content()
    page.click(f"#api-key-{pk} summary")
    page.click(f"#api-key-{pk} button[type=submit]")
    page.wait_for_load_state()


def a_proposal_that_takes_from_a_co_author() -> tuple[User, Proposal]:
    """Two co-authors of a work at 50 % each; one claims all of it, which waits for the other's answer.
    The co-author who must answer, and the proposal."""
    mine, theirs = f.make_person(name_kk="Әсел Нұрланқызы"), f.make_person(name_kk="Бауыржан Омаров")
    me = f.make_account("me@example.kz", Role.HOLDER, party=mine)
    co = f.make_account("co@example.kz", Role.HOLDER, party=theirs)
    operator = f.make_account("op@udp.kz", Role.OPERATOR)
    work = f.make_work(
        operator, (mine, "C", {"PR": Decimal("50")}), (theirs, "A", {"PR": Decimal("50")}), title="Жыр"
    )
    change = change_work(work, by=me, contributors=[ContributorInput(mine, "CA", {"PR": Decimal("100")})])
    assert change.proposal is not None
    return co, change.proposal


def reject_proposal(page: Any, proposal: Proposal, co: User) -> None:
    """On the proposal's page, reject it with a note; the co-author's share stays and a conflict opens."""
    page.fill("#id_note", "Сөзін мен жаздым")
    page.click("#answer-form button[value=reject]")
    page.wait_for_load_state()
    assert Proposal.objects.get(pk=proposal.pk).status == "rejected"
    assert Conflict.objects.filter(proposal=proposal, status="open").exists()
    assert Share.objects.filter(
        work=proposal.work, contributor__party=co.party, percent=Decimal("50")
    ).exists()


def screenshot_in_each_language(page: Any, base: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for code in ("kk", "ru", "en"):
        page.goto(f"{base}/portal/")
        page.click(f"form.lang-switch button[value={code}]")
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == code
        assert page.locator("#portal-title").is_visible()
        target = ARTIFACTS / f"portal-{code}.png"
        target.unlink(missing_ok=True)
        page.screenshot(path=str(target), full_page=True)
        assert target.exists() and target.stat().st_size > 0


def test_a_holder_signs_up_is_approved_registers_a_work_and_the_public_finds_it(
    live_server: Any, browser: Any
) -> None:
    base = live_server.url
    email, title = "dina@example.kz", "Көктем таңы"
    co_author = f.make_person(name_lat="Shamshi Kaldayakov", name_kk="Шәмші Қалдаяқов")
    operator = f.make_account("operator@udp.kz", Role.OPERATOR)

    holder_context = browser.new_context(locale="en-US")
    holder = holder_context.new_page()
    sign_up_holder(holder, base, email=email, iin=f.make_iin())
    account = User.objects.get(email=email)
    assert account.moderation == Moderation.PENDING
    confirm_email(holder, base, email)

    operator_context = browser.new_context(locale="en-US")
    operator_approves(operator_context, base, operator, email)
    account.refresh_from_db()
    assert account.moderation == Moderation.APPROVED

    register_work_with_co_author(holder, base, title=title, co_author=co_author.name_lat)
    work = Work.objects.get(title=title)
    assert {c.party_id for c in work.contributors.all()} == {account.party_id, co_author.pk}
    assert sorted(work.shares.filter(right_type="MR").values_list("percent", flat=True)) == [50, 50]

    public = browser.new_context(locale="en-US").new_page()
    public.goto(f"{base}/works/")
    public.fill("form.search-box input[name=q]", "Koktem")
    public.click("form.search-box button[type=submit]")
    public.wait_for_load_state()
    assert public.get_by_role("link", name=title).is_visible()

    screenshot_in_each_language(holder, base)
