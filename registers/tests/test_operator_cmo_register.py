"""The operator keeps the register of CMOs (Art. 45-1.2 (3))."""

import pytest
from django.urls import reverse

from registers.models import CMO, Area
from tests import factories as f


@pytest.mark.statute("A45-1.2-cmos")
def test_the_operator_enters_a_cmo_with_its_bin_areas_and_charter_date(client, personas):
    bin_ = f.make_bin()
    response = f.login(client, personas.operator).post(
        reverse("operator_cmos:create"),
        {
            "short_name": "AVTOR",
            "name_ru": "ОЮЛ Автор",
            "name_lat": "Avtor Society",
            "bin": bin_,
            "country": "kz",
            "charter_date": "2024-02-01",
            "areas": [Area.objects.get(item=1).pk, Area.objects.get(item=7).pk],
            "reason": "application of 2026-11-20",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    cmo = CMO.objects.get(short_name="AVTOR")
    assert cmo.party.bin == bin_
    assert sorted(cmo.areas.values_list("item", flat=True)) == [1, 7]
    assert str(cmo.charter_date) == "2024-02-01"


def test_a_kazakh_cmo_without_a_valid_bin_is_refused_with_the_reason(client, personas):
    response = f.login(client, personas.operator).post(
        reverse("operator_cmos:create"),
        {"short_name": "BAD", "name_ru": "Плохая", "bin": "123456789012", "country": "KZ", "reason": "x"},
    )
    assert response.status_code == 200
    assert "BIN" in response.content.decode()
    assert not CMO.objects.filter(short_name="BAD").exists()


def test_an_edit_without_a_reason_is_refused(client, personas):
    url = reverse("operator_cmos:edit", args=[personas.cmo.pk])
    response = f.login(client, personas.operator).post(
        url, {"short_name": "KAZ2", "name_ru": "ОКУП KAZ", "bin": personas.cmo.party.bin, "country": "KZ"}
    )
    assert response.status_code == 200
    personas.cmo.refresh_from_db()
    assert personas.cmo.short_name == "KAZ"


@pytest.mark.parametrize("who", ["holder", "cmo_admin", "other_cmo_staff", "licensee", "regulator"])
def test_only_the_operator_keeps_the_cmo_register(client, personas, who):
    response = f.login(client, getattr(personas, who)).get(reverse("operator_cmos:create"))
    assert response.status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client, personas):
    response = client.get(reverse("operator_cmos:list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_edit_that_fails_on_the_cmo_leaves_its_legal_entity_unchanged_too(client, personas):
    """The CMO and its legal entity change in one transaction: no half-applied edit."""
    cmo, other = personas.cmo, personas.other_cmo
    old_name = cmo.party.name_ru
    response = f.login(client, personas.operator).post(
        reverse("operator_cmos:edit", args=[cmo.pk]),
        {
            "short_name": other.short_name,  # taken: the CMO's own row is refused
            "name_ru": "Новое имя ОКУП",
            "bin": cmo.party.bin,
            "country": "KZ",
            "reason": "charter amended",
        },
    )
    assert response.status_code == 200
    cmo.refresh_from_db()
    cmo.party.refresh_from_db()
    assert cmo.short_name != other.short_name
    assert cmo.party.name_ru == old_name
