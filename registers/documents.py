"""Extracts from the registers (Art. 45-1.2): a work's entry and a holder's entry as a PDF.

An extract says what the register holds on the day it is issued: the public part for anyone, and
the confidential part only for those the pages show it to (:func:`registers.access.can_see_confidential`
for a holder; the work's editors for a work), the authorized body only with a recorded reason. It is
issued through :func:`udp.documents.actions.issue_document`: numbered, hashed, kept, verifiable.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from registers import access
from registers import public_selectors as selectors
from registers.actions import reveal_confidential
from registers.models import Party, RightType, Work, WorkContributor
from udp.documents import kinds
from udp.documents.actions import issue_document
from udp.documents.models import IssuedDocument
from udp.identifiers import format_iswc

WORK_EXTRACT = kinds.register(
    kinds.DocumentKind(
        code="register_extract_work",
        series="EXW",
        title=_("Extract from the register of works"),
        template="documents/extracts/work.html",
        version="1",
    )
)
HOLDER_EXTRACT = kinds.register(
    kinds.DocumentKind(
        code="register_extract_holder",
        series="EXH",
        title=_("Extract from the register of authors and rightsholders"),
        template="documents/extracts/holder.html",
        version="1",
    )
)
#: How many of a holder's works an extract lists (the count is always given).
HOLDER_WORKS_LISTED = 100


def _cmo(cmo: Any) -> dict[str, str]:
    return {"short_name": cmo.short_name, "name": cmo.party.name}


def _term(work: Work) -> dict[str, Any]:
    return {"protected_until": work.protection_ends_on, "public_domain": work.in_public_domain}


def work_extract_data(work: Work, reader: Any) -> dict[str, Any]:
    """What an extract of ``work`` says to ``reader``, in the active language."""
    work = (
        Work.objects.select_related("registered_by_cmo", "submitted_by")
        .prefetch_related(
            "titles",
            Prefetch(
                "contributors",
                queryset=WorkContributor.objects.select_related("party").prefetch_related(
                    "shares", "party__ipi_names"
                ),
            ),
        )
        .get(pk=work.pk)
    )
    contributors = list(work.contributors.all())
    shares: dict[str, list[dict[str, Any]]] = {}
    for contributor in contributors:
        for share in contributor.shares.all():
            shares.setdefault(share.right_type, []).append(
                {"name": contributor.credited_as or contributor.party.name, "percent": share.percent}
            )
    public = {
        "title": work.title,
        "kind": str(work.get_kind_display()),
        "titles": [
            {"title": t.title, "kind": str(t.get_kind_display()), "language": t.language}
            for t in work.titles.all()
        ],
        "iswc": format_iswc(work.iswc) if work.iswc else "",
        "isrc": work.isrc or "",
        "isan": work.isan or "",
        "language": work.language,
        "creation_year": work.creation_year,
        "disclosed_on": work.disclosed_on,
        "contributors": [
            {
                "name": c.credited_as or c.party.name,
                "role": str(c.get_role_display()),
                "ipi": [i.name_number for i in c.party.ipi_names.all()],
            }
            for c in contributors
        ],
        "shares": [
            {"right_type": str(RightType(rt).label), "rows": shares[rt]}
            for rt in RightType.values
            if rt in shares
        ],
        "managing": [
            {
                "area": str(management.area),
                "cmos": [
                    {**_cmo(c.cmo), "shares": [(str(RightType(rt).label), p) for rt, p in c.shares.items()]}
                    for c in management.cmos
                ],
            }
            for management in selectors.who_to_pay(work)
        ],
        "term": _term(work),
    }
    confidential: dict[str, Any] = {}
    if access.works_editable_by(reader).filter(pk=work.pk).exists():
        confidential["registration"] = {
            "submitter_ref": work.submitter_ref,
            "registered_by_cmo": work.registered_by_cmo.short_name if work.registered_by_cmo else "",
            "submitted_by": work.submitted_by.public_label if work.submitted_by else "",
            "claims_status": str(work.get_claims_status_display()),
            "public": work.public,
        }
    visible = access.parties_editable_by(reader).filter(pk__in=[c.party_id for c in contributors])
    own = set(visible.values_list("pk", flat=True))
    people = [
        {"name": c.party.name, "iin": c.party.iin or "", "birth_date": c.party.birth_date}
        for c in contributors
        if c.party_id in own and (c.party.iin or c.party.birth_date)
    ]
    if people:
        confidential["people"] = people
    return {"work": public, "confidential": confidential}


def holder_extract_data(party: Party, *, confidential: bool) -> dict[str, Any]:
    """What an extract of ``party`` says, in the active language; the confidential part if asked."""
    works = selectors.public_works_of(party).order_by("title", "id")
    roles = {
        c.work_id: str(c.get_role_display())
        for c in WorkContributor.objects.filter(party=party, work__in=works[:HOLDER_WORKS_LISTED])
    }
    public = {
        "name": party.name,
        "names": {"kk": party.name_kk, "ru": party.name_ru, "lat": party.name_lat},
        "kind": str(party.get_kind_display()),
        "pseudonyms": [p.name for p in party.pseudonyms.all()],
        "ipi_names": [
            {"number": i.name_number, "type": str(i.get_name_type_display()), "name": i.name}
            for i in party.ipi_names.all()
        ],
        "ipi_base_number": party.ipi_base_number,
        "isni": party.isni or "",
        "bin": party.bin or "",
        "citizenship": party.citizenship,
        "birth_date": party.public_birth_date,
        "death_date": party.death_date,
        "mandates": [
            {"area": str(m.area), **_cmo(m.cmo), "since": m.valid_from}
            for m in selectors.managing_cmos_of(party)
        ],
        "works": [
            {"title": w.title, "iswc": format_iswc(w.iswc) if w.iswc else "", "role": roles.get(w.pk, "")}
            for w in works[:HOLDER_WORKS_LISTED]
        ],
        "works_total": works.count(),
    }
    private: dict[str, Any] = {}
    if confidential:
        private = {
            "iin": party.iin or "",
            "birth_date": party.birth_date,
            "address": party.address,
            "email": party.email,
            "phone": party.phone,
            "resident": party.resident,
            "bank_accounts": [
                {"iban": b.iban, "bank_name": b.bank_name, "bic": b.bic, "primary": b.is_primary}
                for b in party.bank_accounts.order_by("-is_primary", "id")
            ],
        }
    return {"holder": public, "confidential": private}


def issue_work_extract(work: Work, *, by: Any, language: str) -> IssuedDocument:
    """An extract of ``work`` for ``by`` (who must be able to see it: load it through access)."""
    with translation.override(language):
        data = work_extract_data(work, by)
    return issue_document(
        WORK_EXTRACT, work, by=by, language=language, data=data,
        public_label=work.title if work.public else "", confidential=bool(data["confidential"]),
    )  # fmt: skip


def issue_holder_extract(party: Party, *, by: Any, language: str, reason: str = "") -> IssuedDocument:
    """An extract of ``party`` for ``by``; the confidential part for the party, its CMO and the
    operator, and for the authorized body when it gives a reason (recorded, as on its pages)."""
    with transaction.atomic():
        confidential = access.can_see_confidential(by, party)
        if not confidential and reason.strip() and getattr(by, "is_regulator", False):
            reveal_confidential(party, by=by, reason=reason)
            confidential = True
        with translation.override(language):
            data = holder_extract_data(party, confidential=confidential)
            label = party.name if party.verified else ""
        return issue_document(
            HOLDER_EXTRACT, party, by=by, language=language, data=data, public_label=label,
            confidential=confidential,
        )  # fmt: skip
