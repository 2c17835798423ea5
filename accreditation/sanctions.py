"""Suspension, revocation and termination of accreditation (Art. 47-1, 47-2, 47-3): the actions.

- A daily job (:func:`run_daily`) drafts a suspension for the authorized body when a CMO with a line in
  force has not filed its annual report by 15 April (A47-3.suspension), tells the CMO when a suspension
  has run its three months (it ends by its date, ``ends_on``), and terminates lines whose term expired
  (A47-2.termination). Running it twice changes nothing.
- The authorized body decides a drafted suspension, or dismisses it with a note; it suspends by hand for
  knowingly false information. A decided suspension is published on the platform at once; the law's
  deadline (one day) is kept on the row (``publish_by``).
- The authorized body revokes a line on one of the nine grounds of Art. 47-1 (A47-1.revocation), with the
  evidence the platform holds for the ground kept on the row; a revocation terminates the line.
- A termination (expiry, voluntary return, revocation, liquidation) is published when it is recorded;
  the one-month deadline is kept on the row, and a termination recorded after it is flagged late to the
  authorized body.

Who is accredited on a day is read only through :mod:`accreditation.selectors`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accreditation import evidence, selectors
from accreditation.models import (
    Accreditation,
    Revocation,
    RevocationGround,
    Suspension,
    SuspensionGround,
    SuspensionStatus,
    Termination,
    TerminationReason,
)
from mandates.deadlines import add_calendar_months
from registers.models import CMO
from reporting.models import AnnualFiling, due_on
from udp.accounts.models import Role, User
from udp.audit import Reason, audited
from udp.core import clock
from udp.notices.actions import notify
from udp.notices.models import Notice

#: A suspension lasts three months (Art. 47-3.2).
SUSPENSION_MONTHS = 3
#: A decided suspension is published within one day (Art. 47-3.3).
SUSPENSION_PUBLISH_DAYS = 1
#: A termination is published within one month of the case (Art. 47-2.2).
TERMINATION_PUBLISH_MONTHS = 1
#: The reasons a termination is recorded by hand (expiry comes from the job, revocation from revoking).
MANUAL_REASONS = (TerminationReason.VOLUNTARY_RETURN, TerminationReason.LIQUIDATION)


class SanctionRefused(ValidationError):
    """Bad input or a step out of turn: a clear answer, and nothing changes."""


# -- who is told ---------------------------------------------------------------------------------------
def cmo_accounts(cmo_id: int) -> QuerySet[User]:
    return User.objects.filter(cmo_id=cmo_id, role__in=[Role.CMO_ADMIN, Role.CMO_STAFF], is_active=True)


def regulator_accounts() -> QuerySet[User]:
    return User.objects.filter(role=Role.REGULATOR, is_active=True)


def line_link(line: Accreditation) -> str:
    return f"/accreditation/sanctions/lines/{line.pk}/"


def suspension_link(suspension: Suspension) -> str:
    return f"/accreditation/sanctions/suspensions/{suspension.pk}/"


def _line_params(line: Accreditation) -> dict[str, Any]:
    return {"cmo": line.cmo.short_name, "area": line.area.item, "certificate": line.certificate.number}


def _tell(accounts: QuerySet[User] | list[User], code: str, params: dict[str, Any], link: str) -> None:
    for account in accounts:
        notify(account, code, params, link=link)


def _line_for_update(line: Accreditation) -> Accreditation:
    return (
        Accreditation.objects.select_for_update(of=("self",))
        .select_related("cmo", "area", "certificate")
        .get(pk=line.pk)
    )


def _require(text: str, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise SanctionRefused({field: message}, code="required")
    return text


# -- suspension (Art. 47-3) ----------------------------------------------------------------------------
def report_year_due(today: dt.date) -> int:
    """The latest reporting year whose annual report's due day (15 April of the next year) has passed."""
    year = today.year - 1
    return year if today > due_on(year) else year - 1


def late_report_evidence(cmo_id: int, year: int) -> dict[str, Any]:
    """What a late-report suspension rests on: the due date, and the filing row or its absence."""
    filing = AnnualFiling.objects.filter(cmo_id=cmo_id, year=year).first()
    return {
        "year": year,
        "due_on": due_on(year).isoformat(),
        "filing": None
        if filing is None
        else {
            "id": filing.pk,
            "filed_at": filing.filed_at.isoformat() if filing.filed_at else None,
            "review": filing.review,
        },
    }


