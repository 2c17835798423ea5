"""Holders claim unmatched usage as their work, and the CMO whose usage it is decides (A46.1.3-identify).

An accepted claim confirms the match (:func:`distribution.actions.confirm_match`), so the usage counts for
the work from then on and stage 2 remembers it; a run of that month still awaiting approval is calculated
again, so it counts there too. A refusal says why. The holder is told either way, and when the month's run
was approved already, that the use counts only if the CMO corrects that run.
"""

from __future__ import annotations

from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from distribution.actions import MATCHABLE_KINDS, confirm_match
from distribution.models import ClaimStatus, MatchStatus, UsageClaim, UsageKey
from registers.models import Work
from udp.accounts.models import User
from udp.audit import audited
from udp.core import clock


def works_claimable_by(user: User) -> list[Work]:
    """The holder's own musical works and recordings (where the holder is a contributor)."""
    if user.party_id is None:
        return []
    return list(
        Work.objects.filter(contributors__party_id=user.party_id, kind__in=MATCHABLE_KINDS)
        .distinct()
        .order_by("title", "id")[:500]
    )


def file_claim(key: UsageKey, *, work_id: int, note: str = "", by: User) -> UsageClaim:
    if not (by.is_holder and by.party_id):
        raise PermissionError(_("only a rightsholder claims usage"))
    if key.status != MatchStatus.UNMATCHED:
        raise ValidationError(_("This usage is no longer unmatched."))
    if not any(work.pk == work_id for work in works_claimable_by(by)):
        raise ValidationError({"work": _("Choose one of your own works or recordings.")})
    if UsageClaim.objects.filter(key=key, party_id=by.party_id, status=ClaimStatus.PENDING).exists():
        raise ValidationError(_("You have already claimed this usage; the CMO has not decided yet."))
    with audited(by):
        return UsageClaim.objects.create(
            key=key, party_id=by.party_id, work_id=work_id, note=note.strip(), filed_by=by
        )


def decide_claim(claim: UsageClaim, *, accept: bool, reason: str = "", by: User) -> UsageClaim:
    if not (by.is_cmo_staff and by.cmo_id == claim.key.cmo_id):
        raise PermissionError(_("only the staff of the CMO whose usage it is decide a claim"))
    if claim.status != ClaimStatus.PENDING:
        raise ValidationError(_("This claim has already been decided."))
    if not accept and not reason.strip():
        raise ValidationError({"reason": _("Say why you refuse the claim.")})
    late = False
    with transaction.atomic(), audited(by, reason.strip() or None):
        if accept:
            confirm_match(claim.key, work_id=claim.work_id, by=by)
            late = _count_in_runs(claim.key, by=by)
        UsageClaim.objects.filter(pk=claim.pk).update(
            status=ClaimStatus.ACCEPTED if accept else ClaimStatus.REFUSED, reason="" if accept else reason.strip(),
            decided_by=by, decided_at=clock.now(),
        )  # fmt: skip
        claim.refresh_from_db()
        transaction.on_commit(partial(_tell_holder, claim.pk, late))
    return claim


def _count_in_runs(key: UsageKey, *, by: User) -> bool:
    """The CMO's runs over the key's month: one still awaiting approval is calculated again (by ``by``, with its
    deductions), so the accepted use counts in it; returns whether one was approved already (then the use counts
    only if that run is corrected, which the holder is told to ask for)."""
    from distribution.calculating import queue_request
    from distribution.models import Run, RunStatus

    runs = Run.objects.filter(
        cmo_id=key.cmo_id, period_start__lte=key.period, period_end__gte=key.period,
        status__in=[RunStatus.CALCULATED, RunStatus.APPROVED],
    ).select_related("cmo", "area")  # fmt: skip
    late = False
    for run in runs:
        if run.status == RunStatus.APPROVED:
            late = True
            continue
        queue_request(
            run.cmo, run.area, run.period_start, run.period_end, costs_percent=run.costs_percent,
            funds_percent=run.funds_percent, by=by,
        )  # fmt: skip
    return late


def _tell_holder(claim_id: int, late: bool) -> None:
    from distribution.notices import tell_holder_usage_claim_decided

    tell_holder_usage_claim_decided(claim_id, late=late)
