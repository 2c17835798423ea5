"""What the sanctions part of the accreditation domain registers when the app is ready: its notice kinds,
console cards and evidence providers (revocation ground 2 from the annual report's filing record, ground 5
from the reciprocal agreements' late copies and the overdue withdrawal obligations)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registers.models import CMO

SUBJECT = gettext_lazy("Accreditation of %(cmo)s in area %(area)s")


def ready() -> None:
    _register_reasons()
    _extended_management()
    _register_kinds()
    _register_evidence()
    _add_cards()


def _extended_management() -> None:
    """Who manages a work: a CMO whose line is in force on the day covers holders without a mandate in
    its area (Art. 46-1.2); a suspended or terminated line covers nobody."""
    from accreditation.selectors import in_force_on
    from registers import who_manages

    def lines_in_force(day: dt.date) -> Any:
        return (
            in_force_on(day)
            .filter(area__in_force=True)
            .select_related("cmo__party", "area")
            .order_by("area__item", "cmo__short_name")
        )

    who_manages.read_accreditation_with(lines_in_force)


def _register_reasons() -> None:
    """The reasons the platform gives itself in the history of what the daily job and the decisions do."""
    from udp.audit import MESSAGES

    MESSAGES.update(
        {
            "suspension_drafted": gettext_lazy(
                "Suspension drafted: the annual report for %(year)s was not filed in time (line %(line)s)"
            ),
            "suspension_decided": gettext_lazy("Suspension %(id)s decided by the authorized body"),
            "suspension_ended": gettext_lazy("Suspension %(id)s ended after three months"),
            "accreditation_expired": gettext_lazy("Accreditation line %(line)s terminated: its term expired"),
            "accreditation_terminated": gettext_lazy("Accreditation line %(line)s terminated"),
        }
    )


def _register_kinds() -> None:
    from udp.notices.kinds import Kind, register

    register(
        Kind(
            "accreditation_suspension_drafted",
            gettext_lazy(
                "%(cmo)s had not filed its annual report for %(year)s by %(due)s: a suspension of its "
                "accreditation in area %(area)s (certificate %(certificate)s) is drafted for your decision."
            ),
            subject=gettext_lazy("A suspension of accreditation awaits your decision"),
        )
    )
    register(
        Kind(
            "accreditation_suspended",
            gettext_lazy(
                "The authorized body suspended the accreditation of %(cmo)s in area %(area)s (certificate "
                "%(certificate)s) from %(starts)s; it resumes on %(ends)s. Until then %(cmo)s manages only "
                "the rights mandated to it in this area."
            ),
            subject=SUBJECT,
        )
    )
    register(
        Kind(
            "accreditation_suspension_ended",
            gettext_lazy(
                "The suspension of the accreditation of %(cmo)s in area %(area)s ended on %(ends)s: the "
                "accreditation is in force again."
            ),
            subject=SUBJECT,
        )
    )
    register(
        Kind(
            "accreditation_revoked",
            gettext_lazy(
                "The authorized body revoked the accreditation of %(cmo)s in area %(area)s (certificate "
                "%(certificate)s) on ground %(ground)s of Article 47-1."
            ),
            subject=SUBJECT,
        )
    )
    register(
        Kind(
            "accreditation_terminated",
            gettext_lazy(
                "The accreditation of %(cmo)s in area %(area)s (certificate %(certificate)s) is terminated "
                "from %(ended)s."
            ),
            subject=SUBJECT,
        )
    )
    register(
        Kind(
            "accreditation_termination_late",
            gettext_lazy(
                "The termination of the accreditation of %(cmo)s in area %(area)s was published after its "
                "deadline of %(due)s."
            ),
        )
    )
    register(
        Kind(
            "accreditation_return_asked",
            gettext_lazy(
                "%(cmo)s asks to return its accreditation in area %(area)s (certificate %(certificate)s): "
                "%(note)s"
            ),
            subject=gettext_lazy("A CMO returns its accreditation"),
        )
    )


# -- evidence --------------------------------------------------------------------------------------------
def late_annual_reports(cmo: CMO, area_id: int | None, day: dt.date) -> list[Any]:
    """Ground 2: each year whose annual report was due before ``day`` while the CMO was accredited, and
    was filed late or not at all."""
    from accreditation.evidence import Item
    from accreditation.models import Accreditation
    from reporting.models import AnnualFiling, due_on

    first = Accreditation.objects.filter(cmo=cmo).order_by("valid_from").values_list("valid_from", flat=True)
    if not first:
        return []
    filings = {f.year: f for f in AnnualFiling.objects.filter(cmo=cmo)}
    items = []
    for year in range(first[0].year, day.year):
        due = due_on(year)
        if due >= day:
            continue
        filing = filings.get(year)
        if filing is not None and filing.filed_at is not None and timezone.localdate(filing.filed_at) <= due:
            continue
        filed = timezone.localdate(filing.filed_at).isoformat() if filing and filing.filed_at else None
        code = "annual_report_late" if filed else "annual_report_missing"
        items.append(Item(code, {"year": year, "due": due.isoformat(), "filed": filed}, day=due))
    return items


def art46_duties_missed(cmo: CMO, area_id: int | None, day: dt.date) -> list[Any]:
    """Ground 5: reciprocal agreements whose copy came late or is missing, and withdrawal obligations
    overdue."""
    from accreditation.evidence import Item
    from mandates.withdrawing import overdue_obligations
    from registers.reciprocal import late_copies

    items = [
        Item(
            "reciprocal_copy_late",
            {"number": c.number, "due": c.copy_due_on.isoformat() if c.copy_due_on else None},
            link=f"/cmo/reciprocal/{c.pk}/",
            day=c.copy_due_on,
        )
        for c in late_copies(day).filter(cmo=cmo).order_by("copy_due_on")
    ]
    obligations = overdue_obligations(day).filter(withdrawal__cmo=cmo).select_related("withdrawal")
    if area_id is not None:
        obligations = obligations.filter(withdrawal__area_id=area_id)
    items += [
        Item(
            "withdrawal_obligation_overdue",
            {"withdrawal": o.withdrawal_id, "kind": o.kind, "due": o.due_on.isoformat()},
            link=f"/withdrawals/{o.withdrawal_id}/",
            day=o.due_on,
        )
        for o in obligations.order_by("due_on")
    ]
    return items


def _day(value: str | None) -> str:
    return date_format(dt.date.fromisoformat(value)) if value else "—"


def _register_evidence() -> None:
    from accreditation import evidence

    evidence.register("late_annual_report", late_annual_reports)
    evidence.register("art46_duties", art46_duties_missed)
    evidence.describe_with(
        "annual_report_missing",
        lambda p: (
            _("The annual report for %(year)s, due by %(due)s, is not filed.")
            % {"year": p["year"], "due": _day(p["due"])}
        ),
    )
    evidence.describe_with(
        "annual_report_late",
        lambda p: (
            _("The annual report for %(year)s, due by %(due)s, was filed on %(filed)s.")
            % {"year": p["year"], "due": _day(p["due"]), "filed": _day(p["filed"])}
        ),
    )
    evidence.describe_with(
        "reciprocal_copy_late",
        lambda p: (
            _("The copy of reciprocal agreement %(number)s, due by %(due)s, came late or is missing.")
            % {"number": p["number"], "due": _day(p["due"])}
        ),
    )
    evidence.describe_with(
        "withdrawal_obligation_overdue",
        lambda p: (
            _("An obligation after withdrawal no. %(id)s is overdue since %(due)s.")
            % {"id": p["withdrawal"], "due": _day(p["due"])}
        ),
    )


# -- console cards ---------------------------------------------------------------------------------------
def _add_cards() -> None:
    from accreditation.models import SuspensionStatus
    from accreditation.sanctions_access import suspensions_visible_to
    from udp.accounts.consoles import Card, add_card

    def drafted(user: Any) -> int:
        return suspensions_visible_to(user).filter(status=SuspensionStatus.DRAFTED).count()

    add_card(
        "regulator",
        Card(
            "sanctions-workspace",
            gettext_lazy("Suspensions, revocations and terminations"),
            "sanctions:workspace",
            count=drafted,
            section="accreditation",
            waiting=True,
        ),
    )
    add_card(
        "cmo",
        Card("sanctions-lines", gettext_lazy("Our accreditation"), "sanctions:own", section="organisation"),
    )
