"""The CMO's review queue (A46.1.3-identify): staff see only their CMO's usage, confirm a candidate or pick
a work, and the confirmation is used in the next period; the same on the page and in the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from distribution import matching
from distribution.models import ConfirmedMatch, UsageKey
from distribution.tests.helpers import FEBRUARY, JANUARY, embody, lines, recording, report, song
from licensing.tests.usage_fixtures import make_licence
from tests.factories import signed_in

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.statute("A46.1.3-identify"),
    pytest.mark.usefixtures("english"),
]


@pytest.fixture
def queue(personas):
    """KAZ has one key for review (two recordings with one title and artist) and one unmatched; QAZ one
    unmatched key of its own."""
    first = recording(personas, "Aq Jelken")
    second = recording(personas, "Ақ Желкен")
    lines(report(make_licence(personas)), [{"title": "Ak Zhelken", "artist": "Aigul Serikova", "plays": 3},
                                           {"title": "Kim bilgen", "artist": "Nobody"}])  # fmt: skip
    lines(report(make_licence(personas, cmo=personas.other_cmo)), [{"title": "QAZ only", "artist": "X"}])
    matching.refresh_work_keys()
    matching.match_period(JANUARY)
    return {
        "review": UsageKey.objects.get(title="Ak Zhelken"),
        "unmatched": UsageKey.objects.get(title="Kim bilgen"),
        "theirs": UsageKey.objects.get(title="QAZ only"),
        "first": first,
        "second": second,
    }


def test_staff_see_their_cmos_queue_with_the_candidates(personas, queue):
    html = signed_in(personas.cmo_staff).get(reverse("distribution_cmo:review")).content.decode()
    assert "Ak Zhelken" in html and "Kim bilgen" in html and "QAZ only" not in html
    assert f"No. {queue['first'].pk}" in html and f"No. {queue['second'].pk}" in html
    other = signed_in(personas.other_cmo_staff).get(reverse("distribution_cmo:review")).content.decode()
    assert "QAZ only" in other and "Ak Zhelken" not in other


@pytest.mark.parametrize("who", ["anonymous", "holder", "licensee", "regulator", "operator"])
def test_nobody_but_cmo_staff_reaches_the_queue(personas, client, queue, who):
    c = client if who == "anonymous" else signed_in(getattr(personas, who))
    response = c.get(reverse("distribution_cmo:review"))
    assert response.status_code in (302, 403)
    assert b"Ak Zhelken" not in response.content


def test_it_checks_ownership_staff_of_another_cmo_cannot_decide_a_key(personas, queue):
    key = queue["review"]
    c = signed_in(personas.other_cmo_staff)
    assert (
        c.post(reverse("distribution_cmo:confirm", args=[key.pk]), {"work": queue["first"].pk}).status_code
        == 404
    )
    assert c.post(f"/api/match-review/{key.pk}/confirm/", {"work": queue["first"].pk}).status_code == 404
    assert c.get(f"/api/match-review/{key.pk}/").status_code == 404
    key.refresh_from_db()
    assert key.status == "review" and not ConfirmedMatch.objects.exists()


def test_a_confirmed_candidate_is_matched_and_used_by_stage_2_next_month(personas, queue):
    key, chosen = queue["review"], queue["second"]
    work = song(personas, "Aq Jelken (song)")
    embody(chosen, work)
    response = signed_in(personas.cmo_staff).post(
        reverse("distribution_cmo:confirm", args=[key.pk]), {"work": chosen.pk}
    )
    assert response.status_code == 302
    key.refresh_from_db()
    assert (key.status, key.stage, key.recording_id, key.work_id, key.decided_by) == (
        "matched",
        2,
        chosen.pk,
        work.pk,
        personas.cmo_staff,
    )
    lines(report(make_licence(personas), period=FEBRUARY), [{"title": "АҚ ЖЕЛКЕН", "artist": "Айгүл Серікова"}],
          period=FEBRUARY)  # fmt: skip
    matching.match_period(FEBRUARY)
    later = UsageKey.objects.get(period=FEBRUARY)
    assert (later.status, later.stage, later.recording_id) == ("matched", 2, chosen.pk)


def test_a_number_that_is_no_work_is_named_and_nothing_changes(personas, queue):
    key = queue["unmatched"]
    response = signed_in(personas.cmo_staff).post(
        reverse("distribution_cmo:confirm", args=[key.pk]), {"work": 999999}
    )
    assert response.status_code == 400
    assert "No musical work or recording has this number." in response.content.decode()
    key.refresh_from_db()
    assert key.status == "unmatched" and not ConfirmedMatch.objects.exists()


def test_the_api_lists_the_queue_and_confirms_a_work_by_number(personas, queue):
    c = signed_in(personas.cmo_staff)
    listed = c.get("/api/match-review/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert {row["title"] for row in rows} == {"Ak Zhelken", "Kim bilgen"}
    assert signed_in(personas.holder).get("/api/match-review/").json() in ([], {"count": 0, "next": None,
                                                                                 "previous": None, "results": []})  # fmt: skip
    key = queue["unmatched"]
    answer = c.post(
        f"/api/match-review/{key.pk}/confirm/", {"work": queue["first"].pk}, content_type="application/json"
    )
    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["recording"]) == ("matched", queue["first"].pk)
    assert ConfirmedMatch.objects.get().recording_id == queue["first"].pk


def test_none_of_the_candidates_leaves_the_key_unmatched_and_decided(personas, queue):
    key = queue["review"]
    assert signed_in(personas.cmo_staff).post(f"/api/match-review/{key.pk}/unmatched/").status_code == 200
    key.refresh_from_db()
    assert (key.status, key.decided_by) == ("unmatched", personas.cmo_staff)
    matching.match_period(JANUARY)  # a decided key is not tried again
    key.refresh_from_db()
    assert key.status == "unmatched" and key.decided_by == personas.cmo_staff


def test_the_cmo_dashboard_counts_its_own_usage_to_identify(personas, queue):
    from udp.accounts.consoles import cards_for

    ours = {card.key: card for card in cards_for("cmo", personas.cmo_staff)}
    theirs = {card.key: card for card in cards_for("cmo", personas.other_cmo_staff)}
    assert ours["match-review"].count == 2
    assert theirs["match-review"].count == 1
    assert "unidentified-usage" in {card.key for card in cards_for("portal", personas.holder)}
