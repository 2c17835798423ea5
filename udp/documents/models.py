"""Documents as issued: the exact bytes, their SHA-256 and the facts of issue, never edited.

Rows are only ever inserted: a trigger refuses UPDATE and DELETE, so what the verification page
says about a number is what was handed out under it.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pgtrigger
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from udp.documents import kinds


def document_path(instance: IssuedDocument, filename: str) -> str:
    """Stored under a generated name: neither the number nor the verification token."""
    day = timezone.localdate()
    return f"documents/{day:%Y/%m}/{uuid.uuid4().hex}.pdf"


class IssuedDocument(models.Model):
    number = models.CharField(_("number"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=40)
    #: What the verification link carries: unguessable, unrelated to the number.
    token = models.CharField(max_length=64, unique=True, editable=False)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    template_version = models.CharField(_("template version"), max_length=20)
    issued_on = models.DateField(_("issued on"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    #: What anyone may read about the subject on the verification page (a work's title, a holder's
    #: public name), as it read when issued; empty when the subject itself is not public.
    public_label = models.CharField(_("issued for"), max_length=500, blank=True)
    has_confidential = models.BooleanField(_("contains confidential data"), default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requested_documents",
        verbose_name=_("requested by"),
    )
    file = models.FileField(upload_to=document_path, max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size, bytes"))
    #: SHA-256 of the data the document was made from: the same data on the same day, in the same
    #: language, for the same reader, gives back the document already issued instead of a new number.
    data_digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_at"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "kind"], name="document_subject"),
        ]
        constraints = [
            models.CheckConstraint(name="document_sha256_hex", condition=Q(sha256__regex=r"^[0-9a-f]{64}$")),
            models.CheckConstraint(name="document_not_empty", condition=Q(size__gt=0)),
        ]
        triggers = [
            pgtrigger.Protect(
                name="issued_documents_are_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def kind_title(self) -> str:
        kind = kinds.get(self.kind)
        return str(kind.title) if kind else self.kind

    @property
    def verification_path(self) -> str:
        from django.urls import reverse

        return reverse("documents:verify", args=[self.token])

    @property
    def verification_url(self) -> str:
        return settings.SITE_URL.rstrip("/") + self.verification_path


class SignatureMethod(models.TextChoices):
    ACCOUNT = "account", _("Confirmed by the signed-in account")
    NCALAYER = "ncalayer", _("National electronic signature (NCALayer)")


class Signatory(models.Model):
    """Who may sign for an entity (by its BIN): an account, the person's IIN, their position and the basis
    of their authority (a charter, a power of attorney), for a period."""

    entity_bin = models.CharField(_("BIN of the entity"), max_length=12)
    entity_name = models.CharField(_("entity"), max_length=300)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="signatory_roles",
        verbose_name=_("account"),
    )
    iin = models.CharField(_("IIN of the signatory"), max_length=12)
    position = models.CharField(_("position"), max_length=200)
    basis = models.CharField(_("acts on the basis of"), max_length=300)
    valid_from = models.DateField(_("may sign from"))
    valid_until = models.DateField(_("may sign until"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["entity_name", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                name="signatory_bin_digits", condition=Q(entity_bin__regex=r"^[0-9]{12}$")
            ),
            models.CheckConstraint(name="signatory_iin_digits", condition=Q(iin__regex=r"^[0-9]{12}$")),
            models.CheckConstraint(
                name="signatory_period_ordered",
                condition=Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("valid_from") - dt.timedelta(days=1)),
            ),
        ]
        indexes = [models.Index(fields=["entity_bin", "account"], name="signatory_entity_account")]

    def __str__(self) -> str:
        return f"{self.entity_name}: {self.position}"


class Signature(models.Model):
    """A signature on an issued document, as given: who (account and IIN), for whom (a BIN, where a person
    signs for an entity), when, the SHA-256 signed, and how. Never edited."""

    document = models.ForeignKey(
        IssuedDocument, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("document")
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="signatures",
        verbose_name=_("signed by"),
    )
    signer_iin = models.CharField(_("IIN of the signer"), max_length=12)
    signer_name = models.CharField(_("name of the signer"), max_length=300)
    on_behalf_bin = models.CharField(_("BIN signed for"), max_length=12, blank=True)
    on_behalf_name = models.CharField(_("signed for"), max_length=300, blank=True)
    signatory = models.ForeignKey(
        Signatory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signatures",
        verbose_name=_("authority to sign"),
    )
    signed_at = models.DateTimeField(_("signed at"))
    sha256 = models.CharField(_("SHA-256 signed"), max_length=64)
    method = models.CharField(_("method"), max_length=10, choices=SignatureMethod.choices)
    #: what the method gives besides the hash (a CMS signature from NCALayer); empty for "account"
    evidence = models.TextField(_("signature data"), blank=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["signed_at", "id"]
        constraints = [
            models.CheckConstraint(name="signature_sha256_hex", condition=Q(sha256__regex=r"^[0-9a-f]{64}$")),
            models.CheckConstraint(
                name="signature_iin_digits", condition=Q(signer_iin__regex=r"^[0-9]{12}$")
            ),
            models.CheckConstraint(
                name="signature_bin_digits",
                condition=Q(on_behalf_bin="") | Q(on_behalf_bin__regex=r"^[0-9]{12}$"),
            ),
            models.UniqueConstraint(
                fields=["document", "account", "on_behalf_bin"], name="one_signature_per_signer_and_side"
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="signatures_are_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.document} — {self.signer_name}"
