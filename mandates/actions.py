"""Requests for management (Art. 44.1), the mandate agreement and its signatures, one CMO per holder and area.

The steps: the holder asks a CMO for one or more areas (:func:`request_mandate`) and may cancel while
the CMO has not answered (:func:`cancel_request`); the CMO accepts (:func:`accept_request`: the contract is
entered in the register of contracts as a draft under its register number and the agreement is issued as a
PDF) or refuses with a ground (:func:`refuse_request`, every refusal listed for the authorized body); both
parties sign the agreement (:func:`sign_agreement`), and with the second signature the contract and one
``registers.Mandate`` per area come into force (:func:`_bring_into_force`).

A holder has at most one active mandate per area (Art. 43.4): a request, an acceptance or a signature
that would give a second one is refused with a clear message and recorded as a conflict naming the holder
and both CMOs (:func:`record_overlap`). The holder's party row is locked while a mandate comes into force,
and the partial unique index on ``registers.Mandate`` holds the line if anything slips past.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from mandates.documents import issue_agreement
from mandates.models import MandateRequest, RefusalGround, RequestStatus
from registers.conflicts import detect_for_holders
from registers.models import CMO, Area, Contract, Mandate, Party
from registers.models.claims import Conflict, ConflictKind, ConflictStatus
from registers.models.contracts import CONTRACT_SERIES, ContractKind, ContractStatus, MandateStatus
from udp.accounts import roles
from udp.accounts.models import CMO_ROLES, Moderation, Role, User
from udp.audit import audited
from udp.core import clock
from udp.core.numbering import allocate_number
from udp.documents.signing import get_signer, signatory_for
from udp.notices.actions import notify

#: The code of the conflict a second mandate for the same holder and area records (registers.claims renders it).
OVERLAP_CODE = "overlapping_mandate"


class MandateRefused(ValidationError):
    """A step refused because it would break a rule; ``conflict`` is the conflict it recorded, if any."""

    def __init__(self, message: Any, conflict: Conflict | None = None) -> None:
        super().__init__(message)
        self.conflict = conflict


# --- who is told --------------------------------------------------------------------------------


def holder_accounts(holder: Party | int) -> QuerySet[User]:
    holder_id = holder if isinstance(holder, int) else holder.pk
    return User.objects.filter(party_id=holder_id, role=Role.HOLDER, moderation=Moderation.APPROVED)


def cmo_accounts(cmo: CMO | int) -> QuerySet[User]:
    cmo_id = cmo if isinstance(cmo, int) else cmo.pk
    return User.objects.filter(cmo_id=cmo_id, role__in=CMO_ROLES, moderation=Moderation.APPROVED)


def regulator_accounts() -> QuerySet[User]:
    return User.objects.filter(role=Role.REGULATOR, moderation=Moderation.APPROVED)


def _tell(accounts: Iterable[User], code: str, params: dict[str, Any], link: str) -> None:
    for account in accounts:
        notify(account, code, params, link=link)


def _params(request: MandateRequest) -> dict[str, Any]:
    return {
        "id": request.pk,
        "holder": request.holder.name,
        "cmo": request.cmo.short_name,
        "areas": ", ".join(str(area.item) for area in request.areas.order_by("item")),
    }


def request_link(request: MandateRequest) -> str:
    return reverse("mandates:request", args=[request.pk])


# --- one CMO per holder and area ------------------------------------------------------------------


def active_elsewhere(holder: Party, areas: Iterable[Area], cmo: CMO) -> list[Mandate]:
    """The holder's active mandates in ``areas`` to a CMO other than ``cmo``."""
    return list(
        Mandate.objects.filter(holder=holder, area__in=list(areas), status=MandateStatus.ACTIVE)
        .exclude(cmo=cmo)
        .select_related("cmo", "area")
        .order_by("area__item")
    )


