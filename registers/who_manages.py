"""Who manages this work: for a work and a date, which CMO manages which contributor's rights, per area,
through which path, and whether a conflict holds it.

The paths, in order:

1. the holder's own mandate to a CMO (``registers.Mandate``), unless the holder withdrew the work
   from it (``registers.MandateExclusion``, Art. 46.2) or the mandate has ended by that date;
2. a foreign society's reciprocal agreement with a domestic CMO, for a holder who is a member of
   that society (:func:`registers.public_selectors.reciprocal_paths`, when the register of
   reciprocal agreements provides it);
3. extended collective management (Art. 46-1): a CMO whose accreditation in the area is in force that
   day covers holders who gave no mandate (:func:`extended_collective_management`); a suspended or
   terminated accreditation does not.

A contributor that none of them covers manages their rights themselves: users ask them directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registers import public_selectors as selectors
from registers.models import CMO, Area, Conflict, Contract, Mandate, Party, Work, WorkContributor
from udp.core import clock


class Path:
    MANDATE = "mandate"
    RECIPROCAL = "reciprocal"
    EXTENDED = "extended"

    LABELS = {
        MANDATE: _("The holder's mandate"),
        RECIPROCAL: _("A foreign society's reciprocal agreement"),
        EXTENDED: _("Extended collective management (Art. 46-1)"),
    }


@dataclass
class ManagementRow:
    """One contributor's rights in one area, managed by one CMO through one path."""

    area: Area
    holder: Party
    cmo: CMO
    path: str
    contract: Contract | None = None
    society: Any = None
    #: the day this path stops, when known (a mandate's end, a withdrawal's effective date)
    until: dt.date | None = None
    shares: dict[str, Decimal] = field(default_factory=dict)

    @property
    def path_label(self) -> str:
        return str(Path.LABELS[self.path])


@dataclass
class WhoManages:
    work: Work
    day: dt.date
    rows: list[ManagementRow]
    #: contributors nobody manages on that day (they license their rights themselves)
    unmanaged: list[Party]
    #: open conflicts on the work that day: money on it is held until they are resolved
    conflicts: list[Conflict]
    #: the term of protection had ended by that day: nobody manages it, nobody is paid
    public_domain: bool = False

    @property
    def held(self) -> bool:
        return bool(self.conflicts)


#: The accreditation module's reading of the certificate lines in force on a day (each with ``cmo``,
#: ``area``, ``cmo_id``, ``area_id`` and ``valid_until``), set when it is ready: the registers know
#: nothing of the domains above them.
_accredited_lines: Callable[[dt.date], Iterable[Any]] | None = None


def read_accreditation_with(lines_in_force: Callable[[dt.date], Iterable[Any]]) -> None:
    """Called once by the accreditation module: how to read the lines in force on a day."""
    global _accredited_lines
    _accredited_lines = lines_in_force


def accredited_on(cmo_id: int, area_id: int, day: dt.date) -> bool:
    """Whether ``cmo_id``'s accreditation in ``area_id`` is in force on ``day`` (Art. 46-1)."""
    if _accredited_lines is None:
        return False
    return any(line.cmo_id == cmo_id and line.area_id == area_id for line in _accredited_lines(day))


def extended_collective_management(work: Work, holder_ids: set[int], day: dt.date) -> list[ManagementRow]:
    """Art. 46-1.2: a CMO accredited in an area, in force on ``day``, also covers there the work's holders
    who gave no mandate (``holder_ids``), for the rights that area manages. A suspended or terminated
    accreditation covers nobody: the CMO manages only what is mandated to it (Art. 46-1.1). When two
    CMOs are in force in one area, both are answered: which one covers is the authorized body's matter.
    """
    if not holder_ids or _accredited_lines is None:
        return []
    lines = list(_accredited_lines(day))
    if not lines:
        return []
    contributions = [
        c
        for c in work.contributors.select_related("party").prefetch_related("shares")
        if c.party_id in holder_ids
    ]
    by_party: dict[int, list[WorkContributor]] = {}
    for contributor in contributions:
        by_party.setdefault(contributor.party_id, []).append(contributor)
    rows: list[ManagementRow] = []
    seen: set[tuple[int, int, int]] = set()
    for line in lines:
        for party_id, own in by_party.items():
            key = (line.area_id, line.cmo_id, party_id)
            shares = _shares(own, line.area)
            if key in seen or not shares:
                continue
            seen.add(key)
            rows.append(
                ManagementRow(
                    area=line.area,
                    holder=own[0].party,
                    cmo=line.cmo,
                    path=Path.EXTENDED,
                    until=line.valid_until,
                    shares=shares,
                )
            )
    return rows


