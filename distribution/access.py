"""The only way views, the API and tasks load matching's protected rows: a CMO's staff see their own CMO's
queue of usage keys; nobody else sees any. Missing and forbidden answer alike (404)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from distribution.models import MatchStatus, UsageClaim, UsageKey
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


def unmatched_visible_to(user: Any) -> QuerySet[UsageKey]:
    """Unmatched usage a holder may claim (title, artist, month and plays; never who reported it)."""
    if roles.is_holder(user) and user.party_id is not None:
        return UsageKey.objects.filter(status=MatchStatus.UNMATCHED).order_by("-plays", "id")
    return UsageKey.objects.none()


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
