"""The reporting domain's rows. For now the minimal record of a CMO's annual report (Art. 47.1): filed
when, and accepted or not. The annual report itself (its content, review and publication) builds on this
row; the accreditation module's daily job reads it to draft suspensions (Art. 47-3)."""

from __future__ import annotations

import datetime as dt

import pghistory
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: The annual report for a year is due by 15 April of the next year (Art. 47.1).
DUE_MONTH, DUE_DAY = 4, 15


def due_on(year: int) -> dt.date:
    """The last day the annual report for ``year`` may be filed."""
    return dt.date(year + 1, DUE_MONTH, DUE_DAY)


class FilingReview(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Not accepted")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class AnnualFiling(models.Model):
    """A CMO's annual report for a year: when it was filed through the platform and whether the authorized
    body accepted it. No row, or no ``filed_at``, means not filed."""

    cmo = models.ForeignKey(
        "registers.CMO", on_delete=models.PROTECT, related_name="annual_filings", verbose_name=_("CMO")
    )
    year = models.PositiveSmallIntegerField(_("reporting year"))
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("filed by"),
    )  # fmt: skip
    review = models.CharField(
        _("review"), max_length=10, choices=FilingReview.choices, default=FilingReview.PENDING
    )
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "cmo__short_name"]
        verbose_name = _("annual report filing")
        verbose_name_plural = _("annual report filings")
        constraints = [models.UniqueConstraint(fields=["cmo", "year"], name="one_annual_filing_per_year")]

    def __str__(self) -> str:
        return f"{self.cmo} {self.year}"

    @property
    def due_on(self) -> dt.date:
        return due_on(self.year)

    @property
    def late(self) -> bool:
        from udp.core import clock

        if self.filed_at is None:
            return clock.today() > self.due_on
        return timezone.localdate(self.filed_at) > self.due_on
