"""Searching works by title or name in any script, and by ISWC or ISRC."""

from __future__ import annotations

from decimal import Decimal

import pytest

from registers.models import Work
from registers.search import build_search_text, search_works, transliterate, tsquery_for
from tests import factories as f


def test_kazakh_and_russian_letters_are_transliterated_to_plain_latin():
    assert transliterate("Қош бол, Алматы") == "qosh bol, almaty"
    assert transliterate("Щедрый вечер") == "shchedryi vecher"


def test_search_text_holds_each_part_once_as_written_in_latin_and_as_keys():
    assert build_search_text(["Менің елім", "Менің елім", "", "Love", "Summer"]) == (
        "менің елім menin elim κmenin κelim love κlove summer κsumer"
    )


def test_every_word_typed_must_match_and_the_last_may_be_a_prefix():
    assert tsquery_for("Менің  ел") == "'менің' & 'ел':*"
    assert tsquery_for("love") == "'love':*"
    assert tsquery_for(" , ") is None


@pytest.fixture
def works(personas):
    share = {"PR": Decimal("100")}
    elim = f.make_work(
        personas.holder, (personas.holder_party, "CA", share), title="Менің елім", iswc=f.make_iswc()
    )
    love = f.make_work(personas.other_holder, (personas.other_party, "CA", share), title="Summer love")
    return elim, love


def test_a_work_is_found_by_a_prefix_of_its_title_in_latin_letters(works):
    elim, _ = works
    assert list(search_works(Work.objects.all(), "menin el")) == [elim]


def test_a_work_is_found_by_its_contributors_name_in_another_script(works):
    _, love = works
    assert list(search_works(Work.objects.all(), "Ерлан")) == [love]  # registered as "Yerlan"… and "Ерлан"


def test_a_work_is_found_by_its_iswc_with_or_without_punctuation(works):
    elim, _ = works
    dotted = f"{elim.iswc[0]}-{elim.iswc[1:4]}.{elim.iswc[4:7]}.{elim.iswc[7:10]}-{elim.iswc[10]}"
    assert list(search_works(Work.objects.all(), dotted)) == [elim]


def test_only_the_last_word_typed_is_a_prefix(works):
    elim, _ = works
    assert list(search_works(Work.objects.all(), "менің е")) == [elim]
    assert not search_works(Work.objects.all(), "мен елім").exists()


def test_words_that_match_nothing_find_nothing(works):
    assert not search_works(Work.objects.all(), "менің summer").exists()
    assert not search_works(Work.objects.all(), "   ").exists()
