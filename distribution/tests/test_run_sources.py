"""A run from what was collected and used: each licence's money follows its own use; money with no use is
kept by its date of receipt and released three years later into a later run, by the general meeting's rule
(Art. 44.5). Amounts are computed by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from distribution import matching
from distribution.engine import RunError
from distribution.models import Allocation, Payee, ReleaseRule, RunSource, Unidentified
from distribution.payouts.posting import reverse_run
from distribution.runs import approve_run, start_run, three_years_after
from distribution.tests.helpers import FEBRUARY, embody, lines, recording, report
from licensing.invoicing import issue_invoice
from licensing.models import Licence, LicenceLine
from licensing.payments import record_payment
from licensing.tests.helpers import published
from licensing.tests.usage_fixtures import make_licence
from registers.models import Area, MandateExclusion
from tests import factories as f
from tests.personas import mandate_to

D = Decimal
Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
Q2 = (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
RECEIVED = dt.date(2026, 2, 10)


def area1() -> Area:
    return Area.objects.get(item=1)


def paid(personas: Any, licence: Licence, month: dt.date, received_on: dt.date, *, staff: Any = None) -> int:
    """The licence's invoice for ``month``, paid in full on ``received_on`` (entered by ``staff`` of the
    licence's CMO, the first CMO's by default): its amount in tiyn."""
    staff = staff or personas.cmo_staff
    end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    invoice = issue_invoice(licence, month, end, by=staff)
    assert invoice is not None
    record_payment(by=staff, cmo=licence.cmo, amount=invoice.amount, received_on=received_on,
                   invoice=invoice)  # fmt: skip
    return int(invoice.amount * 100)


@pytest.fixture
def two_licences(personas: Any) -> dict[str, Any]:
    """A café that reported its January plays and a radio that reported nothing; both paid for January."""
    tariff = published(personas.cmo_staff)
    cafe = make_licence(personas)
    radio = make_licence(personas, licensee=f.make_licensee())
    for licence in (cafe, radio):
        LicenceLine.objects.create(licence=licence, area=area1(), tariff=tariff, scope="extended",
                                   monthly_amount=D("10000"))  # fmt: skip
    a, b = f.make_person(name_lat="Aigul A"), f.make_person(name_lat="Bolat B")
    for holder in (a, b):
        mandate_to(holder, personas.cmo, area_item=1)
    first = f.make_work(personas.operator, (a, "C", {"PR": D("100")}), title="Dala")
    second = f.make_work(personas.operator, (b, "C", {"PR": D("100")}), title="Kok")
    embody(recording(personas, "Dala", isrc="KZA012600001"), first)
    embody(recording(personas, "Kok", isrc="KZA012600002"), second)
    lines(report(cafe), [{"isrc": "KZA012600001", "plays": 2}, {"isrc": "KZA012600002", "plays": 1}])
    matching.refresh_work_keys()
    matching.match_period(dt.date(2026, 1, 1))
    return {"cafe": cafe, "radio": radio, "a": a, "b": b, "first": first, "second": second}


@pytest.mark.django_db
@pytest.mark.statute("A46.1.3-proportional")
@pytest.mark.statute("A44.5-unidentified-3y")
def test_each_licence_s_money_follows_its_own_use_and_money_with_no_use_is_kept_by_date_of_receipt(
    personas: Any, two_licences: dict[str, Any]
) -> None:
    """The café's January money (10 000 tenge = 1 000 000 tiyn) is spread over its own plays, 2 : 1 →
    666 667 and 333 333; the radio's January money has no use reported and is kept, dated 10 February."""
    cafe_money = paid(personas, two_licences["cafe"], dt.date(2026, 1, 1), RECEIVED)
    radio_money = paid(personas, two_licences["radio"], dt.date(2026, 1, 1), RECEIVED)
    assert cafe_money == radio_money == 1_000_000
    run = start_run(personas.cmo, area1(), *Q1, by=personas.cmo_staff)
    assert run.pool_tiyn == cafe_money
    assert list(RunSource.objects.filter(run=run).values_list("kind", "licence_id", "pool_tiyn")) == [
        ("collected", two_licences["cafe"].pk, 1_000_000)
    ]
    money = {p.party_id: p.gross_tiyn for p in Payee.objects.filter(run=run)}
    assert money == {two_licences["a"].pk: 666_667, two_licences["b"].pk: 333_333}
    kept = Unidentified.objects.get(found_in=run)
    assert (kept.licence, kept.received_on, kept.amount_tiyn) == (two_licences["radio"], RECEIVED, 1_000_000)
    # calculated again, nothing is kept twice
    again = start_run(personas.cmo, area1(), *Q1, by=personas.cmo_staff)
    assert again.pk == run.pk and Unidentified.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.statute("A46.2-no-license-after")
