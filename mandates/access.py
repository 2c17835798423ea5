"""Who may see and act on which request for management and which mandate signed on paper.

The holder sees their own; the CMO's staff those addressed to (or entered by) their organisation; the
operator and the authorized body all (the authorized body lists every refusal, Art. 44.1). Missing and
forbidden answer alike (404).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from mandates.models import MandateRequest, PaperMandate
from registers.access import own_party_ids
from udp.accounts import roles
from udp.accounts.roles import Actor


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


def _get(queryset: QuerySet[Any], pk: Any) -> Any:
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_request_for_user(user: Actor, pk: Any, *, write: bool = False) -> MandateRequest:
    queryset = requests_answerable_by(user) if write else requests_visible_to(user)
    request: MandateRequest = _get(
        queryset.select_related("holder", "cmo__party", "contract", "document"), pk
    )
    return request


def get_paper_mandate_for_user(user: Actor, pk: Any, *, write: bool = False) -> PaperMandate:
    queryset = paper_mandates_answerable_by(user) if write else paper_mandates_visible_to(user)
    paper: PaperMandate = _get(queryset.select_related("contract__holder", "contract__cmo"), pk)
    return paper
