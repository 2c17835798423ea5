"""Who reaches which usage report: the user its own licences' reports, the CMO its licences', the authorized
body and the operator all of them (reading). The only way a view, API view, task or command loads a report or
the licence a report is sent for; 404 for missing and forbidden alike."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from licensing.models import Licence, LicenceStatus, ReportDue, UsageReport
from udp.accounts import roles

#: A user reports usage under a licence from the day it is signed (in force) until it has ended.
REPORTABLE = (LicenceStatus.IN_FORCE, LicenceStatus.ENDED)


def licences_reportable_by(user: Any) -> QuerySet[Licence]:
    """The licences a user sends reports for: its own organisation's, signed."""
    if roles.is_licensee(user) and user.licensee_id is not None:
        return Licence.objects.filter(licensee_id=user.licensee_id, status__in=REPORTABLE)
    return Licence.objects.none()


def get_licence_for_reporting(user: Any, pk: Any) -> Licence:
    try:
        return licences_reportable_by(user).select_related("contract", "cmo").get(pk=pk)
    except (Licence.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def reports_visible_to(user: Any) -> QuerySet[UsageReport]:
    if roles.is_official(user):
        return UsageReport.objects.all()
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return UsageReport.objects.filter(licence__cmo_id=user.cmo_id)
    if roles.is_licensee(user) and user.licensee_id is not None:
        return UsageReport.objects.filter(licence__licensee_id=user.licensee_id)
    return UsageReport.objects.none()


def get_report_for_user(user: Any, pk: Any) -> UsageReport:
    try:
        return (
            reports_visible_to(user)
            .select_related("licence__contract", "licence__cmo", "licence__licensee")
            .get(pk=pk)
        )
    except (UsageReport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def reports_due_visible_to(user: Any) -> QuerySet[ReportDue]:
    if roles.is_official(user):
        return ReportDue.objects.all()
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return ReportDue.objects.filter(licence__cmo_id=user.cmo_id)
    if roles.is_licensee(user) and user.licensee_id is not None:
        return ReportDue.objects.filter(licence__licensee_id=user.licensee_id)
    return ReportDue.objects.none()
