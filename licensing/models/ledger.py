"""The ledger: a chart of accounts and double-entry transactions whose invariants live in the database.

- :class:`LedgerAccount` — the chart of accounts, seeded by the migration (codes and names in Kazakh, Russian
  and English); the distribution adds its own accounts the same way.
- :class:`Transaction` — one movement of money, for one CMO, dated (``posted_on``) and booked into an
  accounting month (``period``, the first day of the month). Its memo is a code with parameters, rendered in
  the reader's language (:mod:`licensing.ledger`), never stored text.
- :class:`Entry` — one leg: an account and a signed amount in tiyn (debit positive, credit negative), tied
  where it matters to a licence, an area and the start of the usage period it pays for.

In the database: the legs of every transaction sum to zero. A statement-level trigger sums, once per
statement, the transactions the statement touched (so posting a run of 300 000 legs in one ``INSERT … SELECT``
costs one grouped query, not one sum per leg); a transaction a statement leaves unbalanced is queued in
:class:`LedgerCheck`, whose deferred trigger sums it again at commit, so legs written one statement at a time
still only need to balance at commit. Transactions and entries are append-only (triggers refuse UPDATE and DELETE: a correction is a
new, reversing transaction); and no entry goes into a month the CMO has closed (:class:`AccountingPeriod`).
"""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    ASSET = "asset", _("Asset")
    LIABILITY = "liability", _("Liability")
    INCOME = "income", _("Income")
    EXPENSE = "expense", _("Expense")


