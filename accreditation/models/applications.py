"""An application for accreditation and its path (Art. 46-2): documents against the authorized body's list of
requirements, the expert organization's completeness check, the commission meeting (announced at least 30
working days ahead), the commission's conclusion, the decision area by area, and an appeal of a refusal."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class Requirement(models.Model):
    """A document an application must carry. The authorized body keeps the list (A46-2.application):
    it adds, rewords and retires requirements; an application is checked against those active when it
    was submitted."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=300)
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    description_kk = models.TextField(_("explanation (Kazakh)"), blank=True)
    description_ru = models.TextField(_("explanation (Russian)"), blank=True)
    description_en = models.TextField(_("explanation (English)"), blank=True)
    mandatory = models.BooleanField(_("mandatory"), default=True)
    active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("accreditation requirement")
        verbose_name_plural = _("accreditation requirements")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """The title in the reader's language (Russian, then Kazakh, when a text is missing)."""
        language = (translation.get_language() or "ru")[:2]
        value: str = getattr(self, f"title_{language}", "") or self.title_ru or self.title_kk
        return value

    @property
    def description(self) -> str:
        language = (translation.get_language() or "ru")[:2]
        value: str = (
            getattr(self, f"description_{language}", "") or self.description_ru or self.description_kk
        )
        return value


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted; awaiting the completeness check")
    INCOMPLETE = "incomplete", _("Returned as incomplete")
    COMPLETE = "complete", _("Complete; awaiting the commission's meeting")
    SCHEDULED = "scheduled", _("Commission meeting announced")
    CONCLUDED = "concluded", _("Commission concluded; awaiting the decision")
    DECIDED = "decided", _("Decided")
    WITHDRAWN = "withdrawn", _("Withdrawn by the CMO")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class CommissionMeeting(models.Model):
    """A meeting of the accreditation commission, announced by the authorized body on a public page at
    least 30 Kazakhstan working days before it is held (A46-2.notice-30wd)."""

    announced_on = models.DateField(_("announced on"))
    meets_on = models.DateField(_("meeting date"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    announcement = models.TextField(_("announcement"), blank=True)
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("announced by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-meets_on", "-pk"]
        verbose_name = _("accreditation commission meeting")
        verbose_name_plural = _("accreditation commission meetings")
        constraints = [
            models.CheckConstraint(
                name="meeting_after_announcement", condition=Q(meets_on__gt=models.F("announced_on"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.meets_on:%Y-%m-%d}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class Application(models.Model):
    """A CMO applies for accreditation in one or more areas (A46-1.per-area, A46-2.application)."""

    cmo = models.ForeignKey(
        "registers.CMO",
        on_delete=models.PROTECT,
        related_name="accreditation_applications",
        verbose_name=_("CMO"),
    )
    areas = models.ManyToManyField(
        "registers.Area",
        related_name="accreditation_applications",
        verbose_name=_("areas of collective management"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("checked by"),
    )  # fmt: skip
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    check_note = models.TextField(_("what is missing"), blank=True)
    meeting = models.ForeignKey(
        CommissionMeeting, null=True, blank=True, on_delete=models.PROTECT, related_name="applications",
        verbose_name=_("commission meeting"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("application for accreditation")
        verbose_name_plural = _("applications for accreditation")

    def __str__(self) -> str:
        return f"{self.cmo} #{self.pk}"


class ApplicationDocument(models.Model):
    """A document attached to an application, against a requirement (or as a further document). Kept as
    uploaded: the bytes and their hash."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="documents", verbose_name=_("application")
    )
    requirement = models.ForeignKey(
        Requirement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requirement"),
    )
    file = models.FileField(_("file"), upload_to="accreditation/applications/%Y/")
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["requirement__order", "uploaded_at"]
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")

    def __str__(self) -> str:
        return self.filename


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class Conclusion(models.Model):
    """The accreditation commission's conclusion on an application, with the areas it recommends."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="conclusion", verbose_name=_("application")
    )
    text = models.TextField(_("conclusion"))
    recommended_areas = models.ManyToManyField(
        "registers.Area", blank=True, related_name="+", verbose_name=_("areas recommended for accreditation")
    )
    minutes = models.FileField(_("minutes of the meeting"), upload_to="accreditation/minutes/%Y/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("commission conclusion")
        verbose_name_plural = _("commission conclusions")

    def __str__(self) -> str:
        return f"{self.application}"


class DecisionOutcome(models.TextChoices):
    GRANTED = "granted", _("Accreditation granted")
    REFUSED = "refused", _("Accreditation refused")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class AreaDecision(models.Model):
    """The authorized body's decision on one area of an application (A46-1.per-area): a grant with its
    term, or a refusal with its reasons, which the CMO may appeal (A46-2.appeal)."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("application")
    )
    area = models.ForeignKey(
        "registers.Area",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("area of collective management"),
    )
    outcome = models.CharField(_("decision"), max_length=10, choices=DecisionOutcome.choices)
    reasons = models.TextField(_("reasons"), blank=True)
    valid_from = models.DateField(_("accredited from"), null=True, blank=True)
    valid_until = models.DateField(_("accredited until"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        ordering = ["area__item"]
        verbose_name = _("decision on an area")
        verbose_name_plural = _("decisions on areas")
        constraints = [
            models.UniqueConstraint(fields=["application", "area"], name="one_decision_per_area"),
            models.CheckConstraint(
                name="refusal_has_reasons", condition=~Q(outcome="refused") | ~Q(reasons="")
            ),
            models.CheckConstraint(
                name="grant_has_term",
                condition=~Q(outcome="granted")
                | Q(
                    valid_from__isnull=False,
                    valid_until__isnull=False,
                    valid_until__gte=models.F("valid_from"),
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} / {self.area}: {self.outcome}"


class AppealStatus(models.TextChoices):
    FILED = "filed", _("Filed; awaiting the decision")
    UPHELD = "upheld", _("Refusal upheld")
    GRANTED = "granted", _("Appeal granted: accreditation granted")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class Appeal(models.Model):
    """A CMO's appeal of a refusal (A46-2.appeal), filed and decided on the platform."""

    decision = models.ForeignKey(
        AreaDecision, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("refusal appealed")
    )
    grounds = models.TextField(_("grounds of the appeal"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by")
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.FILED
    )
    answer = models.TextField(_("answer"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("decided by"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-filed_at"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        constraints = [
            models.UniqueConstraint(
                fields=["decision"], condition=Q(status="filed"), name="one_open_appeal_per_refusal"
            ),
            models.CheckConstraint(name="appeal_answer_given", condition=Q(status="filed") | ~Q(answer="")),
        ]

    def __str__(self) -> str:
        return f"{self.decision}: {self.status}"
