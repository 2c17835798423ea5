"""The change history of a register entry and its child rows (Art. 9-2.1 (4)).

The owner of the entry, the operator and the regulator may read it; everybody else gets 404.
Confidential values are masked unless the reader may see them. How an event reads is
:mod:`registers.history`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from registers import access
from registers.history import Presenter, events_of
from registers.models import (
    CMO,
    BankAccount,
    CMOArea,
    CMOBranch,
    CMORepresentative,
    EmbodiedWork,
    IPIName,
    Licensee,
    LicenseeLocation,
    MandateExclusion,
    Party,
    Pseudonym,
    PublisherLink,
    Share,
    Succession,
    TerritoryShare,
    Work,
    WorkContributor,
    WorkTitle,
)
from udp.accounts import roles
from udp.accounts.roles import Actor

EVENT_LIMIT = 1000


@dataclass(frozen=True)
class Kind:
    model: type[Any]
    editable_by: Callable[[Any], QuerySet[Any]]
    children: tuple[type[models.Model], ...]
    party_of: Callable[[Any], Party | None]


KINDS: dict[str, Kind] = {
    "work": Kind(
        Work,
        access.works_editable_by,
        (WorkTitle, WorkContributor, Share, EmbodiedWork, PublisherLink, TerritoryShare, MandateExclusion),
        lambda w: None,
    ),
    "party": Kind(
        Party, access.parties_editable_by, (Pseudonym, IPIName, BankAccount, Succession), lambda p: p
    ),
    "cmo": Kind(CMO, access.cmos_editable_by, (CMOArea, CMORepresentative, CMOBranch), lambda c: c.party),
    "licensee": Kind(Licensee, access.licensees_editable_by, (LicenseeLocation,), lambda lic: lic.party),
}


def get_object_for_history(user: Actor, kind: str, pk: int) -> tuple[Kind, Any]:
    """The entry whose history ``user`` may read: the owner's, or any for the operator and the regulator."""
    spec = KINDS.get(kind)
    if spec is None:
        raise Http404
    readable = spec.model.objects.all() if roles.is_regulator(user) else spec.editable_by(user)
    try:
        return spec, readable.get(pk=pk)
    except spec.model.DoesNotExist:
        raise Http404 from None


def object_history(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    spec, obj = get_object_for_history(request.user, kind, pk)
    party = spec.party_of(obj)
    show_confidential = party is not None and access.can_see_confidential(request.user, party)
    events = list(events_of(obj, spec.children)[:EVENT_LIMIT])
    entries = Presenter(events, subject=obj, show_confidential=show_confidential).entries()
    proposals = []
    if kind == "work":  # who proposed which change of the shares, and who accepted or rejected it
        proposals = list(
            obj.proposals.select_related(
                "proposed_by__cmo", "proposed_by__party", "proposed_by__licensee__party"
            )
            .prefetch_related("answers__party", "answers__decided_by__cmo", "answers__decided_by__party")
            .order_by("-created_at")[:200]
        )
    context = {
        "obj": obj,
        "kind": kind,
        "proposals": proposals,
        "entries": entries,
        "limit": EVENT_LIMIT,
        "masked": not show_confidential,
    }
    return render(request, "registers/history/object.html", context)
