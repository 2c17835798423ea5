"""Foreign societies' annual run (Art. 46.1 (3): at least once a year to foreign CMOs).

Money routed to a foreign society in the CMO's approved runs (payees on the ``foreign`` route, for holders
whose rights came in through the society's reciprocal agreement) is gathered once a year per society into a
:class:`Remittance`, in the agreement's currency where it names one, with the rate used. Each payee is
remitted once (:class:`RemittedPayee`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ForeignRunStatus(models.TextChoices):
    CALCULATED = "calculated", _("Calculated, awaiting approval")
    APPROVED = "approved", _("Approved")


class ForeignRun(models.Model):
    cmo = models.ForeignKey(
        "registers.CMO", on_delete=models.PROTECT, related_name="+", verbose_name=_("CMO")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=12, choices=ForeignRunStatus.choices, default=ForeignRunStatus.CALCULATED
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("started by")
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("approved by"),
    )  # fmt: skip
    calculated_at = models.DateTimeField(_("calculated at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("annual run for foreign societies")
        verbose_name_plural = _("annual runs for foreign societies")
        constraints = [
            models.UniqueConstraint(fields=["cmo", "year"], name="foreign_run_once_a_year"),
            models.CheckConstraint(
                name="foreign_run_approver_is_another_person",
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("started_by")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cmo_id} {self.year}"


class Remittance(models.Model):
    """What one foreign society is owed from a CMO's year: in tenge, and in the agreement's currency."""

    run = models.ForeignKey(
        ForeignRun, on_delete=models.CASCADE, related_name="remittances", verbose_name=_("run")
    )
    society = models.ForeignKey(
        "registers.ForeignSociety",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("foreign society"),
    )
    amount_tiyn = models.BigIntegerField(_("amount, tiyn"))
    currency = models.CharField(_("currency"), max_length=3, default="KZT")
    #: tenge for one unit of ``currency`` (the National Bank's rate of the day, as entered)
    rate = models.DecimalField(_("rate, tenge per unit"), max_digits=14, decimal_places=6, default=1)
    amount = models.DecimalField(_("amount in the currency"), max_digits=18, decimal_places=2)

    class Meta:
        verbose_name = _("remittance to a foreign society")
        verbose_name_plural = _("remittances to foreign societies")
        constraints = [
            models.UniqueConstraint(fields=["run", "society"], name="remittance_once_per_society"),
            models.CheckConstraint(name="remittance_rate_positive", condition=Q(rate__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.society_id}: {self.amount} {self.currency}"

    @property
    def transfer(self) -> RemittanceTransfer | None:
        """The transfer in force: recorded as paid and not returned by the bank (``None``: owed)."""
        return next((t for t in self.transfers.all() if t.returned_on is None), None)

    @property
    def paid_on(self) -> dt.date | None:
        return self.transfer.paid_on if self.transfer else None

    @property
    def bank_reference(self) -> str:
        return self.transfer.bank_reference if self.transfer else ""


class RemittanceTransfer(models.Model):
    """One transfer of a remittance to its society, as the CMO's bank statement shows it
    (:func:`distribution.foreign.record_remittance_paid`). Returned by the bank
    (:func:`distribution.foreign.record_remittance_returned`), the money is owed to the society again and a
    later transfer pays it; at most one transfer of a remittance is in force."""

    remittance = models.ForeignKey(
        Remittance, on_delete=models.PROTECT, related_name="transfers", verbose_name=_("remittance")
    )
    paid_on = models.DateField(_("paid on"))
    bank_reference = models.CharField(_("bank reference"), max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("recorded by"),
    )  # fmt: skip
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    return_reference = models.CharField(_("reference of the return"), max_length=100, blank=True)
    return_reason = models.CharField(_("the bank's reason"), max_length=300, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("return recorded by"),
    )  # fmt: skip

    class Meta:
        ordering = ["remittance", "id"]
        verbose_name = _("transfer of a remittance")
        verbose_name_plural = _("transfers of remittances")
        constraints = [
            models.UniqueConstraint(
                fields=["remittance"], condition=Q(returned_on__isnull=True), name="remittance_one_transfer_in_force"
            ),
            models.CheckConstraint(
                name="remittance_transfer_returned_after_paid",
                condition=Q(returned_on__isnull=True, return_reference="")
                | Q(returned_on__gte=F("paid_on")) & ~Q(return_reference=""),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.remittance_id}: {self.paid_on} {self.bank_reference}"


class RemittedPayee(models.Model):
    remittance = models.ForeignKey(
        Remittance, on_delete=models.CASCADE, related_name="payees", verbose_name=_("remittance")
    )
    payee = models.OneToOneField(
        "distribution.Payee", on_delete=models.PROTECT, related_name="remitted", verbose_name=_("payee")
    )

    class Meta:
        verbose_name = _("payee in a remittance")
        verbose_name_plural = _("payees in remittances")

    def __str__(self) -> str:
        return f"{self.remittance_id}: {self.payee_id}"
