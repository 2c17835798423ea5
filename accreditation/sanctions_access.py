"""Who may see and act on suspensions, revocations and terminations. A missing object and a forbidden one
answer alike (404).

- The authorized body sees and decides everything; the expert organization reads everything.
- A CMO's accounts see their own lines; its administrator asks to return a line.
- Everybody reads what is published: decided suspensions, revocations and terminations. A draft awaiting
  the authorized body is the officials' only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from accreditation.models import Accreditation, Suspension, SuspensionStatus
from udp.accounts import roles


def lines_visible_to(user: Any) -> QuerySet[Accreditation]:
    lines = Accreditation.objects.select_related("cmo", "area", "certificate")
    if roles.is_official(user):
        return lines
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return lines.filter(cmo_id=user.cmo_id)
    return lines.none()


def suspensions_visible_to(user: Any) -> QuerySet[Suspension]:
    rows = Suspension.objects.select_related(
        "accreditation__cmo", "accreditation__area", "accreditation__certificate"
    )
    if roles.is_official(user):
        return rows
    return rows.filter(status=SuspensionStatus.DECIDED, published_at__isnull=False)


def line_for(user: Any, pk: Any) -> Accreditation:
    line = lines_visible_to(user).filter(pk=pk).first()
    if line is None:
        raise Http404
    return line


def suspension_for(user: Any, pk: Any) -> Suspension:
    suspension = suspensions_visible_to(user).filter(pk=pk).first()
    if suspension is None:
        raise Http404
    return suspension


def decides(user: Any) -> bool:
    """The authorized body suspends, revokes and records terminations."""
    return roles.is_regulator(user)
