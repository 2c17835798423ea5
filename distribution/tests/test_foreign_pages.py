"""A CMO's staff run the year for foreign societies on the pages (Art. 46.1 (3)): calculate it with the euro's
rate, change the rate before approval, have another member of staff approve it, and download each society's
export, the same as the API's; and they read the money with no use kept by date of receipt, released by the
general meeting's rule (Art. 44.5). Amounts are computed by hand."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from distribution import matching
from distribution.models import ForeignRun, ReleaseRule, Remittance, Unidentified
from distribution.runs import approve_run, start_run, three_years_after
from distribution.tests.helpers import lines, report
from distribution.tests.test_foreign import quarter, sacem  # noqa: F401  (the SACEM worked example)
from distribution.tests.test_run_sources import Q1, Q2, RECEIVED, area1, paid, two_licences  # noqa: F401
from tests import factories as f
from tests.personas import everyone
from udp.accounts.models import User

pytestmark = pytest.mark.usefixtures("english")

D = Decimal
LIST = "/cmo/distribution/foreign/"


@pytest.fixture
def two_quarters(personas: Any, sacem: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    """Two approved quarters of 10 000 tiyn with 10 % for costs: E, SACEM's member, is owed 4 500 + 4 500 =
    9 000 tiyn net = 90.00 tenge."""
    quarter(personas, sacem["work"], dt.date(2026, 1, 1), dt.date(2026, 3, 31), 10_000)
    quarter(personas, sacem["work"], dt.date(2026, 4, 1), dt.date(2026, 6, 30), 10_000)
    return sacem


@pytest.mark.django_db
@pytest.mark.statute("A46.1.3-annual-foreign")
def test_staff_calculate_the_year_at_the_euro_rate_change_it_and_another_member_approves_it(
    personas: Any, two_quarters: dict[str, Any]
) -> None:
    """90.00 tenge at 7 tenge a euro: 12.857… → 12.86 EUR; at 450 tenge a euro: 0.20 EUR."""
    staff, admin = f.signed_in(personas.cmo_staff), f.signed_in(personas.cmo_admin)
    page = staff.get(LIST).content.decode()
    assert 'id="id_rate_EUR"' in page and "90.00" in page and 'value="2025"' in page

    missing = staff.post(LIST, {"year": "2026"})
    assert missing.status_code == 400 and not ForeignRun.objects.exists()
    assert "names EUR: enter the rate of tenge for one unit of it" in missing.content.decode()

    made = staff.post(LIST, {"year": "2026", "rate_EUR": "7"})
    run = ForeignRun.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/cmo/distribution/foreign/{run.pk}/"
    remittance = Remittance.objects.get(run=run)
    assert (remittance.amount_tiyn, remittance.currency, remittance.rate, remittance.amount) == (
        9_000, "EUR", D("7"), D("12.86"),
    )  # fmt: skip
    shown = staff.get(made["Location"]).content.decode()
    assert "12.86 EUR" in shown and 'id="approve"' not in shown and "does not approve it" in shown
    assert "The run is calculated" in shown  # the message after the step

    changed = staff.post(f"/cmo/distribution/foreign/{run.pk}/rates/", {"rate_EUR": "450"})
    assert changed.status_code == 302
    assert Remittance.objects.get(run=run).amount == D("0.20")
    assert ForeignRun.objects.get().started_by == personas.cmo_staff

    refused = staff.post(f"/cmo/distribution/foreign/{run.pk}/approve/")
    assert refused.status_code == 400 and ForeignRun.objects.get().status == "calculated"
    assert "does not approve it" in refused.content.decode()

    assert 'id="approve"' in admin.get(made["Location"]).content.decode()
    approved = admin.post(f"/cmo/distribution/foreign/{run.pk}/approve/")
    assert approved.status_code == 302
    run.refresh_from_db()
    assert (run.status, run.started_by, run.approved_by) == (
        "approved",
        personas.cmo_staff,
        personas.cmo_admin,
    )
    again = staff.post(f"/cmo/distribution/foreign/{run.pk}/rates/", {"rate_EUR": "500"})
    assert again.status_code == 400 and "approved already" in again.content.decode()
    assert Remittance.objects.get(run=run).amount == D("0.20")

    listed = staff.get(LIST).content.decode()
    assert f'id="foreign-run-{run.pk}"' in listed and "Approved" in listed and "0.20 EUR" in listed
    remittance = Remittance.objects.get(run=run)  # calculated again: each society's remittance made anew
    detail = staff.get(f"/cmo/distribution/foreign/remittances/{remittance.pk}/").content.decode()
    assert "Etienne E" in detail and "Paris" in detail and "45.00" in detail and "0.20 EUR" in detail


@pytest.mark.django_db
def test_the_page_s_csv_and_json_downloads_are_the_api_s_export(
    personas: Any, two_quarters: dict[str, Any]
) -> None:
    staff = f.signed_in(personas.cmo_staff)
    staff.post(LIST, {"year": "2026", "rate_EUR": "7"})
    remittance = Remittance.objects.get()
    base = f"/cmo/distribution/foreign/remittances/{remittance.pk}/export"
    csv_page, csv_api = (
        staff.get(f"{base}.csv"),
        staff.get(f"/api/remittances/{remittance.pk}/export/?as=csv"),
    )
    assert csv_page.status_code == 200 and csv_page["Content-Type"].startswith("text/csv")
    assert csv_page.content == csv_api.content
    assert csv_page["Content-Disposition"] == f'attachment; filename="remittance-{remittance.pk}-058.csv"'
    json_page = staff.get(f"{base}.json")
    assert json_page["Content-Disposition"].endswith('058.json"')
    document = json.loads(json_page.content)
    assert document == staff.get(f"/api/remittances/{remittance.pk}/export/").json()
    assert document["header"]["amount"] == "12.86" and document["totals"]["net_tiyn"] == 9_000
    assert staff.get(f"{base}.xml").status_code == 404


@pytest.mark.django_db
def test_only_the_cmo_s_own_staff_reach_its_run_remittance_and_exports(
    personas: Any, two_quarters: dict[str, Any]
) -> None:
    f.signed_in(personas.cmo_staff).post(LIST, {"year": "2026", "rate_EUR": "7"})
    run, remittance = ForeignRun.objects.get(), Remittance.objects.get()
    own = [
        f"/cmo/distribution/foreign/{run.pk}/", f"/cmo/distribution/foreign/remittances/{remittance.pk}/",
        f"/cmo/distribution/foreign/remittances/{remittance.pk}/export.csv",
        f"/cmo/distribution/foreign/remittances/{remittance.pk}/export.json",
    ]  # fmt: skip
    for name, user in everyone(personas).items():
        client = f.signed_in(user) if isinstance(user, User) else Client()
        allowed = name in ("cmo_staff", "cmo_admin")
        for url in own:
            code = client.get(url).status_code
            assert (code == 200) is allowed, (name, url, code)
            if name == "other_cmo_staff":
                assert code == 404, url  # missing and forbidden alike
        for url in (LIST, "/cmo/distribution/release/"):
            answer = client.get(url)
            assert (answer.status_code == 200) is (name in ("cmo_staff", "cmo_admin", "other_cmo_staff")), (
                name
            )
            if name in ("anonymous", "cmo_staff_without_mfa"):
                assert answer.status_code == 302, name
            if answer.status_code == 200:
                assert (f'id="foreign-run-{run.pk}"' in answer.content.decode()) is allowed or url != LIST
        if not allowed and isinstance(user, User):
            assert client.post(f"/cmo/distribution/foreign/{run.pk}/approve/").status_code in (302, 403, 404)
            assert client.post(f"/cmo/distribution/foreign/{run.pk}/rates/", {"rate_EUR": "1"}).status_code in (
                302, 403, 404,
            )  # fmt: skip
    run.refresh_from_db()
    assert run.status == "calculated" and Remittance.objects.get().rate == D("7")


@pytest.mark.django_db
@pytest.mark.statute("A44.5-unidentified-3y")
def test_the_admin_records_the_meeting_s_rule_and_the_page_shows_money_kept_and_released_by_receipt(
    personas: Any,
    two_licences: dict[str, Any],  # noqa: F811
    clock: Any,
) -> None:
    """The radio's January money, 1 000 000 tiyn = 10 000.00 tenge received 10 February 2026, is kept,
    releasable from 10 February 2029; then, the rule recorded, a Q2 run of that day takes it."""
    clock.travel_to(dt.date(2026, 5, 20))
    paid(personas, two_licences["cafe"], dt.date(2026, 1, 1), RECEIVED)
    paid(personas, two_licences["radio"], dt.date(2026, 1, 1), RECEIVED)
    approve_run(start_run(personas.cmo, area1(), *Q1, by=personas.cmo_staff), by=personas.cmo_admin)
    kept = Unidentified.objects.get()
    staff, admin = f.signed_in(personas.cmo_staff), f.signed_in(personas.cmo_admin)
    page = staff.get("/cmo/distribution/release/").content.decode()
    assert "10,000.00" in page and "10 Feb 2029" in page and "none yet: nothing is released" in page
    assert 'id="record-rule"' not in page and "administrator records" in page
    decision = {"decided_on": "2026-04-30", "meeting_reference": "Minutes no. 3 of 30.04.2026"}
    assert staff.post("/cmo/distribution/release/", decision).status_code == 404
    assert not ReleaseRule.objects.exists()
    future = admin.post("/cmo/distribution/release/", {**decision, "decided_on": "2026-06-01"})
    assert future.status_code == 400 and "cannot be dated in the future" in future.content.decode()
    recorded = admin.post("/cmo/distribution/release/", decision)
    assert recorded.status_code == 302
    rule = ReleaseRule.objects.get()
    assert (rule.cmo, rule.decided_on, rule.recorded_by) == (
        personas.cmo,
        dt.date(2026, 4, 30),
        personas.cmo_admin,
    )
    assert (
        "Minutes no. 3"
        not in f.signed_in(personas.other_cmo_staff).get("/cmo/distribution/release/").content.decode()
    )

    april = dt.date(2026, 4, 1)  # the café's April plays and money: a later run with use to spread it over
    lines(report(two_licences["cafe"], period=april), [{"isrc": "KZA012600001", "plays": 1}], period=april)
    matching.match_period(april)
    paid(personas, two_licences["cafe"], april, dt.date(2026, 5, 15))
    clock.travel_to(three_years_after(RECEIVED))
    run = start_run(personas.cmo, area1(), *Q2, by=personas.cmo_staff)
    kept.refresh_from_db()
    assert kept.released_in == run
    page = staff.get("/cmo/distribution/release/").content.decode()
    assert f'href="/cmo/distribution/runs/{run.pk}/"' in page
    assert 'id="released-total">10,000.00' in page and 'id="kept-total">0.00' in page


def test_a_rate_is_shown_as_entered_without_trailing_zeros() -> None:
    from distribution.templatetags.run_money import rate_text

    assert [rate_text(D(v)) for v in ("512.340000", "500.000000", "7", "0.001200")] == [
        "512.34",
        "500",
        "7",
        "0.0012",
    ]