@pytest.mark.statute("A46.1.3-proportional")
def test_a_holder_who_withdrew_a_work_during_the_period_is_paid_for_the_use_before_that_day_only(
    personas: Any, two_licences: dict[str, Any]
) -> None:
    """Aigul withdraws "Dala" from KAZ from 15 February. The café played it twice in January (no time of play:
    dated by the month, before) and in February once on the 10th, three times at 02:00 on the 15th in Almaty
    (still the 14th in UTC: after) and twice with no time of play (1 February: before); "Kok" once in January.
    Its 2 000 000 tiyn for two months over 9 plays: "Dala" 1 777 778 (8 plays), "Kok" 222 222. Of "Dala"'s,
    3/8 pays for plays after the day: 666 666.75 → 666 667 withdrawn, 1 111 111 paid."""
    cafe, a, first = two_licences["cafe"], two_licences["a"], two_licences["first"]
    almaty = ZoneInfo("Asia/Almaty")
    lines(
        report(cafe, period=FEBRUARY),
        [
            {"isrc": "KZA012600001", "plays": 1, "played_at": dt.datetime(2026, 2, 10, 20, 0, tzinfo=almaty)},
            {"isrc": "KZA012600001", "plays": 3, "played_at": dt.datetime(2026, 2, 15, 2, 0, tzinfo=almaty)},
            {"isrc": "KZA012600001", "plays": 2},
        ],
        period=FEBRUARY,
    )
    matching.match_period(FEBRUARY)
    paid(personas, cafe, dt.date(2026, 1, 1), RECEIVED)
    paid(personas, cafe, FEBRUARY, dt.date(2026, 3, 10))
    MandateExclusion.objects.create(
        mandate=a.mandates.get(cmo=personas.cmo), work=first, from_date=dt.date(2026, 2, 15)
    )
    run = start_run(personas.cmo, area1(), *Q1, by=personas.cmo_staff)
    assert run.pool_tiyn == 2_000_000
    money = {(p.party_id, p.route): p.gross_tiyn for p in Payee.objects.filter(run=run)}
    assert money == {(a.pk, "payable"): 1_111_111, (a.pk, "withdrawn"): 666_667,
                     (two_licences["b"].pk, "payable"): 222_222}  # fmt: skip
    rows = Allocation.objects.filter(run=run, party=a).order_by("route")
    assert [(r.route, r.units) for r in rows] == [("payable", 5), ("withdrawn", 3)]
    # withdrawn from 1 February: the undated February plays count from the month's first day, after; 6/8 of
    # 1 777 778 is 1 333 333.5, and of equal remainders the tiyn goes to the part paid
    MandateExclusion.objects.filter(work=first).update(from_date=FEBRUARY)
    run = start_run(personas.cmo, area1(), *Q1, by=personas.cmo_staff)
    rows = Allocation.objects.filter(run=run, party=a).order_by("route")
    assert [(r.route, r.units, r.gross_tiyn) for r in rows] == [
        ("payable", 2, 444_445),
        ("withdrawn", 6, 1_333_333),
    ]


