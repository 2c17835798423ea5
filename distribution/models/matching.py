"""Matching usage to works (Art. 46.1 (3): take measures to identify).

Usage lines (``licensing_usage_line``) are matched on their *distinct keys*, never line by line: a
:class:`UsageKey` is one CMO's distinct (ISRC, ISWC, title, artist) of a month, as the lines wrote
them, with its normalized key (``nkey``, "title|artist" in one Latin spelling) and what it matched.
Lines find their key by a hash join on the four columns they were distinct on (no link column).
:class:`WorkKey` is the registers' side of the normalized keys (every title of a work with every
contributor's name), rebuilt set-based by :func:`distribution.matching.refresh_work_keys`.
:class:`ConfirmedMatch` is what a CMO's staff confirmed, used first the next time (stage 2).
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import HashIndex
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Collate
from django.utils.translation import gettext_lazy as _


class MatchStage(models.IntegerChoices):
    NONE = 0, _("Not matched")
    IDENTIFIER = 1, _("Identifier (ISRC or ISWC)")
    CONFIRMED = 2, _("Confirmed earlier")
    KEY = 3, _("Title and artist")
    FUZZY = 4, _("Similar title and artist")


class MatchStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be matched")
    MATCHED = "matched", _("Matched")
    REVIEW = "review", _("Waiting for review")
    UNMATCHED = "unmatched", _("Unmatched")


class UsageKey(models.Model):
    """Written once per key by a chunk of matching (millions a month): the CMO, work and recording are
    the registers' ids without database foreign keys (as :class:`WorkKey`; works are withdrawn, never
    deleted), so no row costs a foreign-key check, and the indexes are the unique key (bytewise, in the
    order a chunk writes it) and partial ones over what is still open."""

    id = models.BigAutoField(primary_key=True)
    cmo = models.ForeignKey(
        "registers.CMO",
        on_delete=models.CASCADE,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name=_("CMO"),
    )
    period = models.DateField(_("month"))
    isrc = models.CharField("ISRC", max_length=12, blank=True)
    iswc = models.CharField("ISWC", max_length=15, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    artist = models.CharField(_("artist"), max_length=300, blank=True)
    nkey = models.CharField(_("normalized title and artist"), max_length=700, blank=True)
    block = models.CharField(_("block"), max_length=4, blank=True)
    lines = models.IntegerField(_("lines"), default=0)
    plays = models.BigIntegerField(_("plays"), default=0)
    work = models.ForeignKey(
        "registers.Work",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name=_("work"),
    )
    recording = models.ForeignKey(
        "registers.Work",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name=_("recording"),
    )
    stage = models.SmallIntegerField(_("stage"), choices=MatchStage.choices, default=MatchStage.NONE)
    score = models.SmallIntegerField(_("score"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MatchStatus.choices, default=MatchStatus.PENDING
    )
    #: Works (or recordings) proposed for review, best first.
    candidates = ArrayField(models.BigIntegerField(), verbose_name=_("candidates"), default=list, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_index=False,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("usage key")
        verbose_name_plural = _("usage keys")
        constraints = [
            # bytewise ("C"): the same equality as the column's collation, and the order a chunk's keys
            # are sorted in, so each chunk appends to the index instead of touching pages at random
            models.UniqueConstraint(
                F("cmo"),
                F("period"),
                Collate("title", "C"),
                Collate("artist", "C"),
                Collate("isrc", "C"),
                Collate("iswc", "C"),
                name="usagekey_unique",
            ),  # fmt: skip
            models.CheckConstraint(
                name="usagekey_matched_has_target",
                condition=~Q(status="matched") | Q(work__isnull=False) | Q(recording__isnull=False),
            ),
            models.CheckConstraint(name="usagekey_score_range", condition=Q(score__gte=0, score__lte=100)),
        ]
        indexes = [
            models.Index(
                fields=["cmo", "status", "period"],
                name="usagekey_queue",
                condition=Q(status__in=[MatchStatus.REVIEW, MatchStatus.UNMATCHED]),
            ),  # fmt: skip
            models.Index(fields=["period", "status"], name="usagekey_open", condition=~Q(status="matched")),
            models.Index(
                fields=["decided_by"], name="usagekey_decided_by", condition=Q(decided_by__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.isrc or self.iswc or self.nkey}"


class ConfirmedMatch(models.Model):
    """A normalized key a CMO's staff tied to a work or recording: stage 2 uses it in later periods."""

    cmo = models.ForeignKey(
        "registers.CMO", on_delete=models.CASCADE, related_name="+", verbose_name=_("CMO")
    )
    nkey = models.CharField(_("normalized title and artist"), max_length=700)
    work = models.ForeignKey(
        "registers.Work",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("work"),
    )
    recording = models.ForeignKey(
        "registers.Work",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recording"),
    )
    confirmed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("confirmed by")
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("confirmed match")
        verbose_name_plural = _("confirmed matches")
        constraints = [
            models.UniqueConstraint(fields=["cmo", "nkey"], name="confirmedmatch_unique"),
            models.CheckConstraint(
                name="confirmedmatch_has_target", condition=Q(work__isnull=False) | Q(recording__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.nkey


class WorkKey(models.Model):
    """One normalized "title|name" of a work (``work``) or recording (``recording``, with the work it
    embodies in ``work`` when the registers know one). Derived data: rebuilt, never edited."""

    id = models.BigAutoField(primary_key=True)
    nkey = models.CharField(_("normalized title and artist"), max_length=700)
    block = models.CharField(_("block"), max_length=4)
    work = models.ForeignKey(
        "registers.Work",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("work"),
    )
    recording = models.ForeignKey(
        "registers.Work",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("recording"),
    )

    class Meta:
        verbose_name = _("work key")
        verbose_name_plural = _("work keys")
        indexes = [
            HashIndex(fields=["nkey"], name="workkey_nkey"),
            models.Index(fields=["block"], name="workkey_block"),
        ]

    def __str__(self) -> str:
        return self.nkey


class MatchingMonth(models.Model):
    """A month of usage as matching last gathered it (:mod:`distribution.matching`): the counted reports it saw
    (a fingerprint of their ids), when, and how far the chunks sent for that gathering are. A month is matched
    again when its counted reports are no longer those it saw, or when it is asked again (``requested_at``)."""

    period = models.DateField(_("month"), unique=True)
    gathering = models.IntegerField(_("gathering"), default=0)
    reports = models.CharField(_("counted reports seen"), max_length=32, blank=True)
    gathered_at = models.DateTimeField(_("gathered at"), null=True, blank=True)
    chunks = models.IntegerField(_("chunks"), default=0)
    done = ArrayField(models.IntegerField(), verbose_name=_("chunks done"), default=list, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    requested_at = models.DateTimeField(_("asked again at"), null=True, blank=True)

    class Meta:
        verbose_name = _("month of matching")
        verbose_name_plural = _("months of matching")

    def __str__(self) -> str:
        return f"{self.period:%Y-%m}"
