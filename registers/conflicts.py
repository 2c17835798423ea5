"""Conflicts the platform finds itself, the evidence the parties add, and the money they hold.

What the checks find (each an open :class:`~registers.models.Conflict` with a ``key``, so a check
run again finds the same conflict rather than a second one):

- **two CMOs claim one holder** (``competing_holder_claims``): for one holder and area, more than one
  domestic CMO has a path to the holder's rights on the day: its mandate, or a foreign society's
  agreement reaching the holder through the holder's membership of that society;
- **two CMOs claim one work** (``competing_work_claims``): such a holder's works, per contributor and
  right type of the area (co-authors in different CMOs are normal: each contributor's own share is
  one claim; two CMOs on one contributor's share is the conflict);
- **claims above 100 %** (``over_claim``): on one work and right type, what the open claims of
  different claimants (open proposals and registrations, each counting only the shares its proposer
  answers for, i.e. what it claims for itself or its members) add up to more than 100 % (± the CWR
  tolerance of 0.06);
- **two domestic CMOs claim one foreign society** (``competing_reciprocal``): recorded when a second
  CMO enters an agreement for a society and area another CMO holds (the database refuses the row).

A conflict a check no longer finds is closed by the platform (the history says so). The parties and
their CMOs add evidence (:func:`add_evidence`); the operator decides
(:func:`registers.answers.resolve_conflict`). Until then, money on what the conflict touches is held:
:func:`held_by_conflict` is the read distribution asks before paying anything.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from registers.models import (
    CMO,
    Area,
    Conflict,
    ConflictEvidence,
    ConflictKind,
    ConflictStatus,
    Proposal,
    ProposalStatus,
    ReciprocalArea,
    Share,
    SocietyMembership,
    WorkContributor,
)
from registers.public_selectors import AREA_RIGHT_TYPES, active_mandates, reciprocal_paths
from registers.shares import HUNDRED, TOLERANCE
from udp.accounts import roles
from udp.accounts.models import CMO_ROLES, Role, User
from udp.accounts.roles import Actor
from udp.audit import Reason, audited
from udp.core import clock

#: The kinds the checks find (and close again when the cause is gone).
DETECTED_KINDS = (
    ConflictKind.COMPETING_HOLDER_CLAIMS,
    ConflictKind.COMPETING_WORK_CLAIMS,
    ConflictKind.OVER_CLAIM,
)


# --- recording -------------------------------------------------------------------------------------


def record_conflict(
    *,
    kind: str,
    key: str,
    params: dict[str, Any],
    by: Actor | None = None,
    work_id: int | None = None,
    area: Area | None = None,
    society_id: int | None = None,
    right_type: str = "",
    parties: Iterable[int] = (),
    cmos: Iterable[int] = (),
) -> tuple[Conflict, bool]:
    """Open the conflict ``key`` names, or find it open already; (conflict, opened now)."""
    found = Conflict.objects.filter(key=key, status=ConflictStatus.OPEN).first()
    if found is not None:
        return found, False
    cmo_ids = set(cmos)
    party_ids = set(parties) | set(CMO.objects.filter(pk__in=cmo_ids).values_list("party_id", flat=True))
    try:
        with audited(by, Reason("conflict_detected")), transaction.atomic():
            conflict = Conflict.objects.create(
                kind=kind, code=kind, params=params, key=key, work_id=work_id, area=area,
                society_id=society_id, right_type=right_type, opened_by=by if roles.signed_in(by) else None,
            )  # fmt: skip
            conflict.parties.set(party_ids)
            conflict.cmos.set(cmo_ids)
            _tell_about(conflict, party_ids, cmo_ids)
    except IntegrityError:  # a check running at the same time opened it first
        return Conflict.objects.get(key=key, status=ConflictStatus.OPEN), False
    return conflict, True


def _tell_about(conflict: Conflict, party_ids: set[int], cmo_ids: set[int]) -> None:
    from udp.notices.actions import notify

    accounts = User.objects.filter(
        Q(party_id__in=party_ids, role=Role.HOLDER) | Q(cmo_id__in=cmo_ids, role__in=CMO_ROLES)
    ).distinct()
    for account in accounts:
        notify(
            account,
            "conflict_opened",
            {"number": conflict.pk},
            link=f"/claims/conflicts/{conflict.pk}/",
        )


def record_competing_reciprocal(taken: ReciprocalArea, *, claimant: CMO, by: Actor) -> Conflict:
    """A second domestic CMO claims a foreign society for an area another CMO holds (A43.4-foreign)."""
    conflict, _opened = record_conflict(
        kind=ConflictKind.COMPETING_RECIPROCAL,
        key=f"reciprocal:{taken.society_id}:{taken.area_id}:{claimant.pk}",
        params={
            "society": taken.society.short_name,
            "cisac_code": taken.society.cisac_code,
            "item": taken.area.item,
            "holder_cmo": taken.cmo.short_name,
            "claimant_cmo": claimant.short_name,
            "number": taken.contract.number,
        },
        by=by,
        area=taken.area,
        society_id=taken.society_id,
        cmos=(taken.cmo_id, claimant.pk),
    )
    return conflict


def _close_gone(scope: QuerySet[Conflict], found_keys: set[str]) -> int:
    """Close the detected conflicts of ``scope`` whose cause the check no longer finds."""
    gone = list(scope.filter(status=ConflictStatus.OPEN).exclude(key="").exclude(key__in=found_keys))
    if not gone:
        return 0
    with audited(None, Reason("conflict_gone")):
        for conflict in gone:
            conflict.status = ConflictStatus.RESOLVED
            conflict.resolved_at = timezone.now()
            conflict.save(update_fields=["status", "resolved_at"])
    return len(gone)


# --- two CMOs on one holder, or on one work --------------------------------------------------------


def claims_on_holders(
    holder_ids: set[int], day: dt.date | None = None
) -> dict[tuple[int, int], dict[int, str]]:
    """(holder, area) → {CMO id: how it claims} on ``day``: a mandate number or a society's agreement."""
    claims: dict[tuple[int, int], dict[int, str]] = defaultdict(dict)
    for holder_id, area_id, cmo_id, number in (
        active_mandates(day).filter(holder_id__in=holder_ids).values_list("holder_id", "area_id", "cmo_id", "contract__number")
    ):  # fmt: skip
        claims[(holder_id, area_id)][cmo_id] = number
    for path in reciprocal_paths(holder_ids, day):
        claims[(path.holder_id, path.area_id)].setdefault(
            path.cmo.pk, f"{path.society.short_name} / {path.contract.number}"
        )
    return claims


