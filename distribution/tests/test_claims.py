"""Holders claim unmatched usage from the portal and the CMO whose usage it is decides (A46.1.3-identify)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from distribution import matching
from distribution.models import ConfirmedMatch, UsageClaim, UsageKey
from distribution.tests.helpers import JANUARY, lines, recording, report
from licensing.tests.usage_fixtures import make_licence
from tests.factories import signed_in

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.statute("A46.1.3-identify"),
    pytest.mark.usefixtures("english"),
]


@pytest.fixture
def unmatched(personas):
    lines(report(make_licence(personas)), [{"title": "Tun", "artist": "A. Serikova", "plays": 7}])
    matching.refresh_work_keys()
    matching.match_period(JANUARY)
    key = UsageKey.objects.get()
    assert key.status == "unmatched"
    return key


def test_a_holder_claims_unmatched_usage_and_the_cmo_accepts_it(personas, unmatched):
    mine = recording(personas, "Tün")
    holder = signed_in(personas.holder)
    page = holder.get(reverse("distribution_portal:unmatched")).content.decode()
    assert "Tun" in page
    response = holder.post(
        reverse("distribution_portal:claim", args=[unmatched.pk]), {"work": mine.pk, "note": "my song"}
    )
    assert response.status_code == 302
    claim = UsageClaim.objects.get()
    assert (claim.status, claim.party, claim.work) == ("pending", personas.holder_party, mine)
    staff = signed_in(personas.cmo_staff)
    assert "my song" in staff.get(reverse("distribution_cmo:claims")).content.decode()
    assert (
        staff.post(reverse("distribution_cmo:decide", args=[claim.pk]), {"accept": "on"}).status_code == 302
    )
    claim.refresh_from_db()
    unmatched.refresh_from_db()
    assert claim.status == "accepted"
    assert (unmatched.status, unmatched.stage, unmatched.recording_id) == ("matched", 2, mine.pk)
    assert ConfirmedMatch.objects.get().recording_id == mine.pk


def test_a_holder_claims_only_with_their_own_works(personas, unmatched):
    theirs = recording(personas, "Tun", performer=personas.other_party, by=personas.other_holder)
    response = signed_in(personas.holder).post(
        reverse("distribution_portal:claim", args=[unmatched.pk]), {"work": theirs.pk}
    )
    assert response.status_code == 400
    answer = signed_in(personas.holder).post(
        "/api/usage-claims/", {"key": unmatched.pk, "work": theirs.pk}, content_type="application/json"
    )
    assert answer.status_code == 400
    assert not UsageClaim.objects.exists()


def test_it_checks_ownership_only_the_usages_cmo_decides_and_a_refusal_needs_a_reason(personas, unmatched):
    mine = recording(personas, "Tün")
    answer = signed_in(personas.holder).post(
        "/api/usage-claims/", {"key": unmatched.pk, "work": mine.pk}, content_type="application/json"
    )
    assert answer.status_code == 201
    claim = UsageClaim.objects.get()
    other = signed_in(personas.other_cmo_staff)
    assert (
        other.post(
            f"/api/usage-claims/{claim.pk}/decide/", {"accept": True}, content_type="application/json"
        ).status_code
        == 404
    )
    assert signed_in(personas.other_holder).get(f"/api/usage-claims/{claim.pk}/").status_code == 404
    assert (
        signed_in(personas.holder)
        .post(f"/api/usage-claims/{claim.pk}/decide/", {"accept": True}, content_type="application/json")
        .status_code
        == 404
    )
    staff = signed_in(personas.cmo_staff)
    refused = staff.post(
        f"/api/usage-claims/{claim.pk}/decide/", {"accept": False}, content_type="application/json"
    )
    assert refused.status_code == 400
    refused = staff.post(f"/api/usage-claims/{claim.pk}/decide/", {"accept": False, "reason": "Another work"},
                         content_type="application/json")  # fmt: skip
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    unmatched.refresh_from_db()
    assert unmatched.status == "unmatched"


@pytest.mark.parametrize("who", ["anonymous", "licensee", "cmo_staff", "regulator"])
def test_only_holders_see_unidentified_usage(personas, client, unmatched, who):
    c = client if who == "anonymous" else signed_in(getattr(personas, who))
    assert b"A. Serikova" not in c.get(reverse("distribution_portal:unmatched")).content
    if who != "anonymous":
        listed = c.get("/api/unmatched-usage/").json()
        assert (listed["results"] if isinstance(listed, dict) else listed) == []


@pytest.mark.statute("A46.1.3-identify")
def test_a_holder_searches_unidentified_usage_by_title_or_performer_on_the_page_and_in_the_api(
    personas, unmatched
):
    holder = signed_in(personas.holder)
    for q, found in (("tun", True), ("serikova", True), ("Kok", False), ("", True)):
        page = holder.get(reverse("distribution_portal:unmatched"), {"q": q}).content.decode()
        listed = holder.get("/api/unmatched-usage/", {"q": q}).json()["results"]
        assert ("A. Serikova" in page) is found, q
        assert [row["id"] for row in listed] == ([unmatched.pk] if found else []), q


def _quarter_run(personas, work):
    import datetime as dt
    from decimal import Decimal

    from distribution.runs import start_run
    from registers.models import Area

    return start_run(
        personas.cmo, Area.objects.get(item=1), JANUARY, dt.date(2026, 3, 31), by=personas.cmo_staff,
        weights={work.pk: 1}, pool_tiyn=10_000, costs_percent=Decimal("10"),
    )  # fmt: skip


def test_a_claim_accepted_while_the_month_s_run_awaits_approval_calculates_it_again_and_the_holder_is_told(
    personas, unmatched, django_capture_on_commit_callbacks
):
    from distribution.claims import decide_claim, file_claim
    from distribution.models import RunRequest
    from distribution.notices import USAGE_CLAIM_ACCEPTED
    from udp.notices.models import Notice

    mine = recording(personas, "Tün")
    run = _quarter_run(personas, mine)
    claim = file_claim(unmatched, work_id=mine.pk, by=personas.holder)
    with django_capture_on_commit_callbacks(execute=True):
        decide_claim(claim, accept=True, by=personas.cmo_admin)
    # the run is asked for again, with its deductions, by the person who accepted the claim
    asked = RunRequest.objects.get()
    assert (asked.period_start, asked.period_end, asked.requested_by, asked.costs_percent) == (
        run.period_start, run.period_end, personas.cmo_admin, run.costs_percent,
    )  # fmt: skip
    told = Notice.objects.get(recipient=personas.holder, code=USAGE_CLAIM_ACCEPTED)
    assert "counts for your work" in told.message and "Tün" in told.message
    from distribution.notices import tell_holder_usage_claim_decided

    assert tell_holder_usage_claim_decided(claim.pk) == 0  # told once


def test_a_claim_accepted_after_the_month_s_run_was_approved_tells_the_holder_to_ask_for_a_correction(
    personas, unmatched, django_capture_on_commit_callbacks
):
    from distribution.claims import decide_claim, file_claim
    from distribution.models import RunRequest
    from distribution.notices import USAGE_CLAIM_ACCEPTED_LATE, USAGE_CLAIM_REFUSED
    from distribution.runs import approve_run
    from udp.notices.models import Notice

    mine = recording(personas, "Tün")
    approve_run(_quarter_run(personas, mine), by=personas.cmo_admin)
    first = file_claim(unmatched, work_id=mine.pk, by=personas.holder)
    with django_capture_on_commit_callbacks(execute=True):
        decide_claim(first, accept=False, reason="Another recording", by=personas.cmo_staff)
    refused = Notice.objects.get(recipient=personas.holder, code=USAGE_CLAIM_REFUSED)
    assert "Another recording" in refused.message
    second = file_claim(unmatched, work_id=mine.pk, by=personas.holder)
    with django_capture_on_commit_callbacks(execute=True):
        decide_claim(second, accept=True, by=personas.cmo_staff)
    assert not RunRequest.objects.exists()  # an approved run is not calculated again
    late = Notice.objects.get(recipient=personas.holder, code=USAGE_CLAIM_ACCEPTED_LATE)
    assert "correct it" in late.message and late.link == reverse("distribution_portal:unmatched")
