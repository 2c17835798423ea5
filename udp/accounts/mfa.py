"""The second factor: who must have one, and whether this request has passed it.

CMO, authorized-body and operator accounts (``User.needs_mfa``) reach nothing — no page, no API
operation, by session, token or key — until they have a TOTP authenticator *and* the credential
in use has passed it:

- a session has passed it when allauth recorded an ``mfa`` step in it (the login's second stage, a
  re-authentication, or the activation of the authenticator in this session, see :func:`record_activation`);
  a session opened any other way (say, Django's admin login with a password alone) has not;
- an API token is issued only against a valid TOTP code (:mod:`registers.api`), and stops working
  when the account no longer has an authenticator.
"""

from __future__ import annotations

from typing import Any

from allauth.account.internal.flows.login import get_authentication_records, record_authentication
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

from udp.accounts import roles
from udp.accounts.roles import Actor


def has_totp(user: Actor) -> bool:
    return bool(
        getattr(user, "pk", None)
        and Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    )


def session_passed_mfa(request: HttpRequest, user: Actor) -> bool:
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, user))


def mfa_missing(user: Actor | None) -> bool:
    """The account must have a second factor and has none."""
    return roles.signed_in(user) and user.needs_mfa and not has_totp(user)


def session_blocked(request: HttpRequest, user: Actor | None) -> bool:
    """A signed-in account that must use a second factor and has not, in this session."""
    if not roles.signed_in(user) or not user.needs_mfa:
        return False
    return mfa_missing(user) or not session_passed_mfa(request, user)


def record_activation(
    sender: Any, request: HttpRequest | None = None, user: Actor | None = None, **kwargs: Any
) -> None:
    """Activating an authenticator proves a fresh code in this session: count it as the second factor."""
    authenticator = kwargs.get("authenticator")
    if request is not None and user is not None and authenticator is not None:
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
