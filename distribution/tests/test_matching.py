"""Matching usage to works, set-based, stage by stage (A46.1.3-identify), and the interface runs read."""

from __future__ import annotations

import datetime as dt

import pytest

from distribution import matching
from distribution.models import ConfirmedMatch, UsageKey
from distribution.tests.helpers import FEBRUARY, JANUARY, embody, lines, recording, report, song
from licensing.tests.usage_fixtures import make_licence
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.statute("A46.1.3-identify")]


@pytest.fixture
def licence(personas):
    return make_licence(personas)


def key_of(**columns):
    return UsageKey.objects.get(**columns)


def run(period=JANUARY, **kwargs):
    matching.refresh_work_keys()
    return matching.match_period(period, **kwargs)


def test_an_isrc_matches_its_recording_and_the_work_it_embodies(personas, licence):
    rec = recording(personas, "Dala", isrc="KZA012600001")
    work = song(personas, "Dala")
    embody(rec, work)
    lines(report(licence), [{"isrc": "KZA012600001", "title": "whatever", "plays": 3}])
    run()
    key = key_of(isrc="KZA012600001")
    assert (key.status, key.stage, key.recording_id, key.work_id) == ("matched", 1, rec.pk, work.pk)


def test_an_isrc_in_small_letters_matches_and_one_with_a_dash_in_its_twelve_places_does_not(
    personas, licence
):
    rec = recording(personas, "Dala", isrc="KZA012600001")
    lines(
        report(licence),
        [
            {"isrc": "kza012600001", "title": "x", "plays": 1},
            {"isrc": "KZA01-600001", "title": "x", "plays": 1},
        ],
    )
    run()
    assert (key_of(isrc="kza012600001").stage, key_of(isrc="kza012600001").recording_id) == (1, rec.pk)
    assert key_of(isrc="KZA01-600001").recording_id is None


def test_an_iswc_written_with_dots_and_dashes_matches_its_work(personas, licence):
    iswc = f.make_iswc()
    work = song(personas, "Kôktem", iswc=iswc)
    written = f"{iswc[0]}-{iswc[1:4]}.{iswc[4:7]}.{iswc[7:10]}-{iswc[10]}"
    lines(report(licence), [{"iswc": written, "plays": 2}])
    run()
    key = key_of(iswc=written)
    assert (key.status, key.stage, key.work_id, key.recording_id) == ("matched", 1, work.pk, None)


def test_a_title_and_artist_in_cyrillic_match_a_recording_registered_in_latin(personas, licence):
    rec = recording(personas, "Saryarqa")  # performer: Aigul Serikova / Айгүл Серікова
    lines(
        report(licence),
        [
            {"title": "САРЫАРҚА", "artist": "Айгуль Серикова feat. Ерлан", "plays": 4},
            {"title": "Sary-Arka!", "artist": "aigul serikova, Yerlan Akhmetov", "plays": 1},
        ],
    )
    run(fuzzy=False)
    keys = UsageKey.objects.filter(period=JANUARY)
    assert {(k.status, k.stage, k.recording_id) for k in keys} == {("matched", 3, rec.pk)}


def test_two_recordings_with_the_same_title_and_artist_go_to_review_with_both(personas, licence):
    first = recording(personas, "Aq Jelken")
    second = recording(personas, "Ақ Желкен")
    lines(report(licence), [{"title": "Ak Zhelken", "artist": "Aigul Serikova"}])
    run(fuzzy=False)
    key = key_of(title="Ak Zhelken")
    assert (key.status, key.stage, key.recording_id) == ("review", 3, None)
    assert sorted(key.candidates) == sorted([first.pk, second.pk])


def test_usage_nobody_registered_is_unmatched(personas, licence):
    recording(personas, "Saryarqa")
    lines(report(licence), [{"title": "Completely Unknown", "artist": "Nobody"}])
    run()
    assert key_of(title="Completely Unknown").status == "unmatched"