def _filed_in_time(cmo_id: int, year: int) -> bool:
    return AnnualFiling.objects.filter(
        cmo_id=cmo_id, year=year, filed_at__isnull=False, filed_at__date__lte=due_on(year)
    ).exists()


def draft_late_report_suspensions(today: dt.date | None = None) -> int:
    """For each line in force whose CMO had not filed last year's annual report by 15 April, draft one
    suspension (once per line and year) for the authorized body to decide. Returns how many were drafted."""
    today = today or clock.today()
    year = report_year_due(today)
    drafted = 0
    # a line granted after the due day did not owe that report as an accredited organisation
    lines = (
        selectors.in_force_on(today)
        .filter(valid_from__lte=due_on(year))
        .select_related("cmo", "area", "certificate")
        .order_by("pk")
    )
    for line in lines:
        if _filed_in_time(line.cmo_id, year):
            continue
        with audited(None, Reason("suspension_drafted", line=line.pk, year=year)):
            line = _line_for_update(line)
            if Suspension.objects.filter(
                accreditation=line, ground=SuspensionGround.LATE_ANNUAL_REPORT, evidence__year=year
            ).exists():
                continue
            suspension = Suspension.objects.create(
                accreditation=line,
                ground=SuspensionGround.LATE_ANNUAL_REPORT,
                evidence=late_report_evidence(line.cmo_id, year),
            )
            params = {**_line_params(line), "year": year, "due": due_on(year).isoformat()}
            _tell(
                regulator_accounts(), "accreditation_suspension_drafted", params, suspension_link(suspension)
            )
            drafted += 1
    return drafted


def _suspend(suspension: Suspension, by: User, note: str) -> Suspension:
    today = clock.today()
    suspension.status = SuspensionStatus.DECIDED
    suspension.starts_on = today
    suspension.ends_on = add_calendar_months(today, SUSPENSION_MONTHS)
    suspension.decided_by = by
    suspension.decided_at = clock.now()
    suspension.publish_by = today + dt.timedelta(days=SUSPENSION_PUBLISH_DAYS)
    suspension.published_at = clock.now()  # the public register shows it from now
    if note:
        suspension.note = note
    suspension.save()
    line = suspension.accreditation
    params = {**_line_params(line), "starts": today.isoformat(), "ends": suspension.ends_on.isoformat()}
    _tell(cmo_accounts(line.cmo_id), "accreditation_suspended", params, suspension_link(suspension))
    return suspension


def decide_suspension(suspension: Suspension, *, by: User, note: str = "") -> Suspension:
    """The authorized body suspends the line for three months from today, on the drafted suspension."""
    with audited(by, note.strip() or Reason("suspension_decided", id=suspension.pk)):
        suspension = (
            Suspension.objects.select_for_update(of=("self",))
            .select_related("accreditation__cmo", "accreditation__area", "accreditation__certificate")
            .get(pk=suspension.pk)
        )
        if suspension.status != SuspensionStatus.DRAFTED:
            raise SanctionRefused(_("This suspension is already decided."), code="not_drafted")
        if selectors.status_on(suspension.accreditation) != selectors.LineStatus.IN_FORCE:
            raise SanctionRefused(
                _("The accreditation is not in force: nothing to suspend."), code="not_in_force"
            )
        return _suspend(suspension, by, note.strip())


def dismiss_suspension(suspension: Suspension, *, by: User, note: str) -> Suspension:
    """The authorized body does not suspend: the draft is closed with its note."""
    note = _require(note, "note", _("Say why the accreditation is not suspended."))
    with audited(by, note):
        suspension = Suspension.objects.select_for_update().get(pk=suspension.pk)
        if suspension.status != SuspensionStatus.DRAFTED:
            raise SanctionRefused(_("This suspension is already decided."), code="not_drafted")
        suspension.status = SuspensionStatus.DISMISSED
        suspension.note = note
        suspension.decided_by = by
        suspension.decided_at = clock.now()
        suspension.save(update_fields=["status", "note", "decided_by", "decided_at"])
    return suspension


