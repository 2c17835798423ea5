"""Breaches of the distribution's deadlines and cap that the platform's checks found, with their evidence
(:mod:`distribution.compliance`): shown among each CMO's missed deadlines, on its dashboard and in the
authorized body's workspace."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Breach(models.TextChoices):
    QUARTERLY_RUN_MISSING = "quarterly_run_missing", _("No approved distribution for a quarter in time")
    DEDUCTIONS_OVER_CAP = "deductions_over_cap", _("Yearly deductions above 20 percent of the collected")
    FOREIGN_RUN_MISSING = "foreign_run_missing", _("No approved annual run for foreign societies in time")
    LATE_MONEY_WAITING = "late_money_waiting", _("Money collected late not distributed in time")


class ComplianceFlag(models.Model):
    """One breach per CMO, area (none for the yearly cap), kind and period; written by the check, its
    ``done_on`` set when a late run is approved, its evidence brought up to date while it is open."""

    cmo = models.ForeignKey(
        "registers.CMO", on_delete=models.PROTECT, related_name="distribution_flags", verbose_name=_("CMO")
    )
    area = models.ForeignKey(
        "registers.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
    )
    code = models.CharField(_("breach"), max_length=24, choices=Breach.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    due_on = models.DateField(_("due by"))
    found_on = models.DateField(_("found on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    evidence = models.JSONField(_("evidence"), default=dict)

    class Meta:
        verbose_name = _("distribution breach")
        verbose_name_plural = _("distribution breaches")
        constraints = [
            models.UniqueConstraint(
                fields=["cmo", "area", "code", "period_start"],
                nulls_distinct=False,
                name="compliance_flag_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cmo_id} {self.code} {self.period_start:%Y-%m-%d}"