def record_overlap(holder: Party, cmo: CMO, mandates: Sequence[Mandate], *, by: User | None) -> Conflict:
    """A conflict of kind "overlapping mandates" naming the holder and both CMOs (their entities, so each
    CMO's staff sees it); one open conflict per holder and pair of CMOs, its areas kept up to date."""
    existing = mandates[0]
    areas = sorted({m.area.item for m in mandates})
    conflict = (
        Conflict.objects.filter(
            kind=ConflictKind.OVERLAPPING_MANDATES,
            status=ConflictStatus.OPEN,
            code=OVERLAP_CODE,
            params__holder_id=holder.pk,
            params__cmo_id=existing.cmo_id,
            params__requesting_cmo_id=cmo.pk,
        )
        .order_by("pk")
        .first()
    )
    params = {
        "holder_id": holder.pk,
        "holder": holder.name,
        "cmo_id": existing.cmo_id,
        "cmo": existing.cmo.short_name,
        "requesting_cmo_id": cmo.pk,
        "requesting_cmo": cmo.short_name,
        "cmo_ids": sorted({existing.cmo_id, cmo.pk}),
        "areas": ", ".join(str(item) for item in areas),
        "contract": existing.contract.number,
    }
    if conflict is None:
        conflict = Conflict.objects.create(
            kind=ConflictKind.OVERLAPPING_MANDATES, code=OVERLAP_CODE, params=params, opened_by=by
        )
        conflict.parties.set([holder.pk, existing.cmo.party_id, cmo.party_id])
        link = reverse("claims:conflict", args=[conflict.pk])
        told = {
            "holder": holder.name,
            "cmo": existing.cmo.short_name,
            "other": cmo.short_name,
            "areas": params["areas"],
        }
        accounts = [
            *holder_accounts(holder),
            *cmo_accounts(existing.cmo_id),
            *cmo_accounts(cmo),
            *regulator_accounts(),
        ]
        _tell(accounts, "mandate_overlap", told, link)
    elif conflict.params != params:
        conflict.params = params
        conflict.save(update_fields=["params"])
    return conflict


def overlap_message(mandates: Sequence[Mandate]) -> str:
    first = mandates[0]
    return _(
        "%(cmo)s already manages area %(areas)s for this holder under mandate %(contract)s. A holder has one "
        "CMO per area (Art. 43.4): withdraw that mandate first. The overlap is recorded as a conflict."
    ) % {
        "cmo": first.cmo.short_name,
        "areas": ", ".join(str(m.area.item) for m in mandates),
        "contract": first.contract.number,
    }


def _refuse_overlap(holder: Party, cmo: CMO, areas: Iterable[Area], *, by: User | None) -> None:
    """Record the conflict (committed on its own) and refuse, if ``holder`` has a mandate elsewhere."""
    clash = active_elsewhere(holder, areas, cmo)
    if clash:
        with audited(by):
            conflict = record_overlap(holder, cmo, clash, by=by)
        raise MandateRefused(overlap_message(clash), conflict)


# --- the request ----------------------------------------------------------------------------------


def request_mandate(
    *,
    by: User,
    cmo: CMO,
    areas: Sequence[Area],
    starts_on: dt.date | None = None,
    language: str | None = None,
    note: str = "",
) -> MandateRequest:
    """``by`` (an approved holder) asks ``cmo`` to manage ``areas`` from ``starts_on`` (today)."""
    if not roles.is_holder(by) or by.party is None:
        raise PermissionError(_("only a rightsholder with a register entry asks for management"))
    holder = by.party
    areas = list(areas)
    today = clock.today()
    starts_on = starts_on or today
    if not areas:
        raise ValidationError({"areas": _("Choose at least one area of collective management.")})
    if starts_on < today:
        raise ValidationError({"starts_on": _("The mandate cannot start before today.")})
    if any(not area.in_force for area in areas):
        raise ValidationError({"areas": _("This area of collective management is not in force.")})
    same = Mandate.objects.filter(holder=holder, cmo=cmo, area__in=areas, status=MandateStatus.ACTIVE)
    if same.exists():
        raise ValidationError(
            {"areas": _("%(cmo)s already manages this area for you.") % {"cmo": cmo.short_name}}
        )
    _refuse_overlap(holder, cmo, areas, by=by)
    with audited(by):
        Party.objects.select_for_update().get(pk=holder.pk)
        waiting = MandateRequest.objects.filter(
            holder=holder, cmo=cmo, areas__in=areas,
            status__in=[RequestStatus.REQUESTED, RequestStatus.AWAITING_SIGNATURES],
        )  # fmt: skip
        if waiting.exists():
            raise ValidationError(
                {
                    "areas": _("You already have an open request to %(cmo)s for this area.")
                    % {"cmo": cmo.short_name}
                }
            )
        request = MandateRequest.objects.create(
            holder=holder, cmo=cmo, starts_on=starts_on, language=language or by.language or "kk",
            note=note.strip(), requested_by=by, requested_at=clock.now(),
        )  # fmt: skip
        request.areas.set(areas)
        params, link = _params(request), request_link(request)
        _tell(cmo_accounts(cmo), "mandate_requested", params, link)
        _tell(holder_accounts(holder), "mandate_request_sent", params, link)
    return request


