"""An approved run in the ledger, to the tiyn; tax withheld by residency; the balance checked by the database
once per statement; a run posted once and corrected by a reversal."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from distribution.engine import RunError
from distribution.models import Payee, Run, Withholding
from distribution.payouts.posting import post_run, reverse_run, run_posting
from distribution.runs import approve_run
from distribution.tests.test_runs import Q1, _run, world  # noqa: F401  (the fixture of the worked example)
from licensing import ledger
from licensing.models import Entry, LedgerAccount, SourceKind, Transaction
from registers.models import Area, Party
from tests import factories as f

D = Decimal


def _legs(tx: Transaction) -> dict[tuple[str, Any], int]:
    legs: dict[tuple[str, Any], int] = {}
    for code, party, work, amount in tx.entries.values_list(
        "account__code", "party_id", "work_id", "amount_tiyn"
    ):
        key = (code, party if party is not None else work)
        legs[key] = legs.get(key, 0) + amount
    return legs


@pytest.fixture
def example(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Holders A, B, C and the works of test_runs' worked example."""
    found: dict[str, Any] = request.getfixturevalue("world")
    return found


def _approved(personas: Any, example: dict[str, Any], **kw: Any) -> Run:
    return approve_run(_run(personas, example, **kw), by=personas.cmo_admin)


@pytest.mark.django_db
@pytest.mark.statute("A44.5-distribute")
def test_an_approved_run_is_one_balanced_transaction_to_the_tiyn(
    personas: Any, example: dict[str, Any]
) -> None:
    """The worked example of test_runs (pool 100 000 tiyn, 15 % + 5 %): nets A 24 444, B 20 000, C 8 890, kept
    26 666. B is not resident (15 %): 3 000; A and C are resident persons (10 %): 2 444.4 → 2 444 and 889.0 →
    889. Holders payable: A 22 000, B 17 000, C 8 001; the kept money is undistributed, under its work."""
    a, b, c = example["a"], example["b"], example["c"]
    Party.objects.filter(pk=b.pk).update(resident=False)
    run = _approved(personas, example)
    tx = run_posting(run)
    assert tx is not None and (tx.cmo, tx.memo_code, tx.source_id) == (
        personas.cmo,
        "distribution_run",
        run.pk,
    )
    assert _legs(tx) == {
        ("remuneration_payable", None): 100_000,
        ("holders_payable", a.pk): -22_000, ("holders_payable", b.pk): -17_000, ("holders_payable", c.pk): -8_001,
        ("tax_payable", a.pk): -2_444, ("tax_payable", b.pk): -3_000, ("tax_payable", c.pk): -889,
        ("undistributed", example["mechanical_only"].pk): -26_666,
        ("cmo_deduction_income", None): -15_000, ("special_funds", None): -5_000,
    }  # fmt: skip
    area = Area.objects.get(item=1)
    pool = tx.entries.get(account__code="remuneration_payable")
    assert (pool.area_id, pool.usage_start) == (area.pk, Q1[0])  # the pool it comes from: area and period
    taxes = {
        w.party_id: (w.net_tiyn, w.percent, w.tax_tiyn, w.payable_tiyn)
        for w in Withholding.objects.filter(run=run)
    }
    assert taxes == {
        a.pk: (24_444, D("10.00"), 2_444, 22_000), b.pk: (20_000, D("15.00"), 3_000, 17_000),
        c.pk: (8_890, D("10.00"), 889, 8_001),
    }  # fmt: skip
    owed = ledger.balances(personas.cmo, by=("party",), accounts=[ledger.HOLDERS_PAYABLE])
    assert {row["party"]: -row["balance"] for row in owed} == {a.pk: 22_000, b.pk: 17_000, c.pk: 8_001}


@pytest.mark.django_db
@pytest.mark.statute("A46.1.2-nondiscrimination")
@pytest.mark.statute("A44.5-distribute")
def test_residency_changes_only_the_tax_never_the_share(personas: Any, example: dict[str, Any]) -> None:
    """Work 1 alone, halves for A and B: 100 000 tiyn → 50 000 each, costs 7 500 and funds 2 500 each, net
    40 000 each. B is made a French non-resident: 6 000 withheld instead of A's 4 000. Nothing else differs."""
    a, b = example["a"], example["b"]
    Party.objects.filter(pk=b.pk).update(resident=False, citizenship="FR")
    run = _approved(personas, example, weights={example["w1"].pk: 1})
    payees = {
        p.party_id: (p.gross_tiyn, p.costs_tiyn, p.funds_tiyn, p.net_tiyn)
        for p in Payee.objects.filter(run=run)
    }
    assert payees[a.pk] == payees[b.pk] == (50_000, 7_500, 2_500, 40_000)
    taxes = {w.party_id: (w.tax_tiyn, w.payable_tiyn) for w in Withholding.objects.filter(run=run)}
    assert taxes == {a.pk: (4_000, 36_000), b.pk: (6_000, 34_000)}


