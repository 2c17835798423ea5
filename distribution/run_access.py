"""The only way views, the API and tasks load runs, requests to calculate them and statements.

- A run and its requests: the staff of its CMO (they also start, recalculate and approve it); the operator reads.
- A statement: the holder itself, the staff of the run's CMO and the operator; only of approved runs.
- A claim of remuneration: the holder itself, the staff of the CMO claimed from (who decide it), the operator.
- An annual run for foreign societies and its remittances: the staff of its CMO (they also calculate and
  approve it); the operator reads. Money with no use and the general meeting's rules: the CMO's staff.

Missing and forbidden answer alike (404).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from distribution.models import (
    ForeignRun,
    Payee,
    ReleaseRule,
    Remittance,
    RemunerationClaim,
    Run,
    RunRequest,
    RunStatus,
    Statement,
    Unidentified,
)
from udp.accounts import roles


def runs_visible_to(user: Any) -> QuerySet[Run]:
    runs = Run.objects.select_related("cmo", "area", "started_by", "approved_by")
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return runs.filter(cmo_id=user.cmo_id)
    if roles.is_operator(user):
        return runs.all()
    return runs.none()


def runs_editable_by(user: Any) -> QuerySet[Run]:
    """The runs ``user`` may calculate again or approve: their own CMO's, as its staff."""
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return runs_visible_to(user).filter(cmo_id=user.cmo_id)
    return Run.objects.none()


def get_run_for_user(user: Any, pk: Any, *, write: bool = False) -> Run:
    runs = runs_editable_by(user) if write else runs_visible_to(user)
    try:
        return runs.get(pk=int(pk))
    except (Run.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def requests_visible_to(user: Any) -> QuerySet[RunRequest]:
    requests = RunRequest.objects.select_related("area", "requested_by", "run")
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return requests.filter(cmo_id=user.cmo_id)
    if roles.is_operator(user):
        return requests.all()
    return requests.none()


def get_request_for_user(user: Any, pk: Any) -> RunRequest:
    try:
        return requests_visible_to(user).get(pk=int(pk))
    except (RunRequest.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def statements_visible_to(user: Any) -> QuerySet[Statement]:
    statements = Statement.objects.filter(run__status=RunStatus.APPROVED).select_related(
        "run__cmo__party", "run__area", "party"
    )
    if roles.is_holder(user) and user.party_id is not None:
        return statements.filter(party_id=user.party_id)
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return statements.filter(run__cmo_id=user.cmo_id)
    if roles.is_operator(user):
        return statements.all()
    return statements.none()


def get_statement_for_user(user: Any, pk: Any) -> Statement:
    try:
        return statements_visible_to(user).get(pk=int(pk))
    except (Statement.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def payees_of(run: Run, q: str = "") -> QuerySet[Payee]:
    """The payees of a run already loaded through :func:`get_run_for_user`, most money first; ``q``: part of
    a holder's name in any script."""
    payees = Payee.objects.filter(run=run).select_related("party", "work")
    if q:
        payees = payees.filter(
            Q(party__name_kk__icontains=q) | Q(party__name_ru__icontains=q) | Q(party__name_lat__icontains=q)
        )
    return payees.order_by("-gross_tiyn", "party_id", "work_id", "route")


def remuneration_claims_visible_to(user: Any) -> QuerySet[RemunerationClaim]:
    """Claims of remuneration: the holder's own; the staff of the CMO claimed from; the operator reads."""
    claims = RemunerationClaim.objects.select_related("party", "cmo", "filed_by", "decided_by")
    if roles.is_holder(user) and user.party_id is not None:
        return claims.filter(party_id=user.party_id)
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return claims.filter(cmo_id=user.cmo_id)
    if roles.is_operator(user):
        return claims.all()
    return claims.none()


def get_remuneration_claim_for_user(user: Any, pk: Any, *, write: bool = False) -> RemunerationClaim:
    """``write``: to decide it, only the claimed CMO's staff."""
    claims = remuneration_claims_visible_to(user)
    if write:
        cmo_id = user.cmo_id if roles.is_cmo_staff(user) else None
        claims = claims.filter(cmo_id=cmo_id) if cmo_id is not None else claims.none()
    try:
        return claims.get(pk=int(pk))
    except (RemunerationClaim.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def staff_cmo_id(user: Any) -> int | None:
    """The CMO whose staff ``user`` is (none for anybody else)."""
    return user.cmo_id if roles.is_cmo_staff(user) and user.cmo_id is not None else None


def foreign_runs_visible_to(user: Any) -> QuerySet[ForeignRun]:
    rows = ForeignRun.objects.select_related("cmo", "started_by", "approved_by")
    if (cmo := staff_cmo_id(user)) is not None:
        return rows.filter(cmo_id=cmo)
    return rows.all() if roles.is_operator(user) else rows.none()


def get_foreign_run_for_user(user: Any, pk: Any, *, write: bool = False) -> ForeignRun:
    """An annual run for foreign societies; ``write``: to calculate it again or approve it (its CMO's staff)."""
    rows = foreign_runs_visible_to(user)
    if write:
        cmo = staff_cmo_id(user)
        rows = rows.filter(cmo_id=cmo) if cmo is not None else rows.none()
    try:
        return rows.get(pk=int(pk))
    except (ForeignRun.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def remittances_visible_to(user: Any) -> QuerySet[Remittance]:
    rows = Remittance.objects.select_related("run__cmo", "society").prefetch_related("transfers")
    if (cmo := staff_cmo_id(user)) is not None:
        return rows.filter(run__cmo_id=cmo)
    return rows.all() if roles.is_operator(user) else rows.none()


def get_remittance_for_user(user: Any, pk: Any) -> Remittance:
    try:
        return remittances_visible_to(user).get(pk=int(pk))
    except (Remittance.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def release_rules_visible_to(user: Any) -> QuerySet[ReleaseRule]:
    """The general meeting's rules for money with no use: of the CMO whose staff ``user`` is."""
    cmo = staff_cmo_id(user)
    rows = ReleaseRule.objects.select_related("recorded_by")
    return rows.filter(cmo_id=cmo) if cmo is not None else rows.none()


def unidentified_visible_to(user: Any) -> QuerySet[Unidentified]:
    """Money with no use, kept by its date of receipt: of the CMO whose staff ``user`` is."""
    cmo = staff_cmo_id(user)
    rows = Unidentified.objects.select_related("area", "licence", "found_in", "released_in")
    return rows.filter(cmo_id=cmo) if cmo is not None else rows.none()
