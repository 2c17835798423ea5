"""Reads behind the public registers and the API: who manages what, and the answer to "who do I pay?".

Only public facts come out of here; permission checks stay in :mod:`registers.access`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from registers.models import (
    CMO,
    Area,
    Contract,
    ForeignSociety,
    Mandate,
    MandateExclusion,
    Party,
    ReciprocalArea,
    ReciprocalAreaStatus,
    SocietyMembership,
    Work,
    WorkContributor,
)
from registers.models.contracts import MandateStatus
from udp.core import clock
from udp.core.text import is_ascii_digits

#: The right types an area of collective management (item of Art. 43.3) manages, in order of relevance.
AREA_RIGHT_TYPES: dict[int, tuple[str, ...]] = {
    1: ("PR",),
    2: ("SR", "PR"),
    3: ("RS",),
    4: ("MR", "RR"),
    5: ("RR",),
    7: ("MR",),
}


def active_mandates(day: dt.date | None = None) -> QuerySet[Mandate]:
    """Mandates in force on ``day`` (today by default).

    A mandate is in force from ``valid_from`` up to the day before ``ends_on``. One that has ended
    (a withdrawn area, say) still answers for the days before its end, so a past date reads as it was.
    """
    day = day or clock.today()
    return Mandate.objects.filter(valid_from__lte=day).filter(
        Q(status=MandateStatus.ACTIVE, ends_on__isnull=True) | Q(ends_on__gt=day)
    )


def excluded_on(day: dt.date, work: Any = None) -> QuerySet[MandateExclusion]:
    """Works taken out of mandates by a withdrawal (Art. 46.2) that has taken effect on ``day``.

    ``work``: one work, or (the default) the outer query's work, for use inside ``Exists``.
    """
    return MandateExclusion.objects.filter(
        from_date__lte=day, work=OuterRef(OuterRef("pk")) if work is None else work
    )


def mandates_covering(day: dt.date, work: Any = None) -> QuerySet[Mandate]:
    """Mandates in force on ``day`` that have not excluded the work (see :func:`excluded_on`)."""
    return active_mandates(day).filter(~Exists(excluded_on(day, work).filter(mandate=OuterRef("pk"))))


@dataclass(frozen=True)
class ReciprocalPath:
    """A foreign holder's rights in an area reach a domestic CMO through a foreign society's agreement."""

    holder_id: int
    area_id: int
    cmo: CMO
    society: ForeignSociety
    contract: Contract


def reciprocal_areas_in_force(day: dt.date | None = None) -> QuerySet[ReciprocalArea]:
    """Areas of agreements with foreign societies in force on ``day`` (an ended one, up to its end)."""
    day = day or clock.today()
    return ReciprocalArea.objects.filter(valid_from__lte=day).filter(
        Q(valid_until__gte=day) | Q(valid_until__isnull=True, status=ReciprocalAreaStatus.ACTIVE)
    )


def reciprocal_paths(holder_ids: set[int], day: dt.date | None = None) -> list[ReciprocalPath]:
    """For the holders ``holder_ids``, each (holder, area) whose rights a domestic CMO manages on ``day``
    through the holder's membership of a foreign society and that society's agreement with the CMO.
    Two queries, whatever the number of holders."""
    day = day or clock.today()
    if not holder_ids:
        return []
    memberships = list(
        SocietyMembership.objects.filter(party_id__in=holder_ids)
        .filter(Q(since__isnull=True) | Q(since__lte=day))
        .filter(Q(until__isnull=True) | Q(until__gte=day))
        .values_list("party_id", "society_id", "area_id")
    )
    if not memberships:
        return []
    agreements = {
        (row.society_id, row.area_id): row
        for row in reciprocal_areas_in_force(day)
        .filter(society_id__in={m[1] for m in memberships})
        .select_related("cmo__party", "society", "contract")
    }
    paths = []
    for holder_id, society_id, area_id in sorted(memberships):
        row = agreements.get((society_id, area_id))
        if row is not None:
            paths.append(ReciprocalPath(holder_id, area_id, row.cmo, row.society, row.contract))
    return paths


def cmo_by_key(key: str) -> CMO | None:
    """A CMO by its id or short name (case-insensitive)."""
    key = (key or "").strip()
    if not key:
        return None
    if is_ascii_digits(key):
        return CMO.objects.filter(pk=int(key)).first()
    return CMO.objects.filter(short_name__iexact=key).first()


def parties_managed_by(
    queryset: QuerySet[Party], cmo: CMO | None, day: dt.date | None = None
) -> QuerySet[Party]:
    """Parties with a mandate in force to ``cmo`` on ``day`` (today by default; none when no such CMO)."""
    if cmo is None:
        return queryset.none()
    return queryset.filter(Exists(active_mandates(day).filter(holder=OuterRef("pk"), cmo=cmo)))


def works_managed_by(
    queryset: QuerySet[Work], cmo: CMO | None, day: dt.date | None = None, area: Area | None = None
) -> QuerySet[Work]:
    """The CMO's repertoire on ``day`` (today by default): works with a contributor who has a mandate in
    force to ``cmo`` (for ``area``, if given) that has not excluded the work (A46.2-no-license-after).

    Licences, quotes and every repertoire answer of a CMO read this, so a withdrawn work leaves
    them on the day the withdrawal takes effect.
    """
    if cmo is None:
        return queryset.none()
    day = day or clock.today()
    mandates = mandates_covering(day).filter(cmo=cmo, holder__contributions__work=OuterRef("pk"))
    if area is not None:
        mandates = mandates.filter(area=area)
    return queryset.filter(Exists(mandates))


def list_contributors() -> Prefetch:
    """Contributors of a page of works, with only the columns a list shows."""
    return Prefetch(
        "contributors",
        queryset=WorkContributor.objects.select_related("party").only(
            "id", "work_id", "role", "credited_as", "sequence",
            "party__id", "party__name_kk", "party__name_ru", "party__name_lat", "party__verified",
        ),
    )  # fmt: skip


#: Columns a list of works shows.
WORK_LIST_FIELDS = ("id", "kind", "title", "iswc", "isrc", "isan", "protection_ends_on")


@dataclass
class CMOCoverage:
    cmo: CMO
    shares: dict[str, Decimal] = field(default_factory=dict)
    holders: list[Party] = field(default_factory=list)


@dataclass
class AreaManagement:
    area: Area
    cmos: list[CMOCoverage]


def who_to_pay(work: Work, day: dt.date | None = None) -> list[AreaManagement]:
    """Per area of collective management, the CMOs managing the contributors there, with the share covered.

    The share is the sum of the mandated contributors' shares in the right types of the area.
    """
    contributors = list(work.contributors.select_related("party").prefetch_related("shares"))
    by_party: dict[int, list[WorkContributor]] = defaultdict(list)
    for contributor in contributors:
        by_party[contributor.party_id].append(contributor)
    mandates = (
        mandates_covering(day or clock.today(), work)
        .filter(holder_id__in=by_party.keys())
        .select_related("cmo__party", "area", "holder")
        .order_by("area__item", "cmo__short_name")
    )
    areas: dict[int, AreaManagement] = {}
    coverage: dict[tuple[int, int], CMOCoverage] = {}
    for mandate in mandates:
        management = areas.setdefault(mandate.area_id, AreaManagement(area=mandate.area, cmos=[]))
        key = (mandate.area_id, mandate.cmo_id)
        if key not in coverage:
            coverage[key] = CMOCoverage(cmo=mandate.cmo)
            management.cmos.append(coverage[key])
        covered = coverage[key]
        covered.holders.append(mandate.holder)
        right_types = AREA_RIGHT_TYPES.get(mandate.area.item, ())
        for contributor in by_party[mandate.holder_id]:
            for share in contributor.shares.all():
                if share.right_type in right_types:
                    covered.shares[share.right_type] = (
                        covered.shares.get(share.right_type, Decimal("0")) + share.percent
                    )
    return list(areas.values())


def managing_cmos_of(party: Party, day: dt.date | None = None) -> list[Mandate]:
    """A party's mandates in force, one per area, with the CMO and the area."""
    return list(
        active_mandates(day).filter(holder=party).select_related("cmo__party", "area").order_by("area__item")
    )


