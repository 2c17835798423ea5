"""The only way to load notices: each account sees its own, nobody else's (not even the operator)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from udp.notices.models import Notice


def notices_for(user: Any) -> QuerySet[Notice]:
    if not getattr(user, "is_authenticated", False):
        return Notice.objects.none()
    return Notice.objects.filter(recipient_id=user.pk)


def get_notice_for_user(user: Any, pk: Any) -> Notice:
    """The user's own notice; 404 for another's and a missing one alike."""
    try:
        return notices_for(user).get(pk=pk)
    except (Notice.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def unread_count(user: Any) -> int:
    return notices_for(user).filter(read_at__isnull=True).count()