def test_a_typo_matches_by_similarity_and_a_looser_one_goes_to_review(personas, licence):
    rec = recording(personas, "Tolqyndar men Jaghalau")
    lines(
        report(licence),
        [
            {"title": "Tolkyndar men Jagalau", "artist": "Aigul Serikovva"},
            {"title": "Tolkyn men Jaga", "artist": "Aigul Serikova"},
        ],
    )
    run()
    near = key_of(title="Tolkyndar men Jagalau")
    loose = key_of(title="Tolkyn men Jaga")
    assert (near.status, near.stage, near.recording_id) == ("matched", 4, rec.pk)
    assert near.score is not None and near.score >= 94
    assert (loose.status, loose.stage, loose.recording_id) == ("review", 4, None)
    assert loose.candidates == [rec.pk]


def test_a_match_a_cmo_confirmed_is_used_for_its_own_usage_only(personas, licence):
    rec = recording(personas, "Something Else Entirely")
    other_licence = make_licence(personas, cmo=personas.other_cmo)
    row = {"title": "Мой хит", "artist": "Неизвестный"}
    lines(report(licence), [row])
    lines(report(other_licence), [row])
    run()
    mine = UsageKey.objects.get(cmo=personas.cmo)
    ConfirmedMatch.objects.create(
        cmo=personas.cmo, nkey=mine.nkey, recording=rec, confirmed_by=personas.cmo_staff
    )
    lines(report(licence, period=FEBRUARY), [row], period=FEBRUARY)
    lines(report(other_licence, period=FEBRUARY), [row], period=FEBRUARY)
    run(FEBRUARY)
    ours = UsageKey.objects.get(cmo=personas.cmo, period=FEBRUARY)
    theirs = UsageKey.objects.get(cmo=personas.other_cmo, period=FEBRUARY)
    assert (ours.status, ours.stage, ours.recording_id) == ("matched", 2, rec.pk)
    assert theirs.status == "unmatched"


def test_lines_of_replaced_and_duplicate_reports_do_not_count(personas, licence):
    rec = recording(personas, "Dala", isrc="KZA012600001")
    original = report(licence)
    lines(original, [{"isrc": "KZA012600001", "plays": 5}])
    lines(report(licence, status="replaced"), [{"isrc": "KZA012600001", "plays": 7}])
    lines(report(licence, status="duplicate", duplicate_of=original), [{"isrc": "KZA012600009", "plays": 7}])
    run()
    assert list(UsageKey.objects.values_list("isrc", "plays")) == [("KZA012600001", 5)]
    assert [(u.recording_id, u.plays) for u in matching.matched_usage(JANUARY, dt.date(2026, 1, 31))] == [
        (rec.pk, 5)
    ]


def test_matched_usage_sums_plays_and_seconds_per_work_licence_and_month(personas, licence):
    rec = recording(personas, "Dala", isrc="KZA012600001")
    work = song(personas, "Dala")
    embody(rec, work)
    other = song(personas, "Kokserek")
    other_licence = make_licence(personas)
    lines(
        report(licence),
        [
            {"isrc": "KZA012600001", "plays": 3, "duration_s": 600},
            {"isrc": "KZA012600001", "title": "Dala (radio edit)", "plays": 2, "duration_s": 400},
            {"title": "Kokserek", "artist": "Aigul Serikova", "plays": 1, "duration_s": 200},
            {"title": "Unknown", "artist": "Nobody", "plays": 9, "duration_s": 900},
        ],
    )
    lines(report(other_licence), [{"isrc": "KZA012600001", "plays": 4, "duration_s": 800}])
    lines(report(licence, period=FEBRUARY), [{"isrc": "KZA012600001", "plays": 1}], period=FEBRUARY)
    run(JANUARY)
    run(FEBRUARY)
    rows = matching.matched_usage(JANUARY, dt.date(2026, 2, 28))
    assert sorted(rows) == sorted(
        [
            (work.pk, rec.pk, licence.pk, JANUARY, 5, 1000),
            (other.pk, None, licence.pk, JANUARY, 1, 200),
            (work.pk, rec.pk, other_licence.pk, JANUARY, 4, 800),
            (work.pk, rec.pk, licence.pk, FEBRUARY, 1, None),
        ]
    )
    only = matching.matched_usage(JANUARY, dt.date(2026, 1, 31), licence_ids=[other_licence.pk])
    assert only == [(work.pk, rec.pk, other_licence.pk, JANUARY, 4, 800)]