@pytest.mark.django_db
@pytest.mark.statute("A44.5-unidentified-3y")
def test_money_with_no_use_is_released_into_a_later_run_three_years_after_receipt_by_the_meeting_s_rule(
    personas: Any, two_licences: dict[str, Any], clock: Any
) -> None:
    """Q1's radio money (1 000 000 tiyn, received 10 February 2026) joins a Q2 run started on 10 February
    2029, spread over that run's whole use (the café's April plays, 1 : 3): the café's April money
    1 000 000 + the released 1 000 000 → A 500 000, B 1 500 000."""
    clock.travel_to(dt.date(2026, 5, 20))
    paid(personas, two_licences["cafe"], dt.date(2026, 1, 1), RECEIVED)
    paid(personas, two_licences["radio"], dt.date(2026, 1, 1), RECEIVED)
    first = start_run(personas.cmo, area1(), *Q1, by=personas.cmo_staff)
    approve_run(first, by=personas.cmo_admin)
    april = dt.date(2026, 4, 1)
    lines(report(two_licences["cafe"], period=april),
          [{"isrc": "KZA012600001", "plays": 1}, {"isrc": "KZA012600002", "plays": 3}], period=april)  # fmt: skip
    matching.match_period(april)
    paid(personas, two_licences["cafe"], april, dt.date(2026, 5, 15))

    def q2() -> Any:
        return start_run(personas.cmo, area1(), *Q2, by=personas.cmo_staff)

    clock.travel_to(three_years_after(RECEIVED))
    assert q2().pool_tiyn == 1_000_000, "no rule of the general meeting yet: nothing is released"
    ReleaseRule.objects.create(cmo=personas.cmo, decided_on=dt.date(2027, 4, 30), meeting_reference="Minutes 3",
                               recorded_by=personas.cmo_admin)  # fmt: skip
    clock.travel_to(three_years_after(RECEIVED) - dt.timedelta(days=1))
    assert q2().pool_tiyn == 1_000_000, "a day short of three years: kept"
    clock.travel_to(three_years_after(RECEIVED))
    run = q2()
    assert run.pool_tiyn == 2_000_000
    assert Unidentified.objects.get().released_in == run
    money = {p.party_id: p.gross_tiyn for p in Payee.objects.filter(run=run)}
    assert money == {two_licences["a"].pk: 500_000, two_licences["b"].pk: 1_500_000}
    assert sorted(RunSource.objects.filter(run=run).values_list("kind", "pool_tiyn")) == [
        ("collected", 1_000_000), ("released", 1_000_000),
    ]  # fmt: skip
    approve_run(run, by=personas.cmo_admin)
    # a correction of that run puts the released money back in the store, for the quarter run anew
    reverse_run(run, by=personas.cmo_admin)
    assert Unidentified.objects.get().released_in is None
    again = q2()
    assert again.pk != run.pk and again.pool_tiyn == 2_000_000
    assert Unidentified.objects.get().released_in == again


def test_three_years_after_a_leap_day_is_the_last_day_of_february() -> None:
    assert three_years_after(dt.date(2028, 2, 29)) == dt.date(2031, 2, 28)
    assert three_years_after(dt.date(2026, 2, 10)) == dt.date(2029, 2, 10)


@pytest.mark.django_db
@pytest.mark.statute("A46.2-no-license-after")
def test_in_area_5_a_performer_who_withdrew_a_recording_during_the_period_is_paid_for_the_plays_before(
    personas: Any,
) -> None:
    """Related rights follow the recording. The café's January money for area 5 (1 000 000 tiyn) is all one
    recording's, played twice in January (no time of play) and twice on 15 February; half is the producers'
    (nobody on record: kept), half the performer's, who withdrew it from 1 February: 250 000 withdrawn, 250 000
    paid."""
    cmo, staff = personas.other_cmo, personas.other_cmo_staff
    tariff = published(staff, item=5)
    cafe = make_licence(personas, cmo=cmo)
    LicenceLine.objects.create(licence=cafe, area=Area.objects.get(item=5), tariff=tariff, scope="extended",
                               monthly_amount=D("10000"))  # fmt: skip
    singer = f.make_person(name_lat="Singer S")
    mandate_to(singer, cmo, area_item=5)
    record = f.make_work(personas.operator, (singer, "PER", {"RR": D("100")}), kind="recording",
                         isrc="KZA012600009", title="Kok")  # fmt: skip
    lines(report(cafe), [{"isrc": "KZA012600009", "plays": 2}])
    lines(
        report(cafe, period=FEBRUARY),
        [
            {
                "isrc": "KZA012600009",
                "plays": 2,
                "played_at": dt.datetime(2026, 2, 15, 12, tzinfo=ZoneInfo("Asia/Almaty")),
            }
        ],
        period=FEBRUARY,
    )
    matching.refresh_work_keys()
    for month in (dt.date(2026, 1, 1), FEBRUARY):
        matching.match_period(month)
    assert paid(personas, cafe, dt.date(2026, 1, 1), RECEIVED, staff=staff) == 1_000_000
    MandateExclusion.objects.create(mandate=singer.mandates.get(cmo=cmo), work=record, from_date=FEBRUARY)
    run = start_run(cmo, Area.objects.get(item=5), *Q1, by=staff)
    assert run.pool_tiyn == 1_000_000
    money = {(p.party_id, p.route): p.gross_tiyn for p in Payee.objects.filter(run=run)}
    assert money == {
        (singer.pk, "payable"): 250_000,
        (singer.pk, "withdrawn"): 250_000,
        (None, "no_holder"): 500_000,
    }
    rows = Allocation.objects.filter(run=run, party=singer).order_by("route")
    assert [(r.route, r.side, r.units) for r in rows] == [
        ("payable", "performers", 2),
        ("withdrawn", "performers", 2),
    ]


