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

from registers.models import Party, Work
from udp.accounts.models import Moderation, User


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
