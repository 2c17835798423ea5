"""Proposals and conflicts: how a change that touches someone else's claim is agreed, or recorded as disputed.

Each party (and the CMO that acts for it) answers for its own claim on a work: its role and shares.
A change that adds to, takes from or removes another party's claim, or changes a work that someone
else registered, is a :class:`Proposal`: it takes effect only when every party it touches (or that
party's CMO) accepts it. A rejected proposal becomes a :class:`Conflict`, which also records what
cannot be agreed in other ways (over-claims, competing registrations; later, overlapping mandates).
Facts that change a person's legal status (death, rehabilitation, IIN, birth date) proposed by the
holder or a CMO are confirmed by the expert organization.

The agreed shares (``registers.Share``) keep their exact-100 % invariant throughout: a proposal
holds the declared set until it is agreed.
"""

from __future__ import annotations

import pghistory
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ProposalKind(models.TextChoices):
    WORK_CHANGE = "work_change", _("Change of a work")
    WORK_REGISTRATION = "work_registration", _("Registration of a work naming other holders")
    PARTY_FACTS = "party_facts", _("Change of legal-status facts")
    ENTRY_CLAIM = "entry_claim", _("Claim of an existing entry by a new account")


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Awaiting answers")
    ACCEPTED = "accepted", _("Accepted and applied")
    REJECTED = "rejected", _("Rejected (recorded as a conflict)")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SUPERSEDED = "superseded", _("Superseded: the entry changed meanwhile")


class Decision(models.TextChoices):
    PENDING = "pending", _("Not yet answered")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class Proposal(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=ProposalKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    work = models.ForeignKey(
        "registers.Work", null=True, blank=True, on_delete=models.CASCADE, related_name="proposals"
    )
    party = models.ForeignKey(
        "registers.Party", null=True, blank=True, on_delete=models.CASCADE, related_name="fact_proposals"
    )
    proposed_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    #: The change as declared: ``{"fields": {...}, "alternate_titles": [...] | null,
    #: "contributors": [{"party": id, "role": "CA", "shares": {"PR": "50.00"}, "credited_as": ""}] | null}``.
    payload = models.JSONField(_("proposed change"), default=dict)
    #: The entry as it was when proposed; if it differs when the last answer comes, the proposal is superseded.
    base = models.JSONField(default=dict)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="proposal_has_one_subject",
                condition=(Q(work__isnull=False) & Q(party__isnull=True))
                | (Q(work__isnull=True) & Q(party__isnull=False)),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class ProposalAnswer(models.Model):
    """One party's answer to a proposal; ``party`` empty means the expert organization answers."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="answers")
    party = models.ForeignKey(
        "registers.Party", null=True, blank=True, on_delete=models.CASCADE, related_name="proposal_answers"
    )
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="proposal_answers"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("answer to a proposal")
        verbose_name_plural = _("answers to proposals")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "party"], name="proposal_answer_once_per_party"),
            models.UniqueConstraint(
                fields=["proposal"], condition=Q(party__isnull=True), name="proposal_answer_once_by_operator"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} / {self.party or '—'}: {self.decision}"


class ConflictKind(models.TextChoices):
    DISPUTED_CHANGE = "disputed_change", _("Disputed change of a work")
    DISPUTED_REGISTRATION = "disputed_registration", _("Disputed registration of a work")
    OVER_CLAIM = "over_claim", _("Claims above 100 %")
    COMPETING_REGISTRATION = "competing_registration", _("Competing registrations of one work")
    DISPUTED_FACTS = "disputed_facts", _("Disputed legal-status facts")
    OVERLAPPING_MANDATES = "overlapping_mandates", _("Overlapping mandates")
    COMPETING_HOLDER_CLAIMS = "competing_holder_claims", _("Two CMOs claim one holder")
    COMPETING_WORK_CLAIMS = "competing_work_claims", _("Two CMOs claim one work")
    COMPETING_RECIPROCAL = "competing_reciprocal", _("Two domestic CMOs claim one foreign society")


class ConflictStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class Conflict(models.Model):
    """What cannot be agreed, with the parties it touches; money on its subject waits until it is resolved."""

    kind = models.CharField(_("kind"), max_length=24, choices=ConflictKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ConflictStatus.choices, default=ConflictStatus.OPEN
    )
    work = models.ForeignKey(
        "registers.Work", null=True, blank=True, on_delete=models.CASCADE, related_name="conflicts"
    )
    proposal = models.OneToOneField(
        Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="conflict"
    )
    parties = models.ManyToManyField("registers.Party", related_name="conflicts", verbose_name=_("parties"))
    #: The CMOs whose claims meet in the conflict (they see it and may add evidence).
    cmos = models.ManyToManyField(
        "registers.CMO", related_name="conflicts", blank=True, verbose_name=_("CMOs")
    )
    society = models.ForeignKey(
        "registers.ForeignSociety",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="conflicts",
        verbose_name=_("foreign society"),
    )
    area = models.ForeignKey(
        "registers.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conflicts",
        verbose_name=_("area of collective management"),
    )
    right_type = models.CharField(_("right type"), max_length=2, blank=True)
    #: What the detector found, as a key (kind, subject, area, right type): one open conflict per key.
    key = models.CharField(max_length=120, blank=True)
    #: A message code and its parameters, rendered in the reader's language (see registers.claims.MESSAGES).
    code = models.CharField(max_length=40)
    params = models.JSONField(default=dict)
    opened_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="conflicts_opened"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="conflicts_resolved"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        verbose_name = _("conflict")
        verbose_name_plural = _("conflicts")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["work", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(status="open") & ~Q(key=""), name="one_open_conflict_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


@pghistory.track(pghistory.InsertEvent())
class ConflictEvidence(models.Model):
    """What a party (or its CMO) puts forward in a conflict: a statement and, where it has one, a file."""

    conflict = models.ForeignKey(
        Conflict, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("conflict")
    )
    party = models.ForeignKey(
        "registers.Party",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conflict_evidence",
        verbose_name=_("for the party"),
    )
    cmo = models.ForeignKey(
        "registers.CMO",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conflict_evidence",
        verbose_name=_("for the CMO"),
    )
    text = models.TextField(_("statement"))
    file = models.FileField(_("document"), upload_to="conflicts/evidence/", blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    added_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="conflict_evidence",
        verbose_name=_("added by"),
    )  # fmt: skip
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence in a conflict")
        verbose_name_plural = _("evidence in conflicts")
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return f"{self.conflict} / {self.pk}"
