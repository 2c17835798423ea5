"""Reciprocal agreements in the register of contracts (Art. 43.4, 46.1 (10), 46.1 (12)).

- A domestic CMO concludes reciprocal agreements with foreign societies (name, CISAC code,
  territory, areas, dates) and with the other domestic CMOs. Each is a ``Contract`` of kind
  reciprocal with a REC number; an agreement with a foreign society also has one
  :class:`~registers.models.ReciprocalArea` row per area.
- One foreign society mandates only one domestic CMO per area (A43.4-foreign): the database keeps one
  active row per society and area; a second CMO's attempt is refused and recorded as a conflict that
  both CMOs and the regulator see.
- Each domestic CMO should have an agreement with every other domestic CMO
  (A46.1.10-domestic-reciprocal): :func:`missing_domestic_agreements` says which it lacks.
- A copy of each agreement is placed on the platform within 10 working days of its conclusion
  (A46.1.12-10wd): ``Contract.copy_due_on``, and :func:`late_copies` lists the late ones.
- A foreign holder's membership of a foreign society (per area) is entered by a CMO or the operator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from registers.models import (
    CMO,
    Area,
    Contract,
    ContractKind,
    ContractStatus,
    ForeignSociety,
    MembershipSource,
    Party,
    ReciprocalArea,
    ReciprocalAreaStatus,
    SocietyMembership,
)
from registers.models.contracts import CONTRACT_SERIES
from udp.accounts import roles
from udp.accounts.roles import Actor
from udp.audit import ReasonLike, audited
from udp.core import clock
from udp.core.numbering import allocate_number
from udp.core.workdays import add_working_days

#: Working days to place a copy of a reciprocal agreement on the platform (Art. 46.1 (12)).
COPY_WORKING_DAYS = 10
#: The largest copy accepted, in bytes.
MAX_COPY_BYTES = 20 * 1024 * 1024
#: A copy is a PDF or a scan: what its first bytes must be.
DOCUMENT_SIGNATURES = {b"%PDF-": "pdf", b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg"}


class SocietyTaken(Exception):
    """The foreign society already mandates another domestic CMO for the area."""

    def __init__(self, taken: ReciprocalArea) -> None:
        super().__init__(str(taken))
        self.taken = taken


# --- who may -------------------------------------------------------------------------------------


def acts_for_cmo(user: Actor | None, cmo: CMO) -> bool:
    """The CMO's administrator (or the operator) enters its agreements."""
    return roles.is_operator(user) or (roles.is_cmo_admin(user) and user.cmo_id == cmo.pk)


def agreements_visible_to(user: Actor) -> QuerySet[Contract]:
    """Reciprocal agreements: the register of contracts is public, so everyone reads them."""
    return Contract.objects.filter(kind=ContractKind.RECIPROCAL)


def agreements_editable_by(user: Actor) -> QuerySet[Contract]:
    reciprocal = Contract.objects.filter(kind=ContractKind.RECIPROCAL)
    if roles.is_operator(user):
        return reciprocal
    if roles.is_cmo_admin(user) and user.cmo_id is not None:
        return reciprocal.filter(Q(cmo_id=user.cmo_id) | Q(counterparty_cmo_id=user.cmo_id))
    return reciprocal.none()


# --- foreign societies ---------------------------------------------------------------------------


def enter_foreign_society(*, by: Actor, reason: ReasonLike = "", **fields: Any) -> ForeignSociety:
    """The operator enters a foreign society (a partner, not a CMO of the register)."""
    if not roles.is_operator(by):
        raise PermissionError(_("only the operator enters foreign societies"))
    with audited(by, reason, reason_required=True):
        society = ForeignSociety(**fields)
        society.country = society.country.upper()
        society.full_clean()
        society.save()
    return society


def update_foreign_society(
    society: ForeignSociety, *, by: Actor, reason: ReasonLike = "", **fields: Any
) -> ForeignSociety:
    if not roles.is_operator(by):
        raise PermissionError(_("only the operator changes foreign societies"))
    with audited(by, reason, reason_required=True):
        for name, value in fields.items():
            setattr(society, name, value)
        society.country = society.country.upper()
        society.full_clean()
        society.save()
    return society


# --- agreements ----------------------------------------------------------------------------------


