"""Foreign societies and what reciprocal agreements bring (Art. 43.4, 46.1 (10), 46.1 (12)).

A foreign society is a partner, not an entry of the register of CMOs: it concludes reciprocal
agreements with domestic CMOs, and its members' repertoire reaches Kazakhstan through them. One
foreign society mandates only one domestic CMO per area: :class:`ReciprocalArea` holds one row per
area of a reciprocal agreement with a foreign society, and the database keeps one active row per
society and area. A foreign holder's membership of a society, per area, is a
:class:`SocietyMembership`; the two together answer which domestic CMO manages a foreign holder's
rights (:func:`registers.public_selectors.reciprocal_paths`).
"""

from __future__ import annotations

import pghistory
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ForeignSociety(models.Model):
    """A collective management society abroad, known by its CISAC code."""

    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=60, unique=True)
    cisac_code = models.CharField(
        _("CISAC society code"), max_length=3, unique=True, help_text=_("Three digits, e.g. 058.")
    )
    country = models.CharField(_("country (ISO code)"), max_length=2)
    territory = models.CharField(
        _("territory"),
        max_length=300,
        blank=True,
        help_text=_("Where it manages rights, if not its country."),
    )
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("foreign society")
        verbose_name_plural = _("foreign societies")
        constraints = [
            models.CheckConstraint(name="foreign_society_cisac_code_digits", condition=Q(cisac_code__regex=r"^[0-9]{3}$")),
            models.CheckConstraint(name="foreign_society_not_kz", condition=~Q(country="KZ") & Q(country__regex=r"^[A-Z]{2}$")),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.short_name


class ReciprocalAreaStatus(models.TextChoices):
    ACTIVE = "active", _("In force")
    ENDED = "ended", _("Ended")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ReciprocalArea(models.Model):
    """One area of a reciprocal agreement between a domestic CMO and a foreign society.

    At most one active row per society and area (Art. 43.4): a society mandates one domestic CMO per area.
    """

    contract = models.ForeignKey(
        "registers.Contract",
        on_delete=models.PROTECT,
        related_name="reciprocal_areas",
        verbose_name=_("contract"),
    )
    society = models.ForeignKey(
        ForeignSociety,
        on_delete=models.PROTECT,
        related_name="reciprocal_areas",
        verbose_name=_("foreign society"),
    )
    cmo = models.ForeignKey(
        "registers.CMO", on_delete=models.PROTECT, related_name="reciprocal_areas", verbose_name=_("CMO")
    )
    area = models.ForeignKey(
        "registers.Area", on_delete=models.PROTECT, related_name="reciprocal_areas",
        verbose_name=_("area of collective management"),
    )  # fmt: skip
    valid_from = models.DateField(_("in force from"))
    valid_until = models.DateField(_("in force until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReciprocalAreaStatus.choices, default=ReciprocalAreaStatus.ACTIVE
    )
    #: the currency the agreement says the society is paid in (ISO 4217; empty: tenge)
    currency = models.CharField(_("currency of remittances"), max_length=3, blank=True, default="")

    class Meta:
        verbose_name = _("area of a reciprocal agreement")
        verbose_name_plural = _("areas of reciprocal agreements")
        constraints = [
            models.UniqueConstraint(
                fields=["society", "area"],
                condition=Q(status="active"),
                name="one_domestic_cmo_per_society_area",
            ),
            models.CheckConstraint(
                name="reciprocal_area_period_ordered",
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.society} → {self.cmo} ({self.area.item})"


class MembershipSource(models.TextChoices):
    CWR = "cwr", _("Society fields of a CWR file")
    CMO = "cmo", _("Entered by the CMO")
    OPERATOR = "operator", _("Entered by the expert organization")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class SocietyMembership(models.Model):
    """A (foreign) holder's membership of a foreign society for one area."""

    party = models.ForeignKey(
        "registers.Party",
        on_delete=models.CASCADE,
        related_name="society_memberships",
        verbose_name=_("holder"),
    )
    society = models.ForeignKey(
        ForeignSociety,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("foreign society"),
    )
    area = models.ForeignKey(
        "registers.Area", on_delete=models.PROTECT, related_name="society_memberships",
        verbose_name=_("area of collective management"),
    )  # fmt: skip
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=MembershipSource.choices)

    class Meta:
        verbose_name = _("membership of a foreign society")
        verbose_name_plural = _("memberships of foreign societies")
        constraints = [
            models.UniqueConstraint(fields=["party", "society", "area"], name="society_membership_unique"),
            models.CheckConstraint(
                name="society_membership_period_ordered",
                condition=Q(until__isnull=True) | Q(since__isnull=True) | Q(until__gte=models.F("since")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} / {self.society} ({self.area.item})"
