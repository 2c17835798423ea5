"""An application for accreditation on its way (Art. 46-1, 46-2), one action a step.

1. The CMO's admin starts an application for one or more areas (:func:`start_application`), attaches a
   document for each requirement the authorized body keeps (:func:`attach_document`) and submits it
   (:func:`submit_application`): every mandatory requirement in use must have a document.
2. The expert organization checks that it is complete (:func:`check_application`): complete, or returned
   with what is missing (the CMO completes it and submits again).
3. The authorized body announces the commission's meeting for complete applications
   (:func:`announce_meeting`). The meeting may not be less than 30 Kazakhstan working days after the
   announcement (Art. 46-2.2); the announcement is public at once.
4. After the meeting the commission's conclusion is recorded (:func:`record_conclusion`).
5. The authorized body decides area by area (:func:`decide_application`): a grant with its term, or a
   refusal with its reasons. The granted areas become the lines of one certificate (number from the
   gap-free series, PDF with a verification link).
6. The CMO may appeal a refusal (:func:`file_appeal`); the authorized body decides the appeal
   (:func:`decide_appeal`), and a granted appeal gives a certificate for that area.

CMOs accredited before the platform enter with their paper certificates, entered by the operator
(:func:`enter_existing_certificate`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from accreditation.documents import issue_certificate
from accreditation.models import (
    Accreditation,
    Appeal,
    AppealStatus,
    Application,
    ApplicationDocument,
    ApplicationStatus,
    AreaDecision,
    Certificate,
    CertificateSource,
    CommissionMeeting,
    Conclusion,
    DecisionOutcome,
    Requirement,
)
from registers.models import CMO, Area
from udp.accounts import roles
from udp.accounts.models import CMO_ROLES, Moderation, Role, User
from udp.audit import audited
from udp.core import clock, workdays
from udp.notices.actions import notify

#: Art. 46-2.2: the meeting's date is published at least this many working days before it.
NOTICE_WORKING_DAYS = 30
#: The largest file an application may carry.
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
DOCUMENT_TYPES = {".pdf", ".jpg", ".jpeg", ".png"}


# --- who is told ------------------------------------------------------------------------------------


def cmo_accounts(cmo_id: int) -> QuerySet[User]:
    return User.objects.filter(
        cmo_id=cmo_id, role__in=CMO_ROLES, moderation=Moderation.APPROVED, is_active=True
    )


def officials(role: str) -> QuerySet[User]:
    return User.objects.filter(role=role, moderation=Moderation.APPROVED, is_active=True)


def application_link(application: Application) -> str:
    return reverse("accreditation:application", args=[application.pk])


def _params(application: Application) -> dict[str, Any]:
    return {
        "id": application.pk,
        "cmo": application.cmo.short_name,
        "areas": ", ".join(str(a.item) for a in application.areas.order_by("item")),
    }


def _tell(accounts: Iterable[User], code: str, application: Application, **extra: Any) -> None:
    params = {**_params(application), **extra}
    for account in accounts:
        notify(account, code, params, link=application_link(application))


def _locked(application: Application, *statuses: str) -> Application:
    locked = Application.objects.select_for_update().select_related("cmo__party").get(pk=application.pk)
    if statuses and locked.status not in statuses:
        raise ValidationError(_("This application is no longer at that step."))
    return locked


# --- the CMO --------------------------------------------------------------------------------------------


def _cmo_admin(by: Any, cmo_id: int | None = None) -> User:
    if not roles.is_cmo_admin(by) or by.cmo_id is None or (cmo_id is not None and by.cmo_id != cmo_id):
        raise PermissionError(_("only the CMO's admin applies for its accreditation"))
    return by


def start_application(*, by: User, areas: Sequence[Area], note: str = "") -> Application:
    """The CMO's admin starts an application for ``areas`` (a draft until submitted)."""
    cmo = _cmo_admin(by).cmo
    assert cmo is not None
    areas = list(dict.fromkeys(areas))
    if not areas:
        raise ValidationError({"areas": _("Choose at least one area of collective management.")})
    repealed = [a for a in areas if not a.in_force]
    if repealed:
        raise ValidationError(
            {"areas": _("Area %(item)s is no longer in the law.") % {"item": repealed[0].item}}
        )
    with audited(by):
        application = Application.objects.create(cmo=cmo, note=note.strip(), created_by=by)
        application.areas.set(areas)
    return application


