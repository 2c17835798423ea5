"""Who sees monitoring: providers and sites are the operator's; a reconciliation is seen by the user it
concerns, the licence's CMO, the authorized body and the operator; flags (under-reporting) by the CMO, the
authorized body and the operator. Missing and forbidden answer alike (404)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from licensing.models import MonitoringProvider, Reconciliation, ReconciliationLine
from udp.accounts import roles
from udp.accounts.roles import Actor


def reconciliations_visible_to(user: Actor) -> QuerySet[Reconciliation]:
    rows = Reconciliation.objects.select_related(
        "licence__contract", "licence__licensee__party", "licence__cmo"
    )
    if roles.is_official(user):
        return rows
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return rows.filter(licence__cmo_id=user.cmo_id)
    if roles.is_licensee(user) and user.licensee_id is not None:
        return rows.filter(licence__licensee_id=user.licensee_id)
    return rows.none()


def flags_visible_to(user: Actor) -> QuerySet[Reconciliation]:
    """Under-reporting flags: the CMO's own licences', or all for the officials; none for anybody else."""
    if not (roles.is_official(user) or roles.is_cmo_staff(user)):
        return Reconciliation.objects.none()
    return reconciliations_visible_to(user).filter(flagged=True)


def get_reconciliation_for_user(user: Actor, pk: Any, *, write: bool = False) -> Reconciliation:
    """The reconciliation if ``user`` may see it (``write``: answer it, the user's own accounts only)."""
    try:
        row = reconciliations_visible_to(user).get(pk=pk)
    except (Reconciliation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write and not (roles.is_licensee(user) and user.licensee_id == row.licence.licensee_id):
        raise Http404
    return row


def get_line_for_user(user: Actor, pk: Any, *, write: bool = False) -> ReconciliationLine:
    try:
        line = ReconciliationLine.objects.select_related("reconciliation").get(pk=pk)
    except (ReconciliationLine.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    get_reconciliation_for_user(user, line.reconciliation_id, write=write)
    return line


def providers_visible_to(user: Actor) -> QuerySet[MonitoringProvider]:
    if roles.is_operator(user):
        return MonitoringProvider.objects.all()
    return MonitoringProvider.objects.none()


def get_provider_for_user(user: Actor, pk: Any) -> MonitoringProvider:
    try:
        return providers_visible_to(user).get(pk=pk)
    except (MonitoringProvider.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
