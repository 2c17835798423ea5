"""Money after a run is approved: tax withheld, payment files to the bank and what the bank confirmed.

- :class:`TaxRate` — the rate of income tax a CMO, as tax agent, withholds from a holder's remuneration
  (Art. 45 (4) of the law; the Tax Code), by the holder's kind and residency, valid from a day: data,
  never a constant (see :mod:`distribution.tax` for the sources of the seeded rows).
- :class:`Withholding` — a payee's tax in a run: net, tax (to the tiyn, rounded half up once) and what is
  payable to the holder. The payee's own figures (gross − costs − funds = net) stay as the engine wrote them.
- :class:`PaymentBatch` and :class:`PaymentLine` — a payment file for a CMO: one credit transfer per holder
  owed money with a primary bank account (the IBAN copied as sent). A line is sent, then booked or
  returned by the bank.
- :class:`PayoutStatement` — a bank statement of those transfers as uploaded, kept unchanged, with what
  its import found.
"""

from __future__ import annotations

from decimal import Decimal

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from registers.models import PartyKind
from udp.money import from_tiyn


class TaxRate(models.Model):
    party_kind = models.CharField(_("kind of holder"), max_length=10, choices=PartyKind.choices)
    resident = models.BooleanField(_("resident of Kazakhstan"))
    percent = models.DecimalField(_("rate, %"), max_digits=5, decimal_places=2)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    basis = models.CharField(_("legal basis"), max_length=300)

    class Meta:
        ordering = ["party_kind", "-resident", "-valid_from"]
        verbose_name = _("tax rate")
        verbose_name_plural = _("tax rates")
        constraints = [
            models.UniqueConstraint(
                fields=["party_kind", "resident", "valid_from"], name="tax_rate_once_per_day"
            ),
            models.CheckConstraint(name="tax_rate_percent", condition=Q(percent__gte=0, percent__lte=100)),
            models.CheckConstraint(
                name="tax_rate_period_order",
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_party_kind_display()} {'R' if self.resident else 'NR'} {self.percent} %"


class Withholding(models.Model):
    # No database foreign keys to the payee, the run and the holder: the rows are written set-based from the
    # payees (which hold those keys) at approval, and a key check per row would double the posting's time.
    payee = models.OneToOneField(
        "distribution.Payee", on_delete=models.CASCADE, db_constraint=False, related_name="withholding",
        verbose_name=_("payee"),
    )  # fmt: skip
    run = models.ForeignKey(
        "distribution.Run", on_delete=models.CASCADE, db_constraint=False, db_index=False,
        related_name="withholdings",
        verbose_name=_("run"),
    )  # fmt: skip
    party = models.ForeignKey(
        "registers.Party", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+",
        verbose_name=_("holder"),
    )  # fmt: skip
    rate = models.ForeignKey(
        TaxRate, on_delete=models.PROTECT, db_index=False, related_name="+", verbose_name=_("tax rate")
    )
    percent = models.DecimalField(_("rate, %"), max_digits=5, decimal_places=2)
    net_tiyn = models.BigIntegerField(_("net, tiyn"))
    tax_tiyn = models.BigIntegerField(_("tax withheld, tiyn"))
    payable_tiyn = models.BigIntegerField(_("payable, tiyn"))

    class Meta:
        verbose_name = _("tax withheld")
        verbose_name_plural = _("taxes withheld")
        constraints = [
            models.CheckConstraint(
                name="withholding_payable_is_net_less_tax",
                condition=Q(payable_tiyn=F("net_tiyn") - F("tax_tiyn")),
            ),
            models.CheckConstraint(
                name="withholding_not_negative", condition=Q(tax_tiyn__gte=0, payable_tiyn__gte=0)
            ),
        ]
        # the run's rows and a holder's in a run; few indexes, since a run writes 300 000 rows at once
        indexes = [models.Index(fields=["run", "party"], name="withholding_run_party")]

    def __str__(self) -> str:
        return f"{self.party_id}: {self.tax_tiyn} of {self.net_tiyn}"


class BatchStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested: being made")
    RESERVED = "reserved", _("Money set aside, file not yet made")
    READY = "ready", _("File ready for the bank")
    CANCELLED = "cancelled", _("Cancelled: refused by the bank, its money owed again")
    EMPTY = "empty", _("Not made: nobody with bank details was owed money any more")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class PaymentBatch(models.Model):
    cmo = models.ForeignKey(
        "registers.CMO", on_delete=models.PROTECT, related_name="payment_batches", verbose_name=_("CMO")
    )
    number = models.CharField(_("number"), max_length=20, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=BatchStatus.choices)
    file_format = models.CharField(_("file format"), max_length=40)
    execution_date = models.DateField(_("requested execution date"))
    debtor_iban = models.CharField(_("CMO's account (IBAN)"), max_length=34)
    debtor_bic = models.CharField(_("CMO's bank (BIC)"), max_length=11, blank=True)
    lines_count = models.PositiveIntegerField(_("transfers"), default=0)
    total_tiyn = models.BigIntegerField(_("total, tiyn"), default=0)
    file = models.FileField(_("file"), upload_to="payouts/%Y/%m/", blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("made by")
    )
    created_at = models.DateTimeField(_("made at"))
    cancelled_reason = models.TextField(_("why it was cancelled"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment file")
        verbose_name_plural = _("payment files")
        constraints = [
            models.CheckConstraint(
                name="payment_batch_ready_has_file", condition=~Q(status="ready") | ~Q(sha256="")
            ),
            # one batch at a time is being made per CMO: an unfinished one is resumed, never doubled
            models.UniqueConstraint(
                fields=["cmo"],
                condition=Q(status__in=["requested", "reserved"]),
                name="payment_batch_one_unfinished_per_cmo",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def total(self) -> Decimal:
        return from_tiyn(self.total_tiyn)


class LineStatus(models.TextChoices):
    SENT = "sent", _("Sent to the bank")
    BOOKED = "booked", _("Paid (confirmed by the bank)")
    RETURNED = "returned", _("Returned by the bank: owed again")
    CANCELLED = "cancelled", _("File cancelled: owed again")


class PaymentLine(models.Model):
    batch = models.ForeignKey(
        PaymentBatch, on_delete=models.PROTECT, related_name="lines", verbose_name=_("payment file")
    )
    party = models.ForeignKey(
        "registers.Party", on_delete=models.PROTECT, related_name="+", verbose_name=_("holder")
    )
    end_to_end_id = models.CharField(_("end-to-end reference"), max_length=35, unique=True)
    creditor_name = models.CharField(_("payee's name"), max_length=140)
    creditor_id = models.CharField(_("IIN or BIN"), max_length=12, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    amount_tiyn = models.BigIntegerField(_("amount, tiyn"))
    status = models.CharField(_("status"), max_length=10, choices=LineStatus.choices, default=LineStatus.SENT)
    settled_on = models.DateField(_("booked or returned on"), null=True, blank=True)
    #: the bank's reason for a return: an ISO 20022 return reason code (``AC04``) or its own words
    return_reason = models.CharField(_("why the bank returned it"), max_length=105, blank=True, db_default="")
    statement = models.ForeignKey(
        "distribution.PayoutStatement", null=True, blank=True, on_delete=models.PROTECT, related_name="transfers",
        verbose_name=_("bank statement"),
    )  # fmt: skip

    class Meta:
        ordering = ["batch", "id"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.UniqueConstraint(fields=["batch", "party"], name="payment_line_once_per_holder"),
            models.CheckConstraint(name="payment_line_positive", condition=Q(amount_tiyn__gt=0)),
            models.CheckConstraint(
                name="payment_line_settled_has_date",
                condition=Q(status="sent", settled_on__isnull=True)
                | (~Q(status="sent") & Q(settled_on__isnull=False)),
            ),
        ]
        indexes = [
            models.Index(fields=["party", "status"]),
            # the files still waiting for the bank's statement (the CMO dashboard asks on each visit)
            models.Index(fields=["batch"], condition=Q(status="sent"), name="payment_line_awaiting_bank"),
        ]

    def __str__(self) -> str:
        return self.end_to_end_id

    @property
    def amount(self) -> Decimal:
        return from_tiyn(self.amount_tiyn)

    @property
    def iban_masked(self) -> str:
        return f"{self.iban[:4]}…{self.iban[-4:]}"

    @property
    def return_reason_text(self) -> str:
        from distribution.payouts.formats import return_reason_text

        return return_reason_text(self.return_reason)


class PayoutStatementStatus(models.TextChoices):
    RECEIVED = "received", _("Received: being read")
    IMPORTED = "imported", _("Imported")
    REFUSED = "refused", _("Refused")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class PayoutStatement(models.Model):
    cmo = models.ForeignKey(
        "registers.CMO", on_delete=models.PROTECT, related_name="payout_statements", verbose_name=_("CMO")
    )
    file = models.FileField(_("file"), upload_to="payout-statements/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    file_format = models.CharField(_("file format"), max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=PayoutStatementStatus.choices)
    lines = models.PositiveIntegerField(_("lines"), default=0)
    booked = models.PositiveIntegerField(_("paid"), default=0)
    returned = models.PositiveIntegerField(_("returned"), default=0)
    duplicates = models.PositiveIntegerField(_("already known"), default=0)
    bad = models.PositiveIntegerField(_("bad lines"), default=0)
    others = models.PositiveIntegerField(_("other entries of the account"), default=0)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("bank statement of payouts")
        verbose_name_plural = _("bank statements of payouts")

    def __str__(self) -> str:
        return self.filename
