"""Who may see and act on which withdrawal (Art. 46.2).

The holder sees their own notices and cancels them while pending; the CMO's staff see the notices
addressed to their organisation and mark its obligations done; the operator and the regulator see all.
Missing and forbidden answer alike (404).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import Http404

from mandates.models import Withdrawal, WithdrawalObligation
from registers.access import own_party_ids
from udp.accounts import roles
from udp.accounts.roles import Actor


def withdrawals_visible_to(user: Actor) -> QuerySet[Withdrawal]:
    if roles.is_official(user):
        return Withdrawal.objects.all()
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return Withdrawal.objects.filter(cmo_id=user.cmo_id)
    if roles.is_holder(user):
        return Withdrawal.objects.filter(holder_id__in=own_party_ids(user))
    return Withdrawal.objects.none()


def withdrawals_editable_by(user: Actor) -> QuerySet[Withdrawal]:
    """The holder files and cancels their own notices; nobody else does (not even the operator)."""
    if roles.is_holder(user) and roles.is_approved(user):
        return Withdrawal.objects.filter(holder_id__in=own_party_ids(user))
    return Withdrawal.objects.none()


def obligations_editable_by(user: Actor) -> QuerySet[WithdrawalObligation]:
    """The CMO's staff mark what their organisation owes as done."""
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return WithdrawalObligation.objects.filter(withdrawal__cmo_id=user.cmo_id)
    return WithdrawalObligation.objects.none()


M = TypeVar("M", Withdrawal, WithdrawalObligation)


def _get[M: (Withdrawal, WithdrawalObligation)](queryset: QuerySet[M], pk: Any) -> M:
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_withdrawal_for_user(user: Actor, pk: Any, *, write: bool = False) -> Withdrawal:
    return _get(withdrawals_editable_by(user) if write else withdrawals_visible_to(user), pk)


def get_obligation_for_user(user: Actor, pk: Any) -> WithdrawalObligation:
    return _get(obligations_editable_by(user), pk)
