"""Whose money a run pays, and how: the holder's path to the CMO (Art. 46-1), withdrawn works (Art. 46.2),
foreign societies' members (reciprocal agreements), area 5's producers and performers (Art. 39.2), and the
collection shares a work declares for Kazakhstan (CWR SPT/SWT). Amounts are computed by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from distribution.models import Allocation, Payee, Run, RunPath
from distribution.runs import start_run
from licensing import phonograms
from licensing.tests.helpers import accredit
from registers import reciprocal
from registers.models import Area, ForeignSociety, MandateExclusion, SocietyMembership, TerritoryShare, Work
from tests import factories as f
from tests.personas import mandate_to
from udp.accounts.models import Role

Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
D = Decimal


def area(item: int) -> Area:
    return Area.objects.get(item=item)


def run_of(personas: Any, weights: dict[Work, int], *, item: int = 1, pool: int = 10_000) -> Run:
    return start_run(
        personas.cmo if item != 5 else personas.other_cmo, area(item), *Q1,
        by=personas.cmo_staff if item != 5 else personas.other_cmo_staff,
        weights={w.pk: n for w, n in weights.items()}, pool_tiyn=pool,
    )  # fmt: skip


def routes(run: Run) -> dict[tuple[int | None, str], int]:
    return {(p.party_id, p.route): p.gross_tiyn for p in Payee.objects.filter(run=run)}


@pytest.fixture
def trio(personas: Any) -> dict[str, Any]:
    """A work of three writers, a third each: M is KAZ's member, E gave no mandate to anyone, and O is a
    member of the other CMO (QAZ)."""
    m, e, o = (f.make_person(name_lat=name) for name in ("Member M", "Everyone E", "Other O"))
    mandate_to(m, personas.cmo, area_item=1)
    mandate_to(o, personas.other_cmo, area_item=1)
    work = f.make_work(
        personas.operator,
        (m, "C", {"PR": D("33.34")}),
        (e, "A", {"PR": D("33.33")}),
        (o, "A", {"PR": D("33.33")}),
    )
    return {"m": m, "e": e, "o": o, "work": work}


@pytest.mark.django_db
@pytest.mark.statute("A46-1.extended")
def test_an_accredited_cmo_pays_holders_without_a_mandate_and_an_unaccredited_one_only_its_members(
    personas: Any, trio: dict[str, Any]
) -> None:
    """10 000 tiyn for one work split 33.34 / 33.33 / 33.33: 3 334, 3 333, 3 333. Unaccredited, KAZ pays its
    member M only and keeps the rest as not its to pay; accredited, it pays E (no mandate to anyone) as
    well, but never O, whom QAZ represents."""
    m, e, o = trio["m"], trio["e"], trio["o"]
    unaccredited = run_of(personas, {trio["work"]: 5})
    assert not unaccredited.accredited
    assert routes(unaccredited) == {
        (m.pk, "payable"): 3_334, (e.pk, "not_represented"): 3_333, (o.pk, "not_represented"): 3_333,
    }  # fmt: skip
    accredit(personas, personas.cmo, 1)
    accredited = run_of(personas, {trio["work"]: 5})
    assert accredited.pk == unaccredited.pk and accredited.accredited
    assert routes(accredited) == {
        (m.pk, "payable"): 3_334, (e.pk, "payable"): 3_333, (o.pk, "not_represented"): 3_333,
    }  # fmt: skip
    paths = dict(RunPath.objects.filter(run=accredited).values_list("party_id", "path"))
    assert paths == {m.pk: "mandate", e.pk: "extended", o.pk: ""}
    assert Payee.objects.get(run=accredited, party=e).path == "extended"


@pytest.mark.django_db
@pytest.mark.statute("A46.2-no-license-after")
def test_a_work_withdrawn_before_the_period_pays_its_holder_nothing_and_one_withdrawn_later_still_does(
    personas: Any, trio: dict[str, Any]
) -> None:
    m = trio["m"]
    mandate = m.mandates.get(cmo=personas.cmo)
    exclusion = MandateExclusion.objects.create(
        mandate=mandate, work=trio["work"], from_date=dt.date(2026, 4, 1)
    )
    assert routes(run_of(personas, {trio["work"]: 5}))[(m.pk, "payable")] == 3_334
    MandateExclusion.objects.filter(pk=exclusion.pk).update(from_date=Q1[0])
    money = routes(run_of(personas, {trio["work"]: 5}))
    assert money[(m.pk, "withdrawn")] == 3_334 and (m.pk, "payable") not in money


@pytest.mark.django_db
@pytest.mark.statute("A46.2-no-license-after")
def test_a_work_withdrawn_during_the_period_pays_its_holder_only_for_the_days_before_when_use_has_no_dates(
    personas: Any, trio: dict[str, Any]
) -> None:
    """Withdrawn from 15 February: of Q1's 90 days, 45 (15 February to 31 March) are after. M's 3 334 tiyn
    split by largest remainder: 1 667 withdrawn and 1 667 paid, in two allocations of the work; E and O are
    not touched, nor is a holder of another CMO's run."""
    m = trio["m"]
    MandateExclusion.objects.create(
        mandate=m.mandates.get(cmo=personas.cmo), work=trio["work"], from_date=dt.date(2026, 2, 15)
    )
    run = run_of(personas, {trio["work"]: 5})
    assert routes(run) == {
        (m.pk, "payable"): 1_667, (m.pk, "withdrawn"): 1_667,
        (trio["e"].pk, "not_represented"): 3_333, (trio["o"].pk, "not_represented"): 3_333,
    }  # fmt: skip
    rows = Allocation.objects.filter(run=run, party=m).order_by("route")
    assert [(a.route, a.gross_tiyn, a.units) for a in rows] == [
        ("payable", 1_667, 3),
        ("withdrawn", 1_667, 2),
    ]
    assert sum(Allocation.objects.filter(run=run).values_list("gross_tiyn", flat=True)) == 10_000
    # withdrawn on the period's last day: one day of 90 is after, 37.04 tiyn → 37
    MandateExclusion.objects.filter(work=trio["work"]).update(from_date=Q1[1])
    assert routes(run_of(personas, {trio["work"]: 5}))[(m.pk, "withdrawn")] == 37


