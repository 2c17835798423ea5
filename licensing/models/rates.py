"""Prices as data: the monthly calculation index (МРП) by date, the authorized body's minimum rates
(Art. 16-1, 40-2) and each CMO's tariffs (Art. 44.2), all with the dates they are valid.

A rate, minimum or tariff, is a set of components summed (:class:`RateShape`): a fixed amount per
period, an amount per unit of a declared parameter, a percentage of declared revenue with a minimum.
An amount is in tenge or in МРП (then it is worth the index's value on the day it is applied).
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

#: The sources the platform itself loaded (licensing/migrations/0002_mrp_values.py), read in the reader's
#: language; a source the authorized body types is shown as typed.
SEEDED_SOURCES = {
    gettext_noop("Law on the republican budget for 2024–2026"),
    gettext_noop("Law on the republican budget for 2025–2027"),
    gettext_noop("Law on the republican budget for 2026–2028"),
}


class IndexKind(models.TextChoices):
    MRP = "mrp", _("Monthly calculation index (MCI)")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class IndexValue(models.Model):
    """The value of an index from a day on (the budget law sets the МРП each year)."""

    kind = models.CharField(_("index"), max_length=10, choices=IndexKind.choices, default=IndexKind.MRP)
    valid_from = models.DateField(_("valid from"))
    value = models.DecimalField(_("value, tenge"), max_digits=12, decimal_places=2)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["kind", "-valid_from"]
        verbose_name = _("index value")
        verbose_name_plural = _("index values")
        constraints = [
            models.UniqueConstraint(fields=["kind", "valid_from"], name="one_index_value_per_day"),
            models.CheckConstraint(name="index_value_positive", condition=Q(value__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.valid_from}: {self.value}"

    @property
    def source_label(self) -> str:
        return gettext(self.source) if self.source in SEEDED_SOURCES else self.source


class Use(models.TextChoices):
    """How works are used: what a licence or a remuneration agreement is for."""

    BACKGROUND = "background", _("Background music in premises")
    LIVE = "live", _("Live performance (concerts, events)")
    BROADCAST = "broadcast", _("Broadcasting (radio, television)")
    CABLE = "cable", _("Cable and IPTV retransmission")
    ONLINE = "online", _("Online streaming and downloads")
    REPRODUCTION = "reproduction", _("Reproduction (copies, recordings)")
    PRIVATE_COPYING = "private_copying", _("Equipment and media for private copying")
    RESALE = "resale", _("Resale of works of fine art")


class RateShape(models.TextChoices):
    FIXED = "fixed", _("Fixed amount per period")
    PER_UNIT = "per_unit", _("Amount per unit of a declared parameter")
    PERCENT = "percent", _("Percentage of declared revenue, with a minimum")


class Unit(models.TextChoices):
    """A parameter the user declares, on which a per-unit amount is charged."""

    M2 = "m2", _("square metres")
    SEATS = "seats", _("seats")
    ROOMS = "rooms", _("rooms")
    SCREENS = "screens", _("screens")
    LISTENERS = "listeners", _("listeners or subscribers")
    VEHICLES = "vehicles", _("vehicles")
    EVENTS = "events", _("events")
    DEVICES = "devices", _("devices or media sold")


class Period(models.TextChoices):
    """The period a fixed or per-unit amount is charged for."""

    MONTH = "month", _("per month")
    QUARTER = "quarter", _("per quarter")
    YEAR = "year", _("per year")


#: How many months each period holds, to compare and convert amounts.
PERIOD_MONTHS = {Period.MONTH: 1, Period.QUARTER: 3, Period.YEAR: 12}


class AmountBasis(models.TextChoices):
    KZT = "kzt", _("tenge")
    MRP = "mrp", _("MCI")


class Component(models.Model):
    """One term of a rate. ``shape`` says which fields count:

    - fixed: ``amount`` (in ``basis``) per ``period``;
    - per unit: ``amount`` per ``unit`` per ``period``;
    - percent: ``percent`` of the revenue declared for the period, at least ``amount`` per ``period``.
    """

    shape = models.CharField(_("kind of term"), max_length=10, choices=RateShape.choices)
    unit = models.CharField(_("unit"), max_length=12, choices=Unit.choices, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, default=0)
    basis = models.CharField(_("in"), max_length=3, choices=AmountBasis.choices, default=AmountBasis.KZT)
    percent = models.DecimalField(
        _("percent of revenue"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    period = models.CharField(_("period"), max_length=8, choices=Period.choices, default=Period.MONTH)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                name="%(class)s_shape_fields",
                condition=(
                    Q(shape="fixed", unit="", percent__isnull=True)
                    | (Q(shape="per_unit", percent__isnull=True) & ~Q(unit=""))
                    | Q(shape="percent", unit="", percent__gt=0, percent__lte=100)
                ),
            ),
            models.CheckConstraint(name="%(class)s_amount_not_negative", condition=Q(amount__gte=0)),
        ]

    def __str__(self) -> str:
        if self.shape == RateShape.PERCENT:
            return f"{self.percent}% ≥ {self.amount} {self.basis}/{self.period}"
        per = f"/{self.unit}" if self.unit else ""
        return f"{self.amount} {self.basis}{per}/{self.period}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class MinimumRate(models.Model):
    """A minimum rate the authorized body sets for an area and use (Art. 16-1, 40-2), optionally for one
    user category, valid between two dates. A tariff for the same area and use may not be below it."""

    area = models.ForeignKey(
        "registers.Area", on_delete=models.PROTECT, related_name="minimum_rates",
        verbose_name=_("area of collective management"),
    )  # fmt: skip
    use = models.CharField(_("use"), max_length=20, choices=Use.choices)
    category = models.ForeignKey(
        "registers.UserCategory", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("user category"), help_text=_("Empty: every category."),
    )  # fmt: skip
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    act = models.CharField(_("act that sets it"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("entered by"),
    )  # fmt: skip
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        ordering = ["area__item", "use", "-valid_from"]
        verbose_name = _("minimum rate")
        verbose_name_plural = _("minimum rates")
        constraints = [
            models.CheckConstraint(
                name="minimum_rate_period_ordered",
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.area.item} / {self.get_use_display()} ({self.valid_from})"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class MinimumRateComponent(Component):
    rate = models.ForeignKey(
        MinimumRate, on_delete=models.CASCADE, related_name="components", verbose_name=_("minimum rate")
    )

    class Meta(Component.Meta):
        verbose_name = _("term of a minimum rate")
        verbose_name_plural = _("terms of minimum rates")


class TariffStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ReportFrequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


#: Months in each report period.
REPORT_MONTHS = {ReportFrequency.MONTHLY: 1, ReportFrequency.QUARTERLY: 3, ReportFrequency.YEARLY: 12}


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Tariff(models.Model):
    """A CMO's tariff for an area, a user category and a use, valid between two dates (Art. 44.2).

    Published tariffs are public with the repertoire they cover; the price of a licence follows only from
    the tariff and the user's declared parameters (the same terms for the same category). The tariff also
    sets the licence's terms: its length, how often usage is reported and how long after a period's end.
    """

    cmo = models.ForeignKey(
        "registers.CMO", on_delete=models.PROTECT, related_name="tariffs", verbose_name=_("CMO")
    )
    area = models.ForeignKey(
        "registers.Area", on_delete=models.PROTECT, related_name="tariffs",
        verbose_name=_("area of collective management"),
    )  # fmt: skip
    category = models.ForeignKey(
        "registers.UserCategory",
        on_delete=models.PROTECT,
        related_name="tariffs",
        verbose_name=_("user category"),
    )
    use = models.CharField(_("use"), max_length=20, choices=Use.choices)
    title = models.CharField(_("title"), max_length=300, blank=True)
    notes = models.TextField(_("conditions"), blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TariffStatus.choices, default=TariffStatus.DRAFT
    )
    licence_months = models.PositiveSmallIntegerField(_("licence term, months"), default=12)
    invoice_period = models.CharField(
        _("invoiced"), max_length=8, choices=Period.choices, default=Period.QUARTER
    )
    report_frequency = models.CharField(
        _("usage reports"), max_length=10, choices=ReportFrequency.choices, default=ReportFrequency.QUARTERLY
    )
    report_due_days = models.PositiveSmallIntegerField(_("report due, days after the period"), default=15)
    auto_countersign = models.BooleanField(
        _("countersign automatically"), default=False,
        help_text=_("The CMO's signature is added as soon as the user signs a licence at this tariff."),
    )  # fmt: skip
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["cmo__short_name", "area__item", "category__ordering", "-valid_from"]
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")
        constraints = [
            models.CheckConstraint(
                name="tariff_period_ordered",
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
            ),
            models.CheckConstraint(
                name="tariff_licence_term", condition=Q(licence_months__gte=1, licence_months__lte=60)
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.cmo} {self.area.item} / {self.category} / {self.get_use_display()}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class TariffComponent(Component):
    tariff = models.ForeignKey(
        Tariff, on_delete=models.CASCADE, related_name="components", verbose_name=_("tariff")
    )

    class Meta(Component.Meta):
        verbose_name = _("term of a tariff")
        verbose_name_plural = _("terms of tariffs")
