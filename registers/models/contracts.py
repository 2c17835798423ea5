"""The register of contracts (Art. 45-1.2 (5)).

Every contract has a register number from the gap-free allocator. Mandates (holder → CMO, per
area), licences (CMO → user), reciprocal agreements (CMO ↔ CMO, domestic and foreign) and
remuneration agreements (Art. 45 (3)) are all entries here; later modules add their details.
"""

from __future__ import annotations

import pghistory
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ContractKind(models.TextChoices):
    MANDATE = "mandate", _("Mandate (rightsholder to CMO)")
    LICENCE = "licence", _("Licence agreement (CMO to user)")
    RECIPROCAL = "reciprocal", _("Reciprocal representation agreement (CMO to CMO)")
    REMUNERATION = "remuneration", _("Remuneration agreement (Art. 45 (3))")


#: Register-number prefixes, one gap-free series per kind.
CONTRACT_SERIES = {
    ContractKind.MANDATE: "MAN",
    ContractKind.LICENCE: "LIC",
    ContractKind.RECIPROCAL: "REC",
    ContractKind.REMUNERATION: "REM",
}


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("In force")
    ENDED = "ended", _("Ended")
    TERMINATED = "terminated", _("Terminated")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Contract(models.Model):
    number = models.CharField(_("register number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=14, choices=ContractKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=ContractStatus.choices, default=ContractStatus.ACTIVE
    )
    cmo = models.ForeignKey("registers.CMO", on_delete=models.PROTECT, related_name="contracts")
    holder = models.ForeignKey(
        "registers.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="contracts"
    )
    licensee = models.ForeignKey(
        "registers.Licensee", null=True, blank=True, on_delete=models.PROTECT, related_name="contracts"
    )
    counterparty_cmo = models.ForeignKey(
        "registers.CMO",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="counterparty_contracts",
        verbose_name=_("counterparty CMO"),
    )
    foreign_society = models.ForeignKey(
        "registers.ForeignSociety",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name=_("foreign society"),
    )
    areas = models.ManyToManyField("registers.Area", related_name="contracts", blank=True)
    concluded_on = models.DateField(_("concluded on"))
    valid_from = models.DateField(_("in force from"))
    valid_until = models.DateField(_("in force until"), null=True, blank=True)
    location = models.CharField(_("place of use"), max_length=300, blank=True)
    #: A copy of a reciprocal agreement is placed on the platform within 10 working days of its
    #: conclusion (Art. 46.1 (12)); ``copy_due_on`` is that day, set when the agreement is entered.
    copy = models.FileField(_("copy of the agreement"), upload_to="contracts/copies/", blank=True)
    copy_placed_on = models.DateField(_("copy placed on"), null=True, blank=True)
    copy_due_on = models.DateField(_("copy due by"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-concluded_on", "number"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.CheckConstraint(
                name="contract_has_its_counterparty",
                condition=(
                    Q(kind="mandate", holder__isnull=False)
                    | Q(kind__in=["licence", "remuneration"], licensee__isnull=False)
                    | Q(kind="reciprocal", counterparty_cmo__isnull=False, foreign_society__isnull=True)
                    | Q(kind="reciprocal", counterparty_cmo__isnull=True, foreign_society__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="contract_period_ordered",
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def copy_late(self) -> bool:
        """Was (or is) the copy placed after its deadline?"""
        from udp.core import clock

        if self.copy_due_on is None:
            return False
        return (self.copy_placed_on or clock.today()) > self.copy_due_on


class MandateStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Mandate(models.Model):
    """One area of a holder's mandate to a CMO. At most one active mandate per holder and area (Art. 43.4)."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="mandates")
    holder = models.ForeignKey("registers.Party", on_delete=models.PROTECT, related_name="mandates")
    cmo = models.ForeignKey("registers.CMO", on_delete=models.PROTECT, related_name="mandates")
    area = models.ForeignKey("registers.Area", on_delete=models.PROTECT, related_name="mandates")
    valid_from = models.DateField(_("in force from"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MandateStatus.choices, default=MandateStatus.ACTIVE
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["holder", "area"],
                condition=Q(status="active"),
                name="one_active_mandate_per_holder_area",
            )
        ]

    def __str__(self) -> str:
        return f"{self.holder} → {self.cmo} ({self.area.item})"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class MandateExclusion(models.Model):
    """A work taken out of a mandate from a date on (Art. 46.2): the holder manages it alone from then.

    Written when the holder's notice is received, with the day it takes effect, so every repertoire
    read is right at any date; removed if the holder cancels the notice before that day.
    """

    mandate = models.ForeignKey(
        Mandate, on_delete=models.PROTECT, related_name="exclusions", verbose_name=_("mandate")
    )
    work = models.ForeignKey(
        "registers.Work", on_delete=models.CASCADE, related_name="mandate_exclusions", verbose_name=_("work")
    )
    from_date = models.DateField(_("excluded from"))

    class Meta:
        verbose_name = _("work excluded from a mandate")
        verbose_name_plural = _("works excluded from mandates")
        constraints = [
            models.UniqueConstraint(fields=["mandate", "work"], name="one_exclusion_per_mandate_work"),
        ]
        indexes = [models.Index(fields=["work", "from_date"])]

    def __str__(self) -> str:
        return f"{self.work_id} ∉ {self.mandate}"
