"""Requests for information of the authorized body to a user (Art. 48-2.2): ask, answer.

The authorized body asks a user for information on the works used, its income and its royalty payments
for a period, by a date; the user's approved accounts are told and answer on the platform; the asking
official is told of the answer."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _

from licensing.info_access import may_answer, may_ask
from licensing.models import InfoAnswer, InfoRequest, InfoRequestStatus, InfoTopic
from registers.models import Licensee
from udp.accounts.models import User
from udp.audit import audited
from udp.core import clock
from udp.notices.actions import notify

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


def ask_for_information(
    *,
    by: User,
    licensee: Licensee,
    subject: str,
    question: str,
    topics: Iterable[str],
    period_from: dt.date,
    period_to: dt.date,
    due_on: dt.date,
) -> InfoRequest:
    """The authorized body asks ``licensee``; every approved account of the user is told."""
    if not may_ask(by):
        raise PermissionError(_("only the authorized body asks users for information"))
    topics = sorted(set(topics))
    errors: dict[str, Any] = {}
    if not subject.strip():
        errors["subject"] = _("Say what the request is about.")
    if not question.strip():
        errors["question"] = _("Write the question.")
    if not topics or not set(topics) <= set(InfoTopic.values):
        errors["topics"] = _("Choose what information is asked for.")
    if period_to < period_from:
        errors["period_to"] = _("The period ends on or after its first day.")
    if due_on <= clock.today():
        errors["due_on"] = _("The answer is due on a later day than today.")
    if errors:
        raise ValidationError(errors)
    with audited(by):
        row = InfoRequest.objects.create(
            licensee=licensee, asked_by=by, subject=subject.strip(), question=question.strip(), topics=topics,
            period_from=period_from, period_to=period_to, due_on=due_on,
        )  # fmt: skip
        link = reverse("info_space:detail", args=[row.pk])
        params = {
            "id": row.pk, "subject": row.subject, "period_from": period_from.isoformat(),
            "period_to": period_to.isoformat(), "due": due_on.isoformat(),
        }  # fmt: skip
        for account in User.objects.filter(licensee=licensee, is_active=True, moderation="approved"):
            notify(account, "info_request_asked", params, link=link)
    return row


def answer_information_request(
    request: InfoRequest, *, by: User, text: str, attachment: UploadedFile | None = None
) -> InfoAnswer:
    """The user answers on the platform; the request is answered and the asking official is told."""
    if not may_answer(by, request):
        raise PermissionError(_("only the user's own accounts answer its requests"))
    errors: dict[str, Any] = {}
    if not text.strip():
        errors["text"] = _("Write the answer.")
    if attachment is not None and attachment.size is not None and attachment.size > MAX_ATTACHMENT_BYTES:
        errors["attachment"] = _("The file is larger than 20 MB.")
    if errors:
        raise ValidationError(errors)
    with audited(by):
        locked = InfoRequest.objects.select_for_update().get(pk=request.pk)
        answer = InfoAnswer(request=locked, text=text.strip(), answered_by=by)
        if attachment is not None:
            suffix = Path(attachment.name or "").suffix.lower()[:10]
            answer.attachment.save(f"{secrets.token_hex(12)}{suffix}", attachment, save=False)
        answer.save()
        if locked.status != InfoRequestStatus.ANSWERED:
            locked.status = InfoRequestStatus.ANSWERED
            locked.save(update_fields=["status"])
        notify(
            locked.asked_by,
            "info_request_answered",
            {"id": locked.pk, "subject": locked.subject, "user": str(locked.licensee)},
            link=reverse("info_regulator:detail", args=[locked.pk]),
        )
    return answer
