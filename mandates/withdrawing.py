"""Withdrawal (Art. 46.2): the holder's notice, its cancellation, the day it takes effect, and what the CMO owes.

Every repertoire read is right at any date from the moment the notice is received: a whole area's
mandate gets ``ends_on`` = the effective date, listed works get a ``registers.MandateExclusion`` from
that date. Cancelling the notice puts both back. On the effective date the job
(:func:`apply_due_withdrawals`) ends the mandate (so the holder can mandate another CMO for the area)
and records the CMO's obligations, each with its due date (:mod:`mandates.deadlines`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mandates import deadlines
from mandates.models import (
    ObligationKind,
    Withdrawal,
    WithdrawalObligation,
    WithdrawalScope,
    WithdrawalStatus,
)
from registers import public_selectors as selectors
from registers.models import CMO, Area, Mandate, MandateExclusion, Work
from registers.models.contracts import MandateStatus
from udp.accounts.models import Moderation, Role, User
from udp.audit import Reason, audited
from udp.core import clock
from udp.notices.actions import notify


class WithdrawalRefused(ValidationError):
    """Bad input: a clear answer, and nothing changes. ``code`` says which rule refused it."""


# -- who is told ---------------------------------------------------------------------------------------
def cmo_accounts(cmo: CMO | int) -> QuerySet[User]:
    cmo_id = cmo if isinstance(cmo, int) else cmo.pk
    return User.objects.filter(cmo_id=cmo_id, role__in=[Role.CMO_ADMIN, Role.CMO_STAFF], is_active=True)


def holder_accounts(withdrawal: Withdrawal) -> QuerySet[User]:
    return User.objects.filter(
        party_id=withdrawal.holder_id, role=Role.HOLDER, is_active=True, moderation=Moderation.APPROVED
    )


def regulator_accounts() -> QuerySet[User]:
    return User.objects.filter(role=Role.REGULATOR, is_active=True)


def _link(withdrawal: Withdrawal) -> str:
    return f"/withdrawals/{withdrawal.pk}/"


def _works(withdrawal: Withdrawal) -> str:
    """The works withdrawn, as data for a notice (titles only, never translated text)."""
    if withdrawal.scope == WithdrawalScope.AREA:
        return ""
    return ": " + ", ".join(f"«{w.title[:80]}»" for w in withdrawal.works.all()[:10])


def _params(withdrawal: Withdrawal) -> dict[str, str | int]:
    return {
        "id": withdrawal.pk,
        "holder": withdrawal.holder.name,
        "cmo": withdrawal.cmo.short_name,
        "area": withdrawal.area.item,
        "works": _works(withdrawal),
        "received": withdrawal.received_on.isoformat(),
        "effective": withdrawal.effective_on.isoformat(),
    }


# -- the notice ----------------------------------------------------------------------------------------
def _refuse(message: str, code: str) -> WithdrawalRefused:
    return WithdrawalRefused(message, code=code)


def _the_mandate(holder_id: int, cmo: CMO, area: Area) -> Mandate:
    mandate = (
        Mandate.objects.select_for_update()
        .select_related("cmo")
        .filter(holder_id=holder_id, area=area, status=MandateStatus.ACTIVE)
        .first()
    )
    if mandate is None:
        raise _refuse(
            _("You have no mandate in force for area %(area)s: there is nothing to withdraw.")
            % {"area": area.item},
            "no_mandate",
        )
    if mandate.cmo_id != cmo.pk:
        raise _refuse(
            _(
                "Your mandate for area %(area)s is with %(managing)s, not with %(cmo)s: "
                "file the notice against the CMO that manages it."
            )
            % {"area": area.item, "managing": mandate.cmo.short_name, "cmo": cmo.short_name},
            "wrong_cmo",
        )
    return mandate


def _check_area(mandate: Mandate, effective_on: dt.date) -> None:
    pending = mandate.withdrawals.filter(status=WithdrawalStatus.PENDING, scope=WithdrawalScope.AREA).first()
    if pending is not None:
        raise _refuse(
            _("A notice withdrawing this area is already pending: it takes effect on %(date)s.")
            % {"date": date_format(pending.effective_on)},
            "duplicate",
        )
    if mandate.ends_on is not None and mandate.ends_on <= effective_on:
        raise _refuse(
            _("The mandate already ends on %(date)s, before a notice given today could take effect.")
            % {"date": date_format(mandate.ends_on)},
            "already_ending",
        )


def _check_works(mandate: Mandate, works: Sequence[Work], today: dt.date) -> None:
    if not works:
        raise _refuse(_("Choose the works to withdraw."), "no_works")
    if mandate.withdrawals.filter(status=WithdrawalStatus.PENDING, scope=WithdrawalScope.AREA).exists():
        raise _refuse(
            _("A notice withdrawing the whole area is already pending: it includes these works."), "duplicate"
        )
    ids = [w.pk for w in works]
    managed = set(
        selectors.works_managed_by(Work.objects.filter(pk__in=ids), mandate.cmo, today, mandate.area)
        .filter(contributors__party_id=mandate.holder_id)
        .values_list("pk", flat=True)
    )
    excluded = dict(
        MandateExclusion.objects.filter(mandate=mandate, work_id__in=ids).values_list("work_id", "from_date")
    )
    already = [w for w in works if w.pk in excluded]
    if already:
        raise _refuse(
            _("Already withdrawn (or a notice for it is pending): %(titles)s.")
            % {"titles": ", ".join(f"«{w.title}»" for w in already)},
            "already_withdrawn",
        )
    outside = [w for w in works if w.pk not in managed]
    if outside:
        raise _refuse(
            _("%(cmo)s does not manage your rights in these works in this area: %(titles)s.")
            % {"cmo": mandate.cmo.short_name, "titles": ", ".join(f"«{w.title}»" for w in outside)},
            "works_not_managed",
        )


def file_withdrawal(
    *, by: User, cmo: CMO, area: Area, works: Sequence[Work] = (), note: str = ""
) -> Withdrawal:
    """The holder's notice to ``cmo``: the whole ``area`` (no ``works``) or the listed works in it.

    Received today (the platform's clock); takes effect three calendar months later. Bad input is
    refused with :class:`WithdrawalRefused` and changes nothing.
    """
    if by.party_id is None or not by.is_holder:
        raise _refuse(_("Only a rightsholder can withdraw rights from a CMO."), "not_holder")
    works = list(dict.fromkeys(works))
    today = clock.today()
    effective_on = deadlines.withdrawal_effective_on(today)
    with audited(by, Reason("withdrawal_notice")):
        mandate = _the_mandate(by.party_id, cmo, area)
        if works:
            _check_works(mandate, works, today)
        else:
            _check_area(mandate, effective_on)
        withdrawal = Withdrawal.objects.create(
            holder_id=by.party_id,
            cmo=cmo,
            mandate=mandate,
            area=area,
            scope=WithdrawalScope.WORKS if works else WithdrawalScope.AREA,
            received_on=today,
            effective_on=effective_on,
            filed_by=by,
            filed_at=clock.now(),
            note=note.strip(),
            restores_ends_on=mandate.ends_on,
        )
        if works:
            withdrawal.works.set(works)
            MandateExclusion.objects.bulk_create(
                MandateExclusion(mandate=mandate, work=work, from_date=effective_on) for work in works
            )
        else:
            # who manages the area is right at any date from now on, before the job runs
            mandate.ends_on = effective_on
            mandate.save(update_fields=["ends_on"])
        params = _params(withdrawal)
        for account in cmo_accounts(cmo):
            notify(account, "withdrawal_received", params, link=_link(withdrawal))
        for account in holder_accounts(withdrawal):
            notify(account, "withdrawal_filed", params, link=_link(withdrawal))
    return withdrawal


def cancel_withdrawal(withdrawal: Withdrawal, *, by: User) -> Withdrawal:
    """The holder takes back their own notice before it takes effect; what it set is put back."""
    with audited(by, Reason("withdrawal_cancelled", id=withdrawal.pk)):
        withdrawal = Withdrawal.objects.select_for_update().get(pk=withdrawal.pk)
        if withdrawal.status != WithdrawalStatus.PENDING:
            raise _refuse(
                _("Only a pending notice can be cancelled; this withdrawal is: %(status)s.")
                % {"status": withdrawal.get_status_display()},
                "not_pending",
            )
        if withdrawal.effective_on <= clock.today():
            raise _refuse(
                _("The withdrawal took effect on %(date)s: it can no longer be cancelled.")
                % {"date": date_format(withdrawal.effective_on)},
                "already_effective",
            )
        mandate = Mandate.objects.select_for_update().get(pk=withdrawal.mandate_id)
        if withdrawal.scope == WithdrawalScope.AREA:
            if mandate.ends_on == withdrawal.effective_on:
                mandate.ends_on = withdrawal.restores_ends_on
                mandate.save(update_fields=["ends_on"])
        else:
            MandateExclusion.objects.filter(
                mandate=mandate, work__in=withdrawal.works.all(), from_date=withdrawal.effective_on
            ).delete()
        withdrawal.status = WithdrawalStatus.CANCELLED
        withdrawal.cancelled_at = clock.now()
        withdrawal.save(update_fields=["status", "cancelled_at"])
        params = _params(withdrawal)
        for account in cmo_accounts(withdrawal.cmo_id):
            notify(account, "withdrawal_cancelled", params, link=_link(withdrawal))
    return withdrawal


# -- the effective date ------------------------------------------------------------------------------
def apply_withdrawal(withdrawal_id: int, *, today: dt.date | None = None) -> bool:
    """Let one withdrawal take effect if its day has come; ``False`` if there was nothing to do (idempotent)."""
    today = today or clock.today()
    with audited(None, Reason("withdrawal_effective", id=withdrawal_id)):
        withdrawal = (
            Withdrawal.objects.select_for_update()
            .select_related("holder", "cmo", "area")
            .filter(pk=withdrawal_id)
            .first()
        )
        if (
            withdrawal is None
            or withdrawal.status != WithdrawalStatus.PENDING
            or withdrawal.effective_on > today
        ):
            return False
        if withdrawal.scope == WithdrawalScope.AREA:
            mandate = Mandate.objects.select_for_update().get(pk=withdrawal.mandate_id)
            mandate.ends_on = withdrawal.effective_on
            mandate.status = MandateStatus.ENDED
            mandate.save(update_fields=["ends_on", "status"])
        withdrawal.status = WithdrawalStatus.EFFECTIVE
        withdrawal.took_effect_at = clock.now()
        withdrawal.save(update_fields=["status", "took_effect_at"])
        for kind, due_on in deadlines.obligation_due_dates(withdrawal.effective_on).items():
            WithdrawalObligation.objects.get_or_create(
                withdrawal=withdrawal, kind=kind, defaults={"due_on": due_on}
            )
        params = _params(withdrawal)
        for account in [*holder_accounts(withdrawal), *cmo_accounts(withdrawal.cmo_id)]:
            notify(account, "withdrawal_effective", params, link=_link(withdrawal))
    return True


def apply_due_withdrawals(today: dt.date | None = None) -> int:
    """Every pending withdrawal whose day has come takes effect, each in its own transaction."""
    today = today or clock.today()
    ids = list(
        Withdrawal.objects.filter(status=WithdrawalStatus.PENDING, effective_on__lte=today)
        .order_by("effective_on", "pk")
        .values_list("pk", flat=True)
    )
    return sum(apply_withdrawal(pk, today=today) for pk in ids)


# -- what the CMO owes --------------------------------------------------------------------------------
def complete_obligation(
    obligation: WithdrawalObligation,
    *,
    by: User,
    evidence: str,
    evidence_file: UploadedFile[bytes] | None = None,
) -> WithdrawalObligation:
    """The CMO reports an obligation done, with its evidence (what was published where, the payment, the report)."""
    if not evidence.strip() and not evidence_file:
        raise _refuse(_("Say what was done, or attach the evidence."), "no_evidence")
    with audited(by, evidence.strip()[:500] or None):
        obligation = (
            WithdrawalObligation.objects.select_for_update()
            .select_related("withdrawal__holder", "withdrawal__cmo", "withdrawal__area")
            .get(pk=obligation.pk)
        )
        if obligation.done_on is not None:
            raise _refuse(
                _("Already reported done on %(date)s.") % {"date": date_format(obligation.done_on)},
                "already_done",
            )
        obligation.done_on = clock.today()
        obligation.done_by = by
        obligation.evidence = evidence.strip()
        fields = ["done_on", "done_by", "evidence"]
        if isinstance(evidence_file, UploadedFile):
            # stored under a generated name: the uploader's file name is not a path
            suffix = Path(evidence_file.name or "").suffix.lower()[:6]
            evidence_file.name = f"{uuid.uuid4().hex}{suffix}"
            obligation.evidence_file = evidence_file
            fields.append("evidence_file")
        obligation.save(update_fields=fields)
        withdrawal = obligation.withdrawal
        params = {**_params(withdrawal), "obligation": obligation.kind}  # the code: data, not text
        for account in holder_accounts(withdrawal):
            notify(account, "withdrawal_obligation_done", params, link=_link(withdrawal))
    return obligation


def overdue_obligations(today: dt.date | None = None) -> QuerySet[WithdrawalObligation]:
    return WithdrawalObligation.objects.filter(done_on__isnull=True, due_on__lt=today or clock.today())


def notify_overdue_obligations(today: dt.date | None = None) -> int:
    """Tell the holder, the CMO and the regulator once about each obligation that has become overdue."""
    today = today or clock.today()
    ids = list(
        overdue_obligations(today).filter(overdue_notified_on__isnull=True).values_list("pk", flat=True)
    )
    told = 0
    for pk in ids:
        with transaction.atomic():
            obligation = (
                WithdrawalObligation.objects.select_for_update()
                .select_related("withdrawal__holder", "withdrawal__cmo", "withdrawal__area")
                .filter(pk=pk, overdue_notified_on__isnull=True)
                .first()
            )
            if obligation is None:
                continue
            withdrawal = obligation.withdrawal
            with audited(None, Reason("withdrawal_obligation_overdue", id=withdrawal.pk)):
                obligation.overdue_notified_on = today
                obligation.save(update_fields=["overdue_notified_on"])
                params = {
                    **_params(withdrawal),
                    "obligation": obligation.kind,
                    "due": obligation.due_on.isoformat(),
                }
                accounts = [
                    *holder_accounts(withdrawal),
                    *cmo_accounts(withdrawal.cmo_id),
                    *regulator_accounts(),
                ]
                for account in accounts:
                    notify(account, "withdrawal_obligation_overdue", params, link=_link(withdrawal))
            told += 1
    return told


OBLIGATION_HELP: dict[str, Promise] = {
    ObligationKind.PUBLISH: gettext_lazy(
        "Publish that the works or the area are excluded from your licences."
    ),
    ObligationKind.PAY: gettext_lazy(
        "Pay the holder the remuneration collected under licences granted before."
    ),
    ObligationKind.REPORT: gettext_lazy("Send the holder a report of what was collected and paid."),
}
