"""A holder's request for management (Art. 44.1), and mandates signed on paper before the platform."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Awaiting the CMO's answer")
    AWAITING_SIGNATURES = "awaiting_signatures", _("Accepted; awaiting signatures")
    IN_FORCE = "in_force", _("Signed; the mandate is in force")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled by the holder")


class RefusalGround(models.TextChoices):
    """The grounds on which a CMO may refuse management (Art. 44.1: it must accept in its statutory areas)."""

    AREA_OUTSIDE_CHARTER = "area_outside_charter", _("The area is not among the CMO's statutory areas")
    RIGHTS_NOT_ESTABLISHED = "rights_not_established", _("The applicant's rights are not established")
    ALREADY_MANAGED = "already_managed", _("Another CMO already manages this area for the holder")
    INCOMPLETE = "incomplete", _("The request lacks required information")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class MandateRequest(models.Model):
    """A holder asks a CMO to manage one or more areas; the CMO accepts (both then sign) or refuses with a ground."""

    holder = models.ForeignKey(
        "registers.Party", on_delete=models.PROTECT, related_name="mandate_requests", verbose_name=_("holder")
    )
    cmo = models.ForeignKey(
        "registers.CMO", on_delete=models.PROTECT, related_name="mandate_requests", verbose_name=_("CMO")
    )
    areas = models.ManyToManyField(
        "registers.Area", related_name="mandate_requests", verbose_name=_("areas of collective management")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.REQUESTED
    )
    starts_on = models.DateField(_("in force from"))
    language = models.CharField(_("language of the agreement"), max_length=8, choices=settings.LANGUAGES)
    note = models.TextField(_("holder's note"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answered by"),
    )
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    refusal_ground = models.CharField(
        _("ground of refusal"), max_length=30, choices=RefusalGround.choices, blank=True
    )
    refusal_note = models.TextField(_("explanation of the refusal"), blank=True)
    contract = models.OneToOneField(
        "registers.Contract",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mandate_request",
        verbose_name=_("contract"),
    )
    document = models.ForeignKey(
        "documents.IssuedDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("agreement"),
    )
    holder_signature = models.ForeignKey(
        "documents.Signature",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("holder's signature"),
    )
    cmo_signature = models.ForeignKey(
        "documents.Signature",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("CMO's signature"),
    )

    class Meta:
        verbose_name = _("request for management")
        verbose_name_plural = _("requests for management")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="mandate_request_refusal_has_ground",
                condition=~Q(status="refused") | ~Q(refusal_ground=""),
            ),
            models.CheckConstraint(
                name="mandate_request_in_force_has_contract",
                condition=~Q(status="in_force") | Q(contract__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["cmo", "status"]), models.Index(fields=["holder", "status"])]

    def __str__(self) -> str:
        return str(_("Request for management no. %(number)s") % {"number": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in (RequestStatus.REQUESTED, RequestStatus.AWAITING_SIGNATURES)


class HolderAnswer(models.TextChoices):
    PENDING = "pending", _("Awaiting the holder's confirmation")
    CONFIRMED = "confirmed", _("Confirmed by the holder")
    DISPUTED = "disputed", _("Disputed by the holder")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class PaperMandate(models.Model):
    """A mandate signed on paper before the platform, entered by the CMO with a scanned copy.

    It is in force as entered (the CMO holds the signed paper); the holder confirms or disputes it
    from the portal, and a dispute opens a conflict.
    """

    contract = models.OneToOneField(
        "registers.Contract", on_delete=models.PROTECT, related_name="paper", verbose_name=_("contract")
    )
    scan = models.FileField(_("scanned copy"), upload_to="mandates/paper/%Y/%m/", max_length=200)
    paper_number = models.CharField(_("number on the paper contract"), max_length=60, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"))
    holder_answer = models.CharField(
        _("holder's answer"), max_length=10, choices=HolderAnswer.choices, default=HolderAnswer.PENDING
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answered by"),
    )
    dispute_note = models.TextField(_("why the holder disputes it"), blank=True)

    class Meta:
        verbose_name = _("mandate signed on paper")
        verbose_name_plural = _("mandates signed on paper")

    def __str__(self) -> str:
        return str(self.contract)