class LedgerAccount(models.Model):
    """An account of the chart, the same for every CMO (the CMO is on each transaction)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=AccountKind.choices)
    name_kk = models.CharField(_("name in Kazakh"), max_length=200)
    name_ru = models.CharField(_("name in Russian"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "kk")[:2]
        return str(getattr(self, f"name_{language}", "") or self.name_ru)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class AccountingPeriod(models.Model):
    """A CMO's accounting month, once closed: nothing more is booked into it (a trigger refuses entries).
    Months without a row are open."""

    cmo = models.ForeignKey(
        "registers.CMO", on_delete=models.PROTECT, related_name="accounting_periods", verbose_name=_("CMO")
    )
    month = models.DateField(_("month"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("closed by"),
    )  # fmt: skip

    class Meta:
        ordering = ["-month"]
        verbose_name = _("accounting period")
        verbose_name_plural = _("accounting periods")
        constraints = [
            models.UniqueConstraint(fields=["cmo", "month"], name="one_accounting_period_per_cmo_month"),
            models.CheckConstraint(name="accounting_period_is_a_month", condition=Q(month__day=1)),
        ]
        triggers = [
            pgtrigger.Protect(name="closed_periods_stay_closed", operation=pgtrigger.Delete),
            pgtrigger.Protect(
                name="closed_period_not_reopened",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__closed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cmo_id} {self.month:%Y-%m}"


class SourceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    INVOICE_CANCELLED = "invoice_cancelled", _("Cancelled invoice")
    PAYMENT = "payment", _("Payment")
    ALLOCATION = "allocation", _("Allocation of a receipt")
    REVERSAL = "reversal", _("Reversal")
    RUN = "distribution_run", _("Distribution run")
    RUN_REVERSAL = "run_reversal", _("Correction of a distribution run")
    PAYOUT_SENT = "payout_sent", _("Payment file sent to the bank")
    PAYOUT_BOOKED = "payout_booked", _("Payments confirmed by the bank")
    PAYOUT_RETURNED = "payout_returned", _("Payments returned by the bank")
    PAYOUT_RETURNED_AFTER_BOOKING = "payout_came_back", _("Paid transfers returned by the bank")
    PAYOUT_CANCELLED = "payout_cancelled", _("Payment file cancelled")
    REMUNERATION_CLAIM = "remuneration_claim", _("Claim of remuneration paid (Art. 46.2)")
    REMITTANCE = "remittance", _("Remittance to a foreign society approved")
    REMITTANCE_PAID = "remittance_paid", _("Remittance to a foreign society paid")
    REMITTANCE_RETURNED = "remittance_returned", _("Remittance to a foreign society returned by the bank")


#: Sources posted at most once each (a unique index): a run, its correction, a payment batch, a statement's
#: confirmations and returns.
ONCE_ONLY_SOURCES = (
    SourceKind.RUN,
    SourceKind.RUN_REVERSAL,
    SourceKind.PAYOUT_SENT,
    SourceKind.PAYOUT_BOOKED,
    SourceKind.PAYOUT_RETURNED,
    SourceKind.PAYOUT_RETURNED_AFTER_BOOKING,
    SourceKind.PAYOUT_CANCELLED,
    SourceKind.REMUNERATION_CLAIM,
    SourceKind.REMITTANCE,
    SourceKind.REMITTANCE_PAID,
    SourceKind.REMITTANCE_RETURNED,
)


class Transaction(models.Model):
    """One movement of money for one CMO: its legs (:class:`Entry`) sum to zero. Never edited."""

    cmo = models.ForeignKey(
        "registers.CMO", on_delete=models.PROTECT, related_name="ledger_transactions", verbose_name=_("CMO")
    )
    posted_on = models.DateField(_("date"))
    #: The accounting month it is booked into: the month of ``posted_on``, or the first open month after it
    #: when that month is closed (an adjustment).
    period = models.DateField(_("accounting month"))
    memo_code = models.CharField(_("memo"), max_length=40)
    memo_params = models.JSONField(_("memo parameters"), default=dict, blank=True)
    source_kind = models.CharField(_("source"), max_length=20, choices=SourceKind.choices)
    source_id = models.BigIntegerField(_("source number"), null=True, blank=True)
    #: The transaction this one corrects or books late (a reversal, or an adjustment of a closed month).
    adjusts = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="adjustments",
        verbose_name=_("adjusts"),
    )  # fmt: skip
    is_adjustment = models.BooleanField(_("adjustment to a closed month"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("posted by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)

    class Meta:
        ordering = ["posted_on", "id"]
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        constraints = [
            models.CheckConstraint(name="ledger_period_is_a_month", condition=Q(period__day=1)),
            models.UniqueConstraint(
                fields=["source_kind", "source_id"],
                condition=Q(source_kind__in=[kind.value for kind in ONCE_ONLY_SOURCES]),
                name="ledger_tx_posted_once",
            ),
        ]
        indexes = [models.Index(fields=["source_kind", "source_id"], name="ledger_tx_source")]
        triggers = [
            pgtrigger.Protect(
                name="ledger_transactions_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
            pgtrigger.Trigger(
                name="ledger_transaction_has_entries",
                operation=pgtrigger.Insert,
                when=pgtrigger.After,
                timing=pgtrigger.Deferred,
                func="""
                BEGIN
                    IF NOT EXISTS (SELECT 1 FROM licensing_entry e WHERE e.transaction_id = NEW.id) THEN
                        RAISE EXCEPTION 'ledger transaction % has no entries', NEW.id
                            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_transaction_has_entries';
                    END IF;
                    RETURN NULL;
                END;
                """,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cmo_id} {self.posted_on} {self.memo_code}"


class Entry(models.Model):
    """One leg of a transaction: debit positive, credit negative, in tiyn."""

    transaction = models.ForeignKey(
        Transaction, on_delete=models.PROTECT, related_name="entries", verbose_name=_("transaction")
    )
    account = models.ForeignKey(
        LedgerAccount, on_delete=models.PROTECT, related_name="entries", verbose_name=_("account")
    )
    amount_tiyn = models.BigIntegerField(_("amount, tiyn (debit +, credit −)"))
    licence = models.ForeignKey(
        "licensing.Licence", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries",
        verbose_name=_("licence"),
    )  # fmt: skip
    area = models.ForeignKey(
        "registers.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("area"),
    )  # fmt: skip
    usage_start = models.DateField(_("usage period from"), null=True, blank=True)
    #: Whose money it is: a holder's balance (owed, withheld, in transit, held) is a ledger balance. Without a
    #: database foreign key: a run posts one leg per holder, and a key check per row (a row lock on each of
    #: 300 000 holders) cost more than the rest of the posting. The legs are copied from rows that do hold
    #: the key (payees, tax withheld, transfers, all protecting the holder), so the holder is there.
    party = models.ForeignKey(
        "registers.Party", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
        db_index=False, related_name="+", verbose_name=_("holder"),
    )  # fmt: skip
    #: The work money with no holder on record is kept for, until a holder appears (the same as ``party``).
    work = models.ForeignKey(
        "registers.Work", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
        db_index=False, related_name="+", verbose_name=_("work"),
    )  # fmt: skip

    class Meta:
        ordering = ["id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [models.CheckConstraint(name="ledger_entry_not_zero", condition=~Q(amount_tiyn=0))]
        indexes = [
            models.Index(fields=["account", "licence", "area"], name="ledger_entry_account_licence"),
            models.Index(
                fields=["party", "account"], condition=Q(party__isnull=False), name="ledger_entry_party"
            ),
            models.Index(fields=["work"], condition=Q(work__isnull=False), name="ledger_entry_work"),
        ]
        triggers = [
            pgtrigger.Protect(
                name="ledger_entries_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
            # once per statement: the transactions it touched, summed in one grouped query; those left
            # unbalanced wait in LedgerCheck for the commit
            pgtrigger.Trigger(
                name="ledger_entries_balance",
                operation=pgtrigger.Insert,
                when=pgtrigger.After,
                level=pgtrigger.Statement,
                referencing=pgtrigger.Referencing(new="new_entries"),
                func="""
                BEGIN
                    INSERT INTO licensing_ledgercheck (transaction_id)
                    SELECT e.transaction_id FROM licensing_entry e
                     WHERE e.transaction_id IN (SELECT DISTINCT transaction_id FROM new_entries)
                     GROUP BY e.transaction_id HAVING sum(e.amount_tiyn) <> 0
                    ON CONFLICT (transaction_id) DO NOTHING;
                    RETURN NULL;
                END;
                """,
            ),
            pgtrigger.Trigger(
                name="ledger_entry_period_open",
                operation=pgtrigger.Insert,
                when=pgtrigger.After,
                level=pgtrigger.Statement,
                referencing=pgtrigger.Referencing(new="new_entries"),
                func="""
                DECLARE
                    closed bigint;
                BEGIN
                    SELECT t.id INTO closed FROM licensing_transaction t
                      JOIN licensing_accountingperiod p ON p.cmo_id = t.cmo_id AND p.month = t.period
                     WHERE t.id IN (SELECT DISTINCT transaction_id FROM new_entries) AND p.closed_at IS NOT NULL
                     LIMIT 1;
                    IF closed IS NOT NULL THEN
                        RAISE EXCEPTION 'the accounting month of transaction % is closed', closed
                            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_entry_period_open';
                    END IF;
                    RETURN NULL;
                END;
                """,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.transaction_id} {self.account_id} {self.amount_tiyn}"


class LedgerCheck(models.Model):
    """A transaction a statement left unbalanced: summed again at commit (a deferred trigger), which
    refuses the commit unless later legs balanced it. Empty between database transactions."""

    transaction = models.OneToOneField(
        Transaction, on_delete=models.DO_NOTHING, db_constraint=False, primary_key=True, related_name="+",
        verbose_name=_("transaction"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("ledger balance check")
        verbose_name_plural = _("ledger balance checks")
        triggers = [
            pgtrigger.Trigger(
                name="ledger_entries_balance_at_commit",
                operation=pgtrigger.Insert,
                when=pgtrigger.After,
                timing=pgtrigger.Deferred,
                func="""
                DECLARE
                    total numeric;
                BEGIN
                    SELECT coalesce(sum(amount_tiyn), 0) INTO total
                      FROM licensing_entry WHERE transaction_id = NEW.transaction_id;
                    DELETE FROM licensing_ledgercheck WHERE transaction_id = NEW.transaction_id;
                    IF total <> 0 THEN
                        RAISE EXCEPTION 'ledger transaction % does not balance: its entries sum to % tiyn',
                            NEW.transaction_id, total
                            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_entries_balance';
                    END IF;
                    RETURN NULL;
                END;
                """,
            ),
        ]

    def __str__(self) -> str:
        return str(self.transaction_id)
