"""Monitoring feeds: providers whose counters record which recording played, when and where; the sites
they watch, tied to a licence; the detections they push; and the reconciliation of each report period
against what the user reported (how a user "confirms the correctness of accounting")."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class MonitoringProvider(models.Model):
    """An organisation that counts plays in broadcasters and venues, registered by the operator. It pushes
    detections with an API key (scope ``monitoring:write``) the operator issued for it."""

    name = models.CharField(_("name"), max_length=200)
    bin = models.CharField(_("BIN"), max_length=12, unique=True)
    active = models.BooleanField(_("active"), default=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("monitoring provider")
        verbose_name_plural = _("monitoring providers")

    def __str__(self) -> str:
        return self.name


@pghistory.track(pghistory.InsertEvent())
class ProviderKey(models.Model):
    """An API key that pushes for a provider: the key of the existing mechanism (:class:`ApiKey`), tied here."""

    provider = models.ForeignKey(
        MonitoringProvider, on_delete=models.PROTECT, related_name="keys", verbose_name=_("provider")
    )
    api_key = models.OneToOneField(
        "accounts.ApiKey",
        on_delete=models.PROTECT,
        related_name="monitoring_provider",
        verbose_name=_("API key"),
    )

    class Meta:
        verbose_name = _("provider's API key")
        verbose_name_plural = _("providers' API keys")

    def __str__(self) -> str:
        return f"{self.provider} / {self.api_key_id}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class MonitoredSite(models.Model):
    """A station or premises a provider watches, under the code the provider uses, tied to one licence."""

    provider = models.ForeignKey(
        MonitoringProvider, on_delete=models.PROTECT, related_name="sites", verbose_name=_("provider")
    )
    licence = models.ForeignKey(
        "licensing.Licence",
        on_delete=models.PROTECT,
        related_name="monitored_sites",
        verbose_name=_("licence"),
    )
    code = models.CharField(_("station or premises code"), max_length=64)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        ordering = ["provider", "code"]
        verbose_name = _("monitored site")
        verbose_name_plural = _("monitored sites")
        constraints = [
            models.UniqueConstraint(fields=["provider", "code"], name="one_site_per_provider_code"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}: {self.code}"


class Detection(models.Model):
    """One play a counter recorded. The same play pushed again (same provider, site, recording and moment)
    is the same row: a unique key makes a re-push count once."""

    provider = models.ForeignKey(MonitoringProvider, on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey(MonitoredSite, on_delete=models.PROTECT, related_name="detections")
    licence = models.ForeignKey("licensing.Licence", on_delete=models.PROTECT, related_name="detections")
    isrc = models.CharField(_("ISRC"), max_length=12)
    detected_at = models.DateTimeField(_("played at"))
    duration_s = models.PositiveIntegerField(_("seconds played"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("detection")
        verbose_name_plural = _("detections")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "site", "isrc", "detected_at"], name="one_detection_per_play"
            ),
            models.CheckConstraint(
                name="detection_isrc_shape", condition=Q(isrc__regex=r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$")
            ),
        ]
        indexes = [models.Index(fields=["licence", "detected_at"], name="detection_licence_time")]

    def __str__(self) -> str:
        return f"{self.isrc} @ {self.detected_at:%Y-%m-%d %H:%M}"


class ReconciliationStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the user")
    CONFIRMED = "confirmed", _("Confirmed")
    DISPUTED = "disputed", _("Disputed")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class Reconciliation(models.Model):
    """Detections against the user's report for one licence and report period; one per period."""

    licence = models.ForeignKey(
        "licensing.Licence",
        on_delete=models.PROTECT,
        related_name="reconciliations",
        verbose_name=_("licence"),
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    computed_at = models.DateTimeField(_("computed at"))
    detected = models.PositiveIntegerField(_("plays detected"), default=0)
    reported = models.PositiveIntegerField(_("plays reported"), default=0)
    recordings = models.PositiveIntegerField(_("recordings compared"), default=0)
    differing = models.PositiveIntegerField(_("recordings that differ"), default=0)
    flagged = models.BooleanField(_("under-reported"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ReconciliationStatus.choices, default=ReconciliationStatus.OPEN
    )

    class Meta:
        ordering = ["-period_start", "-pk"]
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")
        constraints = [
            models.UniqueConstraint(fields=["licence", "period_start"], name="one_reconciliation_per_period"),
            models.CheckConstraint(
                name="reconciliation_period_ordered", condition=Q(period_end__gte=models.F("period_start"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.licence_id}: {self.period_start}–{self.period_end}"


class LineAnswer(models.TextChoices):
    PENDING = "pending", _("Not answered")
    CONFIRMED = "confirmed", _("Confirmed")
    DISPUTED = "disputed", _("Disputed")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class ReconciliationLine(models.Model):
    """One recording: plays detected, plays reported, the difference; the user's answer to it."""

    reconciliation = models.ForeignKey(
        Reconciliation, on_delete=models.CASCADE, related_name="lines", verbose_name=_("reconciliation")
    )
    isrc = models.CharField(_("ISRC"), max_length=12)
    detected = models.PositiveIntegerField(_("plays detected"))
    reported = models.PositiveIntegerField(_("plays reported"))
    difference = models.IntegerField(_("detected minus reported"))
    flagged = models.BooleanField(_("under-reported"), default=False)
    answer = models.CharField(
        _("answer"), max_length=10, choices=LineAnswer.choices, default=LineAnswer.PENDING
    )
    reason = models.TextField(_("reason"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("answered by"),
    )  # fmt: skip
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-difference", "isrc"]
        verbose_name = _("line of a reconciliation")
        verbose_name_plural = _("lines of reconciliations")
        constraints = [
            models.UniqueConstraint(fields=["reconciliation", "isrc"], name="one_line_per_recording"),
            models.CheckConstraint(
                name="reconciliation_line_difference",
                condition=Q(difference=models.F("detected") - models.F("reported")),
            ),
            models.CheckConstraint(
                name="reconciliation_dispute_has_reason", condition=~Q(answer="disputed") | ~Q(reason="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.isrc}: {self.detected}/{self.reported}"
