"""The register of CMOs (Art. 45-1.2 (3)) and the register of users (Art. 45-1.2 (4))."""

from __future__ import annotations

import pghistory
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class CMO(models.Model):
    """A collective management organisation: a legal entity in the register of holders, plus its charter.

    Only Kazakh CMOs are entered here; foreign societies are partners (:class:`registers.models.ForeignSociety`).
    """

    party = models.OneToOneField(
        "registers.Party", on_delete=models.PROTECT, related_name="cmo", verbose_name=_("legal entity")
    )
    short_name = models.CharField(_("short name"), max_length=60, unique=True)
    cisac_code = models.CharField(_("CISAC society code"), max_length=3, blank=True)
    website = models.URLField(_("website"), blank=True)
    public_email = models.EmailField(_("public e-mail"), blank=True)
    public_phone = models.CharField(_("public phone"), max_length=40, blank=True)
    legal_address = models.TextField(_("legal address"), blank=True)
    charter = models.FileField(_("charter"), upload_to="cmo/charters/", blank=True)
    charter_date = models.DateField(_("charter date"), null=True, blank=True)
    areas = models.ManyToManyField("registers.Area", through="CMOArea", related_name="cmos", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("collective management organisation")
        verbose_name_plural = _("collective management organisations")

    def __str__(self) -> str:
        return self.short_name


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class CMOArea(models.Model):
    """An area of collective management a CMO works in, by its charter."""

    cmo = models.ForeignKey(CMO, on_delete=models.CASCADE, related_name="area_links", verbose_name=_("CMO"))
    area = models.ForeignKey(
        "registers.Area",
        on_delete=models.PROTECT,
        related_name="cmo_links",
        verbose_name=_("area of collective management"),
    )
    since = models.DateField(_("since"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cmo", "area"], name="cmo_area_unique")]

    def __str__(self) -> str:
        return f"{self.cmo} / {self.area}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class CMORepresentative(models.Model):
    """A representative of a CMO (Art. 46.1 (7)): published on its public page."""

    cmo = models.ForeignKey(
        CMO, on_delete=models.CASCADE, related_name="representatives", verbose_name=_("CMO")
    )
    name = models.CharField(_("name"), max_length=300)
    position = models.CharField(_("position"), max_length=200, blank=True)
    region = models.CharField(_("region"), max_length=200, blank=True)
    public_phone = models.CharField(_("public phone"), max_length=40, blank=True)
    public_email = models.EmailField(_("public e-mail"), blank=True)

    def __str__(self) -> str:
        return self.name


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class CMOBranch(models.Model):
    cmo = models.ForeignKey(CMO, on_delete=models.CASCADE, related_name="branches", verbose_name=_("CMO"))
    city = models.CharField(_("city"), max_length=200)
    address = models.CharField(_("office address"), max_length=300, blank=True)
    head = models.CharField(_("head of branch"), max_length=300, blank=True)
    public_phone = models.CharField(_("public phone"), max_length=40, blank=True)

    def __str__(self) -> str:
        return f"{self.cmo} — {self.city}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Licensee(models.Model):
    """An entry in the register of users: a person or entity that uses works, with a category."""

    party = models.OneToOneField(
        "registers.Party",
        on_delete=models.PROTECT,
        related_name="licensee",
        verbose_name=_("person or legal entity"),
    )
    category = models.ForeignKey(
        "registers.UserCategory",
        on_delete=models.PROTECT,
        related_name="licensees",
        verbose_name=_("user category"),
    )
    trade_name = models.CharField(_("trade name"), max_length=300, blank=True)
    verified = models.BooleanField(_("verified"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.trade_name or self.party.name


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class LicenseeLocation(models.Model):
    """A place where a user uses works: a venue, a station, a shop; its city is public."""

    licensee = models.ForeignKey(
        Licensee, on_delete=models.CASCADE, related_name="locations", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=300)
    category = models.ForeignKey(
        "registers.UserCategory",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("user category"),
    )
    city = models.CharField(_("city"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    area_m2 = models.PositiveIntegerField(_("area, m²"), null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="location_area_positive", condition=Q(area_m2__isnull=True) | Q(area_m2__gt=0)
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"
