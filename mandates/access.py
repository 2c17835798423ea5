"""Who may see and act on which request for management, mandate signed on paper and withdrawal.

The holder sees their own; the CMO's staff those addressed to (or entered by) their organisation; the
operator and the authorized body all (the authorized body lists every refusal, Art. 44.1, and every
withdrawal, Art. 46.2). The holder files and cancels their own notices; the CMO's staff mark its
obligations done. Missing and forbidden answer alike (404).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import Http404

from mandates.models import MandateRequest, PaperMandate, Withdrawal, WithdrawalObligation
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


def requests_visible_to(user: Actor) -> QuerySet[MandateRequest]:
    if roles.is_official(user):
        return MandateRequest.objects.all()
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return MandateRequest.objects.filter(cmo_id=user.cmo_id)
    if roles.is_holder(user):
        return MandateRequest.objects.filter(holder_id__in=own_party_ids(user))
    return MandateRequest.objects.none()


def requests_answerable_by(user: Actor) -> QuerySet[MandateRequest]:
    """The holder acts on their own requests (cancel, sign); the CMO's staff on those addressed to it."""
    if not roles.is_approved(user):
        return MandateRequest.objects.none()
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return MandateRequest.objects.filter(cmo_id=user.cmo_id)
    if roles.is_holder(user):
        return MandateRequest.objects.filter(holder_id__in=own_party_ids(user))
    return MandateRequest.objects.none()


def paper_mandates_visible_to(user: Actor) -> QuerySet[PaperMandate]:
    if roles.is_official(user):
        return PaperMandate.objects.all()
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return PaperMandate.objects.filter(contract__cmo_id=user.cmo_id)
    if roles.is_holder(user):
        return PaperMandate.objects.filter(contract__holder_id__in=own_party_ids(user))
    return PaperMandate.objects.none()


def paper_mandates_answerable_by(user: Actor) -> QuerySet[PaperMandate]:
    """Only the holder confirms or disputes a mandate entered for them."""
    if roles.is_holder(user) and roles.is_approved(user):
        return PaperMandate.objects.filter(contract__holder_id__in=own_party_ids(user))
    return PaperMandate.objects.none()


def _get_any(queryset: QuerySet[Any], pk: Any) -> Any:
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_request_for_user(user: Actor, pk: Any, *, write: bool = False) -> MandateRequest:
    queryset = requests_answerable_by(user) if write else requests_visible_to(user)
    request: MandateRequest = _get_any(
        queryset.select_related("holder", "cmo__party", "contract", "document"), pk
    )
    return request


def get_paper_mandate_for_user(user: Actor, pk: Any, *, write: bool = False) -> PaperMandate:
    queryset = paper_mandates_answerable_by(user) if write else paper_mandates_visible_to(user)
    paper: PaperMandate = _get_any(queryset.select_related("contract__holder", "contract__cmo"), pk)
    return paper
