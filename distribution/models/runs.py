"""Distribution runs: one CMO, one area, one period; a pool of collected money to the holders entitled.

:class:`Run` holds the pool and the deductions; :class:`RunWeight` how much each work was used (the
engine's input, from matched usage or any other measure, so the levy and the resale royalty can use the same
engine); :class:`Allocation` each work's money per holder share; :class:`Payee` each holder's gross, each
deduction and the net (Art. 46.1 (2)). Rows are written set-based by :mod:`distribution.engine`.

The rows a run writes in bulk (:class:`RunWeight`, :class:`RunPath`, :class:`Allocation`, :class:`Payee`:
millions for a national quarter) carry no database foreign keys (``db_constraint=False``) and no index per
foreign key beside the ones their reads use: every key is copied by one ``INSERT … SELECT`` from the row it
names (the run being calculated, the registers' works, holders and societies, the licences), works and
holders are withdrawn, never deleted, and Django still refuses to delete what they name (``PROTECT``) or
deletes them with their run (``CASCADE``). A deferred key check per row would cost the run more than its
calculation: four index probes for each allocation at commit. The use given to a run is checked against
the registers in one join (:func:`distribution.engine.calculate`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    CALCULATED = "calculated", _("Calculated, awaiting approval")
    APPROVED = "approved", _("Approved")
    CANCELLED = "cancelled", _("Cancelled")


class Route(models.TextChoices):
    PAYABLE = "payable", _("To be paid")
    FOREIGN = "foreign", _("To the foreign society, in its annual run")
    HELD_CONFLICT = "held_conflict", _("Held: an open conflict")
    NO_HOLDER = "no_holder", _("Kept: no holder on record")
    WITHDRAWN = "withdrawn", _("Not paid: the holder withdrew the work")
    NOT_REPRESENTED = "not_represented", _("Kept: the CMO does not represent this holder")


class Path(models.TextChoices):
    """How the holder's rights reach the run's CMO (Art. 46-1)."""

    MANDATE = "mandate", _("The holder's mandate")
    RECIPROCAL = "reciprocal", _("A foreign society's reciprocal agreement")
    EXTENDED = "extended", _("Extended collective management (Art. 46-1)")
    NONE = "", _("None")


class Side(models.TextChoices):
    """Art. 39.2: area 5's money is split between the phonogram producers and the performers."""

    ALL = "", _("All holders")
    PRODUCERS = "producers", _("Phonogram producers")
    PERFORMERS = "performers", _("Performers")


class Basis(models.TextChoices):
    """Which shares divided a work's money among its holders."""

    OWNERSHIP = "ownership", _("Agreed ownership shares")
    TERRITORY = "territory", _("Collection shares declared for Kazakhstan (CWR SPT/SWT)")
    NONE = "", _("None")


