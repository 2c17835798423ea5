"""Search forgives the way people type: Kazakh letters left out, the other script, one typo.

Every kind of noise is tried through the public search page and through the API, against a small
register where the intended work has neighbours that share some of its words.
"""

from __future__ import annotations

import random
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from demo import noise
from registers.search import WorkSearch, fold, search_key
from registers.vocabulary import one_edit_apart
from tests import factories as f

SHARE = {"PR": Decimal("100")}


def _page(client, q: str) -> str:
    response = client.get(reverse("public:works"), {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def _api_titles(q: str) -> list[str]:
    response = APIClient().get("/api/works/", {"q": q})
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


@pytest.fixture
def register(personas):
    """The works people look for, registered among others that share words with them."""
    holder, other = personas.holder, personas.other_holder
    kazakh, russian = personas.holder_party, personas.other_party
    for title in ("Сары өзен", "Арқа самалы", "Жұлдызды түн", "Summer rain"):
        f.make_work(other, (russian, "CA", SHARE), title=title)
    return {
        "Сарыарқа": f.make_work(holder, (kazakh, "CA", SHARE), title="Сарыарқа"),
        "Жұлдызым": f.make_work(holder, (kazakh, "CA", SHARE), title="Жұлдызым"),
        "Абай жолы": f.make_work(holder, (kazakh, "CA", SHARE), title="Абай жолы"),
        "Summer love": f.make_work(other, (russian, "CA", SHARE), title="Summer love"),
        "Подмосковные вечера": f.make_work(other, (russian, "CA", SHARE), title="Подмосковные вечера"),
    }


def _found_everywhere(client, q: str, title: str) -> bool:
    return title in _page(client, q) and title in _api_titles(q)[:10]


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("Сарыарка", "Сарыарқа"),  # қ typed as к
        ("жулдызым", "Жұлдызым"),  # ұ typed as у
        ("сарыарка айгуль серикова", "Сарыарқа"),  # with the writer's name, as Russian keyboards spell it
    ],
)
def test_a_work_is_found_without_its_kazakh_letters(client, register, typed, title):
    assert _found_everywhere(client, typed, title)


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("Saryarqa", "Сарыарқа"),  # the official transliteration
        ("Saryarka", "Сарыарқа"),  # the informal one
        ("Sarıarqa", "Сарыарқа"),  # the Kazakh Latin alphabet of 2021
        ("Abai joly", "Абай жолы"),
        ("Abay zholy", "Абай жолы"),
        ("Jūldyzym", "Жұлдызым"),
        ("Podmoskovnye vechera", "Подмосковные вечера"),
        ("Саммер лове", "Summer love"),  # Latin written in Cyrillic letters
        ("Aigul Serikova", "Сарыарқа"),  # a contributor's name in the other script
    ],
)
def test_a_work_is_found_in_the_other_script(client, register, typed, title):
    assert _found_everywhere(client, typed, title)


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("Сарыарқаа", "Сарыарқа"),  # a letter too many
        ("Сарырқа", "Сарыарқа"),  # a letter missing
        ("Сарыорқа", "Сарыарқа"),  # a letter wrong
        ("Сорыарқо", None),  # two mistakes are not forgiven
        ("Сраыарқа", "Сарыарқа"),  # two letters swapped
        ("Подмосковные вечира", "Подмосковные вечера"),  # in the second word
        ("Summer lvoe", "Summer love"),
        ("Жұлдызым Айгүл Сериккова", "Жұлдызым"),  # in the writer's name
    ],
)
def test_a_work_is_found_with_one_typo_in_one_word(client, register, typed, title):
    if title is None:
        assert not any(t in _api_titles(typed) for t in register)
    else:
        assert _found_everywhere(client, typed, title)


def test_the_last_word_is_still_a_prefix(client, register):
    assert _api_titles("Сарыар") == ["Сарыарқа"]
    assert _api_titles("sarya") == ["Сарыарқа"]
    assert "Подмосковные вечера" in _api_titles("подмосковные веч")


def test_exact_matches_rank_above_folded_ones_and_those_above_typos(client, personas):
    """The exact match is registered last, so only the ranking can put it first."""
    typo = f.make_work(personas.holder, (personas.holder_party, "CA", SHARE), title="Кора жол")
    folded = f.make_work(personas.holder, (personas.holder_party, "CA", SHARE), title="Қара жол")
    exact = f.make_work(personas.holder, (personas.holder_party, "CA", SHARE), title="Кара жол")
    assert _api_titles("кара жол") == [exact.title, folded.title, typo.title]
    html = _page(client, "кара жол")
    assert html.index(exact.title) < html.index(folded.title) < html.index(typo.title)
    assert _api_titles("қара жол") == [folded.title, exact.title, typo.title]  # typed with қ: exact is қ
    search = WorkSearch("кара жол")
    assert [tier.name for tier in search.tiers()] == ["exact", "folded", "typo"]


def test_within_a_tier_the_closest_title_comes_first(personas):
    longer = f.make_work(personas.holder, (personas.holder_party, "CA", SHARE), title="Сарыарқа және Алатау")
    exact = f.make_work(personas.holder, (personas.holder_party, "CA", SHARE), title="Сарыарқа")
    assert _api_titles("сарыарқа") == [exact.title, longer.title]


def test_a_word_typed_right_is_not_taken_for_a_typo(personas, register):
    search = WorkSearch("Сарыарқа")
    assert [tier.name for tier in search.tiers()] == ["exact", "folded"]


@pytest.mark.parametrize(
    ("spellings", "key"),
    [
        (["Сарыарқа", "Сарыарка", "Saryarqa", "Saryarka", "Sarıarqa"], "sariarka"),
        (["Абай", "Abai", "Abay"], "abai"),
        (["Жұлдыз", "Jūldyz", "Zhuldyz", "Жулдыз"], "juldiz"),
        (["Ерлан", "Yerlan", "Erlan"], "erlan"),
        (["Наталья", "Natalya", "Natalia"], "natalia"),
        (["Щедрый", "Shchedryi", "Şçedryi"], "shedri"),
    ],
)
def test_every_spelling_of_a_word_has_one_search_key(spellings, key):
    assert {search_key(s) for s in spellings} == {key}


def test_kazakh_letters_fold_to_the_letters_typed_in_their_place():
    assert (
        fold("Әке, ғашық, қазақ, аң, өзен, ұл, үй, Һ, ішкі") == "аке, гашык, казак, ан, озен, ул, уй, х, ишки"
    )


def test_the_benchmark_noise_is_what_it_says():
    rng = random.Random(3)
    clean = "сарыарқа айгүл"
    assert noise.make_noisy("kazakh_letters", clean, rng) == "сарыарка айгул"
    assert noise.make_noisy("kazakh_letters", "summer love", rng) is None
    assert noise.make_noisy("other_script", "summer love", rng) == "суммер лове"
    for _ in range(50):
        latin = noise.make_noisy("other_script", clean, rng)
        assert latin is not None and not re.search("[а-я]", latin)
        assert [search_key(w) for w in latin.split()] == ["sariarka", "aigul"]
        typo = noise.make_noisy("typo", clean, rng)
        assert typo is not None
        changed = [(a, b) for a, b in zip(clean.split(), typo.split(), strict=True) if a != b]
        assert len(changed) == 1 and one_edit_apart(*changed[0])
