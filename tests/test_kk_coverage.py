"""Everything a persona can reach reads in Kazakh: no string falls through to another language.

(The sweep over every page and API answer runs in Russian too: the libraries lack some Russian as well.)

Each test records, with :class:`tests.translation_audit.MissedLookups`, every string looked up while
Kazakh is active that the Kazakh catalogue (ours, Django's, allauth's, DRF's, django-filter's) does
not have, and fails listing them with the page or e-mail that asked. The translations waiting in
``locale/pending/*.json`` count as present (they are compiled into a locale directory of the lowest
priority first), as they will be once merged into the catalogues.

What is visited:

- every page of the URL resolver and every API operation of the schema, as an anonymous visitor,
  a rightsholder, CMO staff and a CMO administrator (signed in with their authenticator app), a music
  user, the authorized body and the operator (the persona x endpoint matrix of
  :mod:`tests.test_access_matrix`); API operations as the browsable API's HTML and as JSON; every
  form that posts to its own page, and every writing API operation, once sent empty, so that the
  validation messages are asked for too;
- the sign-in pages with what people get wrong on them: sign-up, e-mail confirmation, sign-in with a
  wrong password and too many wrong passwords, password reset from the request to the new password,
  the second factor (sign-in code, setting up an authenticator app, recovery codes), the account's
  e-mail, password and sign-out pages, and the messages shown after each;
- the e-mails those send, to recipients whose language is Kazakh.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client

from tests import factories as f
from tests import test_access_matrix as matrix
from tests.translation_audit import MissedLookups, compile_pending
from udp.accounts.models import Role

#: The personas whose pages are visited (the second holder and the second CMO see the same pages).
PERSONAS = [
    matrix.ANON,
    matrix.HOLDER,
    matrix.LICENSEE,
    matrix.STAFF,
    matrix.ADMIN,
    matrix.REGULATOR,
    matrix.OPERATOR,
]


@pytest.fixture
def pending_catalogue(settings: Any, tmp_path: Any) -> None:
    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS, compile_pending(tmp_path / "pending-locale")]


@pytest.fixture
def missed(monkeypatch: Any, pending_catalogue: None) -> MissedLookups:
    cache.clear()
    return MissedLookups(["kk"]).install(monkeypatch)


def client_in(language: str, user: Any = None) -> Client:
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        f.login(client, user)
    return client


def kazakh_client(user: Any = None) -> Client:
    return client_in("kk", user)


_FORM = re.compile(r"<form\b[^>]*>", re.I)


def posts_to_itself(html: str) -> bool:
    """Whether the page has a form that is sent by POST to the page's own address."""
    for tag in _FORM.findall(html):
        action = re.search(r'action="([^"]*)"', tag)
        if re.search(r'method="post"', tag, re.I) and (action is None or action.group(1) in ("", ".")):
            return True
    return False