@pytest.mark.django_db
def test_a_foreign_society_s_member_is_routed_to_the_society_and_a_directly_mandated_foreigner_is_paid_here(
    personas: Any, trio: dict[str, Any]
) -> None:
    """E joins SACEM, which KAZ represents in area 1: E's money goes to SACEM (the route follows how the
    right came in). M, French with a direct mandate, is paid like anyone else."""
    sacem = ForeignSociety.objects.create(name="SACEM", short_name="SACEM", cisac_code="058", country="FR")
    reciprocal.record_reciprocal_agreement(
        by=personas.cmo_admin, cmo=personas.cmo, society=sacem, areas=[area(1)],
        concluded_on=dt.date(2025, 12, 1), valid_from=dt.date(2025, 12, 1),
    )  # fmt: skip
    SocietyMembership.objects.create(party=trio["e"], society=sacem, area=area(1), source="cmo")
    trio["m"].__class__.objects.filter(pk=trio["m"].pk).update(citizenship="FR", resident=False)
    run = run_of(personas, {trio["work"]: 5})
    money = routes(run)
    assert money[(trio["e"].pk, "foreign")] == 3_333 and money[(trio["m"].pk, "payable")] == 3_334
    foreign = Payee.objects.get(run=run, party=trio["e"])
    assert (foreign.society, foreign.path) == (sacem, "reciprocal")


@pytest.fixture
def record(personas: Any) -> Work:
    """A recording: its producer holds 100 % of the related rights on record; two performers 50/50 of theirs."""
    producer = f.make_entity(name_lat="Label L")
    singer, player = f.make_person(name_lat="Singer S"), f.make_person(name_lat="Player P")
    for party in (producer, singer, player):
        mandate_to(party, personas.other_cmo, area_item=5)
    return f.make_work(
        personas.operator, (producer, "PRD", {"RR": D("50")}), (singer, "PER", {"RR": D("25")}),
        (player, "PER", {"RR": D("25")}), kind="recording",
    )  # fmt: skip


