"""Invoices, payments and bank statements: the first money of a licence.

- :class:`Invoice` — one per licence and invoice period (a unique constraint), numbered from the gap-free
  series ``INV``, its amount split per area (:class:`InvoiceLine`, the lines summing to the whole);
- :class:`Payment` — money received, by hand or from a bank statement, with its date of receipt (the
  three-year rule runs from it); without an invoice it is an unallocated receipt, waiting to be allocated;
- :class:`BankStatement` — an imported statement file, kept as uploaded, with its problems per line.
"""

from __future__ import annotations

from decimal import Decimal

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    PART_PAID = "part_paid", _("Partly paid")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class Invoice(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True)
    cmo = models.ForeignKey(
        "registers.CMO", on_delete=models.PROTECT, related_name="invoices", verbose_name=_("CMO")
    )
    licence = models.ForeignKey(
        "licensing.Licence", on_delete=models.PROTECT, related_name="invoices", verbose_name=_("licence")
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    amount = models.DecimalField(_("amount, tenge"), max_digits=16, decimal_places=2)
    paid = models.DecimalField(_("paid, tenge"), max_digits=16, decimal_places=2, default=Decimal("0.00"))
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due by"))
    status = models.CharField(
        _("status"), max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED
    )
    language = models.CharField(_("language"), max_length=2, default="kk")
    document = models.ForeignKey(
        "documents.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("invoice (PDF)"),
    )  # fmt: skip
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    #: The invoice this one corrects (cancelled, for the same period).
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="correction",
        verbose_name=_("corrects"),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("issued by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(
                fields=["licence", "period_start"], condition=~Q(status="cancelled"), name="one_invoice_per_licence_period"
            ),
            models.CheckConstraint(name="invoice_period_ordered", condition=Q(period_end__gte=models.F("period_start"))),
            models.CheckConstraint(name="invoice_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(name="invoice_paid_in_range", condition=Q(paid__gte=0) & Q(paid__lte=models.F("amount"))),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.number

    @property
    def outstanding(self) -> Decimal:
        return Decimal(0) if self.status == InvoiceStatus.CANCELLED else self.amount - self.paid


class InvoiceLine(models.Model):
    """The part of an invoice for one area of the licence; the lines of an invoice sum to its amount."""

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="lines", verbose_name=_("invoice")
    )
    area = models.ForeignKey(
        "registers.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    amount = models.DecimalField(_("amount, tenge"), max_digits=16, decimal_places=2)

    class Meta:
        ordering = ["area__item"]
        verbose_name = _("line of an invoice")
        verbose_name_plural = _("lines of invoices")
        constraints = [
            models.UniqueConstraint(fields=["invoice", "area"], name="one_invoice_line_per_area"),
            models.CheckConstraint(name="invoice_line_not_negative", condition=Q(amount__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id} / {self.area_id}"


class StatementStatus(models.TextChoices):
    RECEIVED = "received", _("Received: being read")
    IMPORTED = "imported", _("Imported")
    REFUSED = "refused", _("Refused")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class BankStatement(models.Model):
    """A bank statement (camt or CSV) as uploaded, and what came of each line."""

    cmo = models.ForeignKey(
        "registers.CMO", on_delete=models.PROTECT, related_name="bank_statements", verbose_name=_("CMO")
    )
    file = models.FileField(_("file"), upload_to="bank-statements/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=StatementStatus.choices)
    file_format = models.CharField(_("file format"), max_length=10, default="csv")
    lines = models.PositiveIntegerField(_("lines"), default=0)
    matched = models.PositiveIntegerField(_("paid invoices"), default=0)
    unallocated = models.PositiveIntegerField(_("unallocated receipts"), default=0)
    duplicates = models.PositiveIntegerField(_("already imported"), default=0)
    bad = models.PositiveIntegerField(_("bad lines"), default=0)
    #: camt: the account's entries that are not payments received (debits, returns, not yet booked)
    others = models.PositiveIntegerField(_("other entries of the account"), default=0)
    #: Each problem as {"line": n, "code": ..., "params": {...}}, rendered in the reader's language.
    problems = models.JSONField(_("problems"), default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")

    def __str__(self) -> str:
        return self.filename


class PaymentSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    STATEMENT = "statement", _("Bank statement")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class Payment(models.Model):
    """Money a CMO received. ``received_on`` is the date of receipt: the three-year rule runs from it.
    Without an invoice it is an unallocated receipt until the CMO allocates it (then ``invoice`` is set)."""

    cmo = models.ForeignKey(
        "registers.CMO", on_delete=models.PROTECT, related_name="payments", verbose_name=_("CMO")
    )
    licensee = models.ForeignKey(
        "registers.Licensee", null=True, blank=True, on_delete=models.PROTECT, related_name="payments",
        verbose_name=_("user"),
    )  # fmt: skip
    invoice = models.ForeignKey(
        Invoice,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("invoice"),
    )
    amount = models.DecimalField(_("amount, tenge"), max_digits=16, decimal_places=2)
    #: The part applied to the invoice; the rest (an overpayment) stays unallocated.
    applied = models.DecimalField(
        _("applied to the invoice, tenge"), max_digits=16, decimal_places=2, default=0
    )
    received_on = models.DateField(_("received on"))
    bank_reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    payer_bin = models.CharField(_("payer's BIN or IIN"), max_length=12, blank=True)
    payer_name = models.CharField(_("payer"), max_length=300, blank=True)
    purpose = models.CharField(_("purpose of payment"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=PaymentSource.choices)
    statement = models.ForeignKey(
        BankStatement, null=True, blank=True, on_delete=models.PROTECT, related_name="payments",
        verbose_name=_("bank statement"),
    )  # fmt: skip
    statement_line = models.PositiveIntegerField(_("line of the statement"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("allocated by"),
    )  # fmt: skip

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(name="payment_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(name="payment_applied_in_range", condition=Q(applied__gte=0) & Q(applied__lte=models.F("amount"))),
            models.CheckConstraint(name="payment_applied_needs_invoice", condition=Q(invoice__isnull=False) | Q(applied=0)),
            models.UniqueConstraint(
                fields=["cmo", "bank_reference"], condition=~Q(bank_reference=""), name="one_payment_per_bank_reference"
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.received_on} {self.amount}"

    @property
    def unallocated(self) -> Decimal:
        return self.amount - self.applied