def record_reciprocal_agreement(
    *,
    by: Actor,
    cmo: CMO,
    areas: Iterable[Area],
    concluded_on: dt.date,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    society: ForeignSociety | None = None,
    counterparty_cmo: CMO | None = None,
    reason: ReasonLike = "",
) -> Contract:
    """Enter a reciprocal agreement of ``cmo`` with a foreign ``society`` or another domestic CMO.

    A society that already mandates another domestic CMO for one of the areas is refused: nothing is
    written but a conflict naming both CMOs (A43.4-foreign), and the answer says which CMO has it.
    """
    areas = list(areas)
    if not acts_for_cmo(by, cmo):
        raise PermissionError(_("only the CMO's administrator or the operator enters its agreements"))
    _check_agreement(cmo, areas, society, counterparty_cmo, valid_from, valid_until)
    try:
        with audited(by, reason, reason_required=roles.is_operator(by)):
            contract = Contract.objects.create(
                number=allocate_number(CONTRACT_SERIES[ContractKind.RECIPROCAL]),
                kind=ContractKind.RECIPROCAL,
                cmo=cmo,
                foreign_society=society,
                counterparty_cmo=counterparty_cmo,
                concluded_on=concluded_on,
                valid_from=valid_from,
                valid_until=valid_until,
                copy_due_on=add_working_days(concluded_on, COPY_WORKING_DAYS),
            )
            contract.areas.set(areas)
            if society is not None:
                for area in areas:
                    _take_society_area(contract, society, cmo, area)
    except SocietyTaken as clash:
        from registers.conflicts import record_competing_reciprocal

        record_competing_reciprocal(clash.taken, claimant=cmo, by=by)
        raise ValidationError(
            _(
                "%(society)s already mandates %(cmo)s for area %(item)s under agreement %(number)s; "
                "a foreign society mandates only one domestic CMO per area. The attempt is recorded as a conflict."
            )
            % {
                "society": clash.taken.society.short_name,
                "cmo": clash.taken.cmo.short_name,
                "item": clash.taken.area.item,
                "number": clash.taken.contract.number,
            }
        ) from None
    _tell_counterparty(contract, by=by)
    if society is not None:
        _check_members(society, areas, by=by)
    return contract


def _check_members(society: ForeignSociety, areas: Iterable[Area], *, by: Actor) -> None:
    """The society's members now reach a CMO: does another CMO claim any of them?"""
    from registers.conflicts import detect_for_holders

    members = set(
        SocietyMembership.objects.filter(society=society, area__in=list(areas)).values_list(
            "party_id", flat=True
        )
    )
    if members:
        detect_for_holders(members, by=by)


def _check_agreement(
    cmo: CMO,
    areas: list[Area],
    society: ForeignSociety | None,
    counterparty_cmo: CMO | None,
    valid_from: dt.date,
    valid_until: dt.date | None,
) -> None:
    if (society is None) == (counterparty_cmo is None):
        raise ValidationError(_("Name either a foreign society or another domestic CMO."))
    if counterparty_cmo is not None and counterparty_cmo.pk == cmo.pk:
        raise ValidationError(_("A CMO does not conclude an agreement with itself."))
    if not areas:
        raise ValidationError({"areas": _("Choose at least one area of collective management.")})
    if valid_until is not None and valid_until < valid_from:
        raise ValidationError({"valid_until": _("The end comes before the start.")})
    if society is not None:
        own = set(cmo.areas.values_list("pk", flat=True))
        outside = [a for a in areas if a.pk not in own]
        if outside:
            raise ValidationError(
                {"areas": _("%(cmo)s does not work in area %(item)s.") % {"cmo": cmo.short_name, "item": outside[0].item}}
            )  # fmt: skip


