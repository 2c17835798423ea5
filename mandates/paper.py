"""Mandates signed on paper before the platform: the CMO enters each with a scanned copy of the contract
(the implementing rules ask CMOs to place such copies on the platform), one by one or its whole membership
at once (:mod:`mandates.bulk`); the holder confirms or disputes each from the portal.

An entered paper mandate is in force as entered (the CMO holds the signed paper): the contract goes into
the register of contracts with its register number and one ``registers.Mandate`` per area. One CMO per
holder and area holds here too (:func:`mandates.actions.record_overlap`). A dispute opens a conflict naming
the holder and the CMO, for the expert organization to decide.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError
from django.urls import reverse
from django.utils.translation import gettext as _

from mandates.actions import (
    MandateRefused,
    active_elsewhere,
    cmo_accounts,
    holder_accounts,
    overlap_message,
    record_overlap,
)
from mandates.models import HolderAnswer, PaperMandate
from registers.conflicts import detect_for_holders
from registers.models import CMO, Area, Contract, Mandate, Party
from registers.models.claims import Conflict, ConflictKind
from registers.models.contracts import CONTRACT_SERIES, ContractKind, ContractStatus, MandateStatus
from udp.accounts import roles
from udp.accounts.models import User
from udp.audit import audited
from udp.core import clock
from udp.core.numbering import allocate_number
from udp.notices.actions import notify

#: The largest scan accepted, in bytes.
SCAN_MAX_BYTES = 10 * 1024 * 1024
#: What a scan may be, by its first bytes (the name and the browser's content type are not trusted).
SCAN_SIGNATURES = {b"%PDF-": "pdf", b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}
DISPUTE_CODE = "paper_mandate_disputed"


def scan_kind(stream: IO[bytes]) -> str:
    """The scan's type (pdf, jpg, png) read from its first bytes; a clear refusal otherwise."""
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if size == 0:
        raise ValidationError({"scan": _("The scanned copy is empty.")})
    if size > SCAN_MAX_BYTES:
        raise ValidationError({"scan": _("The scanned copy is larger than 10 MB.")})
    for signature, kind in SCAN_SIGNATURES.items():
        if head.startswith(signature):
            return kind
    raise ValidationError({"scan": _("The scanned copy must be a PDF, JPEG or PNG file.")})


def paper_link(paper: PaperMandate) -> str:
    return reverse("mandates:paper", args=[paper.pk])


def _params(paper: PaperMandate) -> dict[str, Any]:
    contract = paper.contract
    return {
        "id": paper.pk,
        "number": contract.number,
        "holder": contract.holder.name if contract.holder else "",
        "cmo": contract.cmo.short_name,
        "areas": ", ".join(str(a.item) for a in contract.areas.order_by("item")),
    }


