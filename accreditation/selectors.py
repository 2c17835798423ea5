"""Who is accredited where, on a day: the one reading of certificates, suspensions and terminations.

A line of a certificate is **in force** on ``day`` when ``valid_from <= day <= valid_until``, it has no
termination with ``ended_on <= day``, and no decided suspension with ``starts_on <= day < ends_on``.
A suspended CMO acts as an unaccredited one in that area (Art. 46-1.1): it manages only what is mandated
to it. Everything that asks "is this CMO accredited" (who manages a work, licensing, distribution) reads
:func:`in_force_on` or :func:`status_on`.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet, TextChoices
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accreditation.models import Accreditation, Suspension, SuspensionStatus, Termination
from udp.core import clock


class LineStatus(TextChoices):
    IN_FORCE = "in_force", _("In force")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", pgettext_lazy("accreditation", "Terminated")
    EXPIRED = "expired", _("Expired")
    NOT_YET = "not_yet", _("Not yet in force")


def _suspended(day: dt.date) -> Exists:
    return Exists(
        Suspension.objects.filter(
            accreditation=OuterRef("pk"), status=SuspensionStatus.DECIDED, starts_on__lte=day, ends_on__gt=day
        )
    )


def _terminated(day: dt.date) -> Exists:
    return Exists(Termination.objects.filter(accreditation=OuterRef("pk"), ended_on__lte=day))


def in_force_on(day: dt.date | None = None) -> QuerySet[Accreditation]:
    """The certificate lines in force on ``day`` (today): the CMOs that may act as accredited there."""
    day = day or clock.today()
    return (
        Accreditation.objects.filter(valid_from__lte=day, valid_until__gte=day)
        .exclude(_terminated(day))
        .exclude(_suspended(day))
    )


def is_accredited(cmo_id: int, area_id: int, day: dt.date | None = None) -> bool:
    return in_force_on(day).filter(cmo_id=cmo_id, area_id=area_id).exists()


def status_on(line: Accreditation, day: dt.date | None = None) -> LineStatus:
    """What a certificate line is on ``day`` (today)."""
    day = day or clock.today()
    termination = Termination.objects.filter(accreditation=line).first()
    if termination is not None and termination.ended_on <= day:
        return LineStatus.TERMINATED
    if day < line.valid_from:
        return LineStatus.NOT_YET
    if day > line.valid_until:
        return LineStatus.EXPIRED
    if Suspension.objects.filter(
        Q(accreditation=line, status=SuspensionStatus.DECIDED, starts_on__lte=day, ends_on__gt=day)
    ).exists():
        return LineStatus.SUSPENDED
    return LineStatus.IN_FORCE


def with_status(lines: QuerySet[Accreditation], day: dt.date | None = None) -> QuerySet[Accreditation]:
    """``lines`` annotated with ``is_suspended`` and ``is_terminated`` on ``day``, for lists (no N+1)."""
    day = day or clock.today()
    return lines.annotate(is_suspended=_suspended(day), is_terminated=_terminated(day))
