"""A notice to one account, stored as a code and parameters and read in the reader's language."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from udp.notices import kinds


class Notice(models.Model):
    recipient = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="notices", verbose_name=_("recipient")
    )
    code = models.CharField(_("kind"), max_length=60)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    #: a path on the platform (``/imports/5/``), never an absolute address
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notice_recipient_newest"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notice_recipient_unread"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(link="") | Q(link__startswith="/"), name="notice_link_is_a_path"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} → {self.recipient_id}"

    @property
    def message(self) -> str:
        """What the notice says, in the active language (the reader's)."""
        kind = kinds.KINDS.get(self.code)
        return kinds.render(kind.message, self.params) if kind else self.code

    @property
    def unread(self) -> bool:
        return self.read_at is None
