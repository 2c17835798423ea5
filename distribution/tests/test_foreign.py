"""The annual run for foreign societies: money their members' rights earned in the year's approved runs,
once per payee, in the agreement's currency, with an export per society."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from distribution.calculating import correction_blocked
from distribution.engine import RunError
from distribution.foreign import approve_foreign_run, export_document, export_rows, start_foreign_run
from distribution.models import ForeignRun, Payee, Remittance, RemittanceTransfer, RunStatus
from distribution.payouts.posting import reverse_run
from distribution.runs import approve_run, start_run
from licensing import ledger
from licensing.models import SourceKind, Transaction
from registers import reciprocal
from registers.models import Area, ForeignSociety, IPIName, ReciprocalArea, SocietyMembership
from tests import factories as f
from tests.personas import everyone, mandate_to
from tests.translation_audit import MissedLookups
from udp.accounts.models import User

D = Decimal


def area1() -> Area:
    return Area.objects.get(item=1)


@pytest.fixture
def sacem(personas: Any) -> dict[str, Any]:
    """KAZ represents SACEM in area 1, paid in euros. E is SACEM's member, M is KAZ's own (French) member;
    they wrote a work half each."""
    society = ForeignSociety.objects.create(name="SACEM", short_name="SACEM", cisac_code="058", country="FR")
    reciprocal.record_reciprocal_agreement(
        by=personas.cmo_admin, cmo=personas.cmo, society=society, areas=[area1()],
        concluded_on=dt.date(2025, 12, 1), valid_from=dt.date(2025, 12, 1),
    )  # fmt: skip
    ReciprocalArea.objects.filter(society=society).update(currency="EUR")
    m = f.make_person(name_lat="Marie M", citizenship="FR")
    e = f.make_person(name_lat="Etienne E", citizenship="FR")
    IPIName.objects.create(party=e, name_number="00052210040", name_type="PA")
    mandate_to(m, personas.cmo, area_item=1)
    SocietyMembership.objects.create(party=e, society=society, area=area1(), source="cmo")
    work = f.make_work(personas.operator, (m, "C", {"PR": D(50)}), (e, "A", {"PR": D(50)}), title="Paris")
    return {"society": society, "m": m, "e": e, "work": work}


def quarter(personas: Any, work: Any, start: dt.date, end: dt.date, pool: int) -> Any:
    run = start_run(personas.cmo, area1(), start, end, by=personas.cmo_staff, weights={work.pk: 1},
                    pool_tiyn=pool, costs_percent=D("10"))  # fmt: skip
    return approve_run(run, by=personas.cmo_admin)


@pytest.mark.django_db
@pytest.mark.statute("A46.1.3-annual-foreign")
@pytest.mark.statute("A46.1.2-nondiscrimination")
def test_a_society_gets_its_members_money_once_a_year_in_its_currency_and_a_direct_member_is_paid_here(
    personas: Any, sacem: dict[str, Any]
) -> None:
    """Two quarters of 10 001 tiyn, 10 % for costs: E's half is 5 000 or 5 001 gross (the odd tiyn to the
    larger remainder, M by id first), 500 deducted, so 4 500 + 4 500 = 9 000 tiyn net = 90.00 tenge, at
    7 tenge a euro 12.857… → 12.86 EUR. M, French but mandated to KAZ directly, stays a domestic payee."""
    q1 = quarter(personas, sacem["work"], dt.date(2026, 1, 1), dt.date(2026, 3, 31), 10_000)
    q2 = quarter(personas, sacem["work"], dt.date(2026, 4, 1), dt.date(2026, 6, 30), 10_000)
    e_payees = Payee.objects.filter(party=sacem["e"])
    assert [(p.route, p.net_tiyn) for p in e_payees.order_by("run_id")] == [("foreign", 4_500)] * 2
    assert set(Payee.objects.filter(party=sacem["m"]).values_list("route", flat=True)) == {"payable"}
    with pytest.raises(RunError) as refused:
        start_foreign_run(personas.cmo, 2026, by=personas.cmo_staff)
    assert refused.value.code == "rate_missing" and refused.value.params == {"currency": "EUR"}
    run = start_foreign_run(personas.cmo, 2026, by=personas.cmo_staff, rates={"eur": D("7")})
    remittance = Remittance.objects.get(run=run)
    assert (remittance.society, remittance.amount_tiyn, remittance.currency, remittance.amount) == (
        sacem["society"], 9_000, "EUR", D("12.86"),
    )  # fmt: skip
    # recalculated before approval, nothing is counted twice; a second person approves
    run = start_foreign_run(personas.cmo, 2026, by=personas.cmo_staff, rates={"EUR": D("7")})
    assert Remittance.objects.get(run=run).amount_tiyn == 9_000
    with pytest.raises(RunError):
        approve_foreign_run(run, by=personas.cmo_staff)
    approve_foreign_run(run, by=personas.cmo_admin)
    with pytest.raises(RunError) as again:
        start_foreign_run(personas.cmo, 2027, by=personas.cmo_staff, rates={"EUR": D("7")})
    assert again.value.code == "nothing_for_societies"
    remittance = Remittance.objects.get(run=run)
    rows = list(export_rows(remittance))
    assert [r[0] for r in rows] == ["PAY", "WRK", "PAY", "WRK"]
    assert rows[0][2] == "058" and rows[0][12] == "00052210040" and rows[0][-1] == 4_500
    assert {r[7] for r in rows} == {q1.pk, q2.pk}
    document = json.loads(json.dumps(export_document(remittance)))
    assert document["header"]["society_code"] == "058" and document["header"]["amount"] == "12.86"
    assert sum(h["net_tiyn"] for h in document["holders"]) == document["totals"]["net_tiyn"] == 9_000
    assert document["holders"][0]["works"][0]["title"] == "Paris"


@pytest.mark.django_db
@pytest.mark.statute("A46.1.3-annual-foreign")
def test_a_quarter_corrected_after_approval_is_remitted_as_run_again_and_not_as_first_run(
    personas: Any, sacem: dict[str, Any]
) -> None:
    """The second quarter is reversed (a correction) before anything is paid: it is cancelled, so the
    society gets only the first quarter's 4 500 tiyn. Run again with its right pool, 20 000 tiyn, E's half
    is 10 000 less 10 %: the year's remittance is 4 500 + 9 000."""
    work = sacem["work"]
    quarter(personas, work, dt.date(2026, 1, 1), dt.date(2026, 3, 31), 10_000)
    q2 = quarter(personas, work, dt.date(2026, 4, 1), dt.date(2026, 6, 30), 10_000)
    reverse_run(q2, by=personas.cmo_admin)
    q2.refresh_from_db()
    assert q2.status == RunStatus.CANCELLED
    run = start_foreign_run(personas.cmo, 2026, by=personas.cmo_staff, rates={"EUR": D("7")})
    assert Remittance.objects.get(run=run).amount_tiyn == 4_500
    again = quarter(personas, work, dt.date(2026, 4, 1), dt.date(2026, 6, 30), 20_000)
    assert again.pk != q2.pk and again.status == RunStatus.APPROVED
    run = start_foreign_run(personas.cmo, 2026, by=personas.cmo_staff, rates={"EUR": D("7")})
    assert Remittance.objects.get(run=run).amount_tiyn == 13_500


