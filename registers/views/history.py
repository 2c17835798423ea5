"""The change history of a register entry and its child rows (Art. 9-2.1 (4)).

Every row change is recorded by pghistory triggers into append-only event tables, with the acting
account and reason in the context. These pages list the events of one entry: who, when, what
(before → after, per field) and why. The owner of the entry, the operator and the regulator may read
them; everybody else gets 404. Confidential values are masked unless the reader may see them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from pghistory import core
from pghistory.models import Events

from registers import access
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
    Party,
    Pseudonym,
    Share,
    Succession,
    Work,
    WorkContributor,
    WorkTitle,
)
from udp.accounts.models import User

#: Field values never shown to a reader who may not see the entry's confidential data.
CONFIDENTIAL_FIELDS = frozenset({"iin", "address", "email", "phone", "iban", "bic", "birth_date"})
#: Models whose fields are all public (a CMO's offices and contacts are published by law).
PUBLIC_MODELS = frozenset(
    {CMO, CMOArea, CMOBranch, CMORepresentative, Work, WorkTitle, WorkContributor, Share}
)
#: Columns that change with every save and say nothing to a reader.
NOISE_FIELDS = frozenset({"id", "created_at", "updated_at", "search_text", "search"})
MASK = "•••"
EVENT_LIMIT = 1000


@dataclass(frozen=True)
class Kind:
    model: type[Any]
    editable_by: Callable[[Any], QuerySet[Any]]
    children: tuple[type[models.Model], ...]
    party_of: Callable[[Any], Party | None]


KINDS: dict[str, Kind] = {
    "work": Kind(
        Work, access.works_editable_by, (WorkTitle, WorkContributor, Share, EmbodiedWork), lambda w: None
    ),
    "party": Kind(
        Party, access.parties_editable_by, (Pseudonym, IPIName, BankAccount, Succession), lambda p: p
    ),
    "cmo": Kind(CMO, access.cmos_editable_by, (CMOArea, CMORepresentative, CMOBranch), lambda c: c.party),
    "licensee": Kind(Licensee, access.licensees_editable_by, (LicenseeLocation,), lambda lic: lic.party),
}

LABELS = {"insert": _("created"), "update": _("changed"), "delete": _("deleted")}


def get_object_for_history(user: Any, kind: str, pk: int) -> tuple[Kind, Any]:
    """The entry whose history ``user`` may read: the owner's, or any for the operator and the regulator."""
    spec = KINDS.get(kind)
    if spec is None:
        raise Http404
    readable = spec.model.objects.all() if getattr(user, "is_regulator", False) else spec.editable_by(user)
    try:
        return spec, readable.get(pk=pk)
    except spec.model.DoesNotExist:
        raise Http404 from None


def events_of(obj: models.Model, spec: Kind) -> QuerySet[Events]:
    """Events of the entry itself and of its child rows (those with a foreign key to it)."""
    tracked = {spec.model, *spec.children}
    event_models = [
        m
        for m in core.event_models(references_model=spec.model)
        if getattr(m, "pgh_tracked_model", None) in tracked
    ]
    return Events.objects.references(obj).across(*event_models).order_by("-pgh_created_at", "-pgh_id")


@dataclass
class Change:
    name: str  # the column
    field: str  # its label, in the reader's language
    before: Any = None
    after: Any = None


@dataclass
class Entry:
    when: dt.datetime
    model: str  # "registers.Work"
    what: str  # the model's name, in the reader's language
    label: str  # "insert", "update" or "delete"
    action: str  # the label, in the reader's language
    object_id: str | None
    who: str | None
    reason: str | None
    url: str | None
    changes: list[Change] = field(default_factory=list)