def enter_paper_mandate(
    *,
    by: User,
    holder: Party,
    areas: Sequence[Area],
    concluded_on: dt.date,
    valid_from: dt.date,
    scan: File[Any],
    paper_number: str = "",
) -> PaperMandate:
    """``by`` (the CMO's staff) enters a mandate ``holder`` signed on paper, with its scanned copy."""
    if not roles.is_cmo_staff(by) or by.cmo is None:
        raise PermissionError(_("only a CMO's staff enter its paper mandates"))
    cmo: CMO = by.cmo
    areas = list(areas)
    kind = scan_kind(scan)
    today = clock.today()
    if not areas:
        raise ValidationError({"areas": _("Choose at least one area of collective management.")})
    if concluded_on > today:
        raise ValidationError({"concluded_on": _("A paper contract is entered after it was signed.")})
    if valid_from < concluded_on:
        raise ValidationError({"valid_from": _("The mandate cannot be in force before it was signed.")})
    outside = [a for a in areas if not cmo.area_links.filter(area=a).exists()]
    if outside:
        raise ValidationError(
            {
                "areas": _("Area %(areas)s is not among your statutory areas.")
                % {"areas": ", ".join(str(a.item) for a in outside)}
            }
        )
    if Mandate.objects.filter(holder=holder, cmo=cmo, area__in=areas, status=MandateStatus.ACTIVE).exists():
        raise ValidationError(
            {"areas": _("Your organisation already has a mandate from this holder for this area.")}
        )
    clash = active_elsewhere(holder, areas, cmo)
    if clash:
        with audited(by):
            conflict = record_overlap(holder, cmo, clash, by=by)
        raise MandateRefused(overlap_message(clash), conflict)
    try:
        with audited(by):
            Party.objects.select_for_update().get(pk=holder.pk)
            contract = Contract.objects.create(
                number=allocate_number(CONTRACT_SERIES[ContractKind.MANDATE]), kind=ContractKind.MANDATE,
                status=ContractStatus.ACTIVE, cmo=cmo, holder=holder, concluded_on=concluded_on, valid_from=valid_from,
            )  # fmt: skip
            contract.areas.set(areas)
            for area in areas:
                Mandate.objects.create(
                    contract=contract, holder=holder, cmo=cmo, area=area, valid_from=valid_from
                )
            paper = PaperMandate(
                contract=contract,
                paper_number=paper_number.strip()[:60],
                entered_by=by,
                entered_at=clock.now(),
            )
            paper.scan.save(f"{contract.number}.{kind}", scan, save=False)
            paper.save()
            # a society's reciprocal agreement may already claim this holder in the area
            detect_for_holders({holder.pk}, by=by)
            for account in holder_accounts(holder):
                notify(account, "paper_mandate_entered", _params(paper), link=paper_link(paper))
    except IntegrityError:
        # another CMO's mandate came into force meanwhile: the index refused the second one
        clash = active_elsewhere(holder, areas, cmo)
        if not clash:
            raise
        with audited(by):
            conflict = record_overlap(holder, cmo, clash, by=by)
        raise MandateRefused(overlap_message(clash), conflict) from None
    return paper


def _answer(paper: PaperMandate, by: User) -> PaperMandate:
    locked = (
        PaperMandate.objects.select_for_update(of=("self",))
        .select_related("contract__holder", "contract__cmo")
        .get(pk=paper.pk)
    )
    if not (roles.is_holder(by) and by.party_id == locked.contract.holder_id):
        raise PermissionError(_("only the holder answers for a paper mandate"))
    if locked.holder_answer != HolderAnswer.PENDING:
        raise ValidationError(_("You have already answered for this mandate."))
    return locked


def confirm_paper_mandate(paper: PaperMandate, *, by: User) -> PaperMandate:
    with audited(by):
        paper = _answer(paper, by)
        paper.holder_answer, paper.answered_by, paper.answered_at = HolderAnswer.CONFIRMED, by, clock.now()
        paper.save(update_fields=["holder_answer", "answered_by", "answered_at"])
        for account in cmo_accounts(paper.contract.cmo_id):
            notify(account, "paper_mandate_confirmed", _params(paper), link=paper_link(paper))
    return paper


def dispute_paper_mandate(paper: PaperMandate, *, by: User, note: str) -> tuple[PaperMandate, Conflict]:
    """The holder disputes the mandate: a conflict names the holder and the CMO (the mandate stays in the
    register until the expert organization decides)."""
    if not note.strip():
        raise ValidationError({"note": _("Say why you dispute this mandate.")})
    with audited(by, note):
        paper = _answer(paper, by)
        paper.holder_answer, paper.answered_by, paper.answered_at = HolderAnswer.DISPUTED, by, clock.now()
        paper.dispute_note = note.strip()
        paper.save(update_fields=["holder_answer", "answered_by", "answered_at", "dispute_note"])
        contract = paper.contract
        params = {
            **_params(paper),
            "paper_id": paper.pk,
            "contract": contract.number,
            "cmo_id": contract.cmo_id,
            "cmo_ids": [contract.cmo_id],
            "holder_id": contract.holder_id,
            "note": paper.dispute_note,
        }
        # the nearest kind the model has: the holder disputes facts entered about them
        conflict = Conflict.objects.create(
            kind=ConflictKind.DISPUTED_FACTS, code=DISPUTE_CODE, params=params, opened_by=by
        )
        conflict.parties.set([pk for pk in (contract.holder_id, contract.cmo.party_id) if pk is not None])
        for account in cmo_accounts(contract.cmo_id):
            notify(
                account,
                "paper_mandate_disputed",
                _params(paper) | {"note": paper.dispute_note},
                link=paper_link(paper),
            )
    return paper, conflict