def _locked(request: MandateRequest, *statuses: str) -> MandateRequest:
    locked = (
        MandateRequest.objects.select_for_update(of=("self",))
        .select_related("holder", "cmo__party")
        .get(pk=request.pk)
    )
    if locked.status not in statuses:
        raise ValidationError(
            _("This request is no longer %(status)s.")
            % {"status": ", ".join(str(RequestStatus(s).label).lower() for s in statuses)}
        )
    return locked


def cancel_request(request: MandateRequest, *, by: User) -> MandateRequest:
    """The holder withdraws a request the CMO has not answered yet."""
    if not (roles.is_holder(by) and by.party_id == request.holder_id):
        raise PermissionError(_("only the holder cancels their request"))
    with audited(by):
        request = _locked(request, RequestStatus.REQUESTED)
        request.status = RequestStatus.CANCELLED
        request.save(update_fields=["status"])
        _tell(
            cmo_accounts(request.cmo_id), "mandate_request_cancelled", _params(request), request_link(request)
        )
    return request


def _check_cmo_side(request: MandateRequest, by: User) -> None:
    if not (roles.is_cmo_staff(by) and by.cmo_id == request.cmo_id):
        raise PermissionError(_("only the CMO's staff answer its requests"))


def refuse_request(request: MandateRequest, *, by: User, ground: str, note: str = "") -> MandateRequest:
    """The CMO refuses, with a ground of :class:`RefusalGround` (and a note); the authorized body sees it."""
    _check_cmo_side(request, by)
    if ground not in RefusalGround.values:
        raise ValidationError({"ground": _("Choose the ground of refusal.")})
    if not note.strip():
        raise ValidationError({"note": _("Explain the refusal to the holder.")})
    with audited(by, note):
        request = _locked(request, RequestStatus.REQUESTED)
        request.status = RequestStatus.REFUSED
        request.refusal_ground, request.refusal_note = ground, note.strip()
        request.decided_by, request.decided_at = by, clock.now()
        request.save(update_fields=["status", "refusal_ground", "refusal_note", "decided_by", "decided_at"])
        params = {**_params(request), "ground": ground, "note": request.refusal_note}
        _tell(holder_accounts(request.holder_id), "mandate_refused", params, request_link(request))
        _tell(regulator_accounts(), "mandate_refused_regulator", params, request_link(request))
    return request


def accept_request(request: MandateRequest, *, by: User) -> MandateRequest:
    """The CMO accepts: the contract is entered in the register of contracts (a draft, with its register
    number) and the agreement is issued as a PDF for both parties to sign."""
    _check_cmo_side(request, by)
    if request.status != RequestStatus.REQUESTED:
        _locked(request, RequestStatus.REQUESTED)  # says it is no longer open
    areas = list(request.areas.all())
    _refuse_overlap(request.holder, request.cmo, areas, by=by)
    with audited(by):
        request = _locked(request, RequestStatus.REQUESTED)
        today = clock.today()
        contract = Contract.objects.create(
            number=allocate_number(CONTRACT_SERIES[ContractKind.MANDATE]), kind=ContractKind.MANDATE,
            status=ContractStatus.DRAFT, cmo=request.cmo, holder=request.holder, concluded_on=today,
            valid_from=max(request.starts_on, today),
        )  # fmt: skip
        contract.areas.set(areas)
        request.contract = contract
        request.document = issue_agreement(request, contract, by=by)
        request.status = RequestStatus.AWAITING_SIGNATURES
        request.decided_by, request.decided_at = by, clock.now()
        request.save(update_fields=["contract", "document", "status", "decided_by", "decided_at"])
        params = {**_params(request), "number": contract.number}
        _tell(holder_accounts(request.holder_id), "mandate_accepted", params, request_link(request))
    return request


# --- signatures -----------------------------------------------------------------------------------


def signing_side(request: MandateRequest, by: Any) -> str | None:
    """Which party ``by`` signs for: "holder", "cmo", or ``None``."""
    if roles.is_holder(by) and by.party_id == request.holder_id:
        return "holder"
    if roles.is_cmo_staff(by) and by.cmo_id == request.cmo_id:
        return "cmo"
    return None


