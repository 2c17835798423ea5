"""The only way pages, the API and tasks load payment files and the bank's statements of them: a CMO's staff
see their own CMO's and write them; nobody else sees any (they hold holders' bank details). Missing and
forbidden answer alike (404)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from distribution.models import PaymentBatch, PayoutStatement
from udp.accounts import roles


def batches_visible_to(user: Any) -> QuerySet[PaymentBatch]:
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return PaymentBatch.objects.filter(cmo_id=user.cmo_id).select_related("created_by")
    return PaymentBatch.objects.none()


def get_batch_for_user(user: Any, pk: Any, *, write: bool = False) -> PaymentBatch:
    """One payment file of the staff's CMO (``write``: the same staff, who make and finish it)."""
    try:
        return batches_visible_to(user).get(pk=int(pk))
    except (PaymentBatch.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def statements_visible_to(user: Any) -> QuerySet[PayoutStatement]:
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return PayoutStatement.objects.filter(cmo_id=user.cmo_id)
    return PayoutStatement.objects.none()


def get_statement_for_user(user: Any, pk: Any) -> PayoutStatement:
    try:
        return statements_visible_to(user).get(pk=int(pk))
    except (PayoutStatement.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
