"""A holder's confidential fields never reach the public, on pages or in the API (Art. 46.1 (4), 9-2.1 (9)).

They reach only the holder, the staff of the holder's CMO and the operator.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from registers.models import BankAccount
from tests import factories as f

IBAN = "KZ86125KZT5004100100"


@pytest.fixture
def secrets(personas):
    party = personas.holder_party
    party.email = "aigul.private@mail.kz"
    party.phone = "+7 701 555 12 34"
    party.save()
    BankAccount.objects.create(party=party, iban=IBAN, bank_name="Halyk Bank")
    work = f.make_work(personas.holder, (party, "CA", {"PR": Decimal("100")}), title="Confidential Test Song")
    return {
        "iin": party.iin,
        "address": "Абая 1",
        "email": party.email,
        "phone": "555 12 34",
        "iban": IBAN,
        "birth date": "1980",
        "work": work,
    }


def _leaks(text: str, secrets: dict) -> list[str]:
    return [name for name, value in secrets.items() if name != "work" and value in text]


def _api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.mark.statute("A46.1.4")
@pytest.mark.statute("A9-2.1.9")
def test_public_pages_never_show_a_holders_confidential_fields(client, personas, secrets):
    party = personas.holder_party
    pages = [
        reverse("public:holder", args=[party.pk]),
        reverse("public:holders") + "?q=Serikova",
        reverse("public:work", args=[secrets["work"].pk]),
        reverse("public:works") + "?q=Serikova",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _leaks(response.content.decode(), secrets) == [], url
    # Even the holder's own CMO sees the public page without confidential fields.
    f.login(client, personas.holder)
    assert _leaks(client.get(pages[0]).content.decode(), secrets) == []


@pytest.mark.statute("A46.1.4")
@pytest.mark.statute("A9-2.1.9")
@pytest.mark.parametrize("who", [None, "other_holder", "other_cmo_staff", "licensee", "regulator"])
def test_the_api_hides_confidential_fields_from_everyone_else(personas, secrets, who):
    client = _api(getattr(personas, who) if who else None)
    party = personas.holder_party
    for url in (
        f"/api/holders/{party.pk}/",
        "/api/holders/?q=Serikova",
        f"/api/works/{secrets['work'].pk}/",
        "/api/works/?q=Serikova",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _leaks(response.content.decode(), secrets) == [], url
    assert "iin" not in client.get(f"/api/holders/{party.pk}/").json()


@pytest.mark.statute("A46.1.4")
@pytest.mark.statute("A9-2.1.9")
@pytest.mark.parametrize("who", ["holder", "cmo_staff", "operator"])
def test_the_holder_their_cmo_and_the_operator_see_the_confidential_fields(personas, secrets, who):
    body = _api(getattr(personas, who)).get(f"/api/holders/{personas.holder_party.pk}/").json()
    assert body["iin"] == secrets["iin"]
    assert body["email"] == secrets["email"]
    assert secrets["address"] in body["address"]
    assert body["birth_date"] == "1980-05-17"
    assert [account["iban"] for account in body["bank_accounts"]] == [IBAN]


def test_a_deceased_persons_birth_date_is_public_in_the_api(personas):
    import datetime as dt

    late = f.make_person(birth_date=dt.date(1901, 2, 3), death_date=dt.date(1970, 1, 1))
    body = _api().get(f"/api/holders/{late.pk}/").json()
    assert body["birth_date"] == "1901-02-03"
    assert "iin" not in body
