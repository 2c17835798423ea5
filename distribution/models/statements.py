"""Around a run, for people: a staff member's request to calculate one (:class:`RunRequest`, done by a Celery
worker while the page says it is calculating), and each holder's statement of an approved run (:class:`Statement`,
A46.1.1-statement; its lines are the run's :class:`~distribution.models.Payee` and
:class:`~distribution.models.Allocation` rows of that holder).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class RequestStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    CALCULATING = "calculating", _("Calculating")
    DONE = "done", _("Calculated")
    FAILED = "failed", _("Not calculated")


class RunRequest(models.Model):
    """A staff member asked for a run of ``cmo``, ``area`` and a period to be calculated (or calculated again)."""

    cmo = models.ForeignKey(
        "registers.CMO", on_delete=models.PROTECT, related_name="+", verbose_name=_("CMO")
    )
    area = models.ForeignKey(
        "registers.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    period_start = models.DateField(_("usage from"))
    period_end = models.DateField(_("usage to"))
    costs_percent = models.DecimalField(_("deduction for costs, %"), max_digits=5, decimal_places=2)
    funds_percent = models.DecimalField(_("deduction for special funds, %"), max_digits=5, decimal_places=2)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.QUEUED
    )
    error_code = models.CharField(_("why it was not calculated"), max_length=40, blank=True)
    error_params = models.JSONField(_("details"), default=dict, blank=True)
    run = models.ForeignKey(
        "distribution.Run",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("run"),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    #: when a worker last took it, and how many times one has (a worker lost mid-run leaves it calculating:
    #: :func:`distribution.calculating.resend_stale` sends it again, up to :data:`~distribution.calculating.ATTEMPTS`)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("request to calculate a run")
        verbose_name_plural = _("requests to calculate a run")
        indexes = [models.Index(fields=["cmo", "status"])]
        constraints = [
            models.CheckConstraint(
                name="run_request_percent_within_cap",
                condition=Q(costs_percent__gte=0, funds_percent__gte=0)
                & Q(costs_percent__lte=20 - F("funds_percent")),
            ),
            models.CheckConstraint(
                name="run_request_period_order", condition=Q(period_end__gte=F("period_start"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cmo_id} · {self.area_id} · {self.period_start}–{self.period_end} ({self.status})"

    @property
    def pending(self) -> bool:
        return self.status in (RequestStatus.QUEUED, RequestStatus.CALCULATING)


class Statement(models.Model):
    """A holder's statement of an approved run (A46.1.1-statement), published when the run is approved."""

    run = models.ForeignKey(
        "distribution.Run", on_delete=models.PROTECT, related_name="statements", verbose_name=_("run")
    )
    party = models.ForeignKey(
        "registers.Party", on_delete=models.PROTECT, related_name="+", verbose_name=_("holder")
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("distribution statement")
        verbose_name_plural = _("distribution statements")
        constraints = [models.UniqueConstraint(fields=["run", "party"], name="statement_once_per_run")]
        indexes = [models.Index(fields=["party", "run"])]

    def __str__(self) -> str:
        return f"{self.run_id} · {self.party_id}"
