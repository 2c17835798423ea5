"""The rightsholder's personal account."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client
from django.urls import reverse

from tests import factories as f


def test_the_portal_shows_the_holders_own_entry_with_their_confidential_data(personas):
    body = f.signed_in(personas.holder).get(reverse("portal:home")).content.decode()
    assert personas.holder_party.iin in body
    assert "Алматы, ул. Абая 1, кв. 2" in body
    assert reverse("edit:party", args=[personas.holder_party.pk]) in body
    assert personas.other_party.iin not in body


def test_the_portal_lists_the_holders_works_and_not_others(personas):
    mine = f.make_work(
        personas.holder, (personas.holder_party, "CA", {"PR": Decimal("100")}), title="Менің әнім"
    )
    f.make_work(
        personas.other_holder,
        (personas.other_party, "CA", {"PR": Decimal("100")}),
        title="Someone else's song",
    )
    response = f.signed_in(personas.holder).get(reverse("portal:home"))
    assert list(response.context["works"]) == [mine]
    body = response.content.decode()
    assert "Менің әнім" in body and "Someone else" not in body
    assert f"/history/work/{mine.pk}/" in body and reverse("edit:work", args=[mine.pk]) in body
    assert reverse("edit:work_create") in body and "/imports/" in body


def test_the_portal_shows_the_managing_cmo_per_area_or_no_mandate(personas):
    response = f.signed_in(personas.holder).get(reverse("portal:home"))
    cmos = {card.key: card for card in response.context["console"].cards}["my-cmos"]
    by_item = {row.area.item: row.mandate for row in cmos.context["rows"]}  # the mandates domain's card
    assert by_item[1].cmo == personas.cmo
    assert by_item[7] is None
    body = response.content.decode()
    assert "No mandate yet" in body and reverse("rights:home") in body


def test_only_holders_enter_the_portal(personas):
    assert f.signed_in(personas.cmo_staff).get(reverse("portal:home")).status_code == 403
    assert f.signed_in(personas.licensee).get(reverse("portal:home")).status_code == 403
    assert Client().get(reverse("portal:home")).status_code == 302
