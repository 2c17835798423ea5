"""The CMO dashboard: members, their works and the organisation's public data."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from registers.models import CMO
from tests import factories as f


def test_the_dashboard_counts_the_cmos_members_and_their_works(personas):
    f.make_work(personas.holder, (personas.holder_party, "CA", {"PR": Decimal("100")}))
    f.make_work(personas.other_holder, (personas.other_party, "CA", {"PR": Decimal("100")}))
    response = f.signed_in(personas.cmo_staff).get(reverse("cmo:home"))
    organisation = {card.key: card for card in response.context["console"].cards}["cmo-card"].context
    assert (organisation["member_count"], organisation["work_count"]) == (1, 1)
    assert [link.area.item for link in organisation["areas"]] == [1, 7]


def test_the_members_list_has_the_cmos_members_only_and_is_searchable(personas):
    registered = f.make_person(name_lat="Registered By Kaz", registered_by_cmo=personas.cmo)
    client = f.signed_in(personas.cmo_staff)
    members = list(client.get(reverse("cmo:members")).context["page"])
    assert set(members) == {personas.holder_party, registered}
    found = list(client.get(reverse("cmo:members"), {"q": "Aigul"}).context["page"])
    assert found == [personas.holder_party]


def test_the_works_list_has_members_works_only(personas):
    mine = f.make_work(
        personas.holder, (personas.holder_party, "CA", {"PR": Decimal("100")}), title="Kaz member song"
    )
    f.make_work(
        personas.other_holder, (personas.other_party, "CA", {"PR": Decimal("100")}), title="Qyran member song"
    )
    client = f.signed_in(personas.cmo_staff)
    assert list(client.get(reverse("cmo:works")).context["page"]) == [mine]
    assert list(client.get(reverse("cmo:works"), {"q": "Qyran"}).context["page"]) == []


def test_the_cmo_admin_edits_public_data_and_representatives_but_not_areas(personas):
    data = {
        "website": "https://kaz.example.kz", "public_email": "info@kaz.kz", "public_phone": "+7 727 000 00 00",
        "legal_address": "Almaty", "areas": "5",
        "r-TOTAL_FORMS": "1", "r-INITIAL_FORMS": "0", "r-0-name": "Dana Bekova", "r-0-region": "Astana",
        "b-TOTAL_FORMS": "1", "b-INITIAL_FORMS": "0", "b-0-city": "Shymkent",
    }  # fmt: skip
    response = f.signed_in(personas.cmo_admin).post(reverse("cmo:profile"), data)
    assert response.status_code == 302
    cmo = CMO.objects.get(pk=personas.cmo.pk)
    assert cmo.website == "https://kaz.example.kz"
    assert list(cmo.representatives.values_list("name", "region")) == [("Dana Bekova", "Astana")]
    assert list(cmo.branches.values_list("city", flat=True)) == ["Shymkent"]
    assert sorted(cmo.area_links.values_list("area__item", flat=True)) == [1, 7]


def test_cmo_staff_who_are_not_admins_cannot_edit_the_public_data(personas):
    assert f.signed_in(personas.cmo_staff).get(reverse("cmo:profile")).status_code == 404


def test_only_cmo_staff_reach_the_dashboard(personas):
    assert f.signed_in(personas.holder).get(reverse("cmo:home")).status_code == 403
    assert f.signed_in(personas.licensee).get(reverse("cmo:members")).status_code == 403