def test_matching_a_period_twice_changes_nothing(personas, licence):
    recording(personas, "Dala", isrc="KZA012600001")
    recording(personas, "Saryarqa")
    lines(
        report(licence),
        [{"isrc": "KZA012600001"}, {"title": "Сарыарқа", "artist": "Айгүл Серікова"}, {"title": "x"}],
    )
    run()
    before = list(UsageKey.objects.order_by("id").values())
    usage = matching.matched_usage(JANUARY, dt.date(2026, 1, 31))
    again = run()
    assert list(UsageKey.objects.order_by("id").values()) == before
    assert matching.matched_usage(JANUARY, dt.date(2026, 1, 31)) == usage
    assert again.identifier == again.key == 0


def test_a_chunk_run_twice_is_a_no_op(personas, licence):
    recording(personas, "Dala", isrc="KZA012600001")
    lines(report(licence), [{"isrc": "KZA012600001"}, {"isrc": "KZA012600002"}])
    matching.refresh_work_keys()
    matching.prepare_period(JANUARY)
    [(lo, hi)] = matching.chunks(JANUARY)
    first = matching.match_chunk(JANUARY, lo, hi)
    second = matching.match_chunk(JANUARY, lo, hi)
    assert (first.identifier, first.unmatched) == (1, 1)
    assert vars(second) == vars(matching.ChunkResult())


def test_a_chunk_whose_key_was_written_meanwhile_writes_the_others_and_leaves_that_one(personas, licence):
    """The month's first gathering lets its chunks insert plainly; a key written after it (by another
    gathering's chunk) sends the chunk back to insert-or-update, so it neither fails nor overwrites."""
    from django.db import connection

    lines(report(licence), [{"title": f"Song {n}"} for n in range(3)])
    matching.prepare_period(JANUARY)
    [(lo, hi)] = matching.chunks(JANUARY)
    with connection.cursor() as cursor:  # the chunk's last key, written as unmatched with no normalized key
        cursor.execute(
            f"""INSERT INTO distribution_usagekey (cmo_id, period, isrc, iswc, title, artist, nkey, block,
                       lines, plays, stage, status, candidates)
                SELECT cmo_id, %s, isrc, iswc, title, artist, '', '', lines, plays, 0, 'unmatched', '{{}}'
                  FROM {matching.staged_table(JANUARY)} WHERE n = %s RETURNING id""",
            [JANUARY, hi],
        )
        [(written,)] = cursor.fetchall()
    result = matching.match_chunk(JANUARY, lo, hi, fuzzy=False)
    assert result.unmatched == 2
    assert UsageKey.objects.count() == 3
    assert UsageKey.objects.get(pk=written).nkey == ""
    assert all(key.nkey for key in UsageKey.objects.exclude(pk=written))


def test_keys_are_split_into_chunks_of_the_given_size(personas, licence):
    lines(report(licence), [{"title": f"Song {n}"} for n in range(5)])
    assert matching.prepare_period(JANUARY) == 5
    ranges = matching.chunks(JANUARY, size=2)
    assert ranges == [(1, 2), (3, 4), (5, 5)]
    written = [vars(matching.match_chunk(JANUARY, lo, hi, fuzzy=False))["unmatched"] for lo, hi in ranges]
    assert written == [2, 2, 1]
    assert sorted(UsageKey.objects.values_list("title", flat=True)) == [f"Song {n}" for n in range(5)]


def test_a_chunk_of_a_month_no_longer_gathered_fails_instead_of_matching_nothing(personas, licence):
    lines(report(licence), [{"title": "Song"}])
    matching.prepare_period(JANUARY)
    [(lo, hi)] = matching.chunks(JANUARY)
    matching.finish_period(JANUARY)
    with pytest.raises(matching.StaleChunk):
        matching.match_chunk(JANUARY, lo, hi)
