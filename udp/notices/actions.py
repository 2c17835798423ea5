"""Writes on notices: sending one (the one way the platform notifies anybody), marking as read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from udp.notices import kinds
from udp.notices.models import Notice


def notify(recipient: Any, code: str, params: Mapping[str, Any] | None = None, *, link: str = "") -> Notice:
    """Tell ``recipient`` something: store the notice (a code and its parameters, read in each reader's
    language) and, if its kind is e-mailed, send the e-mail once the transaction commits (nothing if it
    rolls back), in the recipient's language. ``link`` is a path on the platform (``/imports/5/``)."""
    kind = kinds.get(code)
    if link and not link.startswith("/"):
        raise ValueError("a notice links to a path on the platform")
    with transaction.atomic():
        notice = Notice.objects.create(recipient=recipient, code=code, params=dict(params or {}), link=link)
        if kind.emailed and recipient.email:
            transaction.on_commit(lambda: send_notice_email(notice), robust=True)
    return notice


def send_notice_email(notice: Notice) -> None:
    """The notice's e-mail, in the recipient's language, signed by the platform (``UDP_SITE_URL``)."""
    from udp.accounts.adapter import Platform

    kind = kinds.get(notice.code)
    recipient = notice.recipient
    assert kind.subject is not None
    with translation.override(recipient.email_language):
        context = {
            **notice.params,
            "account": recipient,
            "message": notice.message,
            "url": settings.SITE_URL.rstrip("/") + notice.link if notice.link else "",
            "platform": Platform(),
            "site_url": settings.SITE_URL,
        }
        subject = " ".join(kinds.render(kind.subject, notice.params).split())
        body = render_to_string(f"{kind.email_template}_message.txt", context)
    send_mail(subject, body, None, [recipient.email])


def mark_read(notice: Notice, *, by: Any) -> Notice:
    """The recipient has read ``notice`` (loaded through :func:`udp.notices.access.get_notice_for_user`)."""
    if notice.recipient_id != by.pk:
        raise PermissionError("only its recipient reads a notice")
    if notice.read_at is None:
        notice.read_at = timezone.now()
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=notice.read_at)
    return notice


def mark_all_read(*, by: Any) -> int:
    """Every unread notice of ``by`` is read; how many were unread."""
    return Notice.objects.filter(recipient=by, read_at__isnull=True).update(read_at=timezone.now())
