"""Who may open an issued document.

- Anyone with the verification link sees its public facts (:func:`get_document_by_token`): the
  token is unguessable and is the only key; numbers are not.
- Whether it still stands (:func:`standing`): a withdrawn or cancelled document says so, publicly.
- The PDF itself (which may hold confidential data) goes to the account that requested it and to the
  operator only (:func:`get_document_for_user`). 404 for missing and forbidden alike.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from udp.documents import kinds
from udp.documents.models import IssuedDocument


def documents_for_user(user: Any) -> QuerySet[IssuedDocument]:
    if not getattr(user, "is_authenticated", False):
        return IssuedDocument.objects.none()
    if getattr(user, "is_operator", False):
        return IssuedDocument.objects.all()
    return IssuedDocument.objects.filter(requested_by=user)


def get_document_for_user(user: Any, pk: Any) -> IssuedDocument:
    try:
        return documents_for_user(user).get(pk=pk)
    except (IssuedDocument.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_document_by_token(token: str) -> IssuedDocument:
    if not token or len(token) > 64:
        raise Http404
    try:
        return IssuedDocument.objects.get(token=token)
    except IssuedDocument.DoesNotExist:
        raise Http404 from None


def tells_standing(document: IssuedDocument) -> bool:
    """Whether ``document``'s kind can stop standing (and :func:`standing` tells when it has)."""
    kind = kinds.get(document.kind)
    return kind is not None and kind.standing is not None


def standing(document: IssuedDocument) -> kinds.Standing | None:
    """Why ``document`` no longer stands (its kind's ``standing`` of its subject), for the verification page;
    ``None`` while it stands, or when its kind cannot tell."""
    kind = kinds.get(document.kind)
    if kind is None or kind.standing is None:
        return None
    return kind.standing(document) if document.subject is not None else None


def label(document: IssuedDocument) -> str:
    """What ``document`` is for, as the verification page says it: its kind's ``label`` of its subject, in the
    reader's language, or the text stored when it was issued."""
    kind = kinds.get(document.kind)
    if kind is None or kind.label is None or document.subject is None:
        return document.public_label
    return kind.label(document)
