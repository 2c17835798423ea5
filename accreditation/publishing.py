"""What a CMO publishes and tells the authorized body, with deadlines (Art. 46.1 (7), (11), (12); 46.1-1).

- Charter amendments and general meeting resolutions: placed within 10 working days of the amendment's
  registration or the meeting (A46.1.12-10wd).
- Notice of a general meeting: at least 10 working days before it (A46.1.11-gm-notice); the deadline is
  the tenth working day before the meeting (the notice day counts). A later notice is accepted, recorded
  with its date and flagged late.
- Independent audit at least every two years; the report with the financial statements placed within a
  month of approval and public five years (A46.1-1.audit).
- Representatives and branches: the CMO's public page (A46.1.7-representatives, kept in the registers).

:func:`flags` lists every missed deadline, with its evidence, for the CMO's dashboard and the regulator's
workspace; late copies of reciprocal agreements (:func:`registers.reciprocal.late_copies`) are listed
there too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from accreditation.models import MeetingNotice, Publication, PublicationKind
from registers.models import CMO
from udp.accounts import roles
from udp.audit import audited
from udp.core import clock, workdays
from udp.core.params import Localized

WORKING_DAYS = 10
AUDIT_EVERY_YEARS = 2
PUBLIC_YEARS = 5


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the last day of the month when that month is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def due_on(kind: str, event_on: dt.date) -> dt.date:
    if kind == PublicationKind.AUDIT_REPORT:
        return add_months(event_on, 1)
    return workdays.add_working_days(event_on, WORKING_DAYS)


def notice_due_on(meeting_on: dt.date) -> dt.date:
    return workdays.subtract_working_days(meeting_on, WORKING_DAYS)


# --- who sees what ------------------------------------------------------------------------------------


def publications_visible_to(user: Any) -> QuerySet[Publication]:
    """The officials see every record, a CMO's accounts their own; the public reads :func:`public_of`."""
    rows = Publication.objects.select_related("cmo")
    if roles.is_official(user):
        return rows
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return rows.filter(cmo_id=user.cmo_id)
    return rows.none()


def notices_visible_to(user: Any) -> QuerySet[MeetingNotice]:
    rows = MeetingNotice.objects.select_related("cmo")
    if roles.is_official(user):
        return rows
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return rows.filter(cmo_id=user.cmo_id)
    return rows.none()


def public_of(cmo_id: int, day: dt.date | None = None) -> QuerySet[Publication]:
    """What the CMO's public page shows: amendments and resolutions, audit reports for five years."""
    day = day or clock.today()
    return (
        Publication.objects.filter(cmo_id=cmo_id, published_on__lte=day)
        .exclude(kind=PublicationKind.AUDIT_REPORT, public_until__lt=day)
        .order_by("-event_on", "-pk")
    )


def _cmo_admin_of(user: Any) -> CMO:
    if not roles.is_cmo_admin(user) or user.cmo_id is None:
        raise PermissionDenied
    return CMO.objects.get(pk=user.cmo_id)


# --- actions ------------------------------------------------------------------------------------------


def publish(
    *,
    by: Any,
    kind: str,
    title: str,
    event_on: dt.date,
    document: File[Any],
    statements: File[Any] | None = None,
    auditor: str = "",
    period_end: dt.date | None = None,
) -> Publication:
    """The CMO's administrator places a document; it is public from today, late if past its deadline."""
    cmo = _cmo_admin_of(by)
    PublicationKind(kind)
    today = clock.today()
    errors: dict[str, str] = {}
    if event_on > today:
        errors["event_on"] = _("The date cannot be in the future.")
    if kind == PublicationKind.AUDIT_REPORT:
        if not statements:
            errors["statements"] = _("Attach the financial statements with the audit report.")
        if not auditor.strip():
            errors["auditor"] = _("Name the independent auditor.")
    if errors:
        raise ValidationError(errors)
    with audited(by):
        return Publication.objects.create(
            cmo=cmo,
            kind=kind,
            title=title.strip(),
            event_on=event_on,
            due_on=due_on(kind, event_on),
            published_on=today,
            document=document,
            statements=statements or "",
            auditor=auditor.strip(),
            period_end=period_end,
            public_until=add_months(today, 12 * PUBLIC_YEARS)
            if kind == PublicationKind.AUDIT_REPORT
            else None,
            recorded_by=by,
        )


