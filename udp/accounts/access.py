"""Who may see and revoke which API key: its owner; the operator (to revoke a leaked or abandoned key).

A key one may not see and a key that does not exist both answer 404.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from udp.accounts import roles
from udp.accounts.models import ApiKey, ApiKeyQuerySet
from udp.accounts.roles import Actor


def api_keys_visible_to(user: Actor) -> ApiKeyQuerySet:
    keys = ApiKey.objects.select_related("owner", "created_by", "revoked_by")
    if not roles.signed_in(user) or not user.is_approved:
        return keys.none()
    if user.is_operator:
        return keys
    return keys.filter(owner=user)


def get_api_key_for_user(user: Actor, pk: Any) -> ApiKey:
    """A key the account may see and revoke (see the module's rules), else 404."""
    try:
        return api_keys_visible_to(user).get(pk=int(pk))
    except (ApiKey.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def others_api_keys_for_operator(user: Actor, query: str) -> ApiKeyQuerySet:
    """For the operator: other accounts' active keys by key prefix or owner e-mail, to revoke a leaked one."""
    if not query.strip() or not roles.is_operator(user):
        return ApiKey.objects.none()
    return api_keys_visible_to(user).active().exclude(owner=user).matching(query)