def detect_for_holders(holder_ids: set[int] | None = None, *, by: Actor | None = None) -> list[Conflict]:
    """Check the holders ``holder_ids`` (all holders with a path through a foreign society when
    ``None``) for two CMOs claiming them or their works; close what is no longer found."""
    if holder_ids is None:
        holder_ids = set(SocietyMembership.objects.values_list("party_id", flat=True).distinct())
    day = clock.today()
    competing = {key: cmos for key, cmos in claims_on_holders(holder_ids, day).items() if len(cmos) > 1}
    areas = Area.objects.in_bulk({area_id for _, area_id in competing})
    names = dict(
        CMO.objects.filter(pk__in={c for cmos in competing.values() for c in cmos}).values_list(
            "pk", "short_name"
        )
    )
    opened: list[Conflict] = []
    found: set[str] = set()
    for (holder_id, area_id), cmos in sorted(competing.items()):
        area = areas[area_id]
        claimed = ", ".join(f"{names[c]} ({how})" for c, how in sorted(cmos.items()))
        key = f"holder:{holder_id}:{area_id}"
        found.add(key)
        conflict, made = record_conflict(
            kind=ConflictKind.COMPETING_HOLDER_CLAIMS, key=key, by=by, area=area,
            params={"item": area.item, "claims": claimed}, parties=(holder_id,), cmos=cmos,
        )  # fmt: skip
        if made:
            opened.append(conflict)
        opened.extend(_work_claims(holder_id, area, cmos, claimed, found, by))
    scope = Conflict.objects.filter(kind__in=DETECTED_KINDS[:2], parties__in=holder_ids)
    _close_gone(Conflict.objects.filter(pk__in=scope.values("pk")), found)
    return opened


