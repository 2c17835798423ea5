"""The operator's console and the regulator's workspace: moderation, staff accounts, registers, confidential data."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from registers.models import BankAccount
from tests import factories as f
from udp.accounts.models import ConfidentialAccess, Moderation, Role, User

pytestmark = pytest.mark.usefixtures("english")


CONSOLE_URLS = ["/operator/", "/operator/accounts/", "/operator/accounts/new/", "/operator/registers/",
                "/operator/confidential-log/"]  # fmt: skip


def pending_holder(email: str = "applicant@example.kz") -> User:
    party = f.make_person(
        name_ru="Жанна Иванова", name_kk="Жанна Иванова", name_lat="Zhanna Ivanova", verified=False
    )
    user = f.make_account(email, Role.HOLDER, party=party, full_name="Жанна Иванова")
    user.moderation = Moderation.PENDING
    user.save()
    return user


def as_user(user: User) -> Client:
    client = Client()
    f.login(client, user)
    return client


@pytest.mark.statute("A9-2.1.9")
@pytest.mark.parametrize(
    "persona", ["holder", "other_holder", "cmo_admin", "cmo_staff", "licensee", "regulator"]
)
def test_only_the_operator_reaches_the_console(personas, persona):
    client = as_user(getattr(personas, persona))
    party_pk = personas.holder_party.pk

    for url in [*CONSOLE_URLS, f"/operator/parties/{party_pk}/"]:
        assert client.get(url).status_code == 403, url
    assert as_user(personas.operator).get("/operator/").status_code == 200


def test_an_anonymous_visitor_is_sent_to_sign_in_from_the_console(db, client: Client):
    for url in CONSOLE_URLS:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


def test_the_moderation_queue_shows_what_the_applicant_entered(personas):
    applicant = pending_holder()

    html = as_user(personas.operator).get("/operator/accounts/").content.decode()

    assert "applicant@example.kz" in html and "Zhanna Ivanova" in html
    assert applicant.party.iin in html
    assert "natural person" in html
    assert ">Approve</button>" in html and 'name="reason"' in html
    assert personas.holder.email not in html  # approved accounts are not in the queue


def test_approving_an_application_activates_the_account_and_publishes_its_entry(
    personas, django_capture_on_commit_callbacks
):
    applicant = pending_holder()

    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(personas.operator).post(reverse("operator:approve", args=[applicant.pk]))

    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.moderation == Moderation.APPROVED and applicant.moderated_by == personas.operator
    assert applicant.party.verified
    assert [m.to for m in mail.outbox] == [["applicant@example.kz"]]


def test_a_rejection_needs_a_reason_which_is_sent_to_the_applicant(
    personas, django_capture_on_commit_callbacks
):
    applicant = pending_holder()
    operator = as_user(personas.operator)

    response = operator.post(reverse("operator:reject", args=[applicant.pk]), {"reason": "  "})
    assert response.status_code == 400
    applicant.refresh_from_db()
    assert applicant.moderation == Moderation.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        response = operator.post(
            reverse("operator:reject", args=[applicant.pk]), {"reason": "ИИН не совпадает"}
        )
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.moderation == Moderation.REJECTED and applicant.moderation_note == "ИИН не совпадает"
    assert "ИИН не совпадает" in mail.outbox[-1].body


def test_approving_is_refused_by_get_and_for_accounts_not_awaiting_review(personas):
    operator = as_user(personas.operator)
    applicant = pending_holder()

    assert operator.get(reverse("operator:approve", args=[applicant.pk])).status_code == 405
    assert operator.post(reverse("operator:approve", args=[personas.cmo_staff.pk])).status_code == 404


def test_the_operator_opens_a_cmo_staff_account_which_sets_its_password_by_e_mail_and_must_use_totp(
    personas, django_capture_on_commit_callbacks
):
    operator = as_user(personas.operator)
    data = {"email": "accountant@kaz.kz", "full_name": "Бухгалтер КАЗ", "role": Role.CMO_STAFF, "cmo": ""}

    response = operator.post("/operator/accounts/new/", data)
    assert response.status_code == 200 and "cmo" in response.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        response = operator.post("/operator/accounts/new/", {**data, "cmo": personas.cmo.pk})
    assert response.status_code == 302

    account = User.objects.get(email="accountant@kaz.kz")
    assert (account.role, account.cmo, account.moderation) == (
        Role.CMO_STAFF,
        personas.cmo,
        Moderation.APPROVED,
    )
    assert not account.has_usable_password()
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)

    client = Client()
    response = client.get(link, follow=True)
    assert response.status_code == 200
    new_password = "Saryarqa-steppe-2026"
    response = client.post(
        response.redirect_chain[-1][0], {"password1": new_password, "password2": new_password}
    )
    assert response.status_code == 302
    response = client.post("/accounts/login/", {"login": "accountant@kaz.kz", "password": new_password})
    assert response.status_code == 302
    assert client.get("/cmo/")["Location"] == "/accounts/2fa/totp/activate/"


def test_only_staff_roles_can_be_opened_and_an_e_mail_only_once(personas):
    operator = as_user(personas.operator)

    response = operator.post(
        "/operator/accounts/new/", {"email": "x@example.kz", "full_name": "X", "role": Role.HOLDER}
    )
    assert "role" in response.context["form"].errors
    response = operator.post(
        "/operator/accounts/new/", {"email": personas.holder.email, "full_name": "X", "role": Role.REGULATOR}
    )
    assert "email" in response.context["form"].errors
    assert User.objects.filter(email__iexact=personas.holder.email).count() == 1


def test_the_register_browser_finds_entries_and_links_to_their_history_and_edit_pages(personas):
    work = f.make_work(personas.holder, (personas.holder_party, "CA", {"PR": 100}), title="Атамекен")
    operator = as_user(personas.operator)

    html = operator.get("/operator/registers/", {"kind": "party", "q": "Серикова"}).content.decode()
    assert reverse("operator:party", args=[personas.holder_party.pk]) in html
    assert reverse("edit:party", args=[personas.holder_party.pk]) in html
    assert reverse("history:object", args=["party", personas.holder_party.pk]) in html
    assert "Ахметов" not in html

    html = operator.get("/operator/registers/", {"kind": "work", "q": "Атамекен"}).content.decode()
    assert reverse("edit:work", args=[work.pk]) in html

    html = operator.get("/operator/registers/", {"kind": "cmo", "q": "QAZ"}).content.decode()
    assert reverse("history:object", args=["cmo", personas.other_cmo.pk]) in html


def test_only_the_operator_finds_a_person_by_iin(personas):
    query = {"kind": "party", "q": personas.holder_party.iin}
    url = reverse("operator:party", args=[personas.holder_party.pk])

    assert url in as_user(personas.operator).get("/operator/registers/", query).content.decode()
    html = as_user(personas.regulator).get("/regulator/registers/", query).content.decode()
    assert reverse("regulator:party", args=[personas.holder_party.pk]) not in html


@pytest.mark.statute("A9-2.1.9")
@pytest.mark.parametrize(("official", "prefix"), [("operator", "operator"), ("regulator", "regulator")])
def test_an_official_sees_confidential_data_only_after_giving_a_reason(personas, official, prefix):
    party = personas.holder_party
    BankAccount.objects.create(party=party, iban="KZ86125KZT5004100100", bank_name="Halyk")
    client = as_user(getattr(personas, official))
    url = reverse(f"{prefix}:party", args=[party.pk])

    html = client.get(url).content.decode()
    assert "Айгуль Серикова" in html
    for secret in (party.iin, "ул. Абая", "KZ86125KZT5004100100"):
        assert secret not in html

    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and party.iin not in response.content.decode()
    assert not ConfidentialAccess.objects.exists()

    html = client.post(url, {"reason": "Проверка жалобы №12"}).content.decode()
    for secret in (party.iin, "ул. Абая", "KZ86125KZT5004100100"):
        assert secret in html
    access = ConfidentialAccess.objects.get()
    assert (access.user, access.party, access.reason) == (
        getattr(personas, official),
        party,
        "Проверка жалобы №12",
    )


@pytest.mark.statute("A9-2.1.9")
def test_the_operator_sees_who_looked_at_confidential_data_and_why(personas):
    as_user(personas.regulator).post(
        reverse("regulator:party", args=[personas.holder_party.pk]), {"reason": "Проверка жалобы №12"}
    )

    html = as_user(personas.operator).get("/operator/confidential-log/").content.decode()
    assert personas.regulator.email in html and "Проверка жалобы №12" in html
    assert as_user(personas.regulator).get("/operator/confidential-log/").status_code == 403


@pytest.mark.parametrize("persona", ["holder", "cmo_staff", "licensee", "operator"])
def test_only_the_regulator_reaches_the_regulator_workspace(personas, persona):
    client = as_user(getattr(personas, persona))

    for url in ("/regulator/", "/regulator/registers/", f"/regulator/parties/{personas.holder_party.pk}/"):
        assert client.get(url).status_code == 403, url


def test_the_regulator_sees_each_cmo_with_its_areas_and_members(personas):
    pending_holder()

    response = as_user(personas.regulator).get("/regulator/")

    rows = {row.cmo.short_name: row for row in response.context["cmos"]}
    assert rows["KAZ"].members == 1 and rows["QAZ"].members == 1
    assert [a.item for a in rows["KAZ"].areas] == [1, 7]
    assert {card.key: card for card in response.context["console"].cards}["pending"].count == 1
    assert "KAZ" in response.content.decode()
