"""Writes of matching: a CMO's staff confirm a usage key's work or recording, or leave it unmatched.

A confirmation is remembered as a :class:`~distribution.models.ConfirmedMatch` of the CMO's normalized key,
which stage 2 uses in every later period; the CMO's other keys of the same normalized key waiting now are
decided with it (one ``UPDATE``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from distribution.models import ConfirmedMatch, MatchStage, MatchStatus, UsageKey
from registers.models import EmbodiedWork, Work
from udp.accounts.models import User
from udp.audit import audited
from udp.core import clock
from udp.core.params import MessageParams

#: Kinds a usage line can be matched to.
MATCHABLE_KINDS = ("musical", "recording", "performance")


def _target(work_id: int) -> tuple[int | None, int | None]:
    """(work, recording) for the chosen register entry: a recording brings the work it embodies."""
    work = Work.objects.filter(pk=work_id, kind__in=MATCHABLE_KINDS).first()
    if work is None:
        raise ValidationError({"work": _("No musical work or recording has this number.")})
    if work.kind == "musical":
        return work.pk, None
    embodied = (
        EmbodiedWork.objects.filter(recording_id=work.pk)
        .order_by("work_id")
        .values_list("work_id", flat=True)
        .first()
    )
    return embodied, work.pk


def confirm_match(key: UsageKey, *, work_id: int, by: User) -> UsageKey:
    """The staff tie ``key`` to the work or recording ``work_id``; remembered for the CMO's later periods."""
    if not (by.is_cmo_staff and by.cmo_id == key.cmo_id):
        raise PermissionError(_("only the CMO's own staff decide its usage keys"))
    work, recording = _target(work_id)
    if not key.nkey:
        raise ValidationError(_("This usage has no title or artist to remember a match by."))
    with audited(by):
        ConfirmedMatch.objects.update_or_create(
            cmo_id=key.cmo_id, nkey=key.nkey,
            defaults={"work_id": work, "recording_id": recording, "confirmed_by": by},
        )  # fmt: skip
        UsageKey.objects.filter(
            cmo_id=key.cmo_id, nkey=key.nkey, status__in=[MatchStatus.REVIEW, MatchStatus.UNMATCHED]
        ).update(
            work_id=work, recording_id=recording, stage=MatchStage.CONFIRMED, score=100,
            status=MatchStatus.MATCHED, decided_by=by, decided_at=clock.now(),
        )  # fmt: skip
        key.refresh_from_db()
    return key


def leave_unmatched(key: UsageKey, *, by: User) -> UsageKey:
    """The staff find no work for ``key``: it stays unmatched (and waits for a holder's claim)."""
    if not (by.is_cmo_staff and by.cmo_id == key.cmo_id):
        raise PermissionError(_("only the CMO's own staff decide its usage keys"))
    with audited(by):
        UsageKey.objects.filter(pk=key.pk).update(
            status=MatchStatus.UNMATCHED,
            work_id=None,
            recording_id=None,
            decided_by=by,
            decided_at=clock.now(),
        )
        key.refresh_from_db()
    return key


#: What a refused run says, by :class:`distribution.engine.RunError` code (the one place these are worded).
RUN_ERRORS = {
    "period_order": gettext_lazy("The period ends before it starts."),
    "period_not_ended": gettext_lazy(
        "The period has not ended (it ends on %(end)s): a run is calculated once its usage and collections are "
        "in."
    ),
    "negative_deduction": gettext_lazy("A deduction cannot be negative."),
    "already_approved": gettext_lazy(
        "The run of this area and period is approved already: it is not calculated again."
    ),
    "empty_pool": gettext_lazy(
        "Nothing was collected for this area and period: there is no pool to distribute."
    ),
    "cap20": gettext_lazy(
        "Costs and special funds together may not exceed 20 %% of the total collected (Art. 46.1 (2)); "
        "%(percent)s %% was asked."
    ),
    "no_usage": gettext_lazy("No use of a protected work was matched for this area and period."),
    "not_awaiting_approval": gettext_lazy("This run does not await approval."),
    "platform_started": gettext_lazy(
        "The platform calculated this run with the deductions (or rates) it had last time: a member of staff "
        "first calculates it again, checking them, and another member of staff then approves it."
    ),
    "same_person": gettext_lazy(
        "The person who started a run does not approve it: another member of staff does."
    ),
    "rate_missing": gettext_lazy(
        "A reciprocal agreement names %(currency)s: enter the rate of tenge for one unit of it."
    ),
    "nothing_for_societies": gettext_lazy(
        "No approved run of %(year)s or before has money for a foreign society that was not remitted yet."
    ),
    "no_tax_rate": gettext_lazy(
        "No tax rate is in force on %(day)s for the kind and residency of every holder to be paid: the "
        "operator enters the rates first."
    ),
    "not_approved": gettext_lazy("This run is not approved, so none of its money can be paid yet."),
    "interrupted": gettext_lazy(
        "The calculation stopped %(attempts)s times without finishing (a worker was lost): ask for it again, "
        "and tell the operator if it stops again."
    ),
    "remitted": gettext_lazy(
        "Money of this run went to %(society)s in the approved annual run for foreign societies of %(year)s: "
        "the run can no longer be corrected as a whole."
    ),
    "not_posted": gettext_lazy("This run is not approved, so there is nothing of it to correct."),
    "already_reversed": gettext_lazy("This run was corrected already."),
    "claimed": gettext_lazy(
        "Claim No. %(claim)s asks for money this run kept, or was paid from it: a run is not corrected while a "
        "claim of its money waits for an answer or was accepted."
    ),
    "already_paid": gettext_lazy(
        "Money of this run was already sent to a holder's bank: the run can no longer be corrected as a "
        "whole."
    ),
}


def run_error_message(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The refusal ``code`` of a run in the active language, with its parameters."""
    text = RUN_ERRORS.get(code)
    if text is None:
        return gettext("The run could not be calculated (%(code)s).") % {"code": code}
    return str(text) % MessageParams(params or {})