def public_works_of(party: Party) -> QuerySet[Work]:
    return Work.objects.public().filter(
        Exists(WorkContributor.objects.filter(work=OuterRef("pk"), party=party))
    )


def visible_related(queryset: QuerySet[Work], visible: QuerySet[Work]) -> list[Any]:
    """Recordings or embodied works, only those the reader may see."""
    return list(queryset.filter(pk__in=visible.values("pk")).only("id", "kind", "title", "iswc", "isrc"))


def work_list_rows(works: QuerySet[Work]) -> QuerySet[Any]:
    """A list of works as plain rows, contributors gathered by the same query (one round trip a page).

    The works list is the busiest read of the platform (public search over millions of works), so
    it skips model instances: each row is the list columns plus a JSON array of contributors.
    """
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db.models import F, OuterRef
    from django.db.models.functions import JSONObject

    contributors = (
        WorkContributor.objects.filter(work=OuterRef("pk"))
        .order_by("sequence", "id")
        .values(
            json=JSONObject(
                party=F("party_id"),
                role=F("role"),
                credited_as=F("credited_as"),
                name_kk=F("party__name_kk"),
                name_ru=F("party__name_ru"),
                name_lat=F("party__name_lat"),
                verified=F("party__verified"),
            )
        )
    )
    return works.values(*WORK_LIST_FIELDS).annotate(contributor_rows=ArraySubquery(contributors))


def work_list_item(row: dict[str, Any], *, today: Any, language: str) -> dict[str, Any]:
    """One row of :func:`work_list_rows` in the shape of ``WorkListSerializer``."""
    from udp.identifiers import format_iswc

    order = {"kk": ("name_kk", "name_ru", "name_lat"), "en": ("name_lat", "name_ru", "name_kk")}.get(
        language, ("name_ru", "name_kk", "name_lat")
    )
    ends = row["protection_ends_on"]
    return {
        "id": row["id"],
        "kind": row["kind"],
        "title": row["title"],
        "iswc": row["iswc"],
        "iswc_formatted": format_iswc(row["iswc"]) if row["iswc"] else None,
        "isrc": row["isrc"],
        "isan": row["isan"],
        "contributors": [
            {
                "name": c["credited_as"] or next((c[k] for k in order if c[k]), ""),
                "role": c["role"],
                "holder": c["party"] if c["verified"] else None,
            }
            for c in row["contributor_rows"]
        ],
        "protection_ends_on": ends.isoformat() if ends else None,
        "in_public_domain": ends is not None and ends < today,
    }