@pytest.mark.django_db
def test_tax_is_rounded_once_half_up_and_a_resident_company_has_none(
    personas: Any, example: dict[str, Any]
) -> None:
    """Hand-made payees: 24 445 × 10 % = 2 444.5 → 2 445; 3 × 15 % = 0.45 → 0; 10 × 15 % = 1.5 → 2; a resident
    company's 1 000 → 0; a person whose residency is not on record is taken as resident."""
    from distribution.tax import withhold

    company = f.make_entity(resident=True)
    unknown = f.make_person(resident=None)
    nr1, nr2 = f.make_person(resident=False), f.make_person(resident=False)
    run = Run.objects.create(
        cmo=personas.cmo, area=Area.objects.get(item=1), period_start=Q1[0], period_end=Q1[1], pool_tiyn=26_458,
        started_by=personas.cmo_staff,
    )  # fmt: skip
    for party, net in ((example["a"], 24_445), (nr1, 3), (nr2, 10), (company, 1_000), (unknown, 1_000)):
        Payee.objects.create(
            run=run, party=party, route="payable", gross_tiyn=net, costs_tiyn=0, funds_tiyn=0, net_tiyn=net
        )
    assert withhold(run, Q1[1]) == 2_445 + 0 + 2 + 0 + 100
    taxes = {w.party_id: w.tax_tiyn for w in Withholding.objects.filter(run=run)}
    assert taxes == {example["a"].pk: 2_445, nr1.pk: 0, nr2.pk: 2, company.pk: 0, unknown.pk: 100}


@pytest.mark.django_db
@pytest.mark.statute("A44.5-distribute")
def test_a_run_is_posted_once_however_often_it_is_posted(personas: Any, example: dict[str, Any]) -> None:
    run = _approved(personas, example)
    first = run_posting(run)
    assert first is not None
    assert post_run(run, by=personas.cmo_admin) == first
    with pytest.raises(RunError):
        approve_run(run, by=personas.operator)
    assert Transaction.objects.filter(source_kind=SourceKind.RUN, source_id=run.pk).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses a second, even in a race
        Transaction.objects.create(
            cmo=personas.cmo, posted_on=first.posted_on, period=first.period, memo_code="distribution_run",
            source_kind=SourceKind.RUN, source_id=run.pk,
        )  # fmt: skip


@pytest.mark.django_db
def test_a_run_not_approved_is_not_posted(personas: Any, example: dict[str, Any]) -> None:
    run = _run(personas, example)
    with pytest.raises(RunError) as refused:
        post_run(run, by=personas.cmo_admin)
    assert refused.value.code == "not_approved" and not Entry.objects.exists()


@pytest.mark.django_db
def test_a_correction_reverses_the_run_once(personas: Any, example: dict[str, Any]) -> None:
    run = _approved(personas, example)
    correction = reverse_run(run, by=personas.cmo_admin)
    posting = run_posting(run)
    assert posting is not None and correction.adjusts == posting
    assert {k: -v for k, v in _legs(correction).items()} == _legs(posting)
    assert all(row["balance"] == 0 for row in ledger.balances(personas.cmo, by=("account", "party")))
    with pytest.raises(RunError) as again:
        reverse_run(run, by=personas.cmo_admin)
    assert again.value.code == "already_reversed"


def _insert_legs(tx: Transaction, amounts: list[int]) -> None:
    bank = LedgerAccount.objects.get(code="bank").pk
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO licensing_entry (transaction_id, account_id, amount_tiyn) "
            "SELECT %s, %s, a FROM unnest(%s::bigint[]) a",
            [tx.pk, bank, amounts],
        )


def _commit_checks() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what COMMIT does to deferred triggers
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # the test's own transaction goes on


def _bare(personas: Any) -> Transaction:
    return Transaction.objects.create(
        cmo=personas.cmo, posted_on=Q1[0], period=Q1[0], memo_code="reversal", source_kind="reversal"
    )


@pytest.mark.django_db
def test_an_unbalanced_multi_row_insert_is_refused_and_a_balanced_one_accepted(personas: Any) -> None:
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        _insert_legs(_bare(personas), [100, 200, -299])
        _commit_checks()
    with transaction.atomic():
        _insert_legs(_bare(personas), [100, 200, -300])
        _commit_checks()
    # balanced by a later statement of the same database transaction: accepted at commit
    with transaction.atomic():
        tx = _bare(personas)
        _insert_legs(tx, [100, 200])
        _insert_legs(tx, [-300])
        _commit_checks()
    # a leg appended to a committed, balanced transaction is refused
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        _insert_legs(tx, [5])
        _commit_checks()


@pytest.mark.django_db
def test_the_balance_check_is_linear_in_the_legs(personas: Any) -> None:
    """20 000 legs in one statement: the old row-level check summed the whole transaction once per leg
    (4 × 10⁸ rows read, minutes); once per statement it is one grouped query."""
    n = 20_000
    started = time.perf_counter()
    with transaction.atomic():
        _insert_legs(_bare(personas), [1] * n + [-n])
        _commit_checks()
    assert time.perf_counter() - started < 10