class Presenter:
    """Turns raw events into readable entries: field labels, related names, masked confidential values."""

    def __init__(self, events: list[Events], *, show_confidential: bool) -> None:
        self.events = events
        self.show_confidential = show_confidential
        self.models = {e.pgh_obj_model: _tracked_model(e.pgh_obj_model) for e in events}
        self.users = self._users()
        self.related = self._related()

    def _users(self) -> dict[str, str]:
        ids = {
            str(e.pgh_context.get("user")) for e in self.events if e.pgh_context and e.pgh_context.get("user")
        }
        ids = {i for i in ids if i.isascii() and i.isdigit()}
        accounts = User.objects.filter(pk__in=ids).select_related("cmo", "party", "licensee__party")
        return {str(u.pk): u.public_label for u in accounts}  # never the login e-mail: it is confidential

    def _related(self) -> dict[tuple[type[models.Model], str], str]:
        wanted: dict[type[Any], set[str]] = defaultdict(set)
        for event in self.events:
            model = self.models[event.pgh_obj_model]
            for name, value in _values(event):
                fk = _fk(model, name)
                if fk is not None and value is not None and fk.related_model is not User:
                    wanted[fk.related_model].add(str(value))
        names = {}
        for model, pks in wanted.items():
            for obj in model.objects.filter(pk__in=pks):
                names[(model, str(obj.pk))] = str(obj)
        return names

    def entries(self) -> list[Entry]:
        return [self._entry(e) for e in self.events]

    def _entry(self, event: Events) -> Entry:
        model = self.models[event.pgh_obj_model]
        context = event.pgh_context or {}
        user_id = str(context.get("user") or "")
        entry = Entry(
            when=event.pgh_created_at,
            model=model._meta.label,
            what=str(model._meta.verbose_name),
            label=event.pgh_label,
            action=str(LABELS.get(event.pgh_label, event.pgh_label)),
            object_id=event.pgh_obj_id,
            who=self.users.get(user_id) or (None if not user_id else f"#{user_id}"),
            reason=context.get("reason"),
            url=context.get("url"),
        )
        if event.pgh_label == "update":
            pairs = [
                (name, before, after) for name, (before, after) in sorted((event.pgh_diff or {}).items())
            ]
        elif event.pgh_label == "delete":
            pairs = [(name, value, None) for name, value in _values(event)]
        else:
            pairs = [(name, None, value) for name, value in _values(event)]
        for name, before, after in pairs:
            if name in NOISE_FIELDS:
                continue
            entry.changes.append(
                Change(
                    name, _label(model, name), self._show(model, name, before), self._show(model, name, after)
                )
            )
        return entry

    def _show(self, model: type[models.Model], name: str, value: Any) -> Any:
        if value is None or value == "":
            return value
        if name in CONFIDENTIAL_FIELDS and model not in PUBLIC_MODELS and not self.show_confidential:
            return MASK
        fk = _fk(model, name)
        if fk is not None:
            if fk.related_model is User:
                return self.users.get(str(value), f"#{value}")
            return self.related.get((fk.related_model, str(value)), f"#{value}")
        try:
            django_field = model._meta.get_field(name)
        except Exception:  # noqa: BLE001 - a column no longer on the model
            return value
        if isinstance(django_field, models.Field) and django_field.choices:
            return dict(django_field.flatchoices).get(value, value)
        if isinstance(django_field, models.DateTimeField) and isinstance(value, str):
            return parse_datetime(value) or value
        if isinstance(django_field, models.DateField) and isinstance(value, str):
            return parse_date(value) or value
        return value


def _tracked_model(label: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(label)


def _values(event: Events) -> Iterable[tuple[str, Any]]:
    return sorted((event.pgh_data or {}).items())


def _fk(model: type[models.Model], column: str) -> models.ForeignKey[Any, Any] | None:
    for f in model._meta.concrete_fields:
        if f.attname == column and isinstance(f, models.ForeignKey):
            return f
    return None


def _label(model: type[models.Model], column: str) -> str:
    for f in model._meta.concrete_fields:
        if f.attname == column:
            return str(f.verbose_name)
    return column


def object_history(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    spec, obj = get_object_for_history(request.user, kind, pk)
    party = spec.party_of(obj)
    show_confidential = party is not None and access.can_see_confidential(request.user, party)
    events = list(events_of(obj, spec)[:EVENT_LIMIT])
    entries = Presenter(events, show_confidential=show_confidential).entries()
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
