"""The only way views, the API and tasks load matching's protected rows: a CMO's staff see their own CMO's
queue of usage keys; nobody else sees any. Missing and forbidden answer alike (404)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from distribution.models import MatchStatus, UsageKey
from udp.accounts import roles


def keys_visible_to(user: Any) -> QuerySet[UsageKey]:
    """The usage keys of the staff's own CMO (any status); none for anybody else."""
    if roles.is_cmo_staff(user) and user.cmo_id is not None:
        return UsageKey.objects.filter(cmo_id=user.cmo_id)
    return UsageKey.objects.none()


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
