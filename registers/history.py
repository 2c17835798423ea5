"""The change history of a register entry, read by a person (Art. 9-2.1 (4)).

pghistory triggers record every row change into append-only event tables: the row as it was
(``pgh_data``), what changed (``pgh_diff``) and the context (the acting account, the reason; see
:mod:`udp.audit`). :class:`Presenter` turns those raw events into entries a person reads in their
own language, when they read them:

- when (a localized date and time), who (an account's public label, never its e-mail), what (the
  row in words: "Share of <party> in <right type>", never "Share #30"), why (typed text as typed,
  a platform reason in the reader's language);
- each changed field under its model ``verbose_name``, before → after as a person would write it:
  booleans as yes/no, choices by their label, related rows by their public name, dates through
  Django's localized formats, shares as percentages;
- internal columns (ids, search text, timestamps) are left out; a change of the contributors'
  order reads "order changed";
- confidential values (IIN, address, contacts, birth date, every bank detail) are masked for a
  reader who may not see the party's confidential data.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import QuerySet
from django.template.defaultfilters import floatformat
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pghistory import core
from pghistory.models import Events

from registers.models import (
    CMO,
    Area,
    BankAccount,
    CMOArea,
    CMOBranch,
    CMORepresentative,
    EmbodiedWork,
    IPIName,
    Licensee,
    LicenseeLocation,
    Mandate,
    MandateExclusion,
    Party,
    Pseudonym,
    Share,
    Succession,
    Work,
    WorkContributor,
    WorkTitle,
)
from registers.models.parties import CONFIDENTIAL_PARTY_FIELDS
from registers.term import Basis
from udp import audit
from udp.accounts.models import User

#: Every field of these models is confidential.
CONFIDENTIAL_MODELS: frozenset[type[models.Model]] = frozenset({BankAccount})
#: Confidential fields of the other models (a CMO's offices and contacts are public by law).
CONFIDENTIAL_FIELDS: dict[type[models.Model], frozenset[str]] = {
    Party: frozenset(CONFIDENTIAL_PARTY_FIELDS),
    LicenseeLocation: frozenset({"address"}),
}
#: Columns that say nothing to a reader.
INTERNAL_FIELDS = frozenset({"id", "created_at", "updated_at", "search_text", "search"})
#: Ordering numbers: a change reads "order changed", never the numbers themselves.
ORDER_FIELDS: dict[type[models.Model], frozenset[str]] = {WorkContributor: frozenset({"sequence"})}
#: Within one transaction, rows are listed in this order (the entry first, then its child rows).
MODEL_ORDER: tuple[type[models.Model], ...] = (
    Work,
    WorkTitle,
    EmbodiedWork,
    WorkContributor,
    Share,
    Party,
    Pseudonym,
    IPIName,
    BankAccount,
    Succession,
    CMO,
    CMOArea,
    CMORepresentative,
    CMOBranch,
    Licensee,
    LicenseeLocation,
    MandateExclusion,
)
LABEL_ORDER = {"update": 0, "delete": 1, "insert": 2}
ACTIONS = {"insert": _("created"), "update": _("changed"), "delete": _("deleted")}
TERM_BASES = {
    Basis.LIFE: _("the author's life and 70 years"),
    Basis.JOINT: _("the life of the last surviving co-author and 70 years"),
    Basis.REHABILITATION: _("70 years from the author's posthumous rehabilitation"),
    Basis.ANONYMOUS: _("70 years from lawful disclosure (anonymous or pseudonymous work)"),
    Basis.POSTHUMOUS_RELEASE: _("70 years from disclosure after the author's death"),
    Basis.RELATED: _("70 years from publication or recording (related rights)"),
    Basis.AUTHOR_LIVING: _("an author is living"),
    Basis.UNKNOWN: _("not known"),
}
#: Shares, shown as percentages (60 %, 33.33 %).
PERCENT_FIELDS = frozenset({(Share, "percent"), (Succession, "share")})
MASK = "•••"
EMPTY = "—"


def events_of(obj: models.Model, tracked: Iterable[type[models.Model]]) -> QuerySet[Events]:
    """Events of ``obj`` and of the rows of ``tracked`` models that refer to it, newest first."""
    tracked = set(tracked) | {type(obj)}
    event_models = [
        m
        for m in core.event_models(references_model=type(obj))
        if getattr(m, "pgh_tracked_model", None) in tracked
    ]
    return Events.objects.references(obj).across(*event_models).order_by("-pgh_created_at", "-pgh_id")


@dataclass
class Change:
    name: str  # the field
    field: str  # its label, in the reader's language
    before: str | None = None  # the value as a person reads it; None when there was none
    after: str | None = None
    note: str | None = None  # said instead of before → after ("order changed")


@dataclass
class Entry:
    when: dt.datetime
    model: str  # "registers.Share"
    label: str  # "insert", "update" or "delete"
    action: str  # the label, in the reader's language
    object_id: str | None
    what: str  # the row in words, in the reader's language
    who: str | None  # the account's public label; None for the platform itself
    reason: str | None
    changes: list[Change] = field(default_factory=list)


class Presenter:
    """Reads raw events of ``subject`` (and its child rows) as entries in the active language."""

    def __init__(self, events: Iterable[Events], *, subject: models.Model, show_confidential: bool) -> None:
        self.events = _in_reading_order(events)
        self.subject = subject
        self.show_confidential = show_confidential
        self.names = _Names()
        for event in self.events:
            model = _model(event)
            for column, value in (event.pgh_data or {}).items():
                fk = _fk(model, column)
                if fk is not None and value is not None:
                    self.names.want(fk.related_model, value)
            if model is Share:  # its description names the contributor
                self.names.want(WorkContributor, (event.pgh_data or {}).get("contributor_id"))
            self.names.want(User, (event.pgh_context or {}).get("user"))

    def entries(self) -> list[Entry]:
        entries = [self._entry(event) for event in self.events]
        return [e for e in entries if e.label != "update" or e.changes]

    def _entry(self, event: Events) -> Entry:
        model = _model(event)
        context = event.pgh_context or {}
        user_id = context.get("user")
        who = None
        if user_id is not None:
            who = self.names.get(User, user_id) or gettext("a deleted account")
        return Entry(
            when=event.pgh_created_at,
            model=model._meta.label,
            label=event.pgh_label,
            action=str(ACTIONS.get(event.pgh_label, event.pgh_label)),
            object_id=event.pgh_obj_id,
            what=self._what(model, event.pgh_data or {}),
            who=who,
            reason=audit.reason_text(context),
            changes=self._changes(model, event),
        )

    def _changes(self, model: type[models.Model], event: Events) -> list[Change]:
        data, diff = event.pgh_data or {}, event.pgh_diff or {}
        changes = []
        for django_field in model._meta.concrete_fields:  # in the order of the model
            column = django_field.attname
            if event.pgh_label == "update":
                if column not in diff:
                    continue
                before, after = diff[column]
            elif column not in data:
                continue
            elif event.pgh_label == "delete":
                before, after = data[column], None
            else:
                before, after = None, data[column]
            if django_field.name in INTERNAL_FIELDS or self._is_subject(django_field, before, after):
                continue
            label = capfirst(str(django_field.verbose_name))
            if django_field.name in ORDER_FIELDS.get(model, ()):
                if event.pgh_label == "update":
                    changes.append(Change(django_field.name, label, note=gettext("order changed")))
                continue
            shown = self._show(model, django_field, before), self._show(model, django_field, after)
            if shown == (None, None):
                continue
            if event.pgh_label == "update":  # an emptied or newly filled field
                shown = (shown[0] or EMPTY, shown[1] or EMPTY)
            changes.append(Change(django_field.name, label, *shown))
        return changes

    def _is_subject(self, django_field: models.Field[Any, Any], *values: Any) -> bool:
        """A child row's link to the entry whose history this is goes without saying."""
        return (
            isinstance(django_field, models.ForeignKey)
            and django_field.related_model is type(self.subject)
            and all(v is None or str(v) == str(self.subject.pk) for v in values)
        )

    def _show(
        self, model: type[models.Model], django_field: models.Field[Any, Any], value: Any
    ) -> str | None:
        if value is None or value == "":
            return None
        if model in CONFIDENTIAL_MODELS or django_field.name in CONFIDENTIAL_FIELDS.get(model, ()):
            if not self.show_confidential:
                return MASK
        if isinstance(django_field, models.ForeignKey):
            return self.names.get(django_field.related_model, value) or gettext("a deleted entry")
        return display_value(model, django_field, value)

    def _what(self, model: type[models.Model], data: Mapping[str, Any]) -> str:
        """The row in words, from its values at the time of the event."""
        if model is type(self.subject):
            return capfirst(str(model._meta.verbose_name))
        name = self.names.get

        def choice(column: str) -> str:
            return _choice_label(model, column, data.get(column))

        if model is WorkTitle:
            return gettext("%(kind)s “%(title)s”") % {"kind": choice("kind"), "title": data.get("title")}
        if model is WorkContributor:
            return gettext("Contributor %(party)s (%(role)s)") % {
                "party": name(Party, data.get("party_id")) or EMPTY,
                "role": choice("role"),
            }
        if model is Share:
            return gettext("Share of %(party)s in %(right)s") % {
                "party": self.names.party_of_contributor(data.get("contributor_id")) or EMPTY,
                "right": choice("right_type"),
            }
        if model is EmbodiedWork:
            return gettext("Recording “%(recording)s” of the work “%(work)s”") % {
                "recording": name(Work, data.get("recording_id")) or EMPTY,
                "work": name(Work, data.get("work_id")) or EMPTY,
            }
        if model is Pseudonym:
            return gettext("Pseudonym “%(name)s”") % {"name": data.get("name")}
        if model is IPIName:
            return gettext("IPI name number %(number)s") % {"number": data.get("name_number")}
        if model is Succession:
            return gettext("%(kind)s: %(successor)s after %(predecessor)s") % {
                "kind": choice("kind"),
                "successor": name(Party, data.get("successor_id")) or EMPTY,
                "predecessor": name(Party, data.get("predecessor_id")) or EMPTY,
            }
        if model is CMOArea:
            return gettext("Area of collective management %(area)s") % {
                "area": name(Area, data.get("area_id")) or EMPTY
            }
        if model is CMORepresentative:
            return gettext("Representative %(name)s") % {"name": data.get("name")}
        if model is CMOBranch:
            return gettext("Branch in %(city)s") % {"city": data.get("city")}
        if model is MandateExclusion:
            return gettext("Taken out of the mandate %(mandate)s (a withdrawal, Art. 46.2)") % {
                "mandate": name(Mandate, data.get("mandate_id")) or EMPTY
            }
        if model is LicenseeLocation:
            return gettext("Place of use %(name)s, %(city)s") % {
                "name": data.get("name"),
                "city": data.get("city"),
            }
        return capfirst(str(model._meta.verbose_name))


