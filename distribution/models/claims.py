"""A holder's claim of unmatched usage (A46.1.3-identify): "this usage is my work"; the CMO decides."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the CMO")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")


class UsageClaim(models.Model):
    key = models.ForeignKey(
        "distribution.UsageKey", on_delete=models.CASCADE, related_name="claims", verbose_name=_("usage")
    )
    party = models.ForeignKey(
        "registers.Party", on_delete=models.PROTECT, related_name="+", verbose_name=_("claimed by")
    )
    work = models.ForeignKey(
        "registers.Work", on_delete=models.PROTECT, related_name="+", verbose_name=_("work or recording")
    )
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING
    )
    reason = models.TextField(_("reason for the refusal"), blank=True)
    filed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by")
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("decided by"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("claim of usage")
        verbose_name_plural = _("claims of usage")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "party"], condition=Q(status="pending"), name="usageclaim_one_pending"
            ),
            models.CheckConstraint(
                name="usageclaim_refusal_has_reason", condition=~Q(status="refused") | ~Q(reason="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.work_id}"
