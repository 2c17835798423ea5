"""Self sign-up of rightsholders and music users: form → confirmation e-mail → pending → approval."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from registers.models import Licensee, Party, UserCategory
from tests import factories as f
from udp.accounts.models import Moderation, Role, User

pytestmark = pytest.mark.usefixtures("english")


SIGNUP_URL = "/accounts/signup/"
NEW_PASSWORD = "Dombra-and-kobyz-2026"


def person_form(email: str = "aigerim@example.kz", **overrides: str) -> dict[str, str]:
    data = {
        "account_type": "holder_person",
        "email": email,
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "full_name": "Айгерим Нурланова",
        "name_kk": "Әйгерім Нұрланқызы",
        "name_ru": "Айгерим Нурланова",
        "name_lat": "Aigerim Nurlanova",
        "iin": f.make_iin(),
        "phone": "+7 701 000 00 00",
    }
    data.update(overrides)
    return data


def confirmation_link(message: mail.EmailMessage) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", str(message.body))
    assert match, message.body
    return match.group(1)


def test_the_signup_page_is_drawn_in_the_platform_layout_with_the_custom_form(db, client: Client):
    response = client.get(SIGNUP_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="site-header"' in html  # our base.html, not allauth's bare layout
    for name in ("account_type", "name_kk", "name_ru", "name_lat", "iin", "bin", "category", "trade_name"):
        assert f'name="{name}"' in html
    assert 'type="radio"' in html and 'data-show-for="holder_entity licensee"' in html


def test_the_login_and_password_reset_pages_use_the_platform_layout(db, client: Client):
    for url in ("/accounts/login/", "/accounts/password/reset/"):
        html = client.get(url).content.decode()
        assert 'class="site-header"' in html, url


@pytest.mark.statute("A2.21-2")
def test_a_holder_signs_up_confirms_waits_for_approval_and_then_reaches_the_portal(
    personas, client: Client, django_capture_on_commit_callbacks
):
    response = client.post(SIGNUP_URL, person_form())
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    user = User.objects.get(email="aigerim@example.kz")
    assert (user.role, user.moderation) == (Role.HOLDER, Moderation.PENDING)
    assert user.party is not None
    assert user.party.name_kk == "Әйгерім Нұрланқызы" and not user.party.verified
    assert len(mail.outbox) == 1

    link = confirmation_link(mail.outbox[0])
    assert client.get(link).status_code == 200  # a page with a button: confirming takes a POST
    response = client.post(link)
    assert EmailAddress.objects.get(user=user).verified
    assert response.status_code == 302 and response["Location"] == reverse("account_pending")
    assert client.get("/portal/")["Location"] == reverse("account_pending")
    assert "being reviewed" in client.get(reverse("account_pending")).content.decode()

    operator = Client()
    f.login(operator, personas.operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = operator.post(reverse("operator:approve", args=[user.pk]))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.party is not None
    assert user.moderation == Moderation.APPROVED and user.party.verified
    assert mail.outbox[-1].to == ["aigerim@example.kz"] and "approved" in mail.outbox[-1].subject

    assert client.get("/home/")["Location"] == "/portal/"
    assert client.get("/portal/").status_code == 200
    fresh = Client()
    response = fresh.post("/accounts/login/", {"login": "aigerim@example.kz", "password": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/portal/"


def test_a_music_user_signs_up_with_a_bin_and_a_category(db, client: Client):
    bin_ = f.make_bin()
    data = person_form(
        "radio@example.kz", account_type="licensee", iin="", bin=bin_, category=str(UserCategory.objects.get(code="radio").pk),
        trade_name="Радио Шалқар", name_kk="", name_lat="", name_ru="ТОО Радио Шалкар",
    )  # fmt: skip

    response = client.post(SIGNUP_URL, data)

    assert response.status_code == 302
    user = User.objects.get(email="radio@example.kz")
    assert user.role == Role.LICENSEE and user.party is None
    assert user.licensee_id is not None
    licensee = Licensee.objects.get(pk=user.licensee_id)
    assert licensee.party.bin == bin_ and licensee.trade_name == "Радио Шалқар" and not licensee.verified


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"iin": ""}, "iin", "A natural person registers with their IIN."),
        ({"iin": "123456789012"}, "iin", None),
        ({"account_type": "holder_entity", "iin": ""}, "bin", "A legal entity registers with its BIN."),
        ({"account_type": "licensee", "iin": ""}, "bin", "Give the BIN of your organisation"),
        ({"account_type": "licensee"}, "category", "Choose the category"),
        ({"name_kk": "", "name_ru": "", "name_lat": ""}, "name_ru", "at least one script"),
    ],
)
def test_the_signup_form_says_what_is_missing(db, client: Client, overrides, field, message):
    response = client.post(SIGNUP_URL, person_form(**overrides))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert any(message in e for e in errors[field])
    assert not User.objects.filter(email="aigerim@example.kz").exists()
    assert not Party.objects.filter(name_lat="Aigerim Nurlanova").exists()


def _scrub(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r"[\w.+-]+@example\.kz", "E", re.sub(r"\b\d{12}\b", "N", html))


@pytest.mark.statute("A9-2.1.9")
@pytest.mark.parametrize(
    "invalid", [{}, {"password2": "different-password-2026"}, {"name_kk": "", "name_ru": "", "name_lat": ""}]
)
def test_the_signup_answers_alike_whether_or_not_the_iin_is_registered(personas, invalid):
    """No oracle: the same answer for a registered and an unregistered IIN, valid form or not."""
    registered, fresh = Client(), Client()
    a = registered.post(SIGNUP_URL, person_form("one@example.kz", iin=personas.holder_party.iin, **invalid))
    b = fresh.post(SIGNUP_URL, person_form("two@example.kz", iin=f.make_iin(), **invalid))

    assert a.status_code == b.status_code
    assert a.get("Location") == b.get("Location")
    assert _scrub(a.content.decode()) == _scrub(b.content.decode())
    assert "already in the register" not in a.content.decode()


@pytest.mark.statute("A45-1.2-holders")
def test_a_sign_up_with_a_registered_iin_claims_the_entry_and_the_registering_cmo_grants_it(personas):
    from rest_framework.test import APIClient

    from registers.models import Proposal

    entry = f.make_person(name_lat="Registered By Kaz", registered_by_cmo=personas.cmo)
    response = Client().post(SIGNUP_URL, person_form("claimant@example.kz", iin=entry.iin))
    assert response.status_code == 302
    claimant = User.objects.get(email="claimant@example.kz")
    assert claimant.party_id is None and claimant.moderation == Moderation.PENDING
    assert Party.objects.filter(iin=entry.iin).count() == 1  # no second entry
    claim = Proposal.objects.get(kind="entry_claim", party=entry)
    assert claimant.email not in Client().get(f"/holders/{entry.pk}/").content.decode()

    claimant_api = APIClient()
    claimant_api.force_authenticate(claimant)
    assert claimant_api.get(f"/api/proposals/{claim.pk}/").status_code == 404  # sees nothing of the entry
    other_cmo = APIClient()
    other_cmo.force_authenticate(personas.other_cmo_staff)
    assert other_cmo.get(f"/api/proposals/{claim.pk}/").status_code == 404
    assert other_cmo.post(f"/api/proposals/{claim.pk}/accept/", {}).status_code == 404

    kaz = APIClient()
    kaz.force_authenticate(personas.cmo_staff)
    granted = kaz.post(f"/api/proposals/{claim.pk}/accept/", {"note": "met the author, passport checked"})

    assert granted.status_code == 200 and granted.json()["status"] == "accepted"
    claimant.refresh_from_db()
    assert claimant.party_id == entry.pk and claimant.moderation == Moderation.APPROVED


@pytest.mark.statute("A45-1.2-holders")
def test_the_operator_refuses_an_unproven_claim_and_the_entry_stays(personas):
    from registers.models import Proposal

    entry = personas.other_party
    Client().post(SIGNUP_URL, person_form("impostor@example.kz", iin=entry.iin))
    claim = Proposal.objects.get(kind="entry_claim", party=entry)
    operator = Client()
    f.login(operator, personas.operator)
    assert operator.post(f"/operator/accounts/{claim.proposed_by_id}/approve/").status_code == 302
    assert (
        User.objects.get(email="impostor@example.kz").moderation == Moderation.PENDING
    )  # not by plain approval

    operator.post(f"/claims/proposals/{claim.pk}/", {"decision": "reject", "note": "ID does not match"})

    impostor = User.objects.get(email="impostor@example.kz")
    assert impostor.moderation == Moderation.REJECTED and impostor.party_id is None
    assert personas.other_holder.party_id == entry.pk
    assert any("impostor@example.kz" in m.to for m in mail.outbox)
