"""The public registers: anyone searches works, holders, CMOs and users without an account."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registers.models import IPIName, LicenseeLocation, Work
from tests import factories as f
from udp.identifiers import format_iswc

HUNDRED = {"PR": Decimal("100"), "MR": Decimal("100")}


def _has_percent(html: str, whole: str) -> bool:
    return f"{whole}.00" in html or f"{whole},00" in html


def _shows(html: str, party) -> bool:
    """The page names the party, in whichever script the page language picks."""
    return any(name and name in html for name in (party.name_kk, party.name_ru, party.name_lat))


def _search(client, **params) -> str:
    response = client.get(reverse("public:works"), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def catalogue(personas):
    holder = personas.holder
    return {
        "kazakh": f.make_work(holder, (personas.holder_party, "CA", HUNDRED), title="Менің Қазақстаным"),
        "russian": f.make_work(holder, (personas.holder_party, "CA", HUNDRED), title="Подмосковные вечера"),
        "coded": f.make_work(
            holder, (personas.holder_party, "CA", HUNDRED), title="Coded Song", iswc=f.make_iswc()
        ),
        "recording": f.make_work(
            holder,
            (personas.holder_party, "PER", {"RR": Decimal("100")}),
            title="Live in Astana",
            kind="recording",
            isrc="KZA012600001",
        ),
    }


def test_the_home_page_has_one_search_box_and_links_to_the_four_registers(client, db):
    html = client.get(reverse("public:home")).content.decode()
    assert html.count('type="search"') == 1
    for name in ("public:works", "public:holders", "public:cmos", "public:users"):
        assert f'href="{reverse(name)}"' in html


@pytest.mark.statute("A46.1.4")
@pytest.mark.smoke
def test_a_work_is_found_by_its_kazakh_title(client, catalogue):
    assert "Менің Қазақстаным" in _search(client, q="қазақстаным")


@pytest.mark.statute("A46.1.4")
def test_a_cyrillic_title_is_found_by_its_latin_transliteration(client, catalogue):
    html = _search(client, q="podmoskovnye vechera")
    assert "Подмосковные вечера" in html
    assert "Менің Қазақстаным" not in html


def test_a_work_is_found_by_its_iswc_formatted_or_compact(client, catalogue):
    iswc = catalogue["coded"].iswc
    assert "Coded Song" in _search(client, q=format_iswc(iswc))
    assert "Coded Song" in _search(client, q=iswc)
    assert "Coded Song" in _search(client, iswc=format_iswc(iswc))
    assert "Подмосковные" not in _search(client, q=iswc)


def test_a_recording_is_found_by_its_isrc(client, catalogue):
    assert "Live in Astana" in _search(client, q="KZ-A01-26-00001")
    assert "Live in Astana" in _search(client, isrc="KZA012600001")


def test_works_are_found_by_author_or_performer_name_and_filtered_by_kind(client, catalogue):
    html = _search(client, q="Serikova")
    assert "Coded Song" in html and "Live in Astana" in html
    recordings_only = _search(client, q="Serikova", kind="recording")
    assert "Live in Astana" in recordings_only and "Coded Song" not in recordings_only


def test_an_unpublished_work_is_not_in_the_public_register(client, personas):
    hidden = f.make_work(personas.other_holder, (personas.other_party, "CA", HUNDRED), title="Secret Draft")
    Work.objects.filter(pk=hidden.pk).update(public=False)
    assert "Secret Draft" not in _search(client, q="secret draft")
    assert client.get(reverse("public:work", args=[hidden.pk])).status_code == 404


def test_search_results_are_paged_without_counting_them(client, personas):
    for n in range(3):
        f.make_work(personas.holder, (personas.holder_party, "CA", HUNDRED), title=f"Paged song {n}")
    from registers.views import public

    original, public.PAGE_SIZE = public.PAGE_SIZE, 2
    try:
        with CaptureQueriesContext(connection) as queries:
            first = _search(client, q="paged song")
        second = _search(client, q="paged song", page=2)
    finally:
        public.PAGE_SIZE = original
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert second.count("Paged song") == 1


def test_the_work_page_shows_titles_identifiers_contributors_and_shares(client, personas):
    work = f.make_work(
        personas.operator,
        (personas.holder_party, "C", {"PR": Decimal("60")}),
        (personas.other_party, "A", {"PR": Decimal("40")}),
        title="Көктем",
        iswc=f.make_iswc(),
        alternate_titles=["Spring"],
    )
    html = client.get(reverse("public:work", args=[work.pk])).content.decode()
    assert "Spring" in html and format_iswc(work.iswc) in html
    assert _has_percent(html, "60") and _has_percent(html, "40")
    assert f'href="{reverse("public:holder", args=[personas.holder_party.pk])}"' in html


def test_the_work_page_says_who_to_pay_per_area_from_mandates_in_force(client, personas):
    work = f.make_work(
        personas.operator,
        (personas.holder_party, "C", {"PR": Decimal("50")}),
        (personas.other_party, "A", {"PR": Decimal("50")}),
    )
    html = client.get(reverse("public:work", args=[work.pk])).content.decode()
    who = html.split('id="who-to-pay"')[1]
    assert "KAZ" in who and "QAZ" in who
    # the right type by its name, followed by its code: never "PR" alone
    assert "(PR) 50,00 %" in who or "(PR) 50.00 %" in who
    assert ">PR 50" not in who and " PR 50" not in who
    assert "no-mandates" not in who


def test_the_work_page_says_plainly_when_no_cmo_holds_a_mandate(client, personas):
    unmandated = f.make_person(name_ru="Свободный Автор")
    work = f.make_work(personas.operator, (unmandated, "CA", HUNDRED), reason="test entry")
    html = client.get(reverse("public:work", args=[work.pk])).content.decode()
    who = html.split('id="who-to-pay"')[1]
    assert "no-mandates" in who and "KAZ" not in who


def test_a_mandate_that_has_ended_no_longer_answers_who_to_pay(client, personas):
    personas.holder_party.mandates.update(ends_on=dt.date(2026, 3, 1))
    work = f.make_work(personas.holder, (personas.holder_party, "CA", HUNDRED))
    who = client.get(reverse("public:work", args=[work.pk])).content.decode().split('id="who-to-pay"')[1]
    assert "no-mandates" in who


def test_a_work_whose_term_has_run_out_is_shown_as_in_the_public_domain(client, personas):
    classic = f.make_person(
        name_ru="Абай Кунанбаев", birth_date=dt.date(1845, 8, 10), death_date=dt.date(1904, 7, 6)
    )
    work = f.make_work(personas.operator, (classic, "CA", HUNDRED), title="Көзімнің қарасы", reason="classic")
    html = client.get(reverse("public:work", args=[work.pk])).content.decode()
    assert "public-domain" in html


def test_holders_are_found_by_name_in_any_script_and_by_ipi_number(client, personas):
    ipi = IPIName.objects.create(party=personas.holder_party, name_number=f.make_ipi())
    for params in ({"q": "Серікова"}, {"q": "serikova"}, {"ipi": ipi.name_number}, {"q": ipi.name_number}):
        html = client.get(reverse("public:holders"), params).content.decode()
        assert _shows(html, personas.holder_party), params
        assert not _shows(html, personas.other_party), params


def test_holders_are_filtered_by_managing_cmo(client, personas):
    html = client.get(reverse("public:holders"), {"cmo": personas.cmo.pk}).content.decode()
    assert _shows(html, personas.holder_party) and not _shows(html, personas.other_party)


def test_an_unverified_holder_is_not_in_the_public_register(client, personas):
    pending = f.make_person(name_ru="Непроверенный Автор", verified=False)
    html = client.get(reverse("public:holders"), {"q": "Непроверенный"}).content.decode()
    assert reverse("public:holder", args=[pending.pk]) not in html
    assert client.get(reverse("public:holder", args=[pending.pk])).status_code == 404


def test_the_birth_date_of_a_deceased_author_is_public(client, personas):
    late = f.make_person(
        name_ru="Покойный Автор", birth_date=dt.date(1901, 2, 3), death_date=dt.date(1970, 1, 1)
    )
    html = client.get(reverse("public:holder", args=[late.pk])).content.decode()
    assert "1901" in html and "1970" in html


def test_the_holder_page_shows_managing_cmos_and_public_works(client, personas):
    f.make_work(personas.holder, (personas.holder_party, "CA", HUNDRED), title="Public Hit")
    html = client.get(reverse("public:holder", args=[personas.holder_party.pk])).content.decode()
    assert "KAZ" in html and "Public Hit" in html


@pytest.mark.statute("A45-1.2-cmos")
def test_the_cmo_register_shows_bin_areas_representatives_and_branches(client, personas):
    cmo = personas.cmo
    cmo.representatives.create(name="Бауыржан Ермеков", region="Шымкент")
    cmo.branches.create(city="Караганда", address="пр. Бухар-жырау 1")
    listing = client.get(reverse("public:cmos")).content.decode()
    assert cmo.party.bin in listing and personas.other_cmo.party.bin in listing
    html = client.get(reverse("public:cmo", args=[cmo.pk])).content.decode()
    assert cmo.party.bin in html
    assert "Бауыржан Ермеков" in html and "Караганда" in html
    for area in cmo.areas.all():
        assert area.name in html


@pytest.mark.statute("A45-1.2-users")
def test_the_users_register_shows_category_and_location_city_only(client, personas):
    licensee = personas.licensee.licensee
    LicenseeLocation.objects.create(
        licensee=licensee, name="Студия", city="Алматы", address="ул. Секретная 5"
    )
    listing = client.get(reverse("public:users"), {"city": "алматы", "category": "radio"}).content.decode()
    assert _shows(listing, licensee.party)
    assert "Алматы" in listing
    none = client.get(reverse("public:users"), {"city": "Астана"}).content.decode()
    assert not _shows(none, licensee.party)
    html = client.get(reverse("public:user", args=[licensee.pk])).content.decode()
    assert licensee.category.name_en in html or licensee.category.name_ru in html
    assert "Алматы" in html and "Студия" in html
    assert "Секретная" not in html
