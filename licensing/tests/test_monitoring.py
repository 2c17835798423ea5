"""Monitoring feeds: providers push detections with their own key; each report period is reconciled against
the user's report; the user confirms or disputes; the CMO and the authorized body see under-reporting."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test import Client

from licensing import monitoring, reconciling
from licensing.models import (
    Detection,
    Licence,
    LineAnswer,
    MonitoringProvider,
    ProviderKey,
    Reconciliation,
    ReconciliationStatus,
)
from licensing.monitoring_access import flags_visible_to, get_line_for_user
from licensing.tasks import reconcile_monitoring
from licensing.tests.monitoring_rows import make_licence, make_provider, make_site
from tests import factories as f
from udp.accounts.actions import issue_api_key
from udp.accounts.models import Role
from udp.notices.models import Notice

pytestmark = pytest.mark.usefixtures("english")

JANUARY = (dt.date(2026, 1, 1), dt.date(2026, 1, 31))


@pytest.fixture
def world(personas: Any) -> dict[str, Any]:
    licence = make_licence(personas.licensee.licensee, personas.cmo, by=personas.licensee)
    provider = make_provider(personas.operator)
    make_site(personas.operator, provider, licence, "RADIO-1")
    _api_key, secret = monitoring.issue_provider_key(provider, by=personas.operator)
    return {"licence": licence, "provider": provider, "secret": secret}


def _push(secret: str, items: list[Any]) -> Any:
    client = Client(headers={"authorization": f"Api-Key {secret}"})
    return client.post("/api/monitoring/detections/", {"detections": items}, content_type="application/json")


def _plays(isrc: str, n: int, *, site: str = "RADIO-1", day: int = 10) -> list[dict[str, Any]]:
    return [
        {"isrc": isrc, "site": site, "detected_at": f"2026-01-{day:02d}T{h // 60:02d}:{h % 60:02d}:00+05:00"}
        for h in range(n)
    ]


def test_a_push_names_the_bad_items_and_keeps_the_good(world: dict[str, Any]) -> None:
    items = [
        {
            "isrc": "KZ-A01-25-00001",
            "site": "RADIO-1",
            "detected_at": "2026-01-10T12:00:00+05:00",
            "duration_s": 180,
        },
        {"isrc": "NOT-AN-ISRC", "site": "RADIO-1", "detected_at": "2026-01-10T12:05:00+05:00"},
        {"isrc": "KZA012500002", "site": "TV-9", "detected_at": "2026-01-10T12:10:00+05:00"},
        {"isrc": "KZA012500003", "site": "RADIO-1", "detected_at": "2027-02-01T12:00:00+05:00"},
        {"isrc": "KZA012500004", "site": "RADIO-1", "detected_at": "yesterday"},
        {
            "isrc": "KZA012500005",
            "site": "RADIO-1",
            "detected_at": "2026-01-10T12:20:00+05:00",
            "duration_s": -3,
        },
        "not an object",
        {"isrc": "KZA012500007", "site": "RADIO-1", "detected_at": "2026-02-30T10:00:00+05:00"},
        {
            "isrc": "KZA012500008",
            "site": "RADIO-1",
            "detected_at": "2026-01-10T12:30:00+05:00",
            "duration_s": 10**12,
        },
        {"isrc": "kza012500006", "site": "RADIO-1", "detected_at": "2026-01-11T08:00:00+05:00"},
    ]
    answer = _push(world["secret"], items)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["received"], body["stored"], body["duplicates"]) == (10, 2, 0)
    assert [(e["index"], e["code"]) for e in body["rejected"]] == [
        (1, "isrc"), (2, "site"), (3, "outside_licence"), (4, "detected_at"), (5, "duration_s"), (6, "format"),
        (7, "detected_at"), (8, "duration_s"),
    ]  # fmt: skip
    stored = Detection.objects.order_by("detected_at")
    assert [d.isrc for d in stored] == ["KZA012500001", "KZA012500006"]
    assert stored[0].duration_s == 180 and stored[0].licence == world["licence"]


def test_a_detection_pushed_again_is_counted_once(world: dict[str, Any]) -> None:
    items = _plays("KZA012500001", 3)
    assert _push(world["secret"], items).json()["stored"] == 3
    again = _push(world["secret"], items + items[:1]).json()
    assert (again["stored"], again["duplicates"]) == (0, 4)
    assert Detection.objects.count() == 3
    recon = reconciling.reconcile(world["licence"], *JANUARY)
    assert recon.detected == 3


def test_a_key_without_the_scope_or_of_no_provider_is_refused(personas: Any, world: dict[str, Any]) -> None:
    items = _plays("KZA012500001", 1)
    reader, reader_secret = issue_api_key(by=personas.operator, name="reader", scopes=["registers:read"])
    ProviderKey.objects.create(provider=world["provider"], api_key=reader)
    refused = _push(reader_secret, items)
    assert refused.status_code == 403 and "monitoring:write" in refused.json()["detail"]
    # a key with the scope that is no provider's (the user's own key): refused as well
    _own, own_secret = issue_api_key(by=personas.licensee, name="own", scopes=["monitoring:write"])
    assert _push(own_secret, items).status_code == 403
    # a person signed in is no provider
    person = f.signed_in(personas.operator).post(
        "/api/monitoring/detections/", {"detections": items}, content_type="application/json"
    )
    assert person.status_code == 403
    # a suspended provider's key stops
    monitoring.set_provider_active(world["provider"], by=personas.operator, active=False)
    assert _push(world["secret"], items).status_code == 403
    assert not Detection.objects.exists()


def test_a_provider_cannot_push_for_a_site_it_does_not_own(personas: Any, world: dict[str, Any]) -> None:
    other = make_provider(personas.operator, name="CountCo")
    make_site(personas.operator, other, world["licence"], "CLUB-7")
    _key, other_secret = monitoring.issue_provider_key(other, by=personas.operator)
    body = _push(world["secret"], _plays("KZA012500001", 1, site="CLUB-7")).json()
    assert body["stored"] == 0 and body["rejected"][0]["code"] == "site"
    assert _push(other_secret, _plays("KZA012500001", 1, site="CLUB-7")).json()["stored"] == 1
    assert (
        _push(other_secret, _plays("KZA012500001", 1, site="RADIO-1")).json()["rejected"][0]["code"] == "site"
    )


def _report(licence: Licence, plays: dict[str, int]) -> None:
    """The user's usage lines for January in the real tables: an accepted report, and a replaced one whose
    lines must not count (and a report of another licence, which must not count either)."""
    from licensing.models import UsageReport
    from licensing.usage.ingest import ensure_partition

    def report(on: Licence, status: str, n: int) -> UsageReport:
        return UsageReport.objects.create(
            licence=on, period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 1, 31), format="csv",
            file=f"usage/test-{n}.csv", sha256=f"{n:064d}", policy="keep_good", status=status,
            submitted_by=on.created_by,
        )  # fmt: skip

    accepted, replaced = report(licence, "accepted", 1), report(licence, "replaced", 2)
    other = Licence.objects.exclude(pk=licence.pk).first()
    with connection.cursor() as cursor:
        ensure_partition(cursor, dt.date(2026, 1, 1))
        for line_no, (isrc, n) in enumerate(plays.items(), start=1):
            cursor.execute(
                "INSERT INTO licensing_usage_line (report_id, licence_id, period, line_no, isrc, plays) "
                "VALUES (%s, %s, '2026-01-01', %s, %s, %s), (%s, %s, '2026-01-01', %s, %s, 1000)",
                [accepted.pk, licence.pk, line_no, isrc, n, replaced.pk, licence.pk, line_no, isrc],
            )
        if other is not None:
            counted_elsewhere = report(other, "accepted", 3)
            cursor.execute(
                "INSERT INTO licensing_usage_line (report_id, licence_id, period, line_no, isrc, plays) "
                "SELECT %s, %s, '2026-01-01', 1, isrc, 1000 FROM unnest(%s::text[]) AS isrc",
                [counted_elsewhere.pk, other.pk, list(plays)],
            )


def test_reconciliation_figures_and_the_under_reporting_threshold(
    personas: Any, world: dict[str, Any]
) -> None:
    detected = {
        "KZA012500001": 12,
        "KZA012500002": 3,
        "KZA012500004": 52,
        "KZA012500005": 60,
        "KZA012500006": 65,
    }
    reported = {
        "KZA012500001": 5,
        "KZA012500003": 4,
        "KZA012500004": 50,
        "KZA012500005": 54,
        "KZA012500006": 60,
    }
    for isrc, n in detected.items():
        _push(world["secret"], _plays(isrc, n))
    # a play in February is not January's
    _push(world["secret"], _plays("KZA012500001", 1, day=10)[:0] + [
        {"isrc": "KZA012500001", "site": "RADIO-1", "detected_at": "2026-02-01T00:30:00+05:00"}
    ])  # fmt: skip
    _report(world["licence"], reported)
    assert reconciling.reported_plays(world["licence"], *JANUARY) == reported

    recon = reconciling.reconcile(world["licence"], *JANUARY)
    lines = {
        line.isrc: (line.detected, line.reported, line.difference, line.flagged) for line in recon.lines.all()
    }
    assert lines == {
        "KZA012500001": (12, 5, 7, True),  # 7 more, 140 %
        "KZA012500002": (3, 0, 3, False),  # fewer than 5 plays
        "KZA012500003": (0, 4, -4, False),  # over-reported
        "KZA012500004": (52, 50, 2, False),
        "KZA012500005": (60, 54, 6, True),  # 6 more, 11 %
        "KZA012500006": (65, 60, 5, False),  # 5 more, but 8 %
    }
    assert (recon.detected, recon.reported, recon.recordings, recon.differing) == (192, 173, 6, 6)
    assert recon.flagged and recon.status == ReconciliationStatus.OPEN
    assert Notice.objects.filter(recipient=personas.licensee, code="reconciliation_ready").exists()
    assert Notice.objects.filter(recipient=personas.cmo_staff, code="reconciliation_flagged").exists()
    assert not Notice.objects.filter(
        recipient=personas.other_cmo_staff, code="reconciliation_flagged"
    ).exists()


def test_without_usage_lines_every_detection_is_under_reported(world: dict[str, Any]) -> None:
    _push(world["secret"], _plays("KZA012500001", 6))
    recon = reconciling.reconcile(world["licence"], *JANUARY)
    line = recon.lines.get()
    assert (line.detected, line.reported, line.difference, line.flagged) == (6, 0, 6, True)


def test_only_the_user_confirms_or_disputes(personas: Any, world: dict[str, Any]) -> None:
    _push(world["secret"], _plays("KZA012500001", 6) + _plays("KZA012500002", 2))
    recon = reconciling.reconcile(world["licence"], *JANUARY)
    first, second = recon.lines.order_by("isrc")
    stranger = f.make_account("club@example.kz", Role.LICENSEE, licensee=f.make_licensee())
    for who in (personas.cmo_staff, personas.regulator, personas.operator, stranger):
        with pytest.raises(PermissionError):
            reconciling.answer_line(first, by=who, confirm=True)
    with pytest.raises(Http404):
        get_line_for_user(personas.cmo_staff, first.pk, write=True)
    assert (
        f.signed_in(stranger)
        .post(f"/api/monitoring/lines/{first.pk}/answer/", {"confirm": True}, content_type="application/json")
        .status_code
        == 404
    )
    assert (
        f.signed_in(personas.cmo_admin)
        .post(f"/space/monitoring/lines/{first.pk}/answer/", {"confirm": "1"})
        .status_code
        == 403
    )

    with pytest.raises(ValidationError):
        reconciling.answer_line(first, by=personas.licensee, confirm=False, reason=" ")
    user = f.signed_in(personas.licensee)
    assert user.post(f"/space/monitoring/lines/{first.pk}/answer/", {"confirm": "1"}).status_code == 302
    recon.refresh_from_db()
    assert recon.status == ReconciliationStatus.OPEN
    answered = user.post(
        f"/api/monitoring/lines/{second.pk}/answer/",
        {"confirm": False, "reason": "Played at a private event, not on air"},
        content_type="application/json",
    )
    assert answered.status_code == 200 and answered.json()["answer"] == LineAnswer.DISPUTED
    recon.refresh_from_db()
    assert recon.status == ReconciliationStatus.DISPUTED
    # answered: computing again changes nothing
    _push(world["secret"], _plays("KZA012500003", 9))
    assert reconciling.reconcile(world["licence"], *JANUARY).lines.count() == 2


def test_the_cmo_sees_only_its_own_licences_flags(personas: Any, world: dict[str, Any]) -> None:
    theirs = make_licence(personas.licensee.licensee, personas.other_cmo, by=personas.licensee)
    make_site(personas.operator, world["provider"], theirs, "RADIO-2")
    _push(world["secret"], _plays("KZA012500001", 8) + _plays("KZA012500001", 8, site="RADIO-2"))
    ours = reconciling.reconcile(world["licence"], *JANUARY)
    other = reconciling.reconcile(theirs, *JANUARY)
    assert ours.flagged and other.flagged

    assert list(flags_visible_to(personas.cmo_staff)) == [ours]
    assert list(flags_visible_to(personas.other_cmo_staff)) == [other]
    assert set(flags_visible_to(personas.regulator)) == {ours, other}
    assert not flags_visible_to(personas.licensee).exists()

    api = f.signed_in(personas.cmo_staff).get("/api/monitoring/reconciliations/flags/").json()
    assert [r["id"] for r in api] == [ours.pk] and api[0]["lines"][0]["detected"] == 8
    staff = f.signed_in(personas.cmo_staff)
    assert staff.get(f"/cmo/monitoring/{ours.pk}/").status_code == 200
    assert staff.get(f"/cmo/monitoring/{other.pk}/").status_code == 404
    page = staff.get("/cmo/monitoring/")
    assert (
        theirs.contract.number.encode() not in page.content
        and world["licence"].contract.number.encode() in page.content
    )
    assert f.signed_in(personas.regulator).get(f"/regulator/monitoring/{other.pk}/").status_code == 200


def test_the_periodic_task_reconciles_closed_periods_once(world: dict[str, Any], clock: Any) -> None:
    _push(world["secret"], _plays("KZA012500001", 2))
    clock.travel_to(dt.date(2026, 3, 5))
    assert reconcile_monitoring.apply().get() == 2  # January and February are closed
    assert reconcile_monitoring.apply().get() == 0
    assert Reconciliation.objects.filter(licence=world["licence"]).count() == 2
    january = Reconciliation.objects.get(licence=world["licence"], period_start=dt.date(2026, 1, 1))
    assert january.detected == 2


def test_the_operator_registers_a_provider_its_site_and_key_on_the_pages(
    personas: Any, world: dict[str, Any]
) -> None:
    client = f.signed_in(personas.operator)
    made = client.post("/operator/monitoring/providers/", {"name": "Tracker", "bin": f.make_bin()})
    provider = MonitoringProvider.objects.get(name="Tracker")
    assert made.status_code == 302
    added = client.post(
        f"/operator/monitoring/providers/{provider.pk}/",
        {"licence": world["licence"].contract.number, "code": "HALL-1"},
    )
    assert added.status_code == 302 and provider.sites.get().licence == world["licence"]
    issued = client.post(f"/operator/monitoring/providers/{provider.pk}/key/")
    secret = issued.content.decode().split('class="text-break api-key">')[1].split("<")[0]
    assert _push(secret, _plays("KZA012500001", 1, site="HALL-1")).json()["stored"] == 1