def notify_meeting(
    *, by: Any, meeting_on: dt.date, place: str, agenda: str, document: File[Any] | None = None
) -> MeetingNotice:
    """The CMO's administrator notifies the authorized body of a general meeting. A notice later than 10
    working days before the meeting is accepted and recorded late (the authorized body is told so)."""
    from udp.notices.actions import notify

    cmo = _cmo_admin_of(by)
    today = clock.today()
    if meeting_on < today:
        raise ValidationError({"meeting_on": _("The meeting has already taken place.")})
    with audited(by):
        row = MeetingNotice.objects.create(
            cmo=cmo,
            meeting_on=meeting_on,
            place=place.strip(),
            agenda=agenda.strip(),
            notified_on=today,
            due_on=notice_due_on(meeting_on),
            document=document or "",
            recorded_by=by,
        )
        regulators = [user for user in _regulators()]
        params = {
            "cmo": cmo.short_name,
            "meeting": meeting_on.isoformat(),
            "place": row.place,
            "due": row.due_on.isoformat(),
        }
        kind = "publications_meeting_notice_late" if row.late else "publications_meeting_notice"
        for user in regulators:
            notify(user, kind, params, link=reverse("publications:index"))
    return row


def _regulators() -> QuerySet[Any]:
    from udp.accounts.models import Role, User

    return User.objects.filter(role=Role.REGULATOR, is_active=True)


# --- flags --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    """A deadline missed: ``code`` (what), ``due_on``, ``done_on`` (``None`` if still not done)."""

    cmo_id: int
    cmo: str
    code: str
    due_on: dt.date
    done_on: dt.date | None
    link: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    #: what the CMO can do about it, in the reader's language, at ``link`` (empty: nothing but the page it is on)
    action: str = ""
    #: only the CMO's administrator can take the action (publishing, placing a copy): staff are not offered it
    admin_action: bool = False

    @property
    def text(self) -> str:
        return describe(self.code, self.params)


#: Missed deadlines and breaches other parts of the platform find: ``source(cmo_ids, day)`` → flags, and how
#: their codes read (``code`` → a function of the params giving text in the active language).
_SOURCES: list[Callable[[list[int] | None, dt.date], list[Flag]]] = []
_TEXTS: dict[str, Callable[[dict[str, Any]], str]] = {}


def add_flag_source(
    source: Callable[[list[int] | None, dt.date], list[Flag]],
    texts: dict[str, Callable[[dict[str, Any]], str]],
) -> None:
    """List ``source``'s flags with these (on the CMO's dashboard, in the officials' workspace, as evidence)."""
    if source not in _SOURCES:
        _SOURCES.append(source)
    _TEXTS.update(texts)


def describe(code: str, params: dict[str, Any]) -> str:
    if code in _TEXTS:
        return _TEXTS[code](params)
    texts = {
        "charter_amendment_late": _("Charter amendment “%(title)s” (registered on %(event)s) placed late"),
        "gm_resolution_late": _("Resolution “%(title)s” of the general meeting of %(event)s placed late"),
        "audit_report_late": _("Audit report “%(title)s” (approved on %(event)s) placed late"),
        "meeting_notice_late": _("The authorized body was notified late of the general meeting of %(event)s"),
        "gm_resolution_missing": _("No resolution placed for the general meeting of %(event)s"),
        "audit_overdue": _("No independent audit approved since %(event)s (at least every two years)"),
        "reciprocal_copy_late": _("Copy of reciprocal agreement %(title)s placed late or missing"),
    }
    template = texts.get(code)
    # days kept as data read as the reader's language writes them (:mod:`udp.core.params`)
    return template % Localized(params) if template else code


def _publish_link(kind: str, event_on: dt.date | None = None) -> str:
    """The page that publishes a document, its kind (and day) chosen."""
    query = {"kind": kind, **({"event_on": event_on.isoformat()} if event_on else {})}
    return f"{reverse('publications:new')}?{urlencode(query)}"