@pytest.mark.django_db
@pytest.mark.statute("A39.split")
def test_area_5_money_is_split_half_to_producers_and_half_to_performers_unless_agreed(
    personas: Any, record: Work
) -> None:
    """10 001 tiyn: 5 001 (the odd tiyn by the larger remainder, producers first) and 5 000; the performers'
    5 000 halves to 2 500 each. Agreed 60/40: 6 001 (6 000.6) and 4 000 (4 000.4), and 2 000 each."""
    producer, singer, player = (c.party for c in record.contributors.order_by("pk"))
    run = run_of(personas, {record: 3}, item=5, pool=10_001)
    assert run.producers_percent == 50
    sides = {(a.party_id, a.side): a.gross_tiyn for a in Allocation.objects.filter(run=run)}
    assert sides == {(producer.pk, "producers"): 5_001, (singer.pk, "performers"): 2_500,
                     (player.pk, "performers"): 2_500}  # fmt: skip
    admin = f.make_account("admin@qaz.kz", Role.CMO_ADMIN, cmo=personas.other_cmo)
    phonograms.record_collector(
        by=admin, cmo=personas.other_cmo, valid_from=dt.date(2025, 1, 1), agreement_reference="No. 7",
        producers_percent=D("60"),
    )  # fmt: skip
    run = run_of(personas, {record: 3}, item=5, pool=10_001)
    assert run.producers_percent == 60
    assert dict(Payee.objects.filter(run=run).values_list("party_id", "gross_tiyn")) == {
        producer.pk: 6_001, singer.pk: 2_000, player.pk: 2_000,
    }  # fmt: skip


@pytest.mark.django_db
@pytest.mark.statute("A39.split")
def test_a_side_with_nobody_on_record_keeps_its_half(personas: Any) -> None:
    producer = f.make_entity(name_lat="Label L")
    mandate_to(producer, personas.other_cmo, area_item=5)
    record = f.make_work(personas.operator, (producer, "PRD", {"RR": D("100")}), kind="recording")
    run = run_of(personas, {record: 1}, item=5, pool=999)
    assert routes(run) == {(producer.pk, "payable"): 500, (None, "no_holder"): 499}
    kept = Allocation.objects.get(run=run, party=None)
    assert kept.side == "performers"


@pytest.mark.django_db
@pytest.mark.statute("A46.1.3-proportional")
def test_collection_shares_declared_for_kazakhstan_win_over_ownership_and_the_allocation_says_which(
    personas: Any, trio: dict[str, Any]
) -> None:
    """The work declares collection shares for the World (2136) of 50/50/0 and for Kazakhstan (398) of
    70/30/0 for M and E: Kazakhstan's apply. 10 000 tiyn → M 7 000, E 3 000 (accredited, so E is paid)."""
    accredit(personas, personas.cmo, 1)
    work = trio["work"]
    contributors = {c.party_id: c for c in work.contributors.all()}
    m, e = contributors[trio["m"].pk], contributors[trio["e"].pk]
    for contributor, world, kz in ((m, 50, 70), (e, 50, 30)):
        TerritoryShare.objects.create(work=work, contributor=contributor, tis=2136, pr_collection=world)
        TerritoryShare.objects.create(
            work=work, contributor=contributor, tis=398, sequence=2, pr_collection=kz
        )
    run = run_of(personas, {work: 1})
    allocations = {a.party_id: (a.gross_tiyn, a.basis) for a in Allocation.objects.filter(run=run)}
    assert allocations == {trio["m"].pk: (7_000, "territory"), trio["e"].pk: (3_000, "territory")}
    # excluded from Kazakhstan, M's declared shares no longer make a whole: the ownership shares apply
    TerritoryShare.objects.create(work=work, contributor=m, tis=398, sequence=3, included=False)
    run = run_of(personas, {work: 1})
    assert {a.basis for a in Allocation.objects.filter(run=run)} == {"ownership"}