def sign_agreement(
    request: MandateRequest, *, by: User, confirmed_sha256: str, evidence: str = ""
) -> MandateRequest:
    """``by`` signs the agreement for their side; with the second signature the mandate comes into force."""
    if signing_side(request, by) is None:
        raise PermissionError(_("only the parties sign the agreement"))
    with audited(by):
        request = _locked(request, RequestStatus.AWAITING_SIGNATURES)
        side = signing_side(request, by)
        if side is None or request.document is None:
            raise PermissionError(_("only the parties sign the agreement"))
        if getattr(request, f"{side}_signature_id") is not None:
            raise ValidationError(_("Your side has already signed this agreement."))
        signer = get_signer()
        if side == "holder":
            holder = request.holder
            signatory = signatory_for(by, holder.bin or "") if holder.bin else None
            if holder.bin and signatory is None:
                raise ValidationError(
                    _("You are not on record as a person who may sign for %(entity)s.")
                    % {"entity": holder.name}
                )
            iin = signatory.iin if signatory else holder.iin or ""
            name = by.full_name or holder.name
        else:
            cmo_bin = request.cmo.party.bin or ""
            signatory = signatory_for(by, cmo_bin)
            if signatory is None:
                raise ValidationError(
                    _("You are not on record as a person who may sign for %(entity)s.")
                    % {"entity": request.cmo.party.name}
                )
            iin, name = signatory.iin, by.full_name or by.email
        signature = signer.sign(
            request.document, account=by, iin=iin, name=name, confirmed_sha256=confirmed_sha256,
            signatory=signatory, evidence=evidence,
        )  # fmt: skip
        setattr(request, f"{side}_signature", signature)
        request.save(update_fields=[f"{side}_signature"])
        other = cmo_accounts(request.cmo_id) if side == "holder" else holder_accounts(request.holder_id)
        if request.holder_signature_id and request.cmo_signature_id:
            try:
                with transaction.atomic():
                    _bring_into_force(request)
            except _Overlap as clash:
                overlap = clash.mandates
            else:
                overlap = []
                params = {**_params(request), "number": request.contract.number if request.contract else ""}
                accounts = [*holder_accounts(request.holder_id), *cmo_accounts(request.cmo_id)]
                _tell(accounts, "mandate_in_force", params, request_link(request))
        else:
            overlap = []
            _tell(other, "mandate_signed_by_other", _params(request), request_link(request))
    if overlap:
        _refuse_after_signing(request, overlap, by=by)
    return request


class _Overlap(Exception):
    def __init__(self, mandates: list[Mandate]) -> None:
        self.mandates = mandates


def _bring_into_force(request: MandateRequest) -> None:
    """Both have signed: the contract is in force and one ``registers.Mandate`` per area is written.

    The holder's party row is locked first, so two agreements for the same holder come into force one
    after the other; the second sees the first's mandate and is refused. The database's partial unique
    index (one active mandate per holder and area) refuses it too, should anything write around this.
    """
    Party.objects.select_for_update().get(pk=request.holder_id)
    areas = list(request.areas.all())
    clash = active_elsewhere(request.holder, areas, request.cmo)
    if clash:
        raise _Overlap(clash)
    contract = request.contract
    if contract is None:
        raise ValueError(f"request {request.pk} has no contract")
    contract.status = ContractStatus.ACTIVE
    contract.save(update_fields=["status"])
    try:
        with transaction.atomic():
            for area in areas:
                Mandate.objects.create(
                    contract=contract, holder_id=request.holder_id, cmo_id=request.cmo_id, area=area,
                    valid_from=contract.valid_from,
                )  # fmt: skip
    except IntegrityError:
        raise _Overlap(
            active_elsewhere(request.holder, areas, request.cmo)
            or list(
                Mandate.objects.filter(
                    holder_id=request.holder_id, area__in=areas, status=MandateStatus.ACTIVE
                )
            )
        ) from None
    request.status = RequestStatus.IN_FORCE
    request.save(update_fields=["status"])
    # a society's reciprocal agreement may already claim this holder in these areas
    detect_for_holders({request.holder_id})


def _refuse_after_signing(request: MandateRequest, clash: list[Mandate], *, by: User) -> None:
    """The agreement cannot come into force: the draft contract is terminated (its number stays used, in
    the register as terminated), the request refused as already managed, the conflict recorded."""
    with audited(by):
        request = MandateRequest.objects.select_for_update().get(pk=request.pk)
        conflict = record_overlap(request.holder, request.cmo, clash, by=by)
        if request.contract is not None:
            Contract.objects.filter(pk=request.contract.pk).update(status=ContractStatus.TERMINATED)
        request.status = RequestStatus.REFUSED
        request.refusal_ground = RefusalGround.ALREADY_MANAGED
        request.refusal_note = overlap_message(clash)
        request.decided_at = clock.now()
        request.save(update_fields=["status", "refusal_ground", "refusal_note", "decided_at"])
    raise MandateRefused(overlap_message(clash), conflict)
