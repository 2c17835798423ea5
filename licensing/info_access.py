"""Who sees and answers the authorized body's requests for information (Art. 48-2.2): the authorized body
sees all of them; a user's approved accounts see and answer their own; nobody else sees any. Missing and
forbidden answer alike (404)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from licensing.models import InfoRequest
from udp.accounts import roles
from udp.accounts.roles import Actor


def info_requests_visible_to(user: Actor) -> QuerySet[InfoRequest]:
    rows = InfoRequest.objects.select_related("licensee__party", "asked_by")
    if roles.is_regulator(user):
        return rows
    if roles.is_licensee(user) and user.licensee_id is not None:
        return rows.filter(licensee_id=user.licensee_id)
    return rows.none()


def may_ask(user: Actor) -> bool:
    return roles.is_regulator(user)


def may_answer(user: Actor, request: InfoRequest) -> bool:
    return roles.is_licensee(user) and user.licensee_id == request.licensee_id


def get_info_request_for_user(user: Actor, pk: Any, *, write: bool = False) -> InfoRequest:
    """The request if ``user`` may see it (``write``: answer it); 404 otherwise."""
    try:
        row = info_requests_visible_to(user).get(pk=pk)
    except (InfoRequest.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write and not may_answer(user, row):
        raise Http404
    return row