def attach_document(
    application: Application, *, by: User, file: UploadedFile, requirement: Requirement | None
) -> ApplicationDocument:
    """A document for ``requirement`` (or a further one), while the application is with the CMO."""
    _cmo_admin(by, application.cmo_id)
    name = file.name or "document"
    if not any(name.lower().endswith(ext) for ext in DOCUMENT_TYPES):
        raise ValidationError({"file": _("Attach a PDF, JPEG or PNG file.")})
    if (file.size or 0) > DOCUMENT_MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 20 MB.")})
    if requirement is not None and not requirement.active:
        raise ValidationError({"requirement": _("This requirement is no longer in use.")})
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    with audited(by):
        application = _locked(application, ApplicationStatus.DRAFT, ApplicationStatus.INCOMPLETE)
        return ApplicationDocument.objects.create(
            application=application, requirement=requirement, file=file, filename=name[:255],
            sha256=digest.hexdigest(), uploaded_by=by,
        )  # fmt: skip


def missing_requirements(application: Application) -> list[Requirement]:
    """The mandatory requirements in use that have no document on the application yet."""
    covered = set(application.documents.exclude(requirement=None).values_list("requirement_id", flat=True))
    return [r for r in Requirement.objects.filter(active=True, mandatory=True) if r.pk not in covered]


def submit_application(application: Application, *, by: User) -> Application:
    """The CMO's admin submits: every mandatory requirement in use has its document."""
    _cmo_admin(by, application.cmo_id)
    with audited(by):
        application = _locked(application, ApplicationStatus.DRAFT, ApplicationStatus.INCOMPLETE)
        missing = missing_requirements(application)
        if missing:
            raise ValidationError(
                _("Attach a document for each requirement first; missing: %(list)s.")
                % {"list": "; ".join(r.title for r in missing)}
            )
        application.status = ApplicationStatus.SUBMITTED
        application.submitted_at = clock.now()
        application.save(update_fields=["status", "submitted_at"])
        _tell(officials(Role.OPERATOR), "accreditation_submitted", application)
    return application


def withdraw_application(application: Application, *, by: User) -> Application:
    """The CMO's admin withdraws an application that is not decided yet."""
    _cmo_admin(by, application.cmo_id)
    open_steps = [
        s
        for s in ApplicationStatus.values
        if s not in (ApplicationStatus.DECIDED, ApplicationStatus.WITHDRAWN)
    ]
    with audited(by):
        application = _locked(application, *open_steps)
        application.status = ApplicationStatus.WITHDRAWN
        application.save(update_fields=["status"])
    return application


# --- the expert organization --------------------------------------------------------------------------


def check_application(application: Application, *, by: User, complete: bool, note: str = "") -> Application:
    """The expert organization finds the application complete, or returns it saying what is missing."""
    if not roles.is_operator(by):
        raise PermissionError(_("the expert organization checks that an application is complete"))
    if not complete and not note.strip():
        raise ValidationError({"note": _("Say what is missing.")})
    with audited(by):
        application = _locked(application, ApplicationStatus.SUBMITTED)
        application.status = ApplicationStatus.COMPLETE if complete else ApplicationStatus.INCOMPLETE
        application.checked_by, application.checked_at = by, clock.now()
        application.check_note = note.strip()
        application.save(update_fields=["status", "checked_by", "checked_at", "check_note"])
        if complete:
            _tell(officials(Role.REGULATOR), "accreditation_complete", application)
        _tell(cmo_accounts(application.cmo_id), "accreditation_complete_cmo" if complete else "accreditation_incomplete",
              application, note=application.check_note)  # fmt: skip
    return application


# --- the authorized body --------------------------------------------------------------------------------


def _regulator(by: Any) -> User:
    if not roles.is_regulator(by):
        raise PermissionError(_("the authorized body decides accreditation"))
    return by


def earliest_meeting(announced_on: dt.date) -> dt.date:
    """The first day a meeting announced on ``announced_on`` may be held (30 working days later)."""
    return workdays.add_working_days(announced_on, NOTICE_WORKING_DAYS)


def announce_meeting(
    *,
    by: User,
    meets_on: dt.date,
    applications: Sequence[Application],
    place: str = "",
    announcement: str = "",
) -> CommissionMeeting:
    """The authorized body announces the commission's meeting for complete applications, today.

    Refused if ``meets_on`` is less than 30 working days after today (A46-2.notice-30wd)."""
    _regulator(by)
    today = clock.today()
    earliest = earliest_meeting(today)
    if meets_on < earliest:
        raise ValidationError(
            {
                "meets_on": _(
                    "The meeting must be announced at least 30 working days ahead: announced today, %(today)s, "
                    "it can be held on %(earliest)s or later."
                )
                % {"today": today.isoformat(), "earliest": earliest.isoformat()}
            }
        )
    if not applications:
        raise ValidationError({"applications": _("Choose the applications the commission will consider.")})
    with audited(by):
        meeting = CommissionMeeting.objects.create(
            announced_on=today, meets_on=meets_on, place=place.strip(), announcement=announcement.strip(),
            announced_by=by,
        )  # fmt: skip
        for application in applications:
            locked = _locked(application, ApplicationStatus.COMPLETE)
            locked.status, locked.meeting = ApplicationStatus.SCHEDULED, meeting
            locked.save(update_fields=["status", "meeting"])
            _tell(cmo_accounts(locked.cmo_id), "accreditation_meeting", locked, date=meets_on.isoformat())
    return meeting


