"""The music user's space: its register entry and its locations."""

from __future__ import annotations

from django.urls import reverse

from registers.models import LicenseeLocation, UserCategory
from tests import factories as f
from udp.accounts.models import Role


def test_a_music_user_adds_edits_and_removes_a_location(personas):
    client = f.signed_in(personas.licensee)
    category = UserCategory.objects.first()
    data = {
        "name": "Cafe Dombra",
        "city": "Almaty",
        "address": "Abay 10",
        "category": category.pk,
        "area_m2": "120",
    }
    assert client.post(reverse("space:location_add"), data).status_code == 302
    location = LicenseeLocation.objects.get(licensee=personas.licensee.licensee)
    assert (location.name, location.area_m2) == ("Cafe Dombra", 120)

    client.post(reverse("space:location_edit", args=[location.pk]), {**data, "area_m2": "150"})
    location.refresh_from_db()
    assert location.area_m2 == 150
    assert "Cafe Dombra" in client.get(reverse("space:home")).content.decode()

    assert client.post(reverse("space:location_remove", args=[location.pk])).status_code == 302
    assert not LicenseeLocation.objects.filter(pk=location.pk).exists()


def test_a_location_area_must_be_positive(personas):
    data = {"name": "Shop", "city": "Astana", "area_m2": "0"}
    response = f.signed_in(personas.licensee).post(reverse("space:location_add"), data)
    assert response.status_code == 200
    assert not LicenseeLocation.objects.exists()


def test_a_music_user_gets_404_on_another_users_location(personas):
    other = f.make_account("tv@example.kz", Role.LICENSEE, licensee=f.make_licensee())
    location = LicenseeLocation.objects.create(licensee=other.licensee, name="Studio", city="Almaty")
    client = f.signed_in(personas.licensee)
    assert client.get(reverse("space:location_edit", args=[location.pk])).status_code == 404
    assert client.post(reverse("space:location_remove", args=[location.pk])).status_code == 404
    assert LicenseeLocation.objects.filter(pk=location.pk).exists()


def test_the_space_shows_the_entry_and_links_to_the_public_work_search(personas):
    body = f.signed_in(personas.licensee).get(reverse("space:home")).content.decode()
    assert "Radio Test LLP" in body or "ТОО Радио Тест" in body
    assert reverse("public:works") in body
    assert f.signed_in(personas.holder).get(reverse("space:home")).status_code == 403
