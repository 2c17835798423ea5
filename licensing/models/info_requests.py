"""The authorized body's requests for information to a user, and the user's answers (Art. 48-2.2)."""

from __future__ import annotations

import datetime as dt

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class InfoTopic(models.TextChoices):
    WORKS_USED = "works_used", _("Works used")
    INCOME = "income", _("Income")
    PAYMENTS = "payments", _("Royalty payments")


class InfoRequestStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the answer")
    ANSWERED = "answered", _("Answered")


class InfoRequestQuerySet(models.QuerySet["InfoRequest"]):
    def overdue_on(self, day: dt.date) -> InfoRequestQuerySet:
        return self.filter(status=InfoRequestStatus.OPEN, due_on__lt=day)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class InfoRequest(models.Model):
    """What the authorized body asks a user (works used, income, royalty payments) for a period, by a date.
    Overdue is read from the date (an open request past ``due_on``), never stored."""

    licensee = models.ForeignKey(
        "registers.Licensee", on_delete=models.PROTECT, related_name="info_requests", verbose_name=_("user")
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by")
    )
    subject = models.CharField(_("subject"), max_length=200)
    question = models.TextField(_("question"))
    topics = ArrayField(
        models.CharField(max_length=16, choices=InfoTopic.choices), verbose_name=_("information asked for")
    )
    period_from = models.DateField(_("period from"))
    period_to = models.DateField(_("period to"))
    due_on = models.DateField(_("answer due by"))
    status = models.CharField(
        _("status"), max_length=10, choices=InfoRequestStatus.choices, default=InfoRequestStatus.OPEN
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)

    objects = InfoRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("request for information")
        verbose_name_plural = _("requests for information")
        constraints = [
            models.CheckConstraint(
                name="info_request_period_ordered", condition=Q(period_to__gte=models.F("period_from"))
            ),
            models.CheckConstraint(
                name="info_request_topics_known",
                condition=Q(topics__len__gt=0) & Q(topics__contained_by=list(InfoTopic.values)),
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def overdue_on(self, day: dt.date) -> bool:
        return self.status == InfoRequestStatus.OPEN and day > self.due_on

    def topic_labels(self) -> list[str]:
        return [str(InfoTopic(value).label) for value in self.topics]


@pghistory.track(pghistory.InsertEvent())
class InfoAnswer(models.Model):
    """A user's answer to a request, on the platform; a request may be answered more than once (a correction)."""

    request = models.ForeignKey(
        InfoRequest, on_delete=models.PROTECT, related_name="answers", verbose_name=_("request")
    )
    text = models.TextField(_("answer"))
    attachment = models.FileField(_("attached file"), upload_to="info-answers/%Y/%m/", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("answered by")
    )
    answered_at = models.DateTimeField(_("answered at"), auto_now_add=True)

    class Meta:
        ordering = ["answered_at", "pk"]
        verbose_name = _("answer to a request for information")
        verbose_name_plural = _("answers to requests for information")

    def __str__(self) -> str:
        return f"{self.request_id}: {self.answered_at:%Y-%m-%d}"
