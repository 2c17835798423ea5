"""A holder's demand for the remuneration due to them under a distribution made (Art. 46.2; A46.2-claim).

A holder whose money a CMO kept — because the CMO did not represent them in the run, or because no holder
was on record for a work they now hold — files a :class:`RemunerationClaim` with that CMO. The claim freezes
what was claimable when it was filed (:class:`RemunerationClaimLine`, one per run and route, and per work for
money kept with no holder); the CMO's staff accept or refuse it, with a reason. An accepted claim is settled
in the ledger at once (:mod:`distribution.remuneration`): the money leaves *undistributed* for the holder's
*holders payable* (less the tax withheld), and the next payment file pays it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DemandStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the CMO's answer")
    ACCEPTED = "accepted", _("Accepted: to be paid")
    REFUSED = "refused", _("Refused")


class RemunerationClaim(models.Model):
    party = models.ForeignKey(
        "registers.Party", on_delete=models.PROTECT, related_name="+", verbose_name=_("holder")
    )
    cmo = models.ForeignKey(
        "registers.CMO", on_delete=models.PROTECT, related_name="remuneration_claims", verbose_name=_("CMO")
    )
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DemandStatus.choices, default=DemandStatus.PENDING
    )
    #: What the claim asks for when filed (the sum of its lines), in tiyn, before tax.
    total_tiyn = models.BigIntegerField(_("amount claimed, tiyn"))
    #: The tax withheld on acceptance (Art. 45 (4)), in tiyn.
    tax_tiyn = models.BigIntegerField(_("tax withheld, tiyn"), default=0)
    answer_due = models.DateField(_("answer due by"))
    reason = models.TextField(_("reason for the refusal"), blank=True)
    filed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by")
    )
    filed_at = models.DateTimeField(_("filed at"))
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("decided by"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("claim of remuneration")
        verbose_name_plural = _("claims of remuneration")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["party", "cmo"], condition=Q(status="pending"), name="remunerationclaim_one_pending"
            ),
            models.CheckConstraint(
                name="remunerationclaim_refusal_has_reason", condition=~Q(status="refused") | ~Q(reason="")
            ),
            models.CheckConstraint(name="remunerationclaim_positive", condition=Q(total_tiyn__gt=0)),
            models.CheckConstraint(
                name="remunerationclaim_tax_within",
                condition=Q(tax_tiyn__gte=0, tax_tiyn__lte=models.F("total_tiyn")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party_id} → {self.cmo_id}: {self.total_tiyn}"

    @property
    def payable_tiyn(self) -> int:
        return self.total_tiyn - self.tax_tiyn


class RemunerationClaimLine(models.Model):
    """Money a run kept that the claim asks for: the holder's own (``work`` empty) or their part of a work's
    money kept with no holder on record."""

    claim = models.ForeignKey(
        RemunerationClaim, on_delete=models.CASCADE, related_name="lines", verbose_name=_("claim")
    )
    run = models.ForeignKey(
        "distribution.Run", on_delete=models.PROTECT, related_name="+", verbose_name=_("distribution run")
    )
    work = models.ForeignKey(
        "registers.Work", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("work"),
    )  # fmt: skip
    route = models.CharField(_("why it was kept"), max_length=16)
    amount_tiyn = models.BigIntegerField(_("amount, tiyn"))

    class Meta:
        verbose_name = _("line of a claim of remuneration")
        verbose_name_plural = _("lines of claims of remuneration")
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "run", "work"], nulls_distinct=False, name="remunerationclaimline_once"
            ),
            models.CheckConstraint(name="remunerationclaimline_positive", condition=Q(amount_tiyn__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.work_id}: {self.amount_tiyn}"