@pytest.mark.django_db
@pytest.mark.statute("A46.1.3-annual-foreign")
@pytest.mark.statute("A44.5-distribute")
def test_a_quarter_remitted_abroad_is_not_corrected_and_one_only_calculated_for_a_society_leaves_its_run(
    personas: Any, sacem: dict[str, Any]
) -> None:
    """Corrected after the year's remittance is approved, the quarter would be run again and its 4 500 tiyn
    for SACEM remitted a second time: the correction is refused. Corrected while the year's run is only
    calculated, that run is calculated again without it (9 000 → 4 500 tiyn, at the euro rate it had), and
    removed when nothing is left to remit."""
    work = sacem["work"]
    q1 = quarter(personas, work, dt.date(2026, 1, 1), dt.date(2026, 3, 31), 10_000)
    q2 = quarter(personas, work, dt.date(2026, 4, 1), dt.date(2026, 6, 30), 10_000)
    year = start_foreign_run(personas.cmo, 2026, by=personas.cmo_staff, rates={"EUR": D("7")})
    assert Remittance.objects.get(run=year).amount_tiyn == 9_000
    reverse_run(q2, by=personas.cmo_admin)
    remittance = Remittance.objects.get(run=year)
    assert (remittance.amount_tiyn, remittance.rate, remittance.amount) == (4_500, D("7"), D("6.43"))
    assert set(remittance.payees.values_list("payee__run_id", flat=True)) == {q1.pk}
    approve_foreign_run(year, by=personas.cmo_admin)
    with pytest.raises(RunError) as refused:
        reverse_run(q1, by=personas.cmo_admin)
    assert refused.value.code == "remitted" and refused.value.params == {"society": "SACEM", "year": 2026}
    q1.refresh_from_db()
    assert q1.status == RunStatus.APPROVED
    assert "SACEM" in correction_blocked(q1)
    # a year calculated with one quarter only, and that quarter corrected: nothing left, the run is removed
    q3 = quarter(personas, work, dt.date(2027, 1, 1), dt.date(2027, 3, 31), 10_000)
    next_year = start_foreign_run(personas.cmo, 2027, by=personas.cmo_staff, rates={"EUR": D("7")})
    reverse_run(q3, by=personas.cmo_admin)
    assert not ForeignRun.objects.filter(pk=next_year.pk).exists()


