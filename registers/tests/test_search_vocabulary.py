"""The vocabulary behind typo tolerance is kept by the database, whichever way works are written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from demo import wordlists
from demo.synthetic import load_synthetic
from registers.actions import change_work
from registers.models import SearchDeletion, SearchWord, Work
from registers.search import fold, search_key
from registers.vocabulary import corrections, deletions
from tests import factories as f

SHARE = {"PR": Decimal("100")}


def vocabulary() -> dict[str, int]:
    return dict(SearchWord.objects.values_list("word", "frequency"))


def recount() -> dict[str, int]:
    """The vocabulary as it should be: every word of every work's search vector, counted afresh."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT w, count(*) FROM registers_work, unnest(tsvector_to_array(search)) AS w
             WHERE length(w) > 1 AND w !~ '[0-9]' GROUP BY w
            """
        )
        return dict(cursor.fetchall())


def neighbourhood(word: str) -> set[str]:
    return set(SearchDeletion.objects.filter(folded=word).values_list("deletion", flat=True))


def test_registering_a_work_adds_its_words_keys_and_their_neighbourhoods(personas):
    f.make_work(personas.holder, (personas.holder_party, "CA", SHARE), title="Сарыарқа")
    words = vocabulary()
    assert words["сарыарқа"] == words["saryarqa"] == words["κsariarka"] == 1  # as written, in Latin, key
    assert SearchWord.objects.get(word="saryarqa").folded == "sariarka"
    assert SearchWord.objects.get(word="κsariarka").folded == "sariarka"
    assert neighbourhood("sariarka") == deletions("sariarka")
    assert neighbourhood("сарыарка") == deletions("сарыарка")  # Cyrillic words folded have one too
    assert neighbourhood("saryarqa") == set()  # a spelling that is neither
    assert words == recount()


def test_retitling_a_work_moves_its_count_from_the_old_words_to_the_new(personas):
    work = f.make_work(personas.holder, (personas.holder_party, "CA", SHARE), title="Көктем әні")
    f.make_work(personas.holder, (personas.holder_party, "CA", SHARE), title="Көктем")
    assert vocabulary()["κkoktem"] == 2
    change_work(work, by=personas.operator, reason="Ticket 7: misprint", title="Күз әні")
    words = vocabulary()
    assert words["κkoktem"] == 1 and words["κkuz"] == 1 and words["κani"] == 1
    assert neighbourhood("kuz") == deletions("kuz") and neighbourhood("куз") == deletions("куз")
    assert words == recount()


def test_deleting_a_work_removes_words_no_other_work_has(personas):
    work = f.make_work(personas.holder, (personas.holder_party, "CA", SHARE), title="Ақбота")
    f.make_work(personas.holder, (personas.holder_party, "CA", SHARE), title="Бесік жыры")
    Work.objects.filter(pk=work.pk).delete()
    words = vocabulary()
    assert "κakbota" not in words and "ақбота" not in words
    assert neighbourhood("akbota") == neighbourhood("акбота") == set()
    assert words["κbesik"] == 1 and neighbourhood("besik") == deletions("besik")
    assert "κserikova" in words  # the writer's name is still in the other work
    assert words == recount()


def test_a_statement_that_changes_many_works_updates_the_vocabulary_once(personas):
    for title in ("Алтын", "Күміс", "Алтын күз"):
        f.make_work(personas.holder, (personas.holder_party, "CA", SHARE), title=title)
    Work.objects.filter(title__startswith="Алтын").update(search_text="жаңа")
    words = vocabulary()
    assert words["жаңа"] == 2 and "κaltin" not in words and words["κkumis"] == 1
    assert words == recount()


def test_a_bulk_load_without_triggers_fills_the_vocabulary_too(db):
    load_synthetic(works=150, holders=30)
    assert vocabulary() == recount() != {}
    some_key = next(w[1:] for w in vocabulary() if w.startswith("κ") and len(w) > 4)
    assert neighbourhood(some_key) == deletions(some_key)


def test_words_one_typo_away_are_offered_for_a_mistyped_word_only(personas):
    f.make_work(personas.holder, (personas.holder_party, "CA", SHARE), title="Summer love")
    assert corrections(["lvoe", "sumer"], min_length=3) == {"lvoe": ["love"]}  # keys, as queries give
    assert corrections(["lov"], min_length=3, prefixes=["lov"]) == {}  # still being typed: "love"
    assert corrections(["somer"], min_length=3) == {"somer": ["sumer"]}  # keys: double letters are one


@pytest.mark.django_db
def test_the_databases_folding_is_the_same_as_pythons():
    words = sorted(
        {w for w in (*wordlists.KK_WORDS, *wordlists.RU_WORDS, *wordlists.EN_WORDS)}
        | {n.lower() for names in (*wordlists.KZ_GIVEN, *wordlists.KZ_SURNAMES) for n in names[:2]}
        | {"jūldyz", "sarıarqa", "şañyraq", "çeşme", "yerlan", "dmitriy", "ёлка", "щедрый", "xenia", "kkh"}
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w, registers_search_key(w), registers_search_fold(w) FROM unnest(%s::text[]) AS w",
            [words],
        )
        rows = cursor.fetchall()
    assert [(w, search_key(w), fold(w)) for w in words] == rows
    assert all(search_key(search_key(w)) == search_key(w) for w in words)  # a key is its own key
