"""A holder's withdrawal of rights or works from a CMO (Art. 46.2), and what the CMO then owes."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class WithdrawalScope(models.TextChoices):
    AREA = "area", _("The whole area")
    WORKS = "works", _("Listed works")


class WithdrawalStatus(models.TextChoices):
    PENDING = "pending", _("Notice received; awaiting its effective date")
    EFFECTIVE = "effective", _("In effect")
    CANCELLED = "cancelled", _("Cancelled by the holder")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class Withdrawal(models.Model):
    """A notice that takes effect three calendar months after the CMO receives it.

    Withdrawing a whole area ends the mandate for that area on the effective date (the holder may
    then give it to another CMO); withdrawing listed works keeps the mandate and leaves those works
    under the holder's own management from that date.
    """

    holder = models.ForeignKey(
        "registers.Party", on_delete=models.PROTECT, related_name="withdrawals", verbose_name=_("holder")
    )
    cmo = models.ForeignKey(
        "registers.CMO", on_delete=models.PROTECT, related_name="withdrawals", verbose_name=_("CMO")
    )
    mandate = models.ForeignKey(
        "registers.Mandate", on_delete=models.PROTECT, related_name="withdrawals", verbose_name=_("mandate")
    )
    area = models.ForeignKey(
        "registers.Area",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("area of collective management"),
    )
    scope = models.CharField(_("what is withdrawn"), max_length=10, choices=WithdrawalScope.choices)
    works = models.ManyToManyField(
        "registers.Work", blank=True, related_name="withdrawals", verbose_name=_("works withdrawn")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=WithdrawalStatus.choices, default=WithdrawalStatus.PENDING
    )
    received_on = models.DateField(_("notice received on"))
    effective_on = models.DateField(_("takes effect on"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("filed by"),
    )
    filed_at = models.DateTimeField(_("filed at"))
    note = models.TextField(_("holder's note"), blank=True)
    #: the mandate's end before the notice moved it to the effective date (a cancelled notice puts it back)
    restores_ends_on = models.DateField(_("mandate's end before the notice"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    took_effect_at = models.DateTimeField(_("took effect at"), null=True, blank=True)
    document = models.ForeignKey(
        "documents.IssuedDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("notice"),
    )

    class Meta:
        verbose_name = _("withdrawal")
        verbose_name_plural = _("withdrawals")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="withdrawal_effective_after_receipt", condition=Q(effective_on__gt=F("received_on"))
            ),
            # one pending notice for a whole area per mandate: a second one is a duplicate
            models.UniqueConstraint(
                fields=["mandate"],
                condition=Q(status="pending", scope="area"),
                name="one_pending_area_withdrawal_per_mandate",
            ),
        ]
        indexes = [models.Index(fields=["status", "effective_on"])]

    def __str__(self) -> str:
        return str(_("Withdrawal no. %(number)s") % {"number": self.pk})


class ObligationKind(models.TextChoices):
    PUBLISH = "publish", _("Publish the exclusion")
    PAY = "pay", _("Pay the remuneration collected under earlier licences")
    REPORT = "report", _("Send the holder a report")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class WithdrawalObligation(models.Model):
    """What the CMO owes once a withdrawal takes effect, each with its own due date and overdue state."""

    withdrawal = models.ForeignKey(
        Withdrawal, on_delete=models.PROTECT, related_name="obligations", verbose_name=_("withdrawal")
    )
    kind = models.CharField(_("obligation"), max_length=10, choices=ObligationKind.choices)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("done by"),
    )
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to="mandates/evidence/%Y/%m/", blank=True)
    #: the day the parties were told it is overdue (they are told once)
    overdue_notified_on = models.DateField(_("overdue notice sent on"), null=True, blank=True)

    class Meta:
        verbose_name = _("obligation after a withdrawal")
        verbose_name_plural = _("obligations after withdrawals")
        ordering = ["due_on", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["withdrawal", "kind"], name="withdrawal_obligation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.withdrawal} — {self.get_kind_display()}"
