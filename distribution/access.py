"""The only way views, the API and tasks load matching's protected rows: a CMO's staff see their own CMO's
queue of usage keys; nobody else sees any. Missing and forbidden answer alike (404)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from distribution.models import MatchStatus, UsageClaim, UsageKey
from udp.accounts import roles


def keys_visible_to(user: Any) -> QuerySet[UsageKey]:
    """The usage keys of the staff's own CMO (any status); none for anybody else."""
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return UsageKey.objects.filter(cmo_id=user.cmo_id)
    return UsageKey.objects.none()


@dataclass(frozen=True)
class MonthState:
    """Where matching stands for a month of the staff's CMO's usage: ``matched`` (at ``since``), ``running``
    (gathered at ``since``, its chunks on their way) or ``waiting`` (reports came since it was matched, or it
    was never matched: Celery beat sends it within the hour, and a run matches it before reading it)."""

    period: dt.date
    state: str
    since: dt.datetime | None

    LABELS: ClassVar[dict[str, Any]] = {
        "matched": _("Matched"),
        "running": _("Being matched"),
        "waiting": _("Waiting to be matched (within the hour)"),
    }

    @property
    def label(self) -> str:
        return str(self.LABELS[self.state])


def matching_months_for(user: Any, count: int = 6) -> list[MonthState]:
    """The last ``count`` months with counted usage reports on the staff's CMO's licences, the latest first,
    and where matching stands for each; none for anybody else."""
    from distribution.matching import COUNTED_REPORTS, due_months
    from distribution.models import MatchingMonth

    if not (roles.is_cmo_staff(user) and user.cmo_id is not None):
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT DISTINCT m.month::date
              FROM licensing_usagereport r JOIN licensing_licence li ON li.id = r.licence_id
             CROSS JOIN LATERAL generate_series(date_trunc('month', r.period_start), r.period_end,
                                                interval '1 month') AS m(month)
             WHERE li.cmo_id = %s AND r.status = ANY(%s)
             ORDER BY 1 DESC LIMIT %s
            """,
            [user.cmo_id, list(COUNTED_REPORTS), count],
        )
        months = [row[0] for row in cursor.fetchall()]
    due = set(due_months(months))
    kept = {m.period: m for m in MatchingMonth.objects.filter(period__in=months)}
    states = []
    for month in months:
        row = kept.get(month)
        if row is not None and row.gathered_at is not None and row.finished_at is None:
            states.append(MonthState(month, "running", row.gathered_at))
        elif month in due or row is None:
            states.append(MonthState(month, "waiting", None))
        else:
            states.append(MonthState(month, "matched", row.finished_at))
    return states


def review_queue_for(user: Any) -> QuerySet[UsageKey]:
    """What waits for the staff: keys for review first (they have candidates), then the unmatched, most
    played first."""
    return (
        keys_visible_to(user)
        .filter(status__in=[MatchStatus.REVIEW, MatchStatus.UNMATCHED])
        .order_by("-status", "-plays", "id")
    )


def get_key_for_user(user: Any, pk: Any, *, write: bool = False) -> UsageKey:
    """One usage key of the staff's CMO (``write``: the same staff decide it)."""
    try:
        return keys_visible_to(user).get(pk=int(pk))
    except (UsageKey.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def unmatched_visible_to(user: Any) -> QuerySet[UsageKey]:
    """Unmatched usage a holder may claim (title, artist, month and plays; never who reported it)."""
    if roles.is_holder(user) and user.party_id is not None:
        return UsageKey.objects.filter(status=MatchStatus.UNMATCHED).order_by("-plays", "id")
    return UsageKey.objects.none()


def search_unmatched(keys: QuerySet[UsageKey], q: str) -> QuerySet[UsageKey]:
    """``keys`` whose title or artist contains ``q`` (its first 100 characters), as the page and the API search."""
    q = q.strip()[:100]
    if not q:
        return keys
    return keys.filter(Q(title__icontains=q) | Q(artist__icontains=q)).order_by("-plays", "id")


def get_unmatched_for_user(user: Any, pk: Any) -> UsageKey:
    try:
        return unmatched_visible_to(user).get(pk=int(pk))
    except (UsageKey.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def claims_visible_to(user: Any) -> QuerySet[UsageClaim]:
    """A holder's own claims; the claims on a CMO's usage for its staff; none for anybody else."""
    claims = UsageClaim.objects.select_related("key", "work", "party")
    if roles.is_holder(user) and user.party_id is not None:
        return claims.filter(party_id=user.party_id)
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return claims.filter(key__cmo_id=user.cmo_id)
    return claims.none()


def get_claim_for_user(user: Any, pk: Any, *, write: bool = False) -> UsageClaim:
    """``write``: the CMO's staff, who decide it."""
    claims = claims_visible_to(user)
    if write:
        staff_cmo = user.cmo_id if roles.is_cmo_staff(user) else None
        claims = claims.filter(key__cmo_id=staff_cmo) if staff_cmo is not None else claims.none()
    try:
        return claims.get(pk=int(pk))
    except (UsageClaim.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