def suspend_for_false_information(line: Accreditation, *, by: User, note: str) -> Suspension:
    """The authorized body found knowingly false information in the annual report (Art. 47-3.1 (2))."""
    note = _require(note, "note", _("Say what information was knowingly false."))
    with audited(by, note):
        line = _line_for_update(line)
        if selectors.status_on(line) != selectors.LineStatus.IN_FORCE:
            raise SanctionRefused(
                _("The accreditation is not in force: nothing to suspend."), code="not_in_force"
            )
        suspension = Suspension.objects.create(
            accreditation=line, ground=SuspensionGround.FALSE_INFORMATION, drafted_by=by, note=note
        )
        return _suspend(suspension, by, note)


def tell_ended_suspensions(today: dt.date | None = None) -> int:
    """Suspensions end by their date (``ends_on``); tell the CMO and the authorized body once that the
    accreditation is back in force. Returns how many were told."""
    today = today or clock.today()
    ended = (
        Suspension.objects.filter(status=SuspensionStatus.DECIDED, ends_on__lte=today)
        .select_related("accreditation__cmo", "accreditation__area", "accreditation__certificate")
        .order_by("pk")
    )
    told = 0
    for suspension in ended:
        if Notice.objects.filter(code="accreditation_suspension_ended", params__id=suspension.pk).exists():
            continue
        line = suspension.accreditation
        with audited(None, Reason("suspension_ended", id=suspension.pk)):
            params = {**_line_params(line), "id": suspension.pk, "ends": str(suspension.ends_on)}
            accounts = [*cmo_accounts(line.cmo_id), *regulator_accounts()]
            _tell(accounts, "accreditation_suspension_ended", params, line_link(line))
        told += 1
    return told


# -- termination (Art. 47-2) ---------------------------------------------------------------------------
def _terminate(
    line: Accreditation,
    *,
    by: User | None,
    reason: str,
    ended_on: dt.date,
    note: str = "",
    document: UploadedFile[bytes] | None = None,
) -> Termination:
    if Termination.objects.filter(accreditation=line).exists():
        raise SanctionRefused(_("This accreditation is already terminated."), code="terminated")
    now = clock.now()
    termination = Termination(
        accreditation=line,
        reason=reason,
        ended_on=ended_on,
        note=note,
        recorded_by=by,
        publish_by=add_calendar_months(ended_on, TERMINATION_PUBLISH_MONTHS),
        published_at=now,  # the public register shows it from now
    )
    if document is not None:
        termination.source_document = document
    termination.save()
    params = {**_line_params(line), "reason": reason, "ended": ended_on.isoformat()}
    _tell(
        [*cmo_accounts(line.cmo_id), *regulator_accounts()],
        "accreditation_terminated",
        params,
        line_link(line),
    )
    if is_published_late(termination):
        late = {**params, "due": termination.publish_by.isoformat()}
        _tell(regulator_accounts(), "accreditation_termination_late", late, line_link(line))
    return termination


def is_published_late(termination: Termination) -> bool:
    if termination.published_at is None:
        return clock.today() > termination.publish_by
    return timezone.localdate(termination.published_at) > termination.publish_by


def late_terminations() -> list[Termination]:
    """Terminations published (or still unpublished) after their one-month deadline: flagged to the
    authorized body."""
    rows = Termination.objects.select_related("accreditation__cmo", "accreditation__area").order_by(
        "-ended_on"
    )
    return [t for t in rows if is_published_late(t)]


