"""Issuing a document: number, render, hash and keep, in one transaction."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import translation

from udp.core import clock
from udp.core.numbering import allocate_number
from udp.documents.kinds import DocumentKind
from udp.documents.models import IssuedDocument
from udp.documents.rendering import qr_svg_data_uri, render_pdf


def data_digest(data: Any) -> str:
    """SHA-256 of ``data`` written as canonical JSON (sorted keys)."""
    text = json.dumps(data, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def issue_document(
    kind: DocumentKind,
    subject: models.Model,
    *,
    by: Any,
    language: str,
    data: dict[str, Any],
    public_label: str = "",
    confidential: bool = False,
) -> IssuedDocument:
    """Issue a document of ``kind`` about ``subject`` in ``language``, made from ``data``.

    The template receives ``data`` plus ``document`` (number, issue date, verification URL, QR
    code). The same data, the same day, in the same language and for the same reader gives back
    the document already issued (no second number); otherwise a number is taken from the kind's
    gap-free series, the PDF is rendered, hashed and kept, all in one transaction: a failure
    leaves no number used.
    """
    requester = by if getattr(by, "is_authenticated", False) else None
    digest = data_digest({"kind": kind.code, "version": kind.version, "data": data})
    subject_type = ContentType.objects.get_for_model(subject)
    today = clock.today()
    with transaction.atomic():
        issued = IssuedDocument.objects.filter(
            kind=kind.code, subject_type=subject_type, subject_id=subject.pk, language=language,
            issued_on=today, data_digest=digest, has_confidential=confidential, requested_by=requester,
        ).first()  # fmt: skip
        if issued is not None:
            return issued
        number = allocate_number(kind.series, prefix=kind.series)
        token = secrets.token_urlsafe(24)
        document = IssuedDocument(
            number=number, kind=kind.code, token=token, language=language, template_version=kind.version,
            issued_on=today, subject_type=subject_type, subject_id=subject.pk, public_label=public_label[:500],
            has_confidential=confidential, requested_by=requester, data_digest=digest,
        )  # fmt: skip
        with translation.override(language):
            pdf = render_pdf(
                kind.template,
                {
                    **data,
                    "document": {
                        "number": number,
                        "title": str(kind.title),
                        "issued_on": today,
                        "language": language,
                        "verification_url": document.verification_url,
                        "qr": qr_svg_data_uri(document.verification_url),
                        "confidential": confidential,
                    },
                },
            )
        document.sha256 = hashlib.sha256(pdf).hexdigest()
        document.size = len(pdf)
        document.file.save(f"{number}.pdf", ContentFile(pdf), save=False)
        document.save(force_insert=True)
    return document


def issue_once(
    kind: DocumentKind,
    subject: models.Model,
    *,
    by: Any,
    language: str,
    data: Callable[[], dict[str, Any]],
    public_label: str = "",
) -> IssuedDocument:
    """The document of ``kind`` about ``subject`` in ``language`` as it was issued the first time it was asked
    for, whoever asks and whenever: a record that does not change once final (a statement, an answered claim).
    ``data`` is made only when it is issued; the subject's row is locked so two first openings issue one."""
    subject_type = ContentType.objects.get_for_model(subject)
    with transaction.atomic():
        type(subject)._default_manager.select_for_update().filter(pk=subject.pk).first()
        issued = (
            IssuedDocument.objects.filter(
                kind=kind.code, subject_type=subject_type, subject_id=subject.pk, language=language
            )
            .order_by("pk")
            .first()
        )
        if issued is not None:
            return issued
        return issue_document(kind, subject, by=by, language=language, data=data(), public_label=public_label)