@pytest.mark.django_db
@pytest.mark.statute("A44.5-distribute")
@pytest.mark.statute("A46.1.3-proportional")
def test_money_collected_for_a_period_after_its_run_is_distributed_by_the_next_run_once(
    personas: Any, two_licences: dict[str, Any]
) -> None:
    """The first quarter's run took the January money (café 1 000 000 over its plays, radio's kept). February's
    invoices are paid on 5 May, after it: the second quarter's run takes them as late money, once: the café's
    1 000 000 over the café's April use ("Dala" once: all to Aigul), the radio's kept again by its receipt. Run
    again, it takes the same; a third quarter's run takes nothing of it; and the first quarter run again after
    a correction takes only what the second did not."""
    cafe, radio, a = two_licences["cafe"], two_licences["radio"], two_licences["a"]
    paid(personas, cafe, dt.date(2026, 1, 1), RECEIVED)
    paid(personas, radio, dt.date(2026, 1, 1), RECEIVED)
    q1 = approve_run(start_run(personas.cmo, area1(), *Q1, by=personas.cmo_staff), by=personas.cmo_admin)
    assert q1.pool_tiyn == 1_000_000
    late_day = dt.date(2026, 5, 5)
    paid(personas, cafe, dt.date(2026, 2, 1), late_day)
    paid(personas, radio, dt.date(2026, 2, 1), late_day)
    april = dt.date(2026, 4, 1)
    lines(report(cafe, period=april), [{"isrc": "KZA012600001", "plays": 1}], period=april)
    matching.match_period(april)

    q2 = start_run(personas.cmo, area1(), *Q2, by=personas.cmo_staff)
    assert q2.pool_tiyn == 1_000_000
    assert list(
        RunSource.objects.filter(run=q2).values_list("kind", "licence_id", "pool_tiyn", "origin_start")
    ) == [("late", cafe.pk, 1_000_000, Q1[0])]
    assert {p.party_id: p.gross_tiyn for p in Payee.objects.filter(run=q2)} == {a.pk: 1_000_000}
    staff = f.signed_in(personas.cmo_staff)  # the page and the API say where the pool came from
    assert staff.get(f"/api/distribution-runs/{q2.pk}/").json()["pool_parts"] == {
        "collected": 0, "late": 1_000_000, "released": 0, "given": 0,
    }  # fmt: skip
    assert 'id="pool-late">10,000.00' in staff.get(f"/cmo/distribution/runs/{q2.pk}/").content.decode()
    kept = Unidentified.objects.get(found_in=q2)
    assert (kept.licence, kept.usage_start, kept.received_on, kept.amount_tiyn) == (
        radio, dt.date(2026, 2, 1), late_day, 1_000_000,
    )  # fmt: skip
    again = start_run(personas.cmo, area1(), *Q2, by=personas.cmo_staff)  # calculated again: the same
    assert (
        again.pk == q2.pk
        and again.pool_tiyn == 1_000_000
        and Unidentified.objects.filter(found_in=q2).count() == 1
    )
    approve_run(again, by=personas.cmo_admin)

    july = dt.date(2026, 7, 1)
    lines(report(cafe, period=july), [{"isrc": "KZA012600001", "plays": 4}], period=july)
    matching.match_period(july)
    with pytest.raises(RunError) as nothing:
        start_run(personas.cmo, area1(), july, dt.date(2026, 9, 30), by=personas.cmo_staff)
    assert nothing.value.code == "empty_pool"  # nothing collected for it, and the late money is taken

    # the first quarter corrected and run again: January's money, February's taken by the second run already
    reverse_run(q1, by=personas.cmo_admin)
    rerun = start_run(personas.cmo, area1(), *Q1, by=personas.cmo_staff)
    assert rerun.pool_tiyn == 1_000_000
    assert list(
        Unidentified.objects.filter(found_in=rerun).values_list("licence_id", "usage_start", "amount_tiyn")
    ) == [(radio.pk, dt.date(2026, 1, 1), 1_000_000)]


