"""E-mails reach people in their own language, from the platform (not from the host and port a page
happened to be served on).

A person's language is the one they signed up in, or last chose with the language switch; an account
the operator opens gets the language the operator picks for it. allauth's e-mails (address
confirmation, password reset) and ours (approval, rejection, a new staff account) all follow it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from registers import enrolment
from tests import factories as f
from tests.translation_audit import compile_pending
from udp.accounts.models import Moderation, Role, User

PLATFORM = {
    "kk": "Бірыңғай цифрлық платформа",
    "ru": "Единая цифровая платформа",
    "en": "Unified Digital Platform",
}


@pytest.fixture(autouse=True)
def pending_catalogue(settings: Any, tmp_path: Any) -> None:
    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS, compile_pending(tmp_path / "pending-locale")]


def client_in(language: str) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def sign_up(language: str, email: str) -> User:
    response = client_in(language).post(
        "/accounts/signup/",
        {
            "account_type": "holder_person", "email": email, "password1": f.PASSWORD, "password2": f.PASSWORD,
            "full_name": "Әйгерім Нұрланқызы", "name_kk": "Әйгерім Нұрланқызы", "iin": f.make_iin(),
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    return User.objects.get(email=email)


@pytest.mark.parametrize(
    ("language", "subject", "greeting", "asks"),
    [
        ("kk", "Электрондық пошта мекенжайыңызды растаңыз", "Бірыңғай цифрлық платформа сізге сәлем жолдайды!",
         "Мекенжайды растау үшін мына сілтемеге өтіңіз:"),
        ("ru", "подтвердите Ваш адрес электронной почты", "Здравствуйте! Вам пишет Единая цифровая платформа.",
         "Для подтверждения перейдите на http"),
        ("en", "Please Confirm Your Email Address", "Hello from Unified Digital Platform!", "To confirm this is correct"),
    ],
)  # fmt: skip
def test_the_confirmation_email_is_in_the_applicants_language_and_signed_by_the_platform(
    db: Any, language: str, subject: str, greeting: str, asks: str
) -> None:
    user = sign_up(language, f"applicant-{language}@example.kz")

    assert user.language == language
    (message,) = mail.outbox
    assert subject in message.subject
    body = str(message.body)
    assert body.splitlines()[0] == greeting
    assert asks in body
    assert PLATFORM[language] in body.splitlines()[-2]  # the signature: the platform's name ...
    domain = settings.SITE_URL.split("://", 1)[1].rstrip("/")
    assert body.splitlines()[-1] == domain  # ... and its public address
    links = re.findall(r"https?://\S+", body)
    assert "testserver" not in re.sub(r"https?://\S+", "", body) and links  # the host only in the link


def test_russian_reaches_a_kazakh_applicant_nowhere_in_the_confirmation_email(db: Any) -> None:
    sign_up("kk", "kk-only@example.kz")

    (message,) = mail.outbox
    for russian in ("Здравствуйте", "Подтвердите", "Спасибо", "электронной почты", "Вам пишет"):
        assert russian not in str(message.subject) + str(message.body)


def test_the_reset_email_follows_the_account_not_the_page_it_was_asked_from(personas: Any) -> None:
    personas.holder.language = "kk"
    personas.holder.save(update_fields=["language"])

    client_in("ru").post("/accounts/password/reset/", {"email": personas.holder.email})

    (message,) = mail.outbox
    assert "Құпиясөзді қалпына келтіру" in message.subject
    assert "құпиясөзін қалпына келтіруді сұрағандықтан" in message.body
    assert "пароль" not in message.body.lower()


def test_an_address_without_an_account_is_answered_in_the_language_of_the_page(db: Any) -> None:
    client_in("kk").post("/accounts/password/reset/", {"email": "nobody@example.kz"})

    (message,) = mail.outbox
    assert "Белгісіз есептік жазба" in message.subject
    assert "мұндай есептік жазба бізде тіркелмеген" in message.body


def test_moderation_emails_go_in_the_applicants_language_whatever_the_operators(
    personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    applicant = sign_up("kk", "applicant@example.kz")
    personas.operator.language = "ru"
    personas.operator.save(update_fields=["language"])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client = f.login(client_in("ru"), personas.operator)
        client.post(f"/operator/accounts/{applicant.pk}/reject/", {"reason": "Толық атыңызды жазыңыз."})
    applicant.refresh_from_db()
    assert applicant.moderation == Moderation.REJECTED
    (rejected,) = mail.outbox
    assert rejected.subject == "Бірыңғай цифрлық платформаға берген өтініміңізді түзету қажет"
    assert "Толық атыңызды жазыңыз." in rejected.body

    applicant.moderation = Moderation.PENDING
    applicant.save(update_fields=["moderation"])
    with django_capture_on_commit_callbacks(execute=True):
        enrolment.approve_account(applicant, by=personas.operator)
    assert mail.outbox[-1].subject == "Бірыңғай цифрлық платформадағы есептік жазбаңыз мақұлданды"


def test_the_operator_chooses_the_language_of_a_new_staff_account(
    personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = f.login(client_in("ru"), personas.operator)
    form = client.get("/operator/accounts/new/").context["form"]
    assert form["language"].value() == "ru"  # the operator's own language unless they choose another

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/operator/accounts/new/",
            {"email": "new@kaz.kz", "full_name": "Асқар Беков", "role": Role.CMO_STAFF, "cmo": personas.cmo.pk,
             "language": "kk"},
        )  # fmt: skip

    assert response.status_code == 302
    assert User.objects.get(email="new@kaz.kz").language == "kk"
    (message,) = mail.outbox
    assert message.subject == "Бірыңғай цифрлық платформада сізге есептік жазба ашылды"


def test_the_language_switch_keeps_a_signed_in_persons_choice_for_their_emails(personas: Any) -> None:
    client = f.login(Client(), personas.licensee)

    client.post("/i18n/setlang/", {"language": "kk", "next": "/"})
    personas.licensee.refresh_from_db()
    assert personas.licensee.language == "kk"

    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})  # not one of ours: nothing changes
    personas.licensee.refresh_from_db()
    assert personas.licensee.language == "kk"


def test_an_account_with_no_language_is_written_to_in_the_platforms(
    personas: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.LANGUAGE_CODE = "ru"
    applicant = personas.other_holder
    applicant.moderation = Moderation.PENDING
    applicant.save(update_fields=["moderation"])
    assert applicant.language == ""

    with django_capture_on_commit_callbacks(execute=True):
        enrolment.approve_account(applicant, by=personas.operator)

    assert mail.outbox[-1].subject == "Ваша учетная запись на ЕЦП одобрена"
