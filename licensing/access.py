"""The one way to load licensing's protected rows: 404 for missing and forbidden alike.

- agreements: the user its own, a CMO's staff their CMO's, the operator and the authorized body all;
- declarations: the user its own;
- tariffs: published ones are public; drafts only for the CMO's staff.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from licensing.models import Declaration, Licence, Tariff, TariffStatus
from udp.accounts import roles
from udp.accounts.roles import Actor


def licences_visible_to(user: Actor | None) -> QuerySet[Licence]:
    rows = Licence.objects.select_related("contract", "cmo__party", "licensee__party", "declaration")
    if roles.is_official(user):
        return rows
    if not roles.is_approved(user):
        return rows.none()
    if roles.is_licensee(user) and user.licensee_id:
        return rows.filter(licensee_id=user.licensee_id)
    if roles.is_cmo_staff(user) and user.cmo_id:
        return rows.filter(cmo_id=user.cmo_id)
    return rows.none()


def _get(rows: QuerySet[Any], pk: Any) -> Any:
    try:
        return rows.get(pk=int(pk))
    except (ValueError, TypeError, rows.model.DoesNotExist):
        raise Http404 from None


def get_licence_for_user(user: Actor | None, pk: Any, *, write: bool = False) -> Licence:
    """``write``: a party to the agreement (the user or the CMO's staff); officials only read."""
    rows = licences_visible_to(user)
    if write and roles.is_official(user):
        rows = rows.none()
    licence: Licence = _get(rows, pk)
    return licence


def get_declaration_for_user(user: Actor | None, pk: Any) -> Declaration:
    if not (roles.is_licensee(user) and roles.is_approved(user) and user.licensee_id):
        raise Http404
    declaration: Declaration = _get(Declaration.objects.filter(licensee_id=user.licensee_id), pk)
    return declaration


def tariffs_visible_to(user: Actor | None) -> QuerySet[Tariff]:
    rows = Tariff.objects.select_related("cmo", "area", "category").prefetch_related("components")
    shown = Q(status__in=[TariffStatus.PUBLISHED, TariffStatus.WITHDRAWN])
    if roles.is_cmo_staff(user) and roles.is_approved(user) and user.cmo_id:
        return rows.filter(shown | Q(cmo_id=user.cmo_id))
    return rows.filter(shown)


def get_tariff_for_user(user: Actor | None, pk: Any, *, write: bool = False) -> Tariff:
    rows = tariffs_visible_to(user)
    if write:
        if not (roles.is_cmo_staff(user) and roles.is_approved(user)):
            raise Http404
        rows = rows.filter(cmo=user.cmo)
    tariff: Tariff = _get(rows, pk)
    return tariff
