"""Documents as issued: the exact bytes, their SHA-256 and the facts of issue, never edited.

Rows are only ever inserted: a trigger refuses UPDATE and DELETE, so what the verification page
says about a number is what was handed out under it.
"""

from __future__ import annotations

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
