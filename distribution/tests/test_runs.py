"""The distribution engine on worked examples whose amounts were computed by hand, and its rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from distribution.engine import RunError
from distribution.models import Allocation, Payee, Run
from distribution.runs import approve_run, start_run
from registers.models import Area, Conflict
from tests import factories as f
from tests.personas import mandate_to

Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
D = Decimal


@pytest.fixture
def world(personas: Any) -> dict[str, Any]:
    """Holders A, B, C and five works (see the worked example below)."""
    by = personas.operator
    a = f.make_person(name_lat="Aigul A")
    b = f.make_person(name_lat="Bolat B")
    c = f.make_person(name_lat="Camila C", citizenship="FR")
    w1 = f.make_work(by, (a, "C", {"PR": D("50")}), (b, "A", {"PR": D("50")}))
    w2 = f.make_work(by, (a, "C", {"PR": D("33.33")}), (c, "A", {"PR": D("66.67")}))
    classic = f.make_person(
        name_lat="Abai Kunanbaiuly", birth_date=dt.date(1845, 8, 10), death_date=dt.date(1904, 7, 6)
    )
    public = f.make_work(by, (classic, "CA", {"PR": D("100")}))
    assert public.protection_ends_on is not None and public.protection_ends_on < Q1[0]
    mechanical_only = f.make_work(by, (b, "C", {"MR": D("100")}))
    for holder in (a, b, c):
        mandate_to(holder, personas.cmo, area_item=1)
    return {"a": a, "b": b, "c": c, "w1": w1, "w2": w2, "public": public, "mechanical_only": mechanical_only,
            "area": Area.objects.get(item=1)}  # fmt: skip


def _run(personas: Any, world: dict[str, Any], **kw: Any) -> Run:
    weights = {world["w1"].pk: 3, world["w2"].pk: 1, world["public"].pk: 5, world["mechanical_only"].pk: 2}
    kw.setdefault("costs_percent", D("15"))
    kw.setdefault("funds_percent", D("5"))
    return start_run(
        personas.cmo, world["area"], *Q1, by=personas.cmo_staff, weights=kw.pop("weights", weights),
        pool_tiyn=kw.pop("pool_tiyn", 100_000), **kw,
    )  # fmt: skip


@pytest.mark.django_db
@pytest.mark.statute("A46.1.3-proportional")
@pytest.mark.statute("A46.1.2-pro-rata")
@pytest.mark.statute("A29-public-domain")
def test_a_worked_example_to_the_tiyn(personas: Any, world: dict[str, Any]) -> None:
    """1000 tenge for three works used 3, 1 and 2 times (a public-domain work used 5 times gets nothing):
    50 000 / 16 666.67 / 33 333.33 tiyn → 50 000, 16 667 (the largest remainder), 33 333. Work 1 halves;
    work 2 is 33.33 % / 66.67 %: 5 555.11 and 11 111.89 → 5 555 and 11 112; the mechanical-only work has no
    holder of area 1's right (performing), so its money is kept. Deductions 15 % + 5 % = 20 000 tiyn, a fifth
    of each payee's gross: A 30 555 → 6 111; B 25 000 → 5 000; C 11 112 → 2 222.4; kept 33 333 → 6 666.6,
    so the one tiyn left goes to the kept money (remainder .6 over .4). Costs are three quarters of each:
    A 4 583.25, B 3 750, C 1 666.5 → 1 667 (largest remainder), kept 5 000.25."""
    run = _run(personas, world)
    a, b, c = world["a"], world["b"], world["c"]
    allocations = {(x.work_id, x.party_id): x.gross_tiyn for x in Allocation.objects.filter(run=run)}
    assert allocations == {
        (world["w1"].pk, a.pk): 25_000, (world["w1"].pk, b.pk): 25_000,
        (world["w2"].pk, a.pk): 5_555, (world["w2"].pk, c.pk): 11_112,
        (world["mechanical_only"].pk, None): 33_333,
    }  # fmt: skip
    payees = {
        p.party_id: (p.route, p.gross_tiyn, p.costs_tiyn, p.funds_tiyn, p.net_tiyn)
        for p in Payee.objects.filter(run=run)
    }
    assert payees == {
        a.pk: ("payable", 30_555, 4_583, 1_528, 24_444),
        b.pk: ("payable", 25_000, 3_750, 1_250, 20_000),
        c.pk: ("payable", 11_112, 1_667, 555, 8_890),
        None: ("no_holder", 33_333, 5_000, 1_667, 26_666),
    }
    assert sum(v[1] for v in payees.values()) == run.pool_tiyn == 100_000
    assert (run.costs_tiyn, run.funds_tiyn, run.excluded_units) == (15_000, 5_000, 5)
    assert sum(v[4] for v in payees.values()) == 80_000


@pytest.mark.django_db
@pytest.mark.statute("A46.1.2-cap20")
def test_deductions_above_a_fifth_of_the_pool_are_refused_and_the_database_refuses_them_too(
    personas: Any, world: dict[str, Any]
) -> None:
    with pytest.raises(RunError) as refused:
        _run(personas, world, costs_percent=D("15"), funds_percent=D("5.01"))
    assert refused.value.code == "cap20" and refused.value.params["percent"] == D("20.01")
    assert not Run.objects.exists()
    run = _run(personas, world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Run.objects.filter(pk=run.pk).update(funds_tiyn=5_001)


@pytest.mark.django_db
@pytest.mark.statute("A46.1.2-nondiscrimination")
def test_citizenship_and_residence_change_nobody_s_money(personas: Any, world: dict[str, Any]) -> None:
    def money() -> dict[Any, tuple[int, int]]:
        run = _run(personas, world, pool_tiyn=99_999)
        return {p.party_id: (p.gross_tiyn, p.net_tiyn) for p in Payee.objects.filter(run=run)}

    before = money()
    world["c"].__class__.objects.filter(pk=world["c"].pk).update(citizenship="KZ")
    world["a"].__class__.objects.filter(pk=world["a"].pk).update(citizenship="FR")
    assert money() == before


@pytest.mark.django_db
def test_a_work_held_by_an_open_conflict_is_allocated_but_held(personas: Any, world: dict[str, Any]) -> None:
    Conflict.objects.create(kind="competing_work_claims", status="open", work=world["w1"], code="test")
    run = _run(personas, world)
    routes = {(p.party_id, p.route): p.gross_tiyn for p in Payee.objects.filter(run=run)}
    a, b = world["a"], world["b"]
    assert routes[(a.pk, "held_conflict")] == 25_000 and routes[(b.pk, "held_conflict")] == 25_000
    assert routes[(a.pk, "payable")] == 5_555 and (b.pk, "payable") not in routes
    assert sum(routes.values()) == 100_000


@pytest.mark.django_db
@pytest.mark.statute("A44.5-distribute")
def test_a_run_started_twice_is_one_run_and_a_second_person_approves_it(
    personas: Any, world: dict[str, Any]
) -> None:
    first = _run(personas, world)
    again = _run(personas, world)
    assert first.pk == again.pk and Run.objects.count() == 1
    assert Payee.objects.filter(run=first).count() == 4
    assert sum(Payee.objects.filter(run=first).values_list("gross_tiyn", flat=True)) == 100_000
    with pytest.raises(RunError) as same:
        approve_run(first, by=personas.cmo_staff)
    assert same.value.code == "same_person"
    approved = approve_run(first, by=personas.cmo_admin)
    assert (approved.status, approved.approved_by) == ("approved", personas.cmo_admin)
    with pytest.raises(RunError) as after:
        _run(personas, world)
    assert after.value.code == "already_approved"


@pytest.mark.django_db
def test_a_run_with_no_usage_of_protected_works_is_refused(personas: Any, world: dict[str, Any]) -> None:
    with pytest.raises(RunError) as refused:
        _run(personas, world, weights={world["public"].pk: 10})
    assert refused.value.code == "no_usage"


@pytest.mark.django_db
def test_use_given_for_a_work_not_in_the_registers_is_refused_and_nothing_is_written(
    personas: Any, world: dict[str, Any]
) -> None:
    missing = world["w1"].pk + 1_000_000
    with pytest.raises(ValueError, match="1 works not in the registers"):
        _run(personas, world, weights={world["w1"].pk: 3, missing: 1})
    assert not Run.objects.exists() and not Allocation.objects.exists()


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pool=st.integers(min_value=1, max_value=10**13),
    units=st.lists(st.integers(min_value=1, max_value=10**9), min_size=4, max_size=4),
    costs=st.decimals(min_value=0, max_value=15, places=2),
    funds=st.decimals(min_value=0, max_value=5, places=2),
)
def test_any_pool_is_split_to_the_tiyn(
    personas: Any, world: dict[str, Any], pool: int, units: list[int], costs: Decimal, funds: Decimal
) -> None:
    works = [world["w1"], world["w2"], world["public"], world["mechanical_only"]]
    weights = {w.pk: n for w, n in zip(works, units, strict=True)}
    run = _run(personas, world, pool_tiyn=pool, weights=weights, costs_percent=costs, funds_percent=funds)
    assert (run.costs_tiyn + run.funds_tiyn) * 5 <= pool
    payees = list(Payee.objects.filter(run=run))
    assert sum(p.gross_tiyn for p in payees) == pool
    assert sum(p.costs_tiyn for p in payees) == run.costs_tiyn
    assert sum(p.funds_tiyn for p in payees) == run.funds_tiyn
    assert all(p.net_tiyn >= 0 and p.costs_tiyn >= 0 and p.funds_tiyn >= 0 for p in payees)
    rate = Decimal(run.costs_tiyn + run.funds_tiyn) / pool
    assert all(abs(Decimal(p.costs_tiyn + p.funds_tiyn) - p.gross_tiyn * rate) < 1 for p in payees)
    assert sum(Allocation.objects.filter(run=run).values_list("gross_tiyn", flat=True)) == pool


@pytest.mark.django_db
@pytest.mark.statute("A46.1.3-proportional")
def test_matched_usage_drives_each_work_s_share_from_the_usage_lines_to_the_holders(personas: Any) -> None:
    """Lines of a licence's report matched by ISRC to recordings embodying two works: 3 plays of the first
    (writer A), 1 of the second (A 25 %, B 75 %), 6 of something unregistered. 1 001 tiyn: 750.75 and 250.25
    → 751 and 250; the second's 62.5 / 187.5 → the tie goes to the first holder by id: A 751 + 63, B 187."""
    from distribution import matching
    from distribution.runs import usage_weights
    from distribution.tests.helpers import JANUARY, embody, lines, recording, report
    from licensing.models import LicenceLine
    from licensing.tests.helpers import published
    from licensing.tests.usage_fixtures import make_licence

    licence = make_licence(personas)
    LicenceLine.objects.create(licence=licence, area=Area.objects.get(item=1), tariff=published(personas.cmo_staff),
                               scope="extended", monthly_amount=D("9600"))  # fmt: skip
    a = f.make_person(name_lat="Aigul A")
    b = f.make_person(name_lat="Bolat B")
    first = f.make_work(personas.operator, (a, "C", {"PR": D("100")}), title="Dala")
    second = f.make_work(personas.operator, (a, "C", {"PR": D("25")}), (b, "A", {"PR": D("75")}), title="Kok")
    embody(recording(personas, "Dala", isrc="KZA012600001"), first)
    embody(recording(personas, "Kok", isrc="KZA012600002"), second)
    lines(
        report(licence),
        [
            {"isrc": "KZA012600001", "plays": 2},
            {"isrc": "KZA012600002", "plays": 1},
            {"isrc": "KZA012600001", "plays": 1},
            {"title": "Nobody's song", "artist": "Nobody", "plays": 6},
        ],
    )
    matching.refresh_work_keys()
    matching.match_period(JANUARY)
    area = Area.objects.get(item=1)
    weights = usage_weights(personas.cmo, area, *Q1)
    assert weights == {first.pk: 3, second.pk: 1}
    assert usage_weights(personas.other_cmo, area, *Q1) == {}
    run = start_run(personas.cmo, area, *Q1, by=personas.cmo_staff, weights=weights, pool_tiyn=1_001)
    assert {p.party_id: p.net_tiyn for p in Payee.objects.filter(run=run)} == {a.pk: 814, b.pk: 187}
