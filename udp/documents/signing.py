"""Signing an issued document, behind one interface so the method can change.

A :class:`Signer` records that a person signed the exact bytes of an :class:`IssuedDocument`: it checks
that the SHA-256 the person confirmed is the document's (and that the stored bytes still have it), then
writes a :class:`Signature` naming the account, the person's IIN, the entity signed for (its BIN, with the
:class:`Signatory` row that says the person may sign for it), the time and the hash.

The default, :class:`AccountSigner`, confirms by the signed-in account (the session has passed its second
factor where the role needs one). An adapter for Kazakhstan's national e-signature (NCALayer: a CMS
signature over the same hash, checked against the certificate's IIN and BIN) implements the same protocol
and is named in the setting ``UDP_DOCUMENT_SIGNER``; nothing else changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from udp.core import clock
from udp.documents.models import IssuedDocument, Signatory, Signature, SignatureMethod


class Signer(Protocol):
    """Signs ``document`` as ``account`` (a person with ``iin`` and ``name``), for an entity if
    ``signatory`` is given (the row that says they may sign for it). ``confirmed_sha256`` is the hash the
    person was shown and confirmed; ``evidence`` is what the method brings (a CMS signature)."""

    method: str

    def sign(
        self,
        document: IssuedDocument,
        *,
        account: Any,
        iin: str,
        name: str,
        confirmed_sha256: str,
        signatory: Signatory | None = None,
        evidence: str = "",
    ) -> Signature: ...


def stored_sha256(document: IssuedDocument) -> str:
    """The SHA-256 of the bytes kept for ``document``, read again from storage."""
    digest = hashlib.sha256()
    with document.file.open("rb") as stream:
        for chunk in iter(lambda: stream.read(65536), b""):
            digest.update(chunk)
    return digest.hexdigest()


class AccountSigner:
    """The default: the signed-in account confirms the document's hash."""

    method = SignatureMethod.ACCOUNT.value

    def sign(
        self,
        document: IssuedDocument,
        *,
        account: Any,
        iin: str,
        name: str,
        confirmed_sha256: str,
        signatory: Signatory | None = None,
        evidence: str = "",
    ) -> Signature:
        if confirmed_sha256.strip().lower() != document.sha256:
            raise ValidationError(
                _("The document changed since you read it: read it again and sign what you read.")
            )
        if stored_sha256(document) != document.sha256:
            raise ValidationError(
                _("The document's stored copy does not match its hash; it cannot be signed.")
            )
        if not iin:
            raise ValidationError(_("The signer's IIN is not on record; it is needed to sign."))
        if signatory is not None and signatory.account_id != account.pk:
            raise ValueError("the signatory row belongs to another account")
        return Signature.objects.create(
            document=document,
            account=account,
            signer_iin=iin,
            signer_name=name[:300],
            on_behalf_bin=signatory.entity_bin if signatory else "",
            on_behalf_name=signatory.entity_name if signatory else "",
            signatory=signatory,
            signed_at=clock.now(),
            sha256=document.sha256,
            method=self.method,
            evidence=evidence,
        )


def get_signer() -> Signer:
    """The signer the settings name (``UDP_DOCUMENT_SIGNER``, a dotted path to a class)."""
    path = getattr(settings, "UDP_DOCUMENT_SIGNER", "udp.documents.signing.AccountSigner")
    signer: Signer = import_string(path)()
    return signer


def signatory_for(account: Any, entity_bin: str, day: dt.date | None = None) -> Signatory | None:
    """The row that lets ``account`` sign for the entity with ``entity_bin`` on ``day`` (today), if any."""
    if not entity_bin or not getattr(account, "pk", None):
        return None
    day = day or clock.today()
    return (
        Signatory.objects.filter(entity_bin=entity_bin, account=account, valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .order_by("-valid_from")
        .first()
    )


def enter_signatory(
    *,
    by: Any,
    entity_bin: str,
    entity_name: str,
    account: Any,
    iin: str,
    position: str,
    basis: str,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> Signatory:
    """Record that ``account`` (a person with ``iin``) may sign for the entity ``entity_bin`` from
    ``valid_from`` (today). Whether ``by`` may say so is the caller's rule (the operator; a CMO's admin
    for their own organisation)."""
    from udp.audit import audited

    with audited(by):
        return Signatory.objects.create(
            entity_bin=entity_bin, entity_name=entity_name[:300], account=account, iin=iin, position=position,
            basis=basis, valid_from=valid_from or clock.today(), valid_until=valid_until,
            entered_by=by if getattr(by, "pk", None) else None,
        )  # fmt: skip