def terminate_expired(today: dt.date | None = None) -> int:
    """Lines whose term ended before ``today`` and are not terminated: terminated on expiry, the day after
    their last day. Returns how many."""
    today = today or clock.today()
    ids = list(
        Accreditation.objects.filter(valid_until__lt=today, termination__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    done = 0
    for pk in ids:
        with audited(None, Reason("accreditation_expired", line=pk)):
            line = _line_for_update(Accreditation(pk=pk))
            if Termination.objects.filter(accreditation=line).exists():
                continue
            ended_on = line.valid_until + dt.timedelta(days=1)
            _terminate(line, by=None, reason=TerminationReason.EXPIRY, ended_on=ended_on)
            done += 1
    return done


def record_termination(
    line: Accreditation,
    *,
    by: User,
    reason: str,
    ended_on: dt.date | None = None,
    note: str = "",
    document: UploadedFile[bytes] | None = None,
) -> Termination:
    """The authorized body records a voluntary return (the CMO's request, decided) or a liquidation (with
    its document)."""
    if reason not in MANUAL_REASONS:
        raise SanctionRefused({"reason": _("Choose voluntary return or liquidation.")}, code="reason")
    if reason == TerminationReason.LIQUIDATION and not document:
        raise SanctionRefused(
            {"document": _("Attach the document that records the liquidation.")}, code="document"
        )
    ended_on = ended_on or clock.today()
    if ended_on > clock.today():
        raise SanctionRefused({"ended_on": _("The date cannot be in the future.")}, code="future")
    with audited(by, note.strip() or Reason("accreditation_terminated", line=line.pk)):
        line = _line_for_update(line)
        return _terminate(line, by=by, reason=reason, ended_on=ended_on, note=note.strip(), document=document)


def ask_voluntary_return(line: Accreditation, *, by: User, note: str) -> int:
    """The CMO's administrator asks to return its accreditation in an area; the authorized body is told
    and records its decision as a termination. Returns how many officials were told."""
    note = _require(note, "note", _("Say why the accreditation is returned."))
    if by.cmo_id != line.cmo_id:
        raise PermissionError(_("only the CMO's own administrator"))
    with audited(by, note):
        line = _line_for_update(line)
        if Termination.objects.filter(accreditation=line).exists():
            raise SanctionRefused(_("This accreditation is already terminated."), code="terminated")
        params = {**_line_params(line), "note": note[:500]}
        accounts = list(regulator_accounts())
        _tell(accounts, "accreditation_return_asked", params, line_link(line))
    return len(accounts)


# -- revocation (Art. 47-1) ----------------------------------------------------------------------------
def gather_evidence(line: Accreditation, ground: str, day: dt.date | None = None) -> list[evidence.Item]:
    return evidence.gather(ground, line.cmo, line.area_id, day or clock.today())


def revoke(
    line: Accreditation, *, by: User, ground: str, reasons: str, effective_on: dt.date | None = None
) -> Revocation:
    """Revoke a line on a ground of Art. 47-1 with reasons; the evidence the platform holds for the ground
    is copied onto the decision, and the line is terminated (reason: revocation)."""
    if ground not in RevocationGround.values:
        raise SanctionRefused({"ground": _("Choose one of the nine grounds of Article 47-1.")}, code="ground")
    reasons = _require(reasons, "reasons", _("State the reasons for the revocation."))
    effective_on = effective_on or clock.today()
    with audited(by, reasons):
        line = _line_for_update(line)
        if (
            Revocation.objects.filter(accreditation=line).exists()
            or Termination.objects.filter(accreditation=line).exists()
        ):
            raise SanctionRefused(_("This accreditation is already terminated."), code="terminated")
        items = [item.as_data() for item in gather_evidence(line, ground, effective_on)]
        revocation = Revocation.objects.create(
            accreditation=line,
            ground=ground,
            reasons=reasons,
            evidence={"items": items, "gathered_on": clock.today().isoformat()},
            effective_on=effective_on,
            decided_by=by,
        )
        params = {**_line_params(line), "ground": ground}
        _tell(cmo_accounts(line.cmo_id), "accreditation_revoked", params, line_link(line))
        _terminate(line, by=by, reason=TerminationReason.REVOCATION, ended_on=effective_on, note=reasons)
    return revocation


# -- the daily job -------------------------------------------------------------------------------------
def run_daily(today: dt.date | None = None) -> dict[str, int]:
    """What the daily job does; idempotent."""
    today = today or clock.today()
    return {
        "terminated": terminate_expired(today),
        "drafted": draft_late_report_suspensions(today),
        "resumed_told": tell_ended_suspensions(today),
    }


def cmo_lines(cmo: CMO) -> QuerySet[Accreditation]:
    return Accreditation.objects.filter(cmo=cmo).select_related("area", "certificate")