def flags(cmo_ids: list[int] | None = None, day: dt.date | None = None) -> list[Flag]:
    """Every deadline missed up to ``day`` by the CMOs ``cmo_ids`` (every CMO when ``None``)."""
    from registers.reciprocal import late_copies

    day = day or clock.today()
    publications = Publication.objects.select_related("cmo").filter(published_on__lte=day)
    notices = MeetingNotice.objects.select_related("cmo").filter(notified_on__lte=day)
    cmos = CMO.objects.all()
    copies = late_copies(day).select_related("cmo")
    if cmo_ids is not None:
        publications = publications.filter(cmo_id__in=cmo_ids)
        notices = notices.filter(cmo_id__in=cmo_ids)
        cmos = cmos.filter(pk__in=cmo_ids)
        copies = copies.filter(cmo_id__in=cmo_ids)
    rows: list[Flag] = []
    link = reverse("publications:index")
    resolutions: set[tuple[int, dt.date]] = set()
    last_audit: dict[int, dt.date] = {}
    for row in publications:
        if row.kind == PublicationKind.GM_RESOLUTION:
            resolutions.add((row.cmo_id, row.event_on))
        if row.kind == PublicationKind.AUDIT_REPORT:
            last_audit[row.cmo_id] = max(last_audit.get(row.cmo_id, row.event_on), row.event_on)
        if row.late:
            params = {"title": row.title, "event": row.event_on.isoformat()}
            rows.append(
                Flag(
                    row.cmo_id,
                    row.cmo.short_name,
                    f"{row.kind}_late",
                    row.due_on,
                    row.published_on,
                    link,
                    params,
                )
            )
    for notice in notices:
        params = {"event": notice.meeting_on.isoformat(), "agenda": notice.agenda[:200]}
        if notice.late:
            rows.append(
                Flag(notice.cmo_id, notice.cmo.short_name, "meeting_notice_late", notice.due_on, notice.notified_on, link, params)
            )  # fmt: skip
        resolution_due = workdays.add_working_days(notice.meeting_on, WORKING_DAYS)
        if resolution_due < day and (notice.cmo_id, notice.meeting_on) not in resolutions:
            publish = _publish_link(PublicationKind.GM_RESOLUTION, notice.meeting_on)
            rows.append(
                Flag(notice.cmo_id, notice.cmo.short_name, "gm_resolution_missing", resolution_due, None, publish,
                     params, _("Publish the resolution"), admin_action=True)
            )  # fmt: skip
    for cmo in cmos:
        last = last_audit.get(cmo.pk)
        if last is not None and add_months(last, 12 * AUDIT_EVERY_YEARS) < day:
            due = add_months(last, 12 * AUDIT_EVERY_YEARS)
            rows.append(
                Flag(cmo.pk, cmo.short_name, "audit_overdue", due, None, _publish_link(PublicationKind.AUDIT_REPORT),
                     {"event": last.isoformat()}, _("Publish the audit report"), admin_action=True)
            )  # fmt: skip
    for contract in copies:
        if contract.copy_due_on is None:
            continue
        rows.append(
            Flag(
                contract.cmo_id, contract.cmo.short_name, "reciprocal_copy_late", contract.copy_due_on,
                contract.copy_placed_on, reverse("reciprocal_cmo:detail", args=[contract.pk]),
                {"title": contract.number}, _("Place the copy"), admin_action=True,
            )
        )  # fmt: skip
    for source in _SOURCES:
        rows.extend(source(cmo_ids, day))
    return sorted(rows, key=lambda flag: (flag.due_on, flag.cmo, flag.code))


def flags_for(user: Any, day: dt.date | None = None) -> list[Flag]:
    if roles.is_official(user):
        return flags(None, day)
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return flags([user.cmo_id], day)
    return []


def upcoming_meetings(day: dt.date | None = None) -> QuerySet[MeetingNotice]:
    day = day or clock.today()
    return (
        MeetingNotice.objects.select_related("cmo").filter(meeting_on__gte=day).order_by("meeting_on", "pk")
    )