def _take_society_area(contract: Contract, society: ForeignSociety, cmo: CMO, area: Area) -> None:
    """One area of an agreement with a foreign society; a society held by another CMO raises."""
    taken = (
        ReciprocalArea.objects.select_related("society", "cmo", "area", "contract")
        .filter(society=society, area=area, status=ReciprocalAreaStatus.ACTIVE)
        .first()
    )
    if taken is not None and taken.cmo_id != cmo.pk:
        raise SocietyTaken(taken)
    if taken is not None:
        raise ValidationError(
            _("%(cmo)s already has an agreement with %(society)s for area %(item)s (%(number)s).")
            % {"cmo": cmo.short_name, "society": society.short_name, "item": area.item, "number": taken.contract.number}
        )  # fmt: skip
    try:
        with transaction.atomic():
            ReciprocalArea.objects.create(
                contract=contract, society=society, cmo=cmo, area=area,
                valid_from=contract.valid_from, valid_until=contract.valid_until,
            )  # fmt: skip
    except IntegrityError:
        # another agreement took the society and area meanwhile (the partial unique index decided)
        winner = ReciprocalArea.objects.select_related("society", "cmo", "area", "contract").get(
            society=society, area=area, status=ReciprocalAreaStatus.ACTIVE
        )
        raise SocietyTaken(winner) from None


def end_reciprocal_agreement(
    contract: Contract, *, by: Actor, ended_on: dt.date, reason: ReasonLike = ""
) -> Contract:
    """The agreement ends on ``ended_on``: its areas free the society for another CMO."""
    if not (roles.is_operator(by) or acts_for_cmo(by, contract.cmo)):
        raise PermissionError(_("only the CMO's administrator or the operator ends its agreements"))
    with audited(by, reason, reason_required=roles.is_operator(by)):
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        if contract.status != ContractStatus.ACTIVE:
            raise ValidationError(_("This agreement is no longer in force."))
        if ended_on < contract.valid_from:
            raise ValidationError({"ended_on": _("The end comes before the start.")})
        contract.status = ContractStatus.ENDED
        contract.valid_until = ended_on
        contract.save(update_fields=["status", "valid_until"])
        contract.reciprocal_areas.filter(status=ReciprocalAreaStatus.ACTIVE).update(
            status=ReciprocalAreaStatus.ENDED, valid_until=ended_on
        )
    if contract.foreign_society is not None:
        _check_members(contract.foreign_society, contract.areas.all(), by=by)
    return contract


def _tell_counterparty(contract: Contract, *, by: Actor) -> None:
    """The other domestic CMO's staff learn that an agreement with them was entered."""
    if contract.counterparty_cmo_id is None:
        return
    from udp.accounts.models import CMO_ROLES, User
    from udp.notices.actions import notify

    with transaction.atomic():
        for account in User.objects.filter(cmo_id=contract.counterparty_cmo_id, role__in=CMO_ROLES):
            notify(
                account,
                "reciprocal_entered",
                {"number": contract.number, "cmo": contract.cmo.short_name},
                link=f"/cmo/reciprocal/{contract.pk}/",
            )


# --- copies (A46.1.12-10wd) ----------------------------------------------------------------------


def check_document_file(upload: UploadedFile) -> str:
    """A copy of a contract is a PDF, PNG or JPEG of reasonable size: its kind, or a clear refusal."""
    if upload.size is not None and upload.size > MAX_COPY_BYTES:
        raise ValidationError({"copy": _("The file is larger than 20 MB.")})
    head = upload.read(16)
    upload.seek(0)
    for signature, kind in DOCUMENT_SIGNATURES.items():
        if head.startswith(signature):
            return kind
    raise ValidationError({"copy": _("The copy must be a PDF, PNG or JPEG file.")})


def place_agreement_copy(contract: Contract, *, by: Actor, upload: UploadedFile) -> Contract:
    """Place the copy of a reciprocal agreement on the platform; the day it is placed is recorded."""
    if contract.kind != ContractKind.RECIPROCAL:
        raise ValidationError(_("Only reciprocal agreements take a copy here."))
    if not agreements_editable_by(by).filter(pk=contract.pk).exists():
        raise PermissionError(_("only the parties' administrators or the operator place a copy"))
    check_document_file(upload)
    with audited(by, "", reason_required=False):
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        contract.copy.save(upload.name or "copy", upload, save=False)
        contract.copy_placed_on = clock.today()
        contract.save(update_fields=["copy", "copy_placed_on"])
    return contract


