"""A Kazakh reader signs in, gets the password wrong, and signs in with an authenticator code: every word
on the way is Kazakh, none Russian (which is what Django showed for strings Kazakh lacked)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests import factories as f
from tests.browser.test_journey import ARTIFACTS
from udp.accounts.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Words of allauth's and Django's Russian that used to stand in for missing Kazakh.
RUSSIAN = re.compile(r"Войти|Забыли|пароль|Пароль|Запомнить|Двухфакторн|Неверн|Успешн|Выберите")


def visible_text(page: Any) -> str:
    return str(page.inner_text("body"))


def test_a_kazakh_reader_signs_in_in_kazakh(live_server: Any, browser: Any) -> None:
    staff = f.make_account("staff@kaz.kz", Role.CMO_STAFF, cmo=f.make_cmo("KAZ"))
    context = browser.new_context(locale="kk-KZ", viewport={"width": 1000, "height": 800})
    context.add_cookies([{"name": "django_language", "value": "kk", "url": live_server.url}])
    page = context.new_page()

    page.goto(f"{live_server.url}/accounts/signup/")
    page.check("input[name=account_type][value=licensee]")
    assert page.locator("select[name=category] option").first.inner_text() == "- Таңдаңыз -"
    text = visible_text(page)
    assert "Құпиясөз кемінде 10 таңбадан тұруы тиіс." in text  # the password rules
    assert not RUSSIAN.search(text), RUSSIAN.findall(text)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "signup-kk.png"), full_page=True)

    page.goto(f"{live_server.url}/accounts/login/")
    text = visible_text(page)
    assert "Құпиясөзді ұмыттыңыз ба?" in text and "Мені есте сақтау" in text
    assert not RUSSIAN.search(text), RUSSIAN.findall(text)
    page.screenshot(path=str(ARTIFACTS / "login-kk.png"), full_page=True)

    page.fill("input[name=login]", staff.email)
    page.fill("input[name=password]", "not-the-password")
    page.click("#content form[method=post] button[type=submit]")
    page.wait_for_load_state()
    text = visible_text(page)
    assert "Электрондық пошта мекенжайы немесе құпиясөз қате көрсетілген." in text
    assert not RUSSIAN.search(text), RUSSIAN.findall(text)
    page.screenshot(path=str(ARTIFACTS / "login-kk-wrong-password.png"), full_page=True)

    page.fill("input[name=password]", f.PASSWORD)
    page.click("#content form[method=post] button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    text = visible_text(page)
    assert "Екі факторлы аутентификация" in text
    assert not RUSSIAN.search(text), RUSSIAN.findall(text)
    page.screenshot(path=str(ARTIFACTS / "second-factor-kk.png"), full_page=True)

    page.fill("input[name=code]", f.totp_code())
    page.click("#content form[method=post] button[type=submit]")
    page.wait_for_url(re.compile(r"/cmo/"))
    assert "Сіз жүйеге" in visible_text(page)  # "Successfully signed in as …", in Kazakh
