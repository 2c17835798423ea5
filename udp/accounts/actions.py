"""Moderation of self-registered accounts by the operator."""

from __future__ import annotations

from typing import Any

import pghistory
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from registers.models import CMO, Party, Work
from udp.accounts.models import CMO_ROLES, Moderation, Role, User


def _notify(account: User, template: str, context: dict[str, Any]) -> None:
    with translation.override(translation.get_language() or "ru"):
        subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"accounts/email/{template}_message.txt", context)
    send_mail(subject, body, None, [account.email])


def approve_account(account: User, *, by: User, note: str = "") -> User:
    """The operator has checked the sign-up form: the account becomes active and its entries public."""
    if not by.is_operator:
        raise PermissionError("only the operator moderates accounts")
    with transaction.atomic(), pghistory.context(user=by.pk, reason=note or "account approved"):
        account.moderation = Moderation.APPROVED
        account.moderation_note = note
        account.moderated_by = by
        account.moderated_at = timezone.now()
        account.save(update_fields=["moderation", "moderation_note", "moderated_by", "moderated_at"])
        party_ids = [pk for pk in (account.party_id, getattr(account.licensee, "party_id", None)) if pk]
        Party.objects.filter(pk__in=party_ids).update(verified=True)
        if account.licensee_id:
            type(account.licensee).objects.filter(pk=account.licensee_id).update(verified=True)
        Work.objects.filter(submitted_by=account).update(public=True)
        transaction.on_commit(lambda: _notify(account, "approved", {"account": account}))
    return account


def reject_account(account: User, *, by: User, reason: str) -> User:
    if not by.is_operator:
        raise PermissionError("only the operator moderates accounts")
    if not reason.strip():
        raise ValidationError({"reason": _("Say what is wrong with the form, so the applicant can fix it.")})
    with transaction.atomic(), pghistory.context(user=by.pk, reason=reason):
        account.moderation = Moderation.REJECTED
        account.moderation_note = reason.strip()
        account.moderated_by = by
        account.moderated_at = timezone.now()
        account.save(update_fields=["moderation", "moderation_note", "moderated_by", "moderated_at"])
        transaction.on_commit(lambda: _notify(account, "rejected", {"account": account, "reason": reason}))
    return account


#: Roles the operator gives out; everyone else signs up and is moderated.
STAFF_ROLES = (Role.CMO_ADMIN, Role.CMO_STAFF, Role.REGULATOR, Role.OPERATOR)


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
    *, by: User, email: str, role: str, full_name: str = "", cmo: CMO | None = None, phone: str = ""
) -> User:
    """The operator opens an account for CMO staff, the authorized body or another operator.

    The account is approved at once and has no password: the new user receives an e-mail with a link
    to set one, and on first sign-in must set up a second factor (TOTP).
    """
    from allauth.account.models import EmailAddress

    if not by.is_operator:
        raise PermissionError("only the operator creates staff accounts")
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
    with transaction.atomic(), pghistory.context(user=by.pk, reason=f"staff account created: {role}"):
        account = User(
            email=email,
            full_name=full_name,
            phone=phone,
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
            lambda: _notify(
                account, "staff_created", {"account": account, "url": password_setup_url(account)}
            )
        )
    return account
