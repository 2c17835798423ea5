"""The "My rights" page: for each area, who manages a holder's rights, since and until when, over which works,
and what is pending (a request, a withdrawal with its countdown, a conflict). Read-only; the page
and the API both build on :func:`rights_of`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from mandates.models import MandateRequest, RequestStatus, Withdrawal, WithdrawalStatus
from registers.models import Area, Conflict, Mandate, Party, Work, WorkContributor
from registers.models.claims import ConflictStatus
from registers.public_selectors import AREA_RIGHT_TYPES, active_mandates
from udp.core import clock


@dataclass
class AreaRights:
    area: Area
    #: the mandate in force today, if any
    mandate: Mandate | None
    #: the holder's works with a share in this area's right types (the works the mandate covers)
    works: int
    #: works withdrawn from the mandate (they stay under the holder's own management)
    withdrawn_works: int = 0
    pending_withdrawal: Withdrawal | None = None
    days_left: int | None = None
    pending_requests: list[MandateRequest] = field(default_factory=list)
    past: list[Mandate] = field(default_factory=list)

    @property
    def self_managed(self) -> bool:
        return self.mandate is None


def works_of(party: Party) -> QuerySet[Work]:
    """The works naming ``party`` as a contributor."""
    return Work.objects.filter(pk__in=WorkContributor.objects.filter(party=party).values("work_id"))


def _works_per_area(party: Party, areas: list[Area]) -> dict[int, int]:
    shares = WorkContributor.objects.filter(party=party).values_list("work_id", "shares__right_type")
    by_right: dict[str, set[int]] = {}
    for work_id, right_type in shares:
        if right_type:
            by_right.setdefault(right_type, set()).add(work_id)
    counts = {}
    for area in areas:
        works: set[int] = set()
        for right_type in AREA_RIGHT_TYPES.get(area.item, ()):
            works |= by_right.get(right_type, set())
        counts[area.pk] = len(works)
    return counts


def rights_of(party: Party, day: dt.date | None = None) -> list[AreaRights]:
    """One row per area of collective management in force, in the order of Art. 43.3."""
    day = day or clock.today()
    areas = list(Area.objects.filter(in_force=True))
    current = {
        m.area_id: m
        for m in active_mandates(day).filter(holder=party).select_related("cmo", "contract__paper", "area")
    }
    past: dict[int, list[Mandate]] = {}
    for mandate in (
        Mandate.objects.filter(holder=party)
        .exclude(pk__in=[m.pk for m in current.values()])
        .filter(Q(valid_from__lte=day))
        .select_related("cmo", "contract")
        .order_by("-valid_from")
    ):
        past.setdefault(mandate.area_id, []).append(mandate)
    pending = {
        w.area_id: w
        for w in Withdrawal.objects.filter(holder=party, status=WithdrawalStatus.PENDING, scope="area")
        .select_related("cmo")
        .order_by("effective_on")
    }
    withdrawn: dict[int, int] = {}
    for area_id, count in (
        Withdrawal.objects.filter(holder=party, scope="works")
        .exclude(status=WithdrawalStatus.CANCELLED)
        .values_list("area_id", "works")
    ):
        if count is not None:
            withdrawn[area_id] = withdrawn.get(area_id, 0) + 1
    requests: dict[int, list[MandateRequest]] = {}
    for request in (
        MandateRequest.objects.filter(
            holder=party, status__in=[RequestStatus.REQUESTED, RequestStatus.AWAITING_SIGNATURES]
        )
        .select_related("cmo")
        .prefetch_related("areas")
    ):
        for area in request.areas.all():
            requests.setdefault(area.pk, []).append(request)
    works = _works_per_area(party, areas)
    rows = []
    for area in areas:
        withdrawal = pending.get(area.pk)
        rows.append(
            AreaRights(
                area=area,
                mandate=current.get(area.pk),
                works=works.get(area.pk, 0),
                withdrawn_works=withdrawn.get(area.pk, 0),
                pending_withdrawal=withdrawal,
                days_left=(withdrawal.effective_on - day).days if withdrawal else None,
                pending_requests=requests.get(area.pk, []),
                past=past.get(area.pk, []),
            )
        )
    return rows


def open_conflicts_of(party: Party) -> QuerySet[Conflict]:
    return Conflict.objects.filter(parties=party, status=ConflictStatus.OPEN).select_related("work")