def record_conclusion(
    application: Application,
    *,
    by: User,
    text: str,
    recommended: Sequence[Area],
    minutes: UploadedFile | None = None,
) -> Conclusion:
    """The commission's conclusion, recorded by the authorized body on or after the meeting's day."""
    _regulator(by)
    if not text.strip():
        raise ValidationError({"text": _("Write the commission's conclusion.")})
    with audited(by):
        application = _locked(application, ApplicationStatus.SCHEDULED)
        assert application.meeting is not None
        if clock.today() < application.meeting.meets_on:
            raise ValidationError(
                _("The commission meets on %(date)s; its conclusion is recorded after that.")
                % {"date": application.meeting.meets_on.isoformat()}
            )
        applied = set(application.areas.values_list("pk", flat=True))
        if any(area.pk not in applied for area in recommended):
            raise ValidationError(
                {"recommended": _("The commission can only recommend areas the application asks for.")}
            )
        conclusion = Conclusion.objects.create(application=application, text=text.strip(), recorded_by=by)
        conclusion.recommended_areas.set(recommended)
        if minutes is not None:
            conclusion.minutes = minutes
            conclusion.save(update_fields=["minutes"])
        application.status = ApplicationStatus.CONCLUDED
        application.save(update_fields=["status"])
    return conclusion


@dataclass(frozen=True)
class AreaOutcome:
    """The decision on one area: a grant from ``valid_from`` to ``valid_until``, or a refusal with ``reasons``."""

    area: Area
    grant: bool
    reasons: str = ""
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


def _check_outcome(outcome: AreaOutcome) -> None:
    if outcome.grant:
        if outcome.valid_from is None or outcome.valid_until is None:
            raise ValidationError(
                _("Give the term of accreditation for area %(item)s.") % {"item": outcome.area.item}
            )
        if outcome.valid_until < outcome.valid_from:
            raise ValidationError(
                _("The term for area %(item)s ends before it starts.") % {"item": outcome.area.item}
            )
    elif not outcome.reasons.strip():
        raise ValidationError(
            _("A refusal states its reasons (area %(item)s).") % {"item": outcome.area.item}
        )


def _grant(application: Application, decisions: list[AreaDecision], *, by: User) -> Certificate:
    """One certificate with a line per granted area; its number is its PDF's (gap-free series ACC)."""
    lines = [(d.area, d.valid_from, d.valid_until) for d in decisions]
    document = issue_certificate(application, lines, by=by, language=_cmo_language(application.cmo))  # type: ignore[arg-type]
    certificate = Certificate.objects.create(
        number=document.number, cmo=application.cmo, issued_on=document.issued_on, application=application,
        document=document, entered_by=by,
    )  # fmt: skip
    for decision in decisions:
        assert decision.valid_from is not None and decision.valid_until is not None
        Accreditation.objects.create(
            certificate=certificate, cmo=application.cmo, area=decision.area, valid_from=decision.valid_from,
            valid_until=decision.valid_until, decision=decision,
        )  # fmt: skip
    return certificate


def _cmo_language(cmo: CMO) -> str:
    admin = User.objects.filter(cmo=cmo, role=Role.CMO_ADMIN).exclude(language="").first()
    return admin.language if admin is not None else "kk"


def decide_application(
    application: Application, *, by: User, outcomes: Sequence[AreaOutcome]
) -> list[AreaDecision]:
    """The authorized body decides every area of a concluded application (A46-1.per-area)."""
    _regulator(by)
    for outcome in outcomes:
        _check_outcome(outcome)
    with audited(by):
        application = _locked(application, ApplicationStatus.CONCLUDED)
        applied = {a.pk for a in application.areas.all()}
        given = [o.area.pk for o in outcomes]
        if sorted(given) != sorted(applied) or len(set(given)) != len(given):
            raise ValidationError(_("Decide each area of the application once."))
        decisions = [
            AreaDecision.objects.create(
                application=application,
                area=o.area,
                outcome=DecisionOutcome.GRANTED if o.grant else DecisionOutcome.REFUSED,
                reasons=o.reasons.strip(),
                valid_from=o.valid_from if o.grant else None,
                valid_until=o.valid_until if o.grant else None,
                decided_by=by,
            )  # fmt: skip
            for o in sorted(outcomes, key=lambda o: o.area.item)
        ]
        granted = [d for d in decisions if d.outcome == DecisionOutcome.GRANTED]
        certificate = _grant(application, granted, by=by) if granted else None
        application.status, application.decided_at = ApplicationStatus.DECIDED, clock.now()
        application.save(update_fields=["status", "decided_at"])
        _tell(cmo_accounts(application.cmo_id), "accreditation_decided", application,
              granted=", ".join(str(d.area.item) for d in granted) or "—",
              refused=", ".join(str(d.area.item) for d in decisions if d not in granted) or "—",
              certificate=certificate.number if certificate else "—")  # fmt: skip
    return decisions


