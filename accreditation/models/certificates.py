"""Certificates of accreditation and their lines (Art. 46-1), and what pauses or ends a line: suspension
for three months (Art. 47-3), revocation on a ground of Art. 47-1, termination (Art. 47-2).

A certificate has a gap-free number and one line per area, each with its term. Whether a line is in force
on a day is :func:`accreditation.selectors.status_on`: within its term, not terminated, not suspended.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CertificateSource(models.TextChoices):
    PLATFORM = "platform", _("Issued on the platform")
    PRE_PLATFORM = "pre_platform", _("Issued before the platform; entered from the paper certificate")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class Certificate(models.Model):
    """A certificate of accreditation. Issued on the platform (number from the gap-free series ``ACC``,
    a PDF with a verification link) or entered by the operator from a certificate issued before it (its
    own number and date, with the scanned source document)."""

    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    cmo = models.ForeignKey(
        "registers.CMO", on_delete=models.PROTECT, related_name="certificates", verbose_name=_("CMO")
    )
    issued_on = models.DateField(_("issued on"))
    source = models.CharField(
        _("source"), max_length=20, choices=CertificateSource.choices, default=CertificateSource.PLATFORM
    )
    application = models.ForeignKey(
        "accreditation.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="certificates",
        verbose_name=_("application"),
    )  # fmt: skip
    document = models.OneToOneField(
        "documents.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("certificate (PDF)"),
    )  # fmt: skip
    source_document = models.FileField(
        _("scan of the paper certificate"), upload_to="accreditation/certificates/%Y/", blank=True
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("entered by"),
    )  # fmt: skip
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("certificate of accreditation")
        verbose_name_plural = _("certificates of accreditation")
        constraints = [
            models.CheckConstraint(
                name="pre_platform_certificate_has_its_source",
                condition=~Q(source="pre_platform") | ~Q(source_document=""),
            )
        ]

    def __str__(self) -> str:
        return self.number


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class Accreditation(models.Model):
    """One line of a certificate: a CMO accredited in one area for a term (A46-1.per-area)."""

    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, related_name="lines", verbose_name=_("certificate")
    )
    cmo = models.ForeignKey(
        "registers.CMO", on_delete=models.PROTECT, related_name="accreditations", verbose_name=_("CMO")
    )
    area = models.ForeignKey(
        "registers.Area", on_delete=models.PROTECT, related_name="accreditations",
        verbose_name=_("area of collective management"),
    )  # fmt: skip
    valid_from = models.DateField(_("accredited from"))
    valid_until = models.DateField(_("accredited until"))
    decision = models.OneToOneField(
        "accreditation.AreaDecision", null=True, blank=True, on_delete=models.PROTECT, related_name="line",
        verbose_name=_("decision"),
    )  # fmt: skip

    class Meta:
        ordering = ["area__item", "-valid_from"]
        verbose_name = _("accreditation in an area")
        verbose_name_plural = _("accreditations in areas")
        constraints = [
            models.UniqueConstraint(fields=["certificate", "area"], name="one_line_per_area"),
            models.CheckConstraint(
                name="accreditation_term_ordered", condition=Q(valid_until__gte=models.F("valid_from"))
            ),
        ]
        indexes = [models.Index(fields=["area", "valid_from", "valid_until"], name="accreditation_area_term")]

    def __str__(self) -> str:
        return f"{self.cmo} / {self.area} ({self.certificate})"


class SuspensionGround(models.TextChoices):
    LATE_ANNUAL_REPORT = "late_annual_report", _("The annual report was not filed in time (Art. 47-3.1 (1))")
    FALSE_INFORMATION = (
        "false_information",
        _("The annual report contains knowingly false information (Art. 47-3.1 (2))"),
    )


class SuspensionStatus(models.TextChoices):
    DRAFTED = "drafted", _("Drafted; awaiting the authorized body's decision")
    DECIDED = "decided", _("Suspended")
    DISMISSED = "dismissed", _("Not suspended")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class Suspension(models.Model):
    """A three-month suspension of a certificate line (A47-3.suspension). A daily job drafts it when the
    annual report is late; the authorized body decides it; it is published within one day and ends by
    itself after three months."""

    accreditation = models.ForeignKey(
        Accreditation, on_delete=models.PROTECT, related_name="suspensions", verbose_name=_("accreditation")
    )
    ground = models.CharField(_("ground"), max_length=30, choices=SuspensionGround.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=SuspensionStatus.choices, default=SuspensionStatus.DRAFTED
    )
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    drafted_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("drafted by"),
    )  # fmt: skip
    starts_on = models.DateField(_("suspended from"), null=True, blank=True)
    ends_on = models.DateField(_("resumes on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("decided by"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    publish_by = models.DateField(_("to be published by"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["-drafted_at"]
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        constraints = [
            models.CheckConstraint(
                name="decided_suspension_has_dates",
                condition=~Q(status="decided")
                | Q(starts_on__isnull=False, ends_on__gt=models.F("starts_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.accreditation}: {self.ground}"


class RevocationGround(models.TextChoices):
    """The nine grounds of Art. 47-1."""

    FALSE_DOCUMENTS = (
        "false_documents",
        _("False information in the documents the accreditation was granted on"),
    )
    LATE_ANNUAL_REPORT = "late_annual_report", _("The annual report was not submitted in time")
    FALSE_ANNUAL_REPORT = "false_annual_report", _("The annual report contains false information")
    COMMERCIAL_ACTIVITY = "commercial_activity", _("Commercial activities")
    ART46_DUTIES = "art46_duties", _("Duties of Article 46 not performed")
    LATE_PAYMENT = "late_payment", _("Late payment of remuneration")
    HOLDERS_NOT_FOUND = (
        "holders_not_found",
        _("Failure to find the holders to transfer the collected remuneration to"),
    )
    OBSTRUCTION = "obstruction", _("Administrative liability for obstructing state control officials")
    BELOW_MINIMUM_RATES = "below_minimum_rates", _("Rates below the minimum rates set by the Government")


@pghistory.track(pghistory.InsertEvent())
class Revocation(models.Model):
    """The authorized body revokes a certificate line on a ground of Art. 47-1 (A47-1.revocation), with
    the evidence the platform holds for that ground shown beside the decision and kept with it."""

    accreditation = models.OneToOneField(
        Accreditation, on_delete=models.PROTECT, related_name="revocation", verbose_name=_("accreditation")
    )
    ground = models.CharField(_("ground (Art. 47-1)"), max_length=30, choices=RevocationGround.choices)
    reasons = models.TextField(_("reasons"))
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    effective_on = models.DateField(_("revoked from"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("revocation")
        verbose_name_plural = _("revocations")

    def __str__(self) -> str:
        return f"{self.accreditation}: {self.ground}"


class TerminationReason(models.TextChoices):
    """The cases of Art. 47-2.1."""

    EXPIRY = "expiry", _("The term expired")
    VOLUNTARY_RETURN = "voluntary_return", _("Returned voluntarily")
    REVOCATION = "revocation", _("Revoked")
    LIQUIDATION = "liquidation", _("The CMO was liquidated")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class Termination(models.Model):
    """The end of a certificate line (A47-2.termination): from ``ended_on`` the CMO is not accredited in
    the area. The information must be published within a month of the case (``publish_by``)."""

    accreditation = models.OneToOneField(
        Accreditation, on_delete=models.PROTECT, related_name="termination", verbose_name=_("accreditation")
    )
    reason = models.CharField(_("reason"), max_length=20, choices=TerminationReason.choices)
    ended_on = models.DateField(_("ended on"))
    note = models.TextField(_("note"), blank=True)
    source_document = models.FileField(_("document"), upload_to="accreditation/terminations/%Y/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("recorded by"),
    )  # fmt: skip
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    publish_by = models.DateField(_("to be published by"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["-ended_on"]
        verbose_name = _("termination")
        verbose_name_plural = _("terminations")

    def __str__(self) -> str:
        return f"{self.accreditation}: {self.reason}"
