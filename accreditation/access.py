"""Who may see and act on which application for accreditation, refusal and appeal.

A CMO's accounts see their own organisation's applications; its admin applies, submits and appeals.
The expert organization (operator) sees every submitted application and checks that it is complete; the
authorized body (regulator) sees every application, schedules the commission, records its conclusion,
decides and decides appeals. Drafts stay with the CMO until submitted. Missing and forbidden answer alike
(404).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from accreditation.models import Appeal, Application, ApplicationStatus
from udp.accounts import roles
from udp.accounts.roles import Actor


def applications_visible_to(user: Actor) -> QuerySet[Application]:
    if roles.is_regulator(user) or roles.is_operator(user):
        return Application.objects.exclude(status=ApplicationStatus.DRAFT)
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return Application.objects.filter(cmo_id=user.cmo_id)
    return Application.objects.none()


def applications_editable_by(user: Actor) -> QuerySet[Application]:
    """The CMO's admin fills in, submits and appeals its own organisation's applications."""
    if roles.is_cmo_admin(user) and user.cmo_id is not None:
        return Application.objects.filter(cmo_id=user.cmo_id)
    return Application.objects.none()


def get_application_for_user(user: Actor, pk: Any, *, write: bool = False) -> Application:
    queryset = applications_editable_by(user) if write else applications_visible_to(user)
    try:
        return queryset.select_related("cmo__party", "meeting").get(pk=pk)
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def appeals_visible_to(user: Actor) -> QuerySet[Appeal]:
    if roles.is_regulator(user) or roles.is_operator(user):
        return Appeal.objects.all()
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return Appeal.objects.filter(decision__application__cmo_id=user.cmo_id)
    return Appeal.objects.none()


def get_appeal_for_user(user: Actor, pk: Any) -> Appeal:
    try:
        return (
            appeals_visible_to(user).select_related("decision__application__cmo", "decision__area").get(pk=pk)
        )
    except (Appeal.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
