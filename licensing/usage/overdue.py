"""Usage reports that have not arrived by their day (Art. 44.2-1; A44.2-1-reports): the list, and the notice
the user's accounts, the CMO's accounts and the authorized body get once per report due."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from licensing.models import LicenceStatus, ReportDue
from udp.audit import Reason, audited
from udp.core import clock


def overdue_reports(
    day: dt.date | None = None, among: QuerySet[ReportDue] | None = None
) -> QuerySet[ReportDue]:
    """Reports due before ``day`` (today) that no accepted report answers, under licences signed."""
    day = day or clock.today()
    rows = among if among is not None else ReportDue.objects.all()
    return (
        rows.filter(
            received_at__isnull=True,
            due_on__lt=day,
            licence__status__in=(LicenceStatus.IN_FORCE, LicenceStatus.ENDED),
        )
        .select_related("licence__contract", "licence__cmo", "licence__licensee")
        .order_by("due_on", "pk")
    )


def _recipients(due: ReportDue) -> list[Any]:
    from udp.accounts.models import Role, User

    licence = due.licence
    people = (
        User.objects.filter(is_active=True).filter(licensee_id=licence.licensee_id, role=Role.LICENSEE)
        | User.objects.filter(
            is_active=True, cmo_id=licence.cmo_id, role__in=(Role.CMO_ADMIN, Role.CMO_STAFF)
        )
        | (User.objects.filter(is_active=True, role=Role.REGULATOR))
    )
    return list(people.distinct().order_by("pk"))


def notice_overdue_reports(day: dt.date | None = None) -> int:
    """Tell each overdue report once (``overdue_noticed``); returns how many were told. Idempotent."""
    from udp.notices.actions import notify

    told = 0
    for pk in overdue_reports(day).filter(overdue_noticed=False).values_list("pk", flat=True):
        with audited(None, Reason("usage_report_overdue")):
            due = ReportDue.objects.select_for_update().select_related("licence__contract").get(pk=pk)
            if due.overdue_noticed or due.received_at is not None:
                continue
            params = {
                "licence": due.licence.contract.number,
                "start": due.period_start.isoformat(),
                "end": due.period_end.isoformat(),
                "due": due.due_on.isoformat(),
            }
            for person in _recipients(due):
                link = "/space/usage/" if person.role == "licensee" else "/cmo/usage/"
                notify(person, "usage_report_overdue", params, link=link)
            due.overdue_noticed = True
            due.save(update_fields=["overdue_noticed"])
            told += 1
    return told