def _work_claims(
    holder_id: int, area: Area, cmos: dict[int, str], claimed: str, found: set[str], by: Actor | None
) -> list[Conflict]:
    """Each of the holder's works with a share in the area's right types: one conflict per right type."""
    right_types = AREA_RIGHT_TYPES.get(area.item, ())
    shares = (
        Share.objects.filter(contributor__party_id=holder_id, right_type__in=right_types)
        .values_list("work_id", "work__title", "right_type")
        .distinct()
    )
    opened = []
    for work_id, title, right_type in shares:
        key = f"work:{work_id}:{holder_id}:{area.pk}:{right_type}"
        found.add(key)
        conflict, made = record_conflict(
            kind=ConflictKind.COMPETING_WORK_CLAIMS, key=key, by=by, work_id=work_id, area=area,
            right_type=right_type, params={"title": title, "item": area.item, "right_type": right_type, "claims": claimed},
            parties=(holder_id,), cmos=cmos,
        )  # fmt: skip
        if made:
            opened.append(conflict)
    return opened


# --- claims above 100 % ----------------------------------------------------------------------------


def _own_claims(proposal: Proposal) -> dict[str, dict[int, Decimal]]:
    """What a proposal claims for the parties its proposer answers for: right type → party → %."""
    from registers.claims import answerable_parties

    rows = (proposal.payload or {}).get("contributors") or []
    mine = set(
        answerable_parties(proposal.proposed_by).filter(pk__in=[r["party"] for r in rows]).values_list("pk", flat=True)
    ) if proposal.proposed_by is not None else set()  # fmt: skip
    claims: dict[str, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in rows:
        if row["party"] in mine:
            for right_type, percent in (row.get("shares") or {}).items():
                claims[right_type][row["party"]] += Decimal(str(percent))
    return claims


def detect_over_claims(work_ids: set[int] | None = None, *, by: Actor | None = None) -> list[Conflict]:
    """Per work and right type: do different claimants' open claims add up to more than 100 %?"""
    proposals = Proposal.objects.filter(status=ProposalStatus.OPEN, work__isnull=False).select_related(
        "proposed_by", "work"
    )
    if work_ids is not None:
        proposals = proposals.filter(work_id__in=work_ids)
    by_work: dict[int, list[Proposal]] = defaultdict(list)
    for proposal in proposals:
        if proposal.work_id is not None:
            by_work[proposal.work_id].append(proposal)
    opened: list[Conflict] = []
    found: set[str] = set()
    for work_id, open_claims in sorted(by_work.items()):
        if len({p.proposed_by_id for p in open_claims}) < 2:
            continue
        totals: dict[str, dict[int, Decimal]] = defaultdict(dict)
        for proposal in open_claims:
            for right_type, parties in _own_claims(proposal).items():
                for party_id, percent in parties.items():
                    totals[right_type][party_id] = max(totals[right_type].get(party_id, Decimal()), percent)
        for right_type, parties in sorted(totals.items()):
            total = sum(parties.values(), Decimal())
            if total <= HUNDRED + TOLERANCE:
                continue
            key = f"over:{work_id}:{right_type}"
            found.add(key)
            work = open_claims[0].work
            conflict, made = record_conflict(
                kind=ConflictKind.OVER_CLAIM, key=key, by=by, work_id=work_id, right_type=right_type,
                params={"title": work.title if work else "", "right_type": right_type, "total": str(total)},
                parties=parties.keys(),
            )  # fmt: skip
            if made:
                opened.append(conflict)
    scope = Conflict.objects.filter(kind=ConflictKind.OVER_CLAIM)
    if work_ids is not None:
        scope = scope.filter(work_id__in=work_ids)
    _close_gone(scope, found)
    return opened


def detect_conflicts(*, by: Actor | None = None) -> list[Conflict]:
    """Every check over the whole register (the periodic task)."""
    return [*detect_for_holders(None, by=by), *detect_over_claims(None, by=by)]


# --- evidence --------------------------------------------------------------------------------------


def evidence_side(user: Actor, conflict: Conflict) -> tuple[int | None, int | None] | None:
    """For whom ``user`` may put evidence in the open ``conflict``: (party id, CMO id); ``None``: nobody.

    A CMO named in the conflict speaks as itself; otherwise a holder for their own party, CMO staff
    for a member named in it."""
    from registers.claims import answerable_parties

    if conflict.status != ConflictStatus.OPEN:
        return None
    cmo_id = user.cmo_id if roles.is_cmo_staff(user) else None
    if cmo_id is not None and conflict.cmos.filter(pk=cmo_id).exists():
        return None, cmo_id
    party_id = (
        answerable_parties(user)
        .filter(pk__in=conflict.parties.values("pk"))
        .values_list("pk", flat=True)
        .first()
    )
    return (party_id, cmo_id) if party_id is not None else None


def add_evidence(
    conflict: Conflict, *, by: User, text: str, upload: UploadedFile | None = None
) -> ConflictEvidence:
    """A party to the conflict (or its CMO) puts forward a statement and, if it has one, a document."""
    side = evidence_side(by, conflict)
    if side is None:
        raise PermissionError(
            _("only the conflict's parties and their CMOs add evidence to an open conflict")
        )
    if not text.strip():
        raise ValidationError({"text": _("Say what the evidence shows.")})
    if upload is not None:
        from registers.reciprocal import check_document_file

        check_document_file(upload)
    party_id, cmo_id = side
    with audited(by, ""):
        evidence = ConflictEvidence(
            conflict=conflict, party_id=party_id, cmo_id=cmo_id, text=text.strip(), added_by=by
        )
        if upload is not None:
            evidence.file_name = (upload.name or "")[-200:]
            evidence.file.save(upload.name or "evidence", upload, save=False)
        evidence.save()
    return evidence


# --- the money conflicts hold ----------------------------------------------------------------------


def held_works_sql(area: str) -> str:
    """SQL: the works whose money in the area ``area`` (an SQL expression: a parameter, or a column of the outer
    query) waits on an open conflict, by the rule of :func:`held_by_conflict` (the distribution engine holds
    them; a claim of held money waits for none to be left)."""
    return f"""
    SELECT c.work_id FROM registers_conflict c
     WHERE c.status = 'open' AND c.work_id IS NOT NULL AND (c.area_id IS NULL OR c.area_id = {area})
    UNION
    SELECT wc.work_id FROM registers_conflict c
      JOIN registers_conflict_parties cp ON cp.conflict_id = c.id
      JOIN registers_workcontributor wc ON wc.party_id = cp.party_id
     WHERE c.status = 'open' AND c.work_id IS NULL AND c.area_id = {area} AND c.kind = 'competing_holder_claims'"""


def held_by_conflict(work_ids: Iterable[int], area: Area) -> dict[int, list[int]]:
    """Of ``work_ids``, those whose money in ``area`` waits on an open conflict: work → conflict ids.

    Held: a work with an open conflict of its own (in this area, or not tied to an area), and a work
    with a contributor whose rights in this area are disputed (two CMOs claim the holder). Distribution
    pays none of it, to either side, until the operator decides.
    """
    ids = set(work_ids)
    held: dict[int, list[int]] = defaultdict(list)
    if not ids:
        return {}
    on_works = Conflict.objects.filter(status=ConflictStatus.OPEN, work_id__in=ids).filter(
        Q(area__isnull=True) | Q(area=area)
    )
    for conflict_id, work_id in on_works.values_list("pk", "work_id"):
        held[work_id].append(conflict_id)
    on_holders = Conflict.objects.filter(
        status=ConflictStatus.OPEN, work__isnull=True, area=area, kind=ConflictKind.COMPETING_HOLDER_CLAIMS
    ).values_list("pk", "parties")
    by_party: dict[int, list[int]] = defaultdict(list)
    for conflict_id, party_id in on_holders:
        by_party[party_id].append(conflict_id)
    if by_party:
        for work_id, party_id in WorkContributor.objects.filter(
            work_id__in=ids, party_id__in=by_party.keys()
        ).values_list("work_id", "party_id"):
            held[work_id].extend(c for c in by_party[party_id] if c not in held[work_id])
    return {work_id: sorted(conflicts) for work_id, conflicts in held.items()}
