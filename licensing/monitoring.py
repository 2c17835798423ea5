"""Monitoring feeds: the operator registers providers, their sites and their keys; a provider pushes
detections in batches.

A provider's machine account is an API key of the platform's key mechanism (:mod:`udp.accounts`), issued by
the operator with the single scope ``monitoring:write`` and tied to the provider (:class:`ProviderKey`):
the push endpoint accepts only keys tied to an active provider. A batch is checked item by item (the ISRC,
the provider's own site code, a moment inside the licence's term); bad items are named and the good ones
kept, written with one set-based ``INSERT … ON CONFLICT DO NOTHING`` so a re-pushed play counts once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from licensing.models import Licence, MonitoredSite, MonitoringProvider, ProviderKey
from udp.accounts.actions import issue_api_key
from udp.accounts.models import ApiKey, User
from udp.accounts.scopes import Scope
from udp.audit import audited
from udp.identifiers import validate_bin, validate_isrc

#: The most items one push may carry.
MAX_BATCH = 10_000
#: A detection lasts at most a day.
MAX_DURATION_S = 86_400


def register_provider(*, by: User, name: str, bin: str) -> MonitoringProvider:
    if not by.is_operator:
        raise PermissionError(_("only the operator registers monitoring providers"))
    errors: dict[str, Any] = {}
    if not name.strip():
        errors["name"] = _("Give the provider's name.")
    try:
        bin = validate_bin(bin.strip())
    except ValidationError as exc:
        errors["bin"] = exc.messages
    else:
        if MonitoringProvider.objects.filter(bin=bin).exists():
            errors["bin"] = _("A provider with this BIN is already registered.")
    if errors:
        raise ValidationError(errors)
    with audited(by):
        return MonitoringProvider.objects.create(name=name.strip(), bin=bin, registered_by=by)


def set_provider_active(provider: MonitoringProvider, *, by: User, active: bool) -> MonitoringProvider:
    if not by.is_operator:
        raise PermissionError(_("only the operator suspends or resumes a provider"))
    with audited(by):
        provider.active = active
        provider.save(update_fields=["active"])
    return provider


def issue_provider_key(provider: MonitoringProvider, *, by: User) -> tuple[ApiKey, str]:
    """A key that pushes for ``provider`` (scope ``monitoring:write`` only); the key itself is shown once."""
    if not by.is_operator:
        raise PermissionError(_("only the operator issues a provider's key"))
    with audited(by):
        api_key, secret = issue_api_key(
            by=by, name=f"Monitoring: {provider.name}"[:100], scopes=[Scope.MONITORING_WRITE.value]
        )
        ProviderKey.objects.create(provider=provider, api_key=api_key)
    return api_key, secret


def add_site(*, by: User, provider: MonitoringProvider, licence: Licence, code: str) -> MonitoredSite:
    """The operator ties a provider's station or premises code to a licence."""
    if not by.is_operator:
        raise PermissionError(_("only the operator registers monitored sites"))
    code = code.strip()
    if not code:
        raise ValidationError({"code": _("Give the code the provider uses for the station or premises.")})
    if MonitoredSite.objects.filter(provider=provider, code=code).exists():
        raise ValidationError({"code": _("This provider already uses this code.")})
    with audited(by):
        return MonitoredSite.objects.create(provider=provider, licence=licence, code=code)


def provider_for_key(api_key: Any) -> MonitoringProvider | None:
    """The active provider a key pushes for; ``None`` for a person or a key of anything else."""
    if not isinstance(api_key, ApiKey):
        return None
    link = ProviderKey.objects.select_related("provider").filter(api_key=api_key).first()
    if link is None or not link.provider.active:
        return None
    return link.provider


@dataclass
class PushResult:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)


def _error(index: int, code: str, message: str) -> dict[str, Any]:
    return {"index": index, "code": code, "message": message}


@dataclass(frozen=True)
class _Row:
    site: int
    licence: int
    isrc: str
    detected_at: dt.datetime
    duration_s: int | None


def _check_item(index: int, item: Any, sites: Mapping[str, MonitoredSite]) -> _Row | dict[str, Any]:
    if not isinstance(item, Mapping):
        return _error(index, "format", _("An item is an object with isrc, site, detected_at."))
    try:
        isrc = validate_isrc(str(item.get("isrc") or ""))
    except ValidationError:
        return _error(index, "isrc", _("The ISRC is not valid (e.g. KZA012500001)."))
    site = sites.get(str(item.get("site") or "").strip())
    if site is None:
        return _error(index, "site", _("This provider has no site with this code."))
    try:
        moment = parse_datetime(str(item.get("detected_at") or ""))
    except ValueError:  # well formed, but no such moment (the 31st of February)
        moment = None
    if moment is None or timezone.is_naive(moment):
        return _error(index, "detected_at", _("Give the moment in ISO 8601 with its time zone."))
    day = timezone.localtime(moment).date()
    if not site.licence.starts_on <= day <= site.licence.ends_on:
        return _error(index, "outside_licence", _("The play is outside the licence's term."))
    duration = item.get("duration_s")
    if duration is not None and (
        not isinstance(duration, int) or isinstance(duration, bool) or not 0 <= duration <= MAX_DURATION_S
    ):
        return _error(index, "duration_s", _("The duration is a whole number of seconds, from 0 to 86400."))
    return _Row(site.pk, site.licence_id, isrc, moment, duration)


def push_detections(api_key: ApiKey, items: Sequence[Any]) -> PushResult:
    """Keep the good items of a batch, name the bad ones; a play pushed again is not counted twice."""
    provider = provider_for_key(api_key)
    if provider is None:
        raise PermissionError("the key does not push for an active provider")
    if len(items) > MAX_BATCH:
        raise ValidationError(_("A batch has at most %(max)s items.") % {"max": MAX_BATCH})
    sites = {s.code: s for s in MonitoredSite.objects.filter(provider=provider).select_related("licence")}
    result = PushResult(received=len(items))
    rows: list[_Row] = []
    for index, item in enumerate(items):
        checked = _check_item(index, item, sites)
        if isinstance(checked, _Row):
            rows.append(checked)
        else:
            result.rejected.append(checked)
    if rows:
        with audited(api_key.owner):
            result.stored = _insert(provider.pk, rows)
    result.duplicates = len(rows) - result.stored
    return result


def _insert(provider_id: int, rows: Sequence[_Row]) -> int:
    """One statement for the whole batch: ``unnest`` of column arrays, duplicates skipped by the unique key."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO licensing_detection (provider_id, site_id, licence_id, isrc, detected_at, duration_s,
                                             received_at)
            SELECT %s, s, l, i, d, du, now()
              FROM unnest(%s::bigint[], %s::bigint[], %s::varchar[], %s::timestamptz[], %s::integer[])
                   AS t(s, l, i, d, du)
            ON CONFLICT ON CONSTRAINT one_detection_per_play DO NOTHING
            """,
            [
                provider_id,
                [r.site for r in rows],
                [r.licence for r in rows],
                [r.isrc for r in rows],
                [r.detected_at for r in rows],
                [r.duration_s for r in rows],
            ],
        )
        return cursor.rowcount
