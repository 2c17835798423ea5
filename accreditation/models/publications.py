"""What a CMO must publish and tell the authorized body (Art. 46.1 (7), (11), (12); 46.1-1), with the
deadline each record was due by. The dates are kept as recorded; whether a record was late is read from
them (see :mod:`accreditation.publishing`)."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicationKind(models.TextChoices):
    CHARTER_AMENDMENT = "charter_amendment", _("Charter amendment")
    GM_RESOLUTION = "gm_resolution", _("General meeting resolution")
    AUDIT_REPORT = "audit_report", _("Independent audit report and financial statements")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class Publication(models.Model):
    """A document a CMO placed on the platform: public from ``published_on``.

    ``event_on`` is the date the deadline runs from: the amendment's state registration, the general
    meeting, the approval of the audit report. ``due_on``: 10 working days after it for an amendment or a
    resolution (Art. 46.1 (12)); a month after approval for an audit report, which stays public five years
    (``public_until``, Art. 46.1-1).
    """

    cmo = models.ForeignKey(
        "registers.CMO", on_delete=models.PROTECT, related_name="publications", verbose_name=_("CMO")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=PublicationKind.choices)
    title = models.CharField(_("title"), max_length=300)
    event_on = models.DateField(_("registered, held or approved on"))
    due_on = models.DateField(_("to be published by"))
    published_on = models.DateField(_("published on"))
    document = models.FileField(_("document"), upload_to="accreditation/publications/%Y/")
    statements = models.FileField(
        _("financial statements"), upload_to="accreditation/publications/%Y/", blank=True
    )
    auditor = models.CharField(_("auditor"), max_length=300, blank=True)
    period_end = models.DateField(_("audited period ends on"), null=True, blank=True)
    public_until = models.DateField(_("public until"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        indexes = [models.Index(fields=["cmo", "kind", "event_on"])]

    def __str__(self) -> str:
        return f"{self.cmo}: {self.title}"

    @property
    def late(self) -> bool:
        return self.published_on > self.due_on


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class MeetingNotice(models.Model):
    """A CMO's notice to the authorized body of a general meeting (Art. 46.1 (11)): at least 10 working days
    before the meeting (``due_on``). A later notice is accepted and recorded with its date."""

    cmo = models.ForeignKey(
        "registers.CMO", on_delete=models.PROTECT, related_name="meeting_notices", verbose_name=_("CMO")
    )
    meeting_on = models.DateField(_("meeting on"))
    place = models.CharField(_("place"), max_length=300)
    agenda = models.TextField(_("agenda"))
    notified_on = models.DateField(_("notified on"))
    due_on = models.DateField(_("to be notified by"))
    document = models.FileField(_("notice"), upload_to="accreditation/meetings/%Y/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["meeting_on", "pk"]
        verbose_name = _("notice of a general meeting")
        verbose_name_plural = _("notices of general meetings")

    def __str__(self) -> str:
        return f"{self.cmo}: {self.meeting_on}"

    @property
    def late(self) -> bool:
        return self.notified_on > self.due_on
