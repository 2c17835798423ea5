"""The ledger's invariants are the database's: balance at commit, append-only, closed months."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, InternalError, connection, transaction
from django.db.utils import DatabaseError

from licensing import ledger
from licensing.models import AccountingPeriod, Entry, LedgerAccount, Transaction
from tests.personas import Personas
from udp.money import split, split_units

pytestmark = pytest.mark.usefixtures("english")


def _bare_transaction(personas: Personas, day: dt.date = dt.date(2027, 1, 5)) -> Transaction:
    return Transaction.objects.create(
        cmo=personas.cmo, posted_on=day, period=day.replace(day=1), memo_code="reversal", memo_params={},
        source_kind="reversal",
    )  # fmt: skip


def test_the_chart_of_accounts_is_seeded_with_names_in_three_languages(db: Any) -> None:
    bank = LedgerAccount.objects.get(code="bank")
    assert (bank.kind, bank.name_en) == ("asset", "Cash at bank")
    assert bank.name_kk and bank.name_ru
    assert set(LedgerAccount.objects.values_list("code", flat=True)) >= {
        "bank", "receivable", "remuneration_payable", "cmo_deduction_income", "unallocated_receipts",
    }  # fmt: skip


def test_an_unbalanced_transaction_fails_at_commit(personas: Personas) -> None:
    bank, receivable = LedgerAccount.objects.get(code="bank"), LedgerAccount.objects.get(code="receivable")
    with pytest.raises(IntegrityError, match="does not balance"):
        with transaction.atomic():
            tx = _bare_transaction(personas)
            Entry.objects.create(transaction=tx, account=bank, amount_tiyn=100)
            Entry.objects.create(transaction=tx, account=receivable, amount_tiyn=-99)
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what COMMIT does to deferred triggers


def test_a_balanced_transaction_is_accepted_and_a_transaction_without_entries_is_not(
    personas: Personas,
) -> None:
    bank, receivable = LedgerAccount.objects.get(code="bank"), LedgerAccount.objects.get(code="receivable")
    with transaction.atomic():
        tx = _bare_transaction(personas)
        Entry.objects.create(transaction=tx, account=bank, amount_tiyn=100)
        Entry.objects.create(transaction=tx, account=receivable, amount_tiyn=-100)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(IntegrityError, match="has no entries"):
        with transaction.atomic():
            _bare_transaction(personas)
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _posted(personas: Personas, day: dt.date = dt.date(2027, 1, 5)) -> Transaction:
    return ledger.post(
        personas.cmo, day, [ledger.Leg("bank", Decimal("12.50")), ledger.Leg("unallocated_receipts", Decimal("-12.50"))],
        "receipt_unallocated", {"received": day.isoformat(), "reference": "R1"}, ("payment", None), personas.cmo_staff,
    )  # fmt: skip


def test_transactions_and_entries_refuse_update_and_delete(personas: Personas) -> None:
    tx = _posted(personas)
    entry = tx.entries.first()
    assert entry is not None
    for statement in (
        lambda: Transaction.objects.filter(pk=tx.pk).update(memo_code="payment"),
        lambda: Transaction.objects.filter(pk=tx.pk).delete(),
        lambda: Entry.objects.filter(pk=entry.pk).update(amount_tiyn=1),
        lambda: Entry.objects.filter(pk=entry.pk).delete(),
    ):
        with pytest.raises((InternalError, DatabaseError)), transaction.atomic():
            statement()
    assert sorted(tx.entries.values_list("amount_tiyn", flat=True)) == [-1250, 1250]


def test_post_refuses_legs_that_do_not_balance(personas: Personas) -> None:
    with pytest.raises(ValueError, match="balance"):
        ledger.post(
            personas.cmo, dt.date(2027, 1, 5), [ledger.Leg("bank", Decimal("1")), ledger.Leg("receivable", Decimal("-2"))],
            "reversal", {"original": 1}, ("reversal", None), None,
        )  # fmt: skip


def test_a_closed_month_refuses_entries_and_late_postings_become_adjustments_in_the_open_month(
    personas: Personas, clock: Any
) -> None:
    clock.travel_to(dt.date(2027, 3, 10))
    original = _posted(personas, dt.date(2027, 1, 20))
    assert original.period == dt.date(2027, 1, 1)
    ledger.close_period(personas.cmo, dt.date(2027, 1, 1), by=personas.cmo_admin)
    ledger.close_period(personas.cmo, dt.date(2027, 2, 1), by=personas.cmo_admin)

    bank = LedgerAccount.objects.get(code="bank")
    with pytest.raises(IntegrityError, match="closed"), transaction.atomic():
        tx = _bare_transaction(personas, dt.date(2027, 1, 25))
        Entry.objects.create(transaction=tx, account=bank, amount_tiyn=5)

    late = _posted(personas, dt.date(2027, 1, 28))  # a late payment received in January
    assert (late.posted_on, late.period, late.is_adjustment) == (
        dt.date(2027, 1, 28),
        dt.date(2027, 3, 1),
        True,
    )
    correction = ledger.reverse(original, by=personas.cmo_admin)
    assert (correction.period, correction.adjusts) == (dt.date(2027, 3, 1), original)
    balances = ledger.balances(personas.cmo, by=("account", "period"))
    assert {"account": "bank", "period": dt.date(2027, 1, 1), "balance": 1250} in balances
    assert {"account": "bank", "period": dt.date(2027, 3, 1), "balance": 0} in balances


def test_a_month_closes_once_and_only_after_it_ended(personas: Personas, clock: Any) -> None:
    from django.core.exceptions import ValidationError

    clock.travel_to(dt.date(2027, 3, 10))
    with pytest.raises(ValidationError):
        ledger.close_period(personas.cmo, dt.date(2027, 3, 1), by=personas.cmo_admin)
    period = ledger.close_period(personas.cmo, dt.date(2027, 2, 14), by=personas.cmo_admin)
    assert period.month == dt.date(2027, 2, 1) and period.closed_by == personas.cmo_admin
    with pytest.raises(ValidationError):
        ledger.close_period(personas.cmo, dt.date(2027, 2, 1), by=personas.cmo_admin)
    with pytest.raises((InternalError, DatabaseError)), transaction.atomic():
        AccountingPeriod.objects.filter(pk=period.pk).update(closed_at=None)
    # the other CMO's February stays open
    other = _posted_for_other(personas)
    assert other.period == dt.date(2027, 2, 1) and not other.is_adjustment


def _posted_for_other(personas: Personas) -> Transaction:
    return ledger.post(
        personas.other_cmo, dt.date(2027, 2, 3), [ledger.Leg("bank", Decimal("1")), ledger.Leg("unallocated_receipts", Decimal("-1"))],
        "receipt_unallocated", {"received": "2027-02-03", "reference": "Q"}, ("payment", None), None,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("whole", "weights"),
    [
        ("100.00", [1, 1, 1]),
        ("0.05", [3, 3, 1]),
        ("45000.00", ["10000", "5000"]),
        ("-10.01", [1, 2, 3, 4]),
        ("999999.99", [7, 11, 13]),
    ],
)
def test_largest_remainder_splits_sum_to_the_whole(whole: str, weights: list[Any]) -> None:
    parts = split(Decimal(whole), [Decimal(w) for w in weights])
    assert sum(parts, Decimal(0)) == Decimal(whole)
    assert split_units(100, [1, 1, 1]) == [34, 33, 33]  # the earlier part takes the remainder on a tie


def test_memos_read_in_the_readers_language(personas: Personas) -> None:
    from django.utils import translation

    tx = _posted(personas)
    with translation.override("en"):
        assert ledger.memo_text(tx).startswith("Receipt of")