@pytest.mark.django_db
@pytest.mark.statute("A46.1.3-annual-foreign")
def test_the_api_runs_the_year_for_societies_and_exports_each_only_to_its_cmo(
    personas: Any, sacem: dict[str, Any]
) -> None:
    quarter(personas, sacem["work"], dt.date(2026, 1, 1), dt.date(2026, 3, 31), 10_000)
    staff, admin = f.signed_in(personas.cmo_staff), f.signed_in(personas.cmo_admin)
    missing = staff.post("/api/foreign-runs/", {"year": 2026}, content_type="application/json")
    assert missing.status_code == 400 and missing.json()["code"] == "rate_missing"
    assert "EUR" in missing.json()["detail"][0]
    made = staff.post(
        "/api/foreign-runs/", {"year": 2026, "rates": {"EUR": "7"}}, content_type="application/json"
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["remittances"][0]["amount"] == "6.43" and body["remittances"][0]["society_code"] == "058"
    assert staff.post(f"/api/foreign-runs/{body['id']}/approve/").status_code == 400
    assert admin.post(f"/api/foreign-runs/{body['id']}/approve/").json()["status"] == "approved"
    remittance = body["remittances"][0]["id"]
    exported = staff.get(f"/api/remittances/{remittance}/export/").json()
    assert exported["totals"]["net_tiyn"] == 4_500
    csv = staff.get(f"/api/remittances/{remittance}/export/?as=csv")
    assert csv["Content-Type"].startswith("text/csv") and "058" in csv.content.decode("utf-8-sig")
    for name, outsider in everyone(personas).items():
        if name in ("cmo_staff", "cmo_admin", "operator"):
            continue
        client = f.signed_in(outsider) if isinstance(outsider, User) else Client()
        export = client.get(f"/api/remittances/{remittance}/export/")
        assert export.status_code in ((401, 403) if name == "anonymous" else (404, 403)), name
        listed = client.get("/api/foreign-runs/")
        assert listed.status_code != 200 or listed.json()["results"] == [], name
    assert f.signed_in(personas.operator).get(f"/api/remittances/{remittance}/export/").status_code == 200


def _balance(cmo: Any, account: str, party: Any = None) -> int:
    rows = ledger.balances(cmo, by=("account", "party"), accounts=[account])
    return sum(r["balance"] for r in rows if party is None or r["party"] == party.pk)


@pytest.mark.django_db
@pytest.mark.statute("A46.1.3-annual-foreign")
@pytest.mark.statute("A44.5-distribute")
def test_an_approved_remittance_is_owed_to_the_society_in_the_ledger_and_paid_once_the_bank_shows_it(
    personas: Any, sacem: dict[str, Any], clock: Any
) -> None:
    """E's 4 500 tiyn net of the first quarter waits under E, undistributed, until the year's run is approved:
    then it is owed to SACEM (societies payable), and paid from the bank when the staff record the transfer
    (page or API), once."""
    clock.travel_to(dt.date(2027, 1, 10))
    quarter(personas, sacem["work"], dt.date(2026, 1, 1), dt.date(2026, 3, 31), 10_000)
    cmo, e = personas.cmo, sacem["e"]
    assert _balance(cmo, ledger.UNDISTRIBUTED, e) == -4_500
    year = start_foreign_run(personas.cmo, 2026, by=personas.cmo_staff, rates={"EUR": D("7")})
    remittance = Remittance.objects.get(run=year)
    staff = f.signed_in(personas.cmo_staff)
    early = staff.post(f"/api/remittances/{remittance.pk}/paid/", {"paid_on": "2027-01-10", "reference": "X"})
    assert early.status_code == 400 and "not approved" in str(early.json())
    assert _balance(cmo, ledger.SOCIETIES_PAYABLE) == 0  # calculated, not approved: nothing moves
    approve_foreign_run(year, by=personas.cmo_admin)
    assert (_balance(cmo, ledger.UNDISTRIBUTED, e), _balance(cmo, ledger.SOCIETIES_PAYABLE)) == (0, -4_500)
    page = staff.get(f"/cmo/distribution/foreign/remittances/{remittance.pk}/")
    assert b'id="record-paid"' in page.content and b"not yet paid" in page.content
    # who may not: a holder, the operator (who reads the runs), another CMO's staff, a day in the future
    body = {"paid_on": "2027-01-10", "reference": "MT103 4471"}
    assert f.signed_in(personas.holder).post(f"/api/remittances/{remittance.pk}/paid/", body).status_code in (
        403, 404,
    )  # fmt: skip
    assert (
        f.signed_in(personas.operator).post(f"/api/remittances/{remittance.pk}/paid/", body).status_code
        == 403
    )
    other = f.signed_in(personas.other_cmo_staff).post(f"/api/remittances/{remittance.pk}/paid/", body)
    assert other.status_code == 404
    future = staff.post(f"/api/remittances/{remittance.pk}/paid/", {**body, "paid_on": "2027-01-11"})
    assert future.status_code == 400 and "paid_on" in future.json()
    blank = staff.post(
        f"/cmo/distribution/foreign/remittances/{remittance.pk}/", {"paid_on": "2027-01-10", "reference": ""}
    )
    assert blank.status_code == 400
    done = staff.post(f"/cmo/distribution/foreign/remittances/{remittance.pk}/", body)
    assert done.status_code == 302
    remittance.refresh_from_db()
    transfer = remittance.transfer
    assert transfer is not None
    assert (remittance.paid_on, remittance.bank_reference, transfer.recorded_by) == (
        dt.date(2027, 1, 10), "MT103 4471", personas.cmo_staff,
    )  # fmt: skip
    assert _balance(cmo, ledger.SOCIETIES_PAYABLE) == 0
    again = staff.post(f"/api/remittances/{remittance.pk}/paid/", body)
    assert again.status_code == 400 and "already" in str(again.json())
    seen = staff.get(f"/api/remittances/{remittance.pk}/").json()
    assert (seen["paid_on"], seen["bank_reference"]) == ("2027-01-10", "MT103 4471")
    page = staff.get(f"/cmo/distribution/foreign/remittances/{remittance.pk}/")
    assert b'id="record-paid"' not in page.content and b"MT103 4471" in page.content
    paid = Transaction.objects.get(source_kind=SourceKind.REMITTANCE_PAID, source_id=transfer.pk)
    assert {(leg.account, leg.amount) for leg in ledger.legs_of(paid)} == {
        (ledger.SOCIETIES_PAYABLE, D("45.00")), (ledger.BANK, D("-45.00")),
    }  # fmt: skip


@pytest.mark.django_db
@pytest.mark.statute("A46.1.3-annual-foreign")
@pytest.mark.statute("A44.5-distribute")
def test_a_remittance_the_bank_returns_is_owed_to_the_society_again_and_paid_by_a_new_transfer(
    personas: Any, sacem: dict[str, Any], clock: Any, monkeypatch: Any
) -> None:
    """SACEM's 45.00 tenge is paid on 10 January; the bank returns it on 14 January (the society's account
    closed): the money is back in the bank and owed to SACEM again, and the transfer of 20 January pays it.
    Each transfer is paid once and returned once; nobody but the CMO's own staff records either."""
    clock.travel_to(dt.date(2027, 1, 10))
    quarter(personas, sacem["work"], dt.date(2026, 1, 1), dt.date(2026, 3, 31), 10_000)
    cmo = personas.cmo
    year = start_foreign_run(cmo, 2026, by=personas.cmo_staff, rates={"EUR": D("7")})
    approve_foreign_run(year, by=personas.cmo_admin)
    remittance = Remittance.objects.get(run=year)
    url, page_url = (
        f"/api/remittances/{remittance.pk}/",
        f"/cmo/distribution/foreign/remittances/{remittance.pk}/",
    )
    staff = f.signed_in(personas.cmo_staff)
    nothing = staff.post(url + "returned/", {"returned_on": "2027-01-10", "reference": "R-0"})
    assert nothing.status_code == 400 and "nothing to return" in str(nothing.json())
    assert staff.post(url + "paid/", {"paid_on": "2027-01-10", "reference": "MT103 1"}).status_code == 200
    assert (_balance(cmo, ledger.SOCIETIES_PAYABLE), _balance(cmo, ledger.BANK)) == (0, -4_500)

    clock.travel_to(dt.date(2027, 1, 14))
    back = {"returned_on": "2027-01-14", "reference": "RTN 77", "reason": "Account closed"}
    for name, outsider in everyone(personas).items():
        if name in ("cmo_staff", "cmo_admin"):
            continue
        client = f.signed_in(outsider) if isinstance(outsider, User) else Client()
        refused = client.post(url + "returned/", back)
        assert refused.status_code in (401, 403, 404), name
        assert client.post(page_url, {"step": "returned", **back}).status_code in (302, 403, 404), name
    assert RemittanceTransfer.objects.get(remittance=remittance).returned_on is None
    early = staff.post(url + "returned/", {**back, "returned_on": "2027-01-09"})
    assert early.status_code == 400 and "returned_on" in early.json()
    future = staff.post(url + "returned/", {**back, "returned_on": "2027-01-15"})
    assert future.status_code == 400 and "returned_on" in future.json()
    blank = staff.post(page_url, {"step": "returned", **back, "reference": " "})
    assert blank.status_code == 400
    # malformed: no such day, a reason or a reference longer than kept; each named, nothing recorded
    for bad, field in (({"returned_on": "2027-13-40"}, "returned_on"), ({"reason": "x" * 301}, "reason"),
                       ({"reference": "R" * 101}, "reference")):  # fmt: skip
        answer = staff.post(url + "returned/", {**back, **bad})
        assert answer.status_code == 400 and field in answer.json(), (bad, answer.content)
        assert staff.post(page_url, {"step": "returned", **back, **bad}).status_code == 400
    assert RemittanceTransfer.objects.get(remittance=remittance).returned_on is None
    page = staff.get(page_url)
    assert b'id="record-returned"' in page.content and b'id="record-paid"' not in page.content
    done = staff.post(page_url, {"step": "returned", **back})
    assert done.status_code == 302
    first = RemittanceTransfer.objects.get(remittance=remittance)
    assert (first.returned_on, first.return_reference, first.return_reason, first.returned_by) == (
        dt.date(2027, 1, 14), "RTN 77", "Account closed", personas.cmo_staff,
    )  # fmt: skip
    assert (_balance(cmo, ledger.SOCIETIES_PAYABLE), _balance(cmo, ledger.BANK)) == (-4_500, 0)
    returned = Transaction.objects.get(source_kind=SourceKind.REMITTANCE_RETURNED, source_id=first.pk)
    assert {(leg.account, leg.amount) for leg in ledger.legs_of(returned)} == {
        (ledger.BANK, D("45.00")), (ledger.SOCIETIES_PAYABLE, D("-45.00")),
    }  # fmt: skip
    twice = staff.post(url + "returned/", back)
    assert twice.status_code == 400 and "nothing to return" in str(twice.json())
    seen = staff.get(url).json()
    assert (seen["paid_on"], seen["bank_reference"]) == (None, "")
    assert [(t["paid_on"], t["returned_on"], t["return_reference"]) for t in seen["transfers"]] == [
        ("2027-01-10", "2027-01-14", "RTN 77"),
    ]
    page = staff.get(page_url)
    assert b"the bank returned the transfer" in page.content and b'id="record-paid"' in page.content
    assert b'id="remittance-transfers"' in page.content and b"Account closed" in page.content
    # in Kazakh, every string of both states (owed again; paid again, the return's form sent wrong) and the
    # ledger's line; the catalogue is asked itself, with no fallback to another language
    missed = MissedLookups(["kk"]).install(monkeypatch)
    kazakh = f.signed_in(personas.cmo_staff)
    kazakh.cookies[settings.LANGUAGE_COOKIE_NAME] = "kk"
    assert kazakh.get(page_url).status_code == 200

    clock.travel_to(dt.date(2027, 1, 20))
    before_return = staff.post(url + "paid/", {"paid_on": "2027-01-13", "reference": "MT103 2"})
    assert before_return.status_code == 400 and "paid_on" in before_return.json()
    again = staff.post(url + "paid/", {"paid_on": "2027-01-20", "reference": "MT103 2"})
    assert again.status_code == 200 and again.json()["paid_on"] == "2027-01-20"
    assert (_balance(cmo, ledger.SOCIETIES_PAYABLE), _balance(cmo, ledger.BANK)) == (0, -4_500)
    assert RemittanceTransfer.objects.filter(remittance=remittance).count() == 2
    assert Transaction.objects.filter(source_kind=SourceKind.REMITTANCE_PAID).count() == 2
    third = staff.post(url + "paid/", {"paid_on": "2027-01-20", "reference": "MT103 3"})
    assert third.status_code == 400 and "already" in str(third.json())
    wrong = kazakh.post(page_url, {"step": "returned", "returned_on": "2027-01-19", "reference": ""})
    assert wrong.status_code == 400 and "Банк аударымды қайтарды" in wrong.content.decode()
    assert kazakh.post(url + "returned/", {"returned_on": "2027-01-19", "reference": "R"}).status_code == 400
    with translation.override("kk"):
        lines = [
            ledger.memo_text(t)
            for t in Transaction.objects.filter(source_kind=SourceKind.REMITTANCE_RETURNED)
        ]
    assert lines and "қайтарды" in lines[0]
    assert missed.lookups > 0 and not missed.missed, missed.report()
    listed = staff.get(f"/cmo/distribution/foreign/{year.pk}/").content.decode()
    row = listed[listed.index(f'id="remittance-{remittance.pk}"') :].split("</tr>")[0]
    assert "2027" in row and "Owed" not in row


@pytest.mark.django_db
@pytest.mark.statute("A44.5-unidentified-3y")
def test_only_the_cmo_s_admin_records_the_general_meeting_s_rule(personas: Any) -> None:
    decision = {"decided_on": "2026-04-30", "meeting_reference": "Minutes no. 3 of 30.04.2026"}
    refused = f.signed_in(personas.cmo_staff).post(
        "/api/release-rules/", decision, content_type="application/json"
    )
    assert refused.status_code == 403
    made = f.signed_in(personas.cmo_admin).post(
        "/api/release-rules/", decision, content_type="application/json"
    )
    assert made.status_code == 201 and made.json()["meeting_reference"] == "Minutes no. 3 of 30.04.2026"
    assert f.signed_in(personas.other_cmo_staff).get("/api/release-rules/").json()["results"] == []
    listed = f.signed_in(personas.cmo_staff).get("/api/release-rules/").json()["results"]
    assert [r["decided_on"] for r in listed] == ["2026-04-30"]


@pytest.mark.django_db
@pytest.mark.statute("A46.1.3-annual-foreign")
def test_the_platform_starts_last_year_s_run_for_societies_once_unless_a_rate_is_to_be_entered(
    personas: Any, sacem: dict[str, Any]
) -> None:
    from distribution.foreign import start_due_foreign_runs
    from distribution.models import ForeignRun

    quarter(personas, sacem["work"], dt.date(2026, 1, 1), dt.date(2026, 3, 31), 10_000)
    assert start_due_foreign_runs(dt.date(2026, 12, 31)) == 0, "the year has not ended"
    assert start_due_foreign_runs(dt.date(2027, 3, 31)) == 0, "the fourth quarter is distributed by 31 March"
    assert start_due_foreign_runs(dt.date(2027, 4, 1)) == 0, "euros: the staff enter the rate"
    ReciprocalArea.objects.filter(society=sacem["society"]).update(currency="")
    assert start_due_foreign_runs(dt.date(2027, 4, 1)) == 1
    assert start_due_foreign_runs(dt.date(2027, 4, 2)) == 0
    run = ForeignRun.objects.get()
    assert (run.year, run.status, Remittance.objects.get(run=run).amount) == (2026, "calculated", D("45.00"))
    # the fourth quarter approved late, before the annual run is: the next day's task takes it in, once
    quarter(personas, sacem["work"], dt.date(2026, 10, 1), dt.date(2026, 12, 31), 10_000)
    assert start_due_foreign_runs(dt.date(2027, 4, 20)) == 1
    assert start_due_foreign_runs(dt.date(2027, 4, 21)) == 0
    run = ForeignRun.objects.get()
    assert Remittance.objects.get(run=run).amount_tiyn == 9_000 and run.started_by.email.startswith(
        "distribution-"
    )
    # nobody approves what the platform calculated as it is: a member of staff calculates it again first
    with pytest.raises(RunError) as refused:
        approve_foreign_run(run, by=personas.cmo_staff)
    assert refused.value.code == "platform_started"
    run = start_foreign_run(personas.cmo, 2026, by=personas.cmo_staff)
    approve_foreign_run(run, by=personas.cmo_admin)


@pytest.mark.django_db
@pytest.mark.statute("A46.1.3-annual-foreign")
def test_a_year_whose_money_for_societies_is_not_in_an_approved_annual_run_by_30_june_is_flagged(
    personas: Any, sacem: dict[str, Any], clock: Any
) -> None:
    """E's 4 500 tiyn for SACEM from the first quarter of 2026: due in an approved annual run by 30 June 2027.
    Flagged the day after, once, with the amount and the run waiting; done, late, on the day it is approved."""
    from accreditation.publishing import flags
    from distribution import compliance
    from distribution.models import Breach, ComplianceFlag

    quarter(personas, sacem["work"], dt.date(2026, 1, 1), dt.date(2026, 3, 31), 10_000)
    assert compliance.check(dt.date(2027, 6, 30))["foreign"] == 0
    clock.travel_to(dt.date(2027, 7, 1))
    assert compliance.check(dt.date(2027, 7, 1))["foreign"] == 1
    assert compliance.check(dt.date(2027, 7, 2))["foreign"] == 0  # once
    flag = ComplianceFlag.objects.get(code=Breach.FOREIGN_RUN_MISSING)
    assert (flag.cmo, flag.due_on, flag.done_on, flag.evidence) == (
        personas.cmo, dt.date(2027, 6, 30), None, {"owed_tiyn": 4_500, "waiting_run": None},
    )  # fmt: skip
    listed = [
        row for row in flags([personas.cmo.pk], dt.date(2027, 7, 2)) if row.code == Breach.FOREIGN_RUN_MISSING
    ]
    assert len(listed) == 1 and listed[0].link == "/cmo/distribution/foreign/"
    run = start_foreign_run(personas.cmo, 2026, by=personas.cmo_staff, rates={"EUR": D("7")})
    compliance.check(dt.date(2027, 7, 3))
    flag.refresh_from_db()
    assert flag.evidence["waiting_run"] == run.pk
    clock.travel_to(dt.date(2027, 7, 5))
    approve_foreign_run(run, by=personas.cmo_admin)
    compliance.check(dt.date(2027, 7, 5))
    flag.refresh_from_db()
    assert flag.done_on == dt.date(2027, 7, 5) and flag.evidence["waiting_run"] is None