@pytest.mark.django_db
@pytest.mark.statute("A46.1.3-quarterly")
@pytest.mark.statute("A44.5-distribute")
def test_late_money_alone_starts_the_next_quarter_s_run(
    personas: Any,
    two_licences: dict[str, Any],
    clock: Any,
    eager: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Nothing was collected for the second quarter, but the café paid its February invoice on 5 May, after
    the first quarter's run: on 1 July the platform starts the second quarter's run, which takes the 1 000 000
    tiyn as late money over the café's April use (all to Aigul). Once taken, it starts no third quarter's run."""
    from distribution import schedule
    from distribution.models import Run

    cafe, a = two_licences["cafe"], two_licences["a"]
    paid(personas, cafe, dt.date(2026, 1, 1), RECEIVED)
    q1 = approve_run(start_run(personas.cmo, area1(), *Q1, by=personas.cmo_staff), by=personas.cmo_admin)
    april = dt.date(2026, 4, 1)
    lines(report(cafe, period=april), [{"isrc": "KZA012600001", "plays": 1}], period=april)
    matching.match_period(april)
    clock.travel_to(dt.date(2026, 7, 1))
    assert schedule.late(*Q2) == set()  # nothing paid late yet
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.start_quarterly_runs() == 0
    paid(personas, cafe, dt.date(2026, 2, 1), dt.date(2026, 5, 5))
    assert schedule.late(*Q2) == {(personas.cmo.pk, 1)}
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.start_quarterly_runs() == 1
    q2 = Run.objects.exclude(pk=q1.pk).get()
    assert (q2.period_start, q2.period_end, q2.pool_tiyn) == (*Q2, 1_000_000)
    assert list(RunSource.objects.filter(run=q2).values_list("kind", "licence_id", "pool_tiyn")) == [
        ("late", cafe.pk, 1_000_000)
    ]
    assert {p.party_id: p.gross_tiyn for p in Payee.objects.filter(run=q2)} == {a.pk: 1_000_000}
    Run.objects.filter(pk=q2.pk).update(started_by=personas.cmo_staff)  # as if a person calculated it again
    approve_run(q2, by=personas.cmo_admin)
    clock.travel_to(dt.date(2026, 10, 1))
    assert schedule.late(dt.date(2026, 7, 1), dt.date(2026, 9, 30)) == set()
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.start_quarterly_runs() == 0


@pytest.mark.django_db
@pytest.mark.statute("A46.1.3-quarterly")
def test_late_money_not_distributed_by_the_end_of_the_quarter_after_its_receipt_is_flagged_until_a_run_takes_it(
    personas: Any, two_licences: dict[str, Any], english: None
) -> None:
    """The café's February invoice (1 000 000 tiyn) is paid on 5 May, after the first quarter's run was approved:
    an approved run must take it by 30 September. The second quarter's run, calculated on 20 September but not
    approved, does not count: on 1 October the CMO is flagged; approved on 2 October, the flag is done the day
    the check finds the money taken."""
    from accreditation import publishing
    from distribution import compliance
    from distribution.models import ComplianceFlag

    cafe = two_licences["cafe"]
    paid(personas, cafe, dt.date(2026, 1, 1), RECEIVED)
    approve_run(start_run(personas.cmo, area1(), *Q1, by=personas.cmo_staff), by=personas.cmo_admin)
    paid(personas, cafe, dt.date(2026, 2, 1), dt.date(2026, 5, 5))
    april = dt.date(2026, 4, 1)
    lines(report(cafe, period=april), [{"isrc": "KZA012600001", "plays": 1}], period=april)
    matching.match_period(april)
    q2 = start_run(personas.cmo, area1(), *Q2, by=personas.cmo_staff)  # calculated, taking it, not approved
    assert q2.pool_tiyn == 1_000_000
    assert compliance.check(dt.date(2026, 9, 30))["late"] == 0  # the deadline is that day
    assert compliance.check(dt.date(2026, 10, 1))["late"] == 1
    assert compliance.check(dt.date(2026, 10, 2))["late"] == 0  # once
    flag = ComplianceFlag.objects.get(code="late_money_waiting")
    assert (flag.cmo, flag.area, flag.period_start, flag.period_end, flag.due_on, flag.done_on) == (
        personas.cmo, area1(), dt.date(2026, 4, 1), dt.date(2026, 6, 30), dt.date(2026, 9, 30), None,
    )  # fmt: skip
    assert flag.evidence == {"late_tiyn": 1_000_000, "licences": [cafe.pk]}
    [shown] = [x for x in publishing.flags_for(personas.regulator) if x.code == "late_money_waiting"]
    assert shown.text == (
        "The 10,000.00 tenge received in 1 Apr 2026 – 30 Jun 2026 (area 1) for periods whose runs were approved "
        "before were not distributed by an approved run by the end of the following quarter (Art. 46.1 (3))"
    )
    page = f.signed_in(personas.cmo_staff).get("/publications/").content.decode()
    assert 'href="/cmo/distribution/runs/">Run the last quarter: it takes the late money</a>' in page
    approve_run(q2, by=personas.cmo_admin)
    compliance.check(dt.date(2026, 10, 3))
    flag.refresh_from_db()
    assert flag.done_on == dt.date(2026, 10, 3)