def file_appeal(decision: AreaDecision, *, by: User, grounds: str) -> Appeal:
    """The CMO's admin appeals a refusal (A46-2.appeal)."""
    _cmo_admin(by, decision.application.cmo_id)
    if decision.outcome != DecisionOutcome.REFUSED:
        raise ValidationError(_("Only a refusal can be appealed."))
    if not grounds.strip():
        raise ValidationError({"grounds": _("Say why the refusal should be changed.")})
    with audited(by):
        if (
            Appeal.objects.select_for_update()
            .filter(decision=decision)
            .exclude(status=AppealStatus.UPHELD)
            .exists()
        ):
            raise ValidationError(_("This refusal is already under appeal or has been changed on appeal."))
        appeal = Appeal.objects.create(decision=decision, grounds=grounds.strip(), filed_by=by)
        _tell(
            officials(Role.REGULATOR), "accreditation_appealed", decision.application, area=decision.area.item
        )
    return appeal


def decide_appeal(
    appeal: Appeal, *, by: User, grant: bool, answer: str, valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> Appeal:  # fmt: skip
    """The authorized body decides an appeal: the refusal stands, or the area is granted for a term."""
    _regulator(by)
    if not answer.strip():
        raise ValidationError({"answer": _("Give the answer to the appeal.")})
    with audited(by):
        appeal = (
            Appeal.objects.select_for_update()
            .select_related("decision__application__cmo", "decision__area")
            .get(pk=appeal.pk)
        )
        if appeal.status != AppealStatus.FILED:
            raise ValidationError(_("This appeal is already decided."))
        decision = appeal.decision
        if grant:
            outcome = AreaOutcome(decision.area, True, valid_from=valid_from, valid_until=valid_until)
            _check_outcome(outcome)
            certificate = _grant_on_appeal(appeal, valid_from, valid_until, by=by)
            number = certificate.number
        else:
            number = "—"
        appeal.status = AppealStatus.GRANTED if grant else AppealStatus.UPHELD
        appeal.answer, appeal.decided_by, appeal.decided_at = answer.strip(), by, clock.now()
        appeal.save(update_fields=["status", "answer", "decided_by", "decided_at"])
        _tell(cmo_accounts(decision.application.cmo_id), "accreditation_appeal_decided", decision.application,
              area=decision.area.item, outcome=appeal.get_status_display(), certificate=number)  # fmt: skip
    return appeal


def _grant_on_appeal(appeal: Appeal, valid_from: Any, valid_until: Any, *, by: User) -> Certificate:
    decision = appeal.decision
    application = decision.application
    document = issue_certificate(application, [(decision.area, valid_from, valid_until)], by=by,
                                 language=_cmo_language(application.cmo))  # fmt: skip
    certificate = Certificate.objects.create(
        number=document.number, cmo=application.cmo, issued_on=document.issued_on, application=application,
        document=document, entered_by=by,
    )  # fmt: skip
    Accreditation.objects.create(
        certificate=certificate, cmo=application.cmo, area=decision.area, valid_from=valid_from, valid_until=valid_until,
    )  # fmt: skip
    return certificate


# --- the country's state before the platform -----------------------------------------------------------


def enter_existing_certificate(
    *, by: User, cmo: CMO, number: str, issued_on: dt.date, lines: Sequence[tuple[Area, dt.date, dt.date]],
    scan: UploadedFile,
) -> Certificate:  # fmt: skip
    """The operator enters a certificate issued before the platform, from its paper copy."""
    if not roles.is_operator(by):
        raise PermissionError(_("the expert organization enters certificates issued before the platform"))
    number = number.strip()
    if not number:
        raise ValidationError({"number": _("Give the certificate's number.")})
    if Certificate.objects.filter(number=number).exists():
        raise ValidationError({"number": _("A certificate with this number is already on record.")})
    if not lines:
        raise ValidationError({"lines": _("Give at least one area with its term.")})
    for area, start, end in lines:
        if end < start:
            raise ValidationError(
                {"lines": _("The term for area %(item)s ends before it starts.") % {"item": area.item}}
            )
    with audited(by), transaction.atomic():
        certificate = Certificate.objects.create(
            number=number, cmo=cmo, issued_on=issued_on, source=CertificateSource.PRE_PLATFORM, source_document=scan,
            entered_by=by,
        )  # fmt: skip
        for area, start, end in lines:
            Accreditation.objects.create(
                certificate=certificate, cmo=cmo, area=area, valid_from=start, valid_until=end
            )
    return certificate