def assert_all_kazakh(missed: MissedLookups) -> None:
    assert missed.lookups > 0, "nothing was looked up: the recorder is not wired in"
    assert not missed.missed, f"{len(missed.missed)} strings have no translation:\n{missed.report()}"


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_page_and_api_answer_each_persona_reaches_reads_in_the_language(
    personas: Any, monkeypatch: Any, pending_catalogue: None, settings: Any, language: str, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    cache.clear()
    missed = MissedLookups([language]).install(monkeypatch)
    world = matrix.World(personas)
    clients = {who: client_in(language, world.users[who]) for who in PERSONAS}
    schema = clients[matrix.ANON].get("/api/schema/?format=json").json()
    operations = [
        (method.upper(), path)
        for path, ops in schema["paths"].items()
        for method in ops
        if method in ("get", "post", "put", "patch", "delete")
    ]
    # the operations that end something (withdraw, revoke, resolve) last, so the others still find it
    operations.sort(key=lambda op: op[1].endswith(("withdraw/", "revoke/", "resolve/")))
    failed: list[str] = []

    for who in PERSONAS:
        client = clients[who]
        forms = []
        for route in matrix._routes():
            url = world.page_url(route)
            with missed.at(f"{who} GET {url}"):
                page = client.get(url)
            failed += [f"{who} GET {url}"] if page.status_code >= 500 else []
            html = page.get("Content-Type", "").startswith("text/html") and not page.streaming
            if page.status_code == 200 and html and posts_to_itself(page.content.decode()):
                forms.append(url)
        for url in forms:  # each form sent empty, for its "this field is required" and the like
            with missed.at(f"{who} POST {url}"):
                client.post(url, {})
        for method, path in operations:
            url = world.api_url(path)
            with missed.at(f"{who} {method} {url}"):
                if method == "GET":
                    for accept in ("text/html", "application/json"):  # the browsable API, and JSON
                        if client.get(url, HTTP_ACCEPT=accept).status_code >= 500:
                            failed.append(f"{who} GET {url} ({accept})")
                elif who not in (matrix.HOLDER, matrix.OPERATOR) or not path.endswith(
                    ("withdraw/", "revoke/", "resolve/")
                ):  # (the holder and the operator would end the proposal, key or conflict: no message)
                    getattr(client, method.lower())(url, data={}, content_type="application/json")

    assert not failed, f"pages that fail cannot be read in any language: {failed}"
    assert_all_kazakh(missed)


def _link(message: Any, path: str) -> str:
    match = re.search(r"https?://[^/\s]+(" + path + r"[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_signing_up_confirming_and_signing_in_read_in_kazakh(personas: Any, missed: MissedLookups) -> None:
    client = kazakh_client()
    person = {"account_type": "holder_person", "full_name": "Dina Nurpeisova", "name_kk": "Дина Нұрпейісова"}
    with missed.at("sign-up, with what people get wrong"):
        assert client.get("/accounts/signup/").status_code == 200
        wrong = [
            {"email": "not-an-address", "password1": "123", "password2": "1"},
            {**person, "email": "dina@example.kz", "password1": "dina@example.kz", "password2": "dina@example.kz"},
            {**person, "email": "dina@example.kz", "password1": "password", "password2": "password"},
            {**person, "email": "dina@example.kz", "password1": "12345678901234", "password2": "12345678901234"},
            {**person, "account_type": "licensee", "email": "dina@example.kz", "password1": f.PASSWORD,
             "password2": f.PASSWORD + "x"},
        ]  # fmt: skip
        for data in wrong:
            page = client.post("/accounts/signup/", data)
            assert page.status_code == 200 and page.context["form"].errors
        mail.outbox.clear()
        done = client.post(
            "/accounts/signup/",
            {**person, "email": "dina@example.kz", "password1": f.PASSWORD, "password2": f.PASSWORD, "iin": f.make_iin()},
            follow=True,
        )  # fmt: skip
    assert done.redirect_chain and done.status_code == 200
    (confirmation,) = mail.outbox
    link = _link(confirmation, "/accounts/confirm-email/")
    with missed.at("e-mail confirmation"):
        assert client.get("/accounts/confirm-email/").status_code == 200
        assert client.get("/accounts/confirm-email/not-a-key/").status_code in (200, 404)
        assert client.get(link).status_code == 200
        assert client.post(link, follow=True).status_code == 200
    with missed.at("sign-up with an address already registered"):
        kazakh_client().post(
            "/accounts/signup/",
            {**person, "email": personas.holder.email, "password1": f.PASSWORD, "password2": f.PASSWORD,
             "iin": f.make_iin()},
            follow=True,
        )  # fmt: skip
    assert any(message.to == [personas.holder.email] for message in mail.outbox)

    anonymous = kazakh_client()
    with missed.at("sign-in and sign-out"):
        assert anonymous.get("/accounts/login/").status_code == 200
        assert anonymous.post("/accounts/login/", {}).context["form"].errors
        for _attempt in range(6):  # the sixth wrong password in five minutes is refused outright
            page = anonymous.post(
                "/accounts/login/", {"login": personas.other_holder.email, "password": "wrong"}
            )
            assert page.status_code in (200, 429)
        signed_in = anonymous.post(
            "/accounts/login/", {"login": personas.holder.email, "password": f.PASSWORD}, follow=True
        )
        assert signed_in.status_code == 200 and "_auth_user_id" in anonymous.session
        assert anonymous.get("/accounts/logout/").status_code == 200
        assert anonymous.post("/accounts/logout/", follow=True).status_code == 200
        assert kazakh_client().get("/accounts/inactive/").status_code == 200
    assert_all_kazakh(missed)


def test_resetting_a_password_reads_in_kazakh(personas: Any, missed: MissedLookups) -> None:
    client = kazakh_client()
    personas.holder.language = "kk"
    personas.holder.save(update_fields=["language"])
    with missed.at("password reset"):
        assert client.get("/accounts/password/reset/").status_code == 200
        assert client.post("/accounts/password/reset/", {"email": "nobody"}).context["form"].errors
        client.post("/accounts/password/reset/", {"email": "nobody@example.kz"}, follow=True)
        mail.outbox.clear()
        done = client.post("/accounts/password/reset/", {"email": personas.holder.email}, follow=True)
        assert done.status_code == 200
    (reset,) = mail.outbox
    with missed.at("password reset from the e-mailed link"):
        page = client.get(_link(reset, "/accounts/password/reset/key/"), follow=True)
        assert page.status_code == 200 and page.context["form"] is not None
        form_url = page.redirect_chain[-1][0]
        for password1, password2 in (
            ("short", "other"),
            ("qwertyuiop", "qwertyuiop"),
            ("1234567890123", "1234567890123"),
        ):
            assert (
                client.post(form_url, {"password1": password1, "password2": password2}).context["form"].errors
            )
        new = "a-new-long-passphrase"
        assert client.post(form_url, {"password1": new, "password2": new}, follow=True).status_code == 200
        assert client.get("/accounts/password/reset/key/1-bad-key/", follow=True).status_code == 200
    assert_all_kazakh(missed)


def test_the_second_factor_and_the_account_pages_read_in_kazakh(
    personas: Any, missed: MissedLookups, django_capture_on_commit_callbacks: Any
) -> None:
    client = kazakh_client()
    with missed.at("sign-in with an authenticator code"):
        page = client.post("/accounts/login/", {"login": personas.cmo_staff.email, "password": f.PASSWORD})
        assert page["Location"] == "/accounts/2fa/authenticate/"
        assert client.get("/accounts/2fa/authenticate/").status_code == 200
        assert client.post("/accounts/2fa/authenticate/", {"code": "000000"}).context["form"].errors
        assert (
            client.post("/accounts/2fa/authenticate/", {"code": f.totp_code()}, follow=True).status_code
            == 200
        )
    with missed.at("recovery codes and the authenticator app"):
        assert client.get("/accounts/2fa/").status_code == 200
        assert client.get("/accounts/2fa/reauthenticate/").status_code == 200
        assert client.post("/accounts/2fa/reauthenticate/", {"code": "000000"}).context["form"].errors
        cache.clear()  # the code that signed in may not be used twice; a person waits for the next one
        assert client.post("/accounts/2fa/reauthenticate/", {"code": f.totp_code()}).status_code == 302
        assert client.get("/accounts/2fa/recovery-codes/generate/").status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            generated = client.post("/accounts/2fa/recovery-codes/generate/", follow=True)
        assert generated.status_code == 200
        assert client.get("/accounts/2fa/recovery-codes/").status_code == 200
        assert client.get("/accounts/2fa/recovery-codes/download/").status_code == 200
        assert client.get("/accounts/2fa/").status_code == 200
        assert client.get("/accounts/2fa/totp/deactivate/").status_code == 200
        assert client.post("/accounts/2fa/totp/deactivate/").status_code == 200  # refused: staff must keep it
        assert client.get("/accounts/reauthenticate/").status_code == 200
        assert client.post("/accounts/reauthenticate/", {"password": "wrong"}).context["form"].errors

    newcomer = f.make_account("new-staff@kaz.kz", Role.CMO_STAFF, cmo=personas.cmo, mfa=False)
    client = kazakh_client()
    with missed.at("setting up an authenticator app"):
        client.post("/accounts/login/", {"login": newcomer.email, "password": f.PASSWORD}, follow=True)
        asked = client.get("/accounts/2fa/totp/activate/", follow=True)
        assert asked.status_code == 200 and asked.redirect_chain  # the password again first
        client.post(asked.redirect_chain[-1][0], {"password": f.PASSWORD})
        page = client.get("/accounts/2fa/totp/activate/")
        assert page.status_code == 200
        assert client.post("/accounts/2fa/totp/activate/", {"code": "000000"}).context["form"].errors
        with django_capture_on_commit_callbacks(execute=True):
            code = f.totp_code_for(page.context["form"].secret)
            activated = client.post("/accounts/2fa/totp/activate/", {"code": code}, follow=True)
        assert activated.status_code == 200

    holder = kazakh_client(personas.holder)
    with missed.at("e-mail addresses, password, pending account"):
        assert holder.get("/accounts/email/").status_code == 200
        assert holder.post("/accounts/email/", {"action_add": "", "email": "bad"}).context["form"].errors
        holder.post("/accounts/email/", {"action_add": "", "email": personas.other_holder.email})
        holder.post("/accounts/email/", {"action_add": "", "email": "second@example.kz"}, follow=True)
        holder.post("/accounts/email/", {"action_primary": "", "email": "second@example.kz"}, follow=True)
        holder.post("/accounts/email/", {"action_remove": "", "email": personas.holder.email}, follow=True)
        holder.post("/accounts/email/", {"action_remove": "", "email": "second@example.kz"}, follow=True)
        assert holder.get("/accounts/password/change/").status_code == 200
        wrong = {"oldpassword": "wrong", "password1": "a", "password2": "b"}
        assert holder.post("/accounts/password/change/", wrong).context["form"].errors
        new = "another-long-passphrase"
        changed = holder.post(
            "/accounts/password/change/",
            {"oldpassword": f.PASSWORD, "password1": new, "password2": new},
            follow=True,
        )
        assert changed.status_code == 200
    pending = f.make_account("pending@example.kz", Role.HOLDER)
    pending.moderation = "pending"
    pending.save(update_fields=["moderation"])
    with missed.at("an account awaiting review"):
        assert kazakh_client(pending).get("/accounts/pending/").status_code == 200
    assert_all_kazakh(missed)


def test_the_emails_a_kazakh_recipient_gets_read_in_kazakh(
    personas: Any, missed: MissedLookups, django_capture_on_commit_callbacks: Any
) -> None:
    from registers import enrolment
    from udp.accounts import actions
    from udp.accounts.models import Moderation

    applicant = personas.holder
    applicant.language = "kk"
    applicant.moderation = Moderation.PENDING
    applicant.save(update_fields=["language", "moderation"])
    EmailAddress.objects.filter(user=applicant).update(verified=False)
    mail.outbox.clear()
    with missed.at("e-mails"):
        kazakh_client(applicant).post("/accounts/email/", {"action_send": "", "email": applicant.email})
        with django_capture_on_commit_callbacks(execute=True):
            enrolment.reject_account(applicant, by=personas.operator, reason="Атыңызды толық жазыңыз.")
            enrolment.approve_account(applicant, by=personas.operator)
            actions.create_staff_account(
                by=personas.operator, email="kk-staff@kaz.kz", role=Role.CMO_STAFF, cmo=personas.cmo,
                full_name="Асқар Беков", language="kk",
            )  # fmt: skip
    assert len(mail.outbox) == 4
    assert_all_kazakh(missed)
