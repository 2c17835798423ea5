"""Who a person is on the platform, named once.

Every check of a person's role goes through these predicates (or the properties of
:class:`~udp.accounts.models.User` they read): never compare ``user.role`` with a string elsewhere.
Each predicate accepts an anonymous visitor (or ``None``) and answers ``False`` for it; a ``True``
answer tells the type checker the person is a signed-in :class:`User`.
"""

from __future__ import annotations

from typing import TypeGuard

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from udp.accounts.models import Moderation, Role, User

#: Whoever makes a request: a visitor or a signed-in account.
Actor = User | AnonymousUser

#: Each role's console (:mod:`udp.accounts.consoles`), whose page is the role's home: ``<console>:home``.
CONSOLE_OF_ROLE = {
    Role.HOLDER: "portal",
    Role.LICENSEE: "space",
    Role.CMO_ADMIN: "cmo",
    Role.CMO_STAFF: "cmo",
    Role.REGULATOR: "regulator",
    Role.OPERATOR: "operator",
}
HOME_URL_NAMES = {role: f"{console}:home" for role, console in CONSOLE_OF_ROLE.items()}


def signed_in(user: Actor | None) -> TypeGuard[User]:
    return isinstance(user, User) and user.is_authenticated


def is_approved(user: Actor | None) -> TypeGuard[User]:
    return isinstance(user, User) and user.is_approved


def is_operator(user: Actor | None) -> TypeGuard[User]:
    """The expert organization that runs the platform."""
    return isinstance(user, User) and user.is_operator


def is_regulator(user: Actor | None) -> TypeGuard[User]:
    """The authorized body (read-only overview)."""
    return isinstance(user, User) and user.is_regulator


def is_cmo_staff(user: Actor | None) -> TypeGuard[User]:
    """Staff of a CMO, its administrators included."""
    return isinstance(user, User) and user.is_cmo_staff


def is_cmo_admin(user: Actor | None) -> TypeGuard[User]:
    return isinstance(user, User) and user.is_cmo_admin


def is_holder(user: Actor | None) -> TypeGuard[User]:
    """A rightsholder (person or entity)."""
    return isinstance(user, User) and user.is_holder


def is_licensee(user: Actor | None) -> TypeGuard[User]:
    """A music user."""
    return isinstance(user, User) and user.is_licensee


def is_official(user: Actor | None) -> TypeGuard[User]:
    """The operator or the authorized body: they read every register."""
    return is_operator(user) or is_regulator(user)


def answers_proposals(user: Actor | None) -> TypeGuard[User]:
    """Rightsholders, CMO staff, the operator and the authorized body see proposals and claims."""
    return is_holder(user) or is_cmo_staff(user) or is_official(user)


def acting_account(user: Actor | None) -> User:
    """The signed-in account of a request whose permissions already let only signed-in people in."""
    if not signed_in(user):
        raise PermissionDenied
    return user


def home_url_for(user: Actor) -> str:
    """Where a signed-in person lands: their console, or the page that says their account waits."""
    if not isinstance(user, User) or user.moderation != Moderation.APPROVED:
        return reverse("account_pending")
    return reverse(HOME_URL_NAMES[Role(user.role)])
