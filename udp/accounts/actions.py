"""Writes on accounts: moderation of self-registered accounts, staff accounts, API keys.

What an account's approval does to its register entries is :mod:`registers.enrolment`'s.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from udp.accounts.models import CMO_ROLES, ApiKey, Moderation, Role, User
from udp.accounts.scopes import Scope
from udp.audit import audited

if TYPE_CHECKING:
    from registers.models import CMO


#: Roles the operator gives out; everyone else signs up and is moderated.
STAFF_ROLES = (Role.CMO_ADMIN, Role.CMO_STAFF, Role.REGULATOR, Role.OPERATOR)


def _email(account: User, template: str, context: dict[str, Any]) -> None:
    """E-mail ``account`` in its own language (not in the language of whoever caused the e-mail).

    Only for what is not a notice (a new staff account's link to set its password); everything else
    goes through :func:`udp.notices.actions.notify`."""
    with translation.override(account.email_language):
        subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"accounts/email/{template}_message.txt", context)
    send_mail(subject, body, None, [account.email])


def password_setup_url(account: User) -> str:
    """An absolute link to allauth's password-reset page, by which a new account sets its password."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str
    from django.conf import settings
    from django.urls import reverse

    key = default_token_generator.make_token(account)
    path = reverse(
        "account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(account), "key": key}
    )
    return settings.SITE_URL.rstrip("/") + path


def create_staff_account(
    *,
    by: User,
    email: str,
    role: str,
    full_name: str = "",
    cmo: CMO | None = None,
    phone: str = "",
    language: str = "",
) -> User:
    """The operator opens an account for CMO staff, the authorized body or another operator.

    The account is approved at once and has no password: the new user receives an e-mail (in
    ``language``, by default the platform's) with a link to set one, and on first sign-in must set up
    a second factor (TOTP).
    """
    from allauth.account.models import EmailAddress

    if not by.is_operator:
        raise PermissionError(_("only the operator creates staff accounts"))
    email = User.objects.normalize_email(email).strip()
    errors: dict[str, Any] = {}
    if role not in STAFF_ROLES:
        errors["role"] = _("The operator creates only CMO, authorized-body and operator accounts.")
    elif role in CMO_ROLES and cmo is None:
        errors["cmo"] = _("Choose the CMO this person works for.")
    if (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    ):
        errors["email"] = _("An account with this e-mail address already exists.")
    if errors:
        raise ValidationError(errors)
    with audited(by, f"staff account created: {role}"):
        account = User(
            email=email,
            full_name=full_name,
            phone=phone,
            language=language,
            role=role,
            cmo=cmo if role in CMO_ROLES else None,
            moderation=Moderation.APPROVED,
            moderated_by=by,
            moderated_at=timezone.now(),
        )
        account.set_unusable_password()
        account.save()
        EmailAddress.objects.create(user=account, email=email, verified=True, primary=True)
        transaction.on_commit(
            lambda: _email(account, "staff_created", {"account": account, "url": password_setup_url(account)})
        )
    return account


# --- API keys ---------------------------------------------------------------------------------

#: Every key starts with this, so that secret scanners and people recognise a leaked one.
API_KEY_MARK = "udp_"


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_api_key(
    *, by: User, name: str, scopes: Iterable[str], expires_at: dt.datetime | None = None
) -> tuple[ApiKey, str]:
    """A new key for ``by``'s own account; returns the key row and the key itself, which is never stored.

    The key carries the account's organisation as it is now (see :meth:`ApiKey.matches_owner`).
    Callers check that the person has just re-authenticated (and passed the second factor).
    """
    if not by.is_approved:
        raise PermissionError(_("only approved accounts hold API keys"))
    scopes = sorted(set(scopes))
    errors: dict[str, Any] = {}
    if not name.strip():
        errors["name"] = _("Give the key a name that says which system uses it.")
    if not scopes or not set(scopes) <= set(Scope.values):
        errors["scopes"] = _("Choose at least one scope.")
    now = timezone.now()
    if expires_at is None:
        expires_at = now + dt.timedelta(days=settings.UDP_API_KEY_LIFETIME_DAYS)
    elif not now < expires_at <= now + dt.timedelta(days=settings.UDP_API_KEY_MAX_LIFETIME_DAYS):
        errors["expires_at"] = _("A key expires in the future and within %(days)s days.") % {
            "days": settings.UDP_API_KEY_MAX_LIFETIME_DAYS
        }
    if errors:
        raise ValidationError(errors)
    prefix = API_KEY_MARK + get_random_string(8, "abcdefghijklmnopqrstuvwxyz0123456789")
    key = f"{prefix}_{secrets.token_urlsafe(32)}"
    with audited(by, f"API key issued: {name.strip()}"):
        api_key = ApiKey.objects.create(
            owner=by,
            role=by.role,
            cmo_id=by.cmo_id,
            licensee_id=by.licensee_id,
            party_id=by.party_id,
            name=name.strip(),
            prefix=prefix,
            hashed_key=hash_api_key(key),
            scopes=scopes,
            created_at=now,
            created_by=by,
            expires_at=expires_at,
        )
    return api_key, key


def revoke_api_key(api_key: ApiKey, *, by: User) -> ApiKey:
    """The owner, or the operator, withdraws a key; it answers 401 from now on. Revoking twice is a no-op."""
    if not (api_key.owner_id == by.pk or by.is_operator):
        raise PermissionError(_("only the owner or the operator revokes a key"))
    with audited(by, f"API key revoked: {api_key.prefix}"):
        locked = ApiKey.objects.select_for_update().get(pk=api_key.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.revoked_by = by
            locked.save(update_fields=["revoked_at", "revoked_by"])
    return locked


def authenticate_api_key(key: str) -> ApiKey | None:
    """The key row for a presented key, with its owner; ``None`` for an unknown key. Notes the use."""
    if not key.startswith(API_KEY_MARK):
        return None
    api_key = ApiKey.objects.select_related("owner").filter(hashed_key=hash_api_key(key)).first()
    if api_key is not None and api_key.is_active:
        now = timezone.now()
        stale = now - dt.timedelta(seconds=60)
        # At most one write a minute per key: last use is a hint, not an audit trail.
        if api_key.last_used_at is None or api_key.last_used_at < stale:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
            api_key.last_used_at = now
    return api_key