class Run(models.Model):
    cmo = models.ForeignKey(
        "registers.CMO", on_delete=models.PROTECT, related_name="distribution_runs", verbose_name=_("CMO")
    )
    area = models.ForeignKey(
        "registers.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    period_start = models.DateField(_("usage from"))
    period_end = models.DateField(_("usage to"))
    pool_tiyn = models.BigIntegerField(_("pool, tiyn"))
    costs_percent = models.DecimalField(
        _("deduction for costs, %"), max_digits=5, decimal_places=2, default=0
    )
    funds_percent = models.DecimalField(
        _("deduction for special funds, %"), max_digits=5, decimal_places=2, default=0
    )
    costs_tiyn = models.BigIntegerField(_("deducted for costs, tiyn"), default=0)
    funds_tiyn = models.BigIntegerField(_("deducted for special funds, tiyn"), default=0)
    excluded_units = models.BigIntegerField(_("use of works in the public domain"), default=0)
    #: Art. 46-1: whether the CMO's accreditation in the area was in force in the period (it then pays
    #: holders without a mandate too)
    accredited = models.BooleanField(_("accredited in the area"), default=False)
    #: Art. 39.2: the producers' part of area 5's money (the performers' is the rest); empty for other areas
    producers_percent = models.DecimalField(
        _("phonogram producers' part, %"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.CALCULATED
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("started by")
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("approved by"),
    )
    calculated_at = models.DateTimeField(_("calculated at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("distribution run")
        verbose_name_plural = _("distribution runs")
        constraints = [
            models.UniqueConstraint(
                fields=["cmo", "area", "period_start", "period_end"],
                condition=~Q(status="cancelled"),
                name="run_one_per_cmo_area_period",
            ),
            models.CheckConstraint(name="run_pool_not_negative", condition=Q(pool_tiyn__gte=0)),
            # Art. 46.1 (2): costs and special funds together at most 20 % of the total collected
            models.CheckConstraint(
                name="run_deductions_at_most_a_fifth",
                condition=Q(pool_tiyn__gte=(F("costs_tiyn") + F("funds_tiyn")) * 5),
            ),
            models.CheckConstraint(
                name="run_percent_at_most_20", condition=Q(costs_percent__gte=0, funds_percent__gte=0)
            ),
            models.CheckConstraint(name="run_period_order", condition=Q(period_end__gte=F("period_start"))),
            models.CheckConstraint(
                name="run_approver_is_another_person",
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("started_by")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cmo} · {self.area} · {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"


class SourceKind(models.TextChoices):
    COLLECTED = "collected", _("Collected under a licence")
    GIVEN = "given", _("Pool of the run")
    RELEASED = "released", _("Released after three years (Art. 44.5)")
    LATE = "late", _("Collected for an earlier period after its run")


class RunSource(models.Model):
    """A part of a run's pool and the use it is spread over: what one licence collected for the area and
    period, over that licence's own matched use; or money with no licence of its own (a pool given to the
    run, money released after three years) over the run's whole use."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="sources", verbose_name=_("run"))
    kind = models.CharField(_("kind"), max_length=10, choices=SourceKind.choices)
    licence = models.ForeignKey(
        "licensing.Licence", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("licence"),
    )  # fmt: skip
    pool_tiyn = models.BigIntegerField(_("amount, tiyn"))
    #: money collected late (``late``): the period of the earlier run it was collected for
    origin_start = models.DateField(_("collected for use from"), null=True, blank=True)
    origin_end = models.DateField(_("collected for use to"), null=True, blank=True)

    class Meta:
        verbose_name = _("source of a run's pool")
        verbose_name_plural = _("sources of a run's pool")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "licence", "kind", "origin_start"],
                condition=Q(licence__isnull=False),
                nulls_distinct=False,
                name="run_source_once_per_licence",
            ),
            models.CheckConstraint(name="run_source_positive", condition=Q(pool_tiyn__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.licence_id or ''}: {self.pool_tiyn}"


class RunWeight(models.Model):
    """A work's use in a run (no database foreign keys: see the module's docstring)."""

    run = models.ForeignKey(
        Run, on_delete=models.CASCADE, related_name="weights", verbose_name=_("run"), db_constraint=False,
        db_index=False,
    )  # fmt: skip
    #: the licence under which the work was used (empty: use with no licence of its own, as given to the run)
    licence = models.ForeignKey(
        "licensing.Licence", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("licence"), db_constraint=False, db_index=False,
    )  # fmt: skip
    work = models.ForeignKey(
        "registers.Work", on_delete=models.PROTECT, related_name="+", verbose_name=_("work"),
        db_constraint=False, db_index=False,
    )  # fmt: skip
    units = models.BigIntegerField(_("use (plays or seconds)"))

    class Meta:
        verbose_name = _("use of a work in a run")
        verbose_name_plural = _("use of works in a run")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "licence", "work"], nulls_distinct=False, name="run_weight_once_per_work"
            ),
            models.CheckConstraint(name="run_weight_positive", condition=Q(units__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.work_id}: {self.units}"


class Allocation(models.Model):
    """A work's money in a run for one holder share (``party`` empty: no holder on record for the work). No
    database foreign keys, read by run and holder (see the module's docstring)."""

    run = models.ForeignKey(
        Run, on_delete=models.CASCADE, related_name="allocations", verbose_name=_("run"), db_constraint=False,
        db_index=False,
    )  # fmt: skip
    work = models.ForeignKey(
        "registers.Work", on_delete=models.PROTECT, related_name="+", verbose_name=_("work"),
        db_constraint=False, db_index=False,
    )  # fmt: skip
    party = models.ForeignKey(
        "registers.Party", on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("holder"),
        db_constraint=False, db_index=False,
    )  # fmt: skip
    right_type = models.CharField(_("right type"), max_length=2, blank=True)
    side = models.CharField(_("side"), max_length=10, choices=Side.choices, blank=True, default="")
    basis = models.CharField(_("shares used"), max_length=10, choices=Basis.choices, blank=True, default="")
    percent = models.DecimalField(_("share, %"), max_digits=5, decimal_places=2)
    units = models.BigIntegerField(_("use (plays or seconds)"))
    gross_tiyn = models.BigIntegerField(_("gross, tiyn"))
    route = models.CharField(_("route"), max_length=16, choices=Route.choices)
    path = models.CharField(_("path"), max_length=10, choices=Path.choices, blank=True, default="")
    society = models.ForeignKey(
        "registers.ForeignSociety", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("foreign society"), db_constraint=False, db_index=False,
    )  # fmt: skip

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        #: One row per work, holder, right type, side and route by construction (the engine groups by them, and
        #: splits a holder's money in two routes only where the holder withdrew the work during the period); a unique
        #: index over those five columns cost a national run more than its whole calculation, and what is paid
        #: once is the payee (``payee_once``) and its ledger entry.
        constraints = [
            models.CheckConstraint(name="allocation_not_negative", condition=Q(gross_tiyn__gte=0)),
        ]
        #: a holder's allocations in a run (statements); the rows of works with no holder are read by run only.
        #: The table is partitioned by run (migration 0017): the engine loads a run's rows into a table of their
        #: own and attaches it, so this index is built once per run, not updated row by row.
        indexes = [
            models.Index(
                fields=["run", "party"], condition=Q(party__isnull=False), name="allocation_of_holder"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_id} → {self.party_id}: {self.gross_tiyn}"


class Payee(models.Model):
    """A holder's money in a run by route: gross, each deduction pro rata, net (Art. 46.1 (2)). The money of
    the works with no holder on record is one payee of the run (``party`` and ``work`` empty), kept until a
    holder appears; each work's part of it is in its allocations. No database foreign keys, read by run and
    holder (see the module's docstring)."""

    run = models.ForeignKey(
        Run, on_delete=models.CASCADE, related_name="payees", verbose_name=_("run"), db_constraint=False,
        db_index=False,
    )  # fmt: skip
    party = models.ForeignKey(
        "registers.Party", on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("holder"),
        db_constraint=False, db_index=False,
    )  # fmt: skip
    work = models.ForeignKey(
        "registers.Work", on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("work"),
        db_constraint=False, db_index=False,
    )  # fmt: skip
    route = models.CharField(_("route"), max_length=16, choices=Route.choices)
    path = models.CharField(_("path"), max_length=10, choices=Path.choices, blank=True, default="")
    society = models.ForeignKey(
        "registers.ForeignSociety", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("foreign society"), db_constraint=False, db_index=False,
    )  # fmt: skip
    gross_tiyn = models.BigIntegerField(_("gross, tiyn"))
    costs_tiyn = models.BigIntegerField(_("deducted for costs, tiyn"))
    funds_tiyn = models.BigIntegerField(_("deducted for special funds, tiyn"))
    net_tiyn = models.BigIntegerField(_("net, tiyn"))

    class Meta:
        verbose_name = _("payee of a run")
        verbose_name_plural = _("payees of a run")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "party", "work", "route"], nulls_distinct=False, name="payee_once"
            ),
            models.CheckConstraint(
                name="payee_net_is_gross_less_deductions",
                condition=Q(net_tiyn=F("gross_tiyn") - F("costs_tiyn") - F("funds_tiyn")),
            ),
            models.CheckConstraint(name="payee_net_not_negative", condition=Q(net_tiyn__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.party_id or self.work_id} ({self.route}): {self.net_tiyn}"


class RunPath(models.Model):
    """How each holder of the run's works reached the run's CMO in its area and period (Art. 46-1): written
    by the engine before the allocations, kept with the run as its evidence. No database foreign keys (see
    the module's docstring)."""

    run = models.ForeignKey(
        Run, on_delete=models.CASCADE, related_name="paths", verbose_name=_("run"), db_constraint=False,
        db_index=False,
    )  # fmt: skip
    party = models.ForeignKey(
        "registers.Party", on_delete=models.PROTECT, related_name="+", verbose_name=_("holder"),
        db_constraint=False, db_index=False,
    )  # fmt: skip
    path = models.CharField(_("path"), max_length=10, choices=Path.choices, blank=True)
    society = models.ForeignKey(
        "registers.ForeignSociety", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("foreign society"), db_constraint=False, db_index=False,
    )  # fmt: skip

    class Meta:
        verbose_name = _("holder's path in a run")
        verbose_name_plural = _("holders' paths in a run")
        constraints = [models.UniqueConstraint(fields=["run", "party"], name="run_path_once")]

    def __str__(self) -> str:
        return f"{self.party_id}: {self.path or '-'}"


class Unidentified(models.Model):
    """Money a CMO collected with no use to allocate it by (the user reported nothing matched for the
    period), kept by its date of receipt (Art. 44.5). Three years after receipt it is released into a later
    run of the area by the rule the general meeting set (:class:`ReleaseRule`)."""

    cmo = models.ForeignKey(
        "registers.CMO", on_delete=models.PROTECT, related_name="+", verbose_name=_("CMO")
    )
    area = models.ForeignKey(
        "registers.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    licence = models.ForeignKey(
        "licensing.Licence", on_delete=models.PROTECT, related_name="+", verbose_name=_("licence")
    )
    usage_start = models.DateField(_("usage from"))
    received_on = models.DateField(_("date of receipt"))
    amount_tiyn = models.BigIntegerField(_("amount, tiyn"))
    #: the run that found no use for it
    found_in = models.ForeignKey(
        Run, on_delete=models.CASCADE, related_name="unidentified", verbose_name=_("found in run")
    )
    #: the run it was released into, three years after receipt
    released_in = models.ForeignKey(
        Run, on_delete=models.SET_NULL, null=True, blank=True, related_name="released",
        verbose_name=_("released into run"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("money with no use to allocate it")
        verbose_name_plural = _("money with no use to allocate it")
        constraints = [
            models.UniqueConstraint(
                fields=["found_in", "licence", "usage_start", "received_on"], name="unidentified_once"
            ),
            models.CheckConstraint(name="unidentified_positive", condition=Q(amount_tiyn__gt=0)),
        ]
        indexes = [models.Index(fields=["cmo", "area", "received_on"])]

    def __str__(self) -> str:
        return f"{self.licence_id} {self.received_on}: {self.amount_tiyn}"


class ReleaseRule(models.Model):
    """The general meeting's decision on money with no use after three years (Art. 44.5): from
    ``decided_on``, it is added to the next run of its area, spread over that run's whole use."""

    cmo = models.ForeignKey(
        "registers.CMO", on_delete=models.PROTECT, related_name="+", verbose_name=_("CMO")
    )
    decided_on = models.DateField(_("decided by the general meeting on"))
    meeting_reference = models.CharField(_("minutes of the general meeting"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rule for money with no use")
        verbose_name_plural = _("rules for money with no use")
        constraints = [models.UniqueConstraint(fields=["cmo", "decided_on"], name="release_rule_once_a_day")]

    def __str__(self) -> str:
        return f"{self.cmo_id} {self.decided_on}"