def _reciprocal_rows(holder_ids: set[int], day: dt.date) -> Iterable[Any]:
    """Rows of ``reciprocal_paths`` (holder_id, area_id, cmo, society, contract) where it exists."""
    reciprocal_paths = getattr(selectors, "reciprocal_paths", None)
    if reciprocal_paths is None or not holder_ids:
        return []
    rows: Iterable[Any] = reciprocal_paths(holder_ids, day)
    return rows


def _shares(contributions: list[WorkContributor], area: Area) -> dict[str, Decimal]:
    right_types = selectors.AREA_RIGHT_TYPES.get(area.item, ())
    totals: dict[str, Decimal] = {}
    for contributor in contributions:
        for share in contributor.shares.all():
            if share.right_type in right_types:
                totals[share.right_type] = totals.get(share.right_type, Decimal("0")) + share.percent
    return totals


def _until(mandate: Mandate, excluded_from: dict[int, dt.date]) -> dt.date | None:
    ends = [d for d in (mandate.ends_on, excluded_from.get(mandate.pk)) if d is not None]
    return min(ends) if ends else None


def parse_day(value: str | None) -> dt.date | None:
    """The ``on`` date of a query (``YYYY-MM-DD``); ``None`` when absent; ``ValueError`` when not a date."""
    value = (value or "").strip()
    if not value:
        return None
    return dt.date.fromisoformat(value)


def who_manages(work: Work, day: dt.date | None = None) -> WhoManages:
    """The answer for ``work`` on ``day`` (today by default)."""
    day = day or clock.today()
    if work.protection_ends_on is not None and work.protection_ends_on < day:
        return WhoManages(work=work, day=day, rows=[], unmanaged=[], conflicts=[], public_domain=True)
    contributions = list(work.contributors.select_related("party").prefetch_related("shares"))
    by_party: dict[int, list[WorkContributor]] = {}
    for contributor in contributions:
        by_party.setdefault(contributor.party_id, []).append(contributor)
    mandates = list(
        selectors.mandates_covering(day, work)
        .filter(holder_id__in=by_party.keys())
        .select_related("cmo__party", "area", "holder", "contract")
        .order_by("area__item", "cmo__short_name", "holder_id")
    )
    upcoming = dict(
        work.mandate_exclusions.filter(mandate__in=mandates, from_date__gt=day).values_list(
            "mandate_id", "from_date"
        )
    )
    rows = [
        ManagementRow(
            area=m.area,
            holder=m.holder,
            cmo=m.cmo,
            path=Path.MANDATE,
            contract=m.contract,
            until=_until(m, upcoming),
            shares=_shares(by_party[m.holder_id], m.area),
        )
        for m in mandates
    ]
    covered = {(row.holder.pk, row.area.pk) for row in rows}
    parties = {c.party_id: c.party for c in contributions}
    areas = {a.pk: a for a in Area.objects.filter(in_force=True)}
    for path in _reciprocal_rows(set(by_party) - {r.holder.pk for r in rows}, day):
        area = areas.get(path.area_id)
        if area is None or (path.holder_id, path.area_id) in covered:
            continue
        covered.add((path.holder_id, path.area_id))
        rows.append(
            ManagementRow(
                area=area,
                holder=parties[path.holder_id],
                cmo=path.cmo,
                path=Path.RECIPROCAL,
                contract=getattr(path, "contract", None),
                society=getattr(path, "society", None),
                shares=_shares(by_party[path.holder_id], area),
            )
        )
    unmanaged_ids = set(by_party) - {row.holder.pk for row in rows}
    rows.extend(extended_collective_management(work, unmanaged_ids, day))
    unmanaged_ids -= {row.holder.pk for row in rows}
    rows.sort(key=lambda row: (row.area.item, row.cmo.short_name, row.holder.pk))
    conflicts = list(
        Conflict.objects.filter(work=work, opened_at__date__lte=day)
        .filter(Q(status="open") | Q(resolved_at__date__gt=day))
        .order_by("opened_at", "pk")
    )
    return WhoManages(
        work=work,
        day=day,
        rows=rows,
        unmanaged=[parties[pk] for pk in parties if pk in unmanaged_ids],
        conflicts=conflicts,
    )