def late_copies(day: dt.date | None = None) -> QuerySet[Contract]:
    """Reciprocal agreements whose copy came (or is still missing) after its 10-working-day deadline."""
    day = day or clock.today()
    return Contract.objects.filter(kind=ContractKind.RECIPROCAL, copy_due_on__isnull=False).filter(
        Q(copy_placed_on__isnull=True, copy_due_on__lt=day) | Q(copy_placed_on__gt=F("copy_due_on"))
    )


# --- domestic agreements (A46.1.10-domestic-reciprocal) -------------------------------------------


def domestic_agreements_in_force(day: dt.date | None = None) -> QuerySet[Contract]:
    day = day or clock.today()
    return Contract.objects.filter(
        kind=ContractKind.RECIPROCAL,
        status=ContractStatus.ACTIVE,
        counterparty_cmo__isnull=False,
        valid_from__lte=day,
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))


@dataclass
class MissingAgreements:
    cmo: CMO
    missing: list[CMO]


def missing_domestic_agreements(day: dt.date | None = None) -> list[MissingAgreements]:
    """For each domestic CMO, the other domestic CMOs it has no reciprocal agreement in force with
    (either party may have entered it). Two queries, whatever the number of CMOs."""
    cmos = list(CMO.objects.select_related("party").order_by("short_name"))
    pairs = {
        frozenset(pair)
        for pair in domestic_agreements_in_force(day).values_list("cmo_id", "counterparty_cmo_id")
    }
    return [
        MissingAgreements(cmo, [other for other in cmos if other.pk != cmo.pk and frozenset((cmo.pk, other.pk)) not in pairs])
        for cmo in cmos
    ]  # fmt: skip


def missing_for(cmo: CMO, day: dt.date | None = None) -> list[CMO]:
    return next((row.missing for row in missing_domestic_agreements(day) if row.cmo.pk == cmo.pk), [])


# --- memberships of foreign societies ------------------------------------------------------------


def may_record_membership(user: Actor, society: ForeignSociety, area: Area) -> bool:
    if roles.is_operator(user):
        return True
    if not roles.is_cmo_staff(user) or user.cmo_id is None:
        return False
    return ReciprocalArea.objects.filter(
        society=society, area=area, cmo_id=user.cmo_id, status=ReciprocalAreaStatus.ACTIVE
    ).exists()


def record_society_membership(
    *,
    by: Actor,
    party: Party,
    society: ForeignSociety,
    area: Area,
    since: dt.date | None = None,
    source: str = MembershipSource.CMO,
    reason: ReasonLike = "",
) -> SocietyMembership:
    """A holder is a member of a foreign society for an area, entered by the operator or by the staff of
    the domestic CMO the society mandates for that area."""
    if not may_record_membership(by, society, area):
        raise PermissionError(_("only the society's domestic CMO or the operator enter its memberships"))
    with audited(by, reason, reason_required=roles.is_operator(by)):
        membership, made = SocietyMembership.objects.get_or_create(
            party=party, society=society, area=area, defaults={"since": since, "source": source}
        )
        if not made:
            raise ValidationError(_("This membership is already recorded."))
    from registers.conflicts import detect_for_holders

    detect_for_holders({party.pk}, by=by)
    return membership


#: The area a CWR society affiliation speaks for, by right: performing (item 1), mechanical (item 7).
CWR_RIGHT_AREAS = {"pr": 1, "mr": 7}


def record_cwr_affiliations(party: Party, societies: dict[str, str]) -> list[SocietyMembership]:
    """A CWR file names the party's foreign society per right: record the memberships it implies.

    Runs inside the import's own audited write (the import is the action); codes of societies the
    platform does not know (domestic CMOs among them) are left alone. Conflicts these cause are found
    by the periodic check.
    """
    codes = {
        code.zfill(3): CWR_RIGHT_AREAS[right] for right, code in societies.items() if right in CWR_RIGHT_AREAS
    }
    if not codes:
        return []
    known = {s.cisac_code: s for s in ForeignSociety.objects.filter(cisac_code__in=codes)}
    areas = {a.item: a for a in Area.objects.filter(item__in=set(codes.values()))}
    made = []
    for code, item in codes.items():
        if code in known and item in areas:
            membership, created = SocietyMembership.objects.get_or_create(
                party=party, society=known[code], area=areas[item], defaults={"source": MembershipSource.CWR}
            )
            if created:
                made.append(membership)
    return made