def display_value(model: type[models.Model], django_field: models.Field[Any, Any], value: Any) -> str:
    """A stored (JSON) value of a field as a person reads it, in the active language."""
    if django_field.choices:
        return str(dict(django_field.flatchoices).get(value, value))
    if isinstance(django_field, models.BooleanField):
        return capfirst(gettext("yes") if value else gettext("no"))
    if isinstance(django_field, models.DateTimeField):
        moment = parse_datetime(value) if isinstance(value, str) else value
        if isinstance(moment, dt.datetime):
            return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    elif isinstance(django_field, models.DateField):
        day = parse_date(value) if isinstance(value, str) else value
        if isinstance(day, dt.date):
            return formats.date_format(day, "DATE_FORMAT")
    if isinstance(django_field, models.DecimalField):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        if (model, django_field.name) in PERCENT_FIELDS:
            return gettext("%(percent)s %%") % {"percent": floatformat(number, -2)}
        return str(floatformat(number, -django_field.decimal_places))
    if model is Work and django_field.name == "protection_basis":
        return str(TERM_BASES.get(value, value))
    return str(value)


class _Names:
    """Public names of the rows events refer to, loaded at once; a deleted row by its last recorded state."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[str]] = defaultdict(set)
        self.loaded: dict[type[models.Model], dict[str, models.Model]] = {}

    def want(self, model: type[models.Model], pk: Any) -> None:
        if pk is not None and str(pk).isascii() and str(pk).isdigit():
            self.wanted[model].add(str(pk))
            self.loaded.pop(model, None)

    def get(self, model: type[models.Model], pk: Any) -> str | None:
        row = self._rows(model).get(str(pk))
        if row is None:
            return None
        if isinstance(row, WorkContributor):
            return gettext("%(party)s (%(role)s)") % {
                "party": self.get(Party, row.party_id) or EMPTY,
                "role": row.get_role_display(),
            }
        return public_name(row)

    def party_of_contributor(self, pk: Any) -> str | None:
        row = self._rows(WorkContributor).get(str(pk))
        return self.get(Party, row.party_id) if isinstance(row, WorkContributor) else None

    def _rows(self, model: type[models.Model]) -> dict[str, models.Model]:
        if model not in self.loaded:
            self._load(model)
            if model is WorkContributor:  # a contributor is named by its party
                for row in self.loaded[model].values():
                    self.want(Party, row.party_id)  # type: ignore[attr-defined]
        return self.loaded[model]

    def _load(self, model: type[models.Model]) -> None:
        pks = self.wanted.get(model, set())
        queryset: QuerySet[Any] = model._default_manager.filter(pk__in=pks)
        if model is User:
            queryset = queryset.select_related("cmo", "party", "licensee__party")
        elif model is Licensee:
            queryset = queryset.select_related("party")
        rows: dict[str, models.Model] = {str(row.pk): row for row in queryset}
        missing = pks - rows.keys()
        if missing:
            rows.update(_last_recorded(model, missing))
        self.loaded[model] = rows


def public_name(row: models.Model) -> str:
    """How a row is named to anyone who may read the history: never an e-mail, IIN or bank detail."""
    if isinstance(row, User):
        return row.public_label
    if isinstance(row, Work | WorkTitle):
        return row.title
    if isinstance(row, BankAccount):
        return str(BankAccount._meta.verbose_name)
    return str(row)


def _last_recorded(model: type[models.Model], pks: set[str]) -> dict[str, models.Model]:
    """Rows deleted since, rebuilt (unsaved) from their last history event."""
    event_models = core.event_models(tracks_model=model)
    if not event_models:
        return {}
    events: QuerySet[Any] = (
        event_models[0]
        ._default_manager.filter(pgh_obj_id__in=pks)
        .order_by("pgh_obj_id", "-pgh_id")
        .distinct("pgh_obj_id")
    )
    rows = {}
    for event in events:
        values = {
            f.attname: getattr(event, f.attname)
            for f in model._meta.concrete_fields
            if hasattr(event, f.attname)
        }
        rows[str(event.pgh_obj_id)] = model(**values)
    return rows


def _in_reading_order(events: Iterable[Events]) -> list[Events]:
    """Newest change first (``events`` come newest first); within one change (one transaction and
    context), the entry before its rows, and removals before additions."""
    changes: dict[tuple[Any, Any], int] = {}
    keyed = []
    for event in events:
        change = changes.setdefault((event.pgh_created_at, event.pgh_context_id), len(changes))
        model = _model(event)
        rank = MODEL_ORDER.index(model) if model in MODEL_ORDER else len(MODEL_ORDER)
        pk = event.pgh_obj_id or ""
        obj_id = int(pk) if pk.isdigit() else 0
        keyed.append(((change, rank, LABEL_ORDER.get(event.pgh_label, 3), obj_id), event))
    return [event for _, event in sorted(keyed, key=lambda pair: pair[0])]


def _choice_label(model: type[models.Model], column: str, value: Any) -> str:
    django_field = _field(model, column)
    if django_field is None or value in (None, ""):
        return ""
    return str(dict(django_field.flatchoices).get(value, value))


def _model(event: Events) -> type[models.Model]:
    return apps.get_model(event.pgh_obj_model)


def _field(model: type[models.Model], column: str) -> models.Field[Any, Any] | None:
    for f in model._meta.concrete_fields:
        if column in (f.attname, f.name):
            return f
    return None


def _fk(model: type[models.Model], column: str) -> models.ForeignKey[Any, Any] | None:
    f = _field(model, column)
    return f if isinstance(f, models.ForeignKey) else None
