"""Licences and remuneration agreements with users (Art. 44.2, 44.2-1, 45), concluded online.

The user declares what it does (:class:`Declaration`: category, use, premises or service, parameters),
the platform quotes each CMO's published tariff for each area it needs, and a :class:`Licence` is the
agreement with one CMO of one kind: a licence for exclusive rights (areas 1 and 7), a remuneration
agreement where the law gives a right to remuneration without a licence (areas 2 to 5; Art. 26, 39.2,
45.3). Both are entries in the register of contracts with their register numbers (``LIC``, ``REM``).

Each licence carries its periods of usage reports (:class:`ReportDue`), each with its deadline.
"""

from __future__ import annotations

import datetime as dt

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from licensing.models.rates import Period, ReportFrequency, Use


class AgreementKind(models.TextChoices):
    LICENCE = "licence", _("Licence agreement")
    REMUNERATION = "remuneration", _("Remuneration agreement")


#: The areas of Art. 43.3 whose rights are exclusive (licensed); the others are rights to remuneration,
#: collected under a remuneration agreement without a licence (Art. 45.3).
LICENSED_AREAS = frozenset({1, 7})


def kind_for_area(item: int) -> str:
    return AgreementKind.LICENCE if item in LICENSED_AREAS else AgreementKind.REMUNERATION


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class Declaration(models.Model):
    """What a user says it does, from which the platform finds the CMOs it needs and quotes their tariffs.
    Kept as the user gave it: the price of every licence concluded from it follows from these figures."""

    licensee = models.ForeignKey(
        "registers.Licensee", on_delete=models.PROTECT, related_name="declarations", verbose_name=_("user")
    )
    location = models.ForeignKey(
        "registers.LicenseeLocation", null=True, blank=True, on_delete=models.SET_NULL, related_name="declarations",
        verbose_name=_("premises or service"),
    )  # fmt: skip
    category = models.ForeignKey(
        "registers.UserCategory", on_delete=models.PROTECT, related_name="+", verbose_name=_("user category")
    )
    use = models.CharField(_("use"), max_length=20, choices=Use.choices)
    #: {unit: quantity}, units of :class:`licensing.models.rates.Unit`; quantities as decimal strings.
    parameters = models.JSONField(_("declared parameters"), default=dict, blank=True)
    revenue = models.DecimalField(
        _("declared revenue per month, tenge"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    starts_on = models.DateField(_("from"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("made by")
    )
    made_at = models.DateTimeField(_("made at"), auto_now_add=True)

    class Meta:
        ordering = ["-made_at"]
        verbose_name = _("declaration of use")
        verbose_name_plural = _("declarations of use")

    def __str__(self) -> str:
        return f"{self.licensee} — {self.get_use_display()} ({self.starts_on})"


class LicenceStatus(models.TextChoices):
    AWAITING_USER = "awaiting_user", _("Awaiting the user's signature")
    AWAITING_CMO = "awaiting_cmo", _("Awaiting the CMO's signature")
    IN_FORCE = "in_force", _("In force")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled")
    ENDED = "ended", _("Ended")
    TERMINATED = "terminated", _("Terminated")


class RefusalGround(models.TextChoices):
    """The grounds on which a CMO may refuse a licence (Art. 44.2: not without sufficient grounds)."""

    NOT_MANAGED = "not_managed", _("The CMO does not manage the rights asked for")
    UNPAID = "unpaid", _("The user owes remuneration under an earlier agreement")
    FALSE_DECLARATION = "false_declaration", _("The declared parameters are false")
    PREVIOUSLY_TERMINATED = (
        "previously_terminated",
        _("An earlier licence was terminated for a breach by the user"),
    )
    COURT = "court", _("A court decision forbids it")


class Renewal(models.TextChoices):
    RENEWS = "renews", _("Renews for the same term unless a party gives notice")
    ENDS = "ends", _("Ends at the end of its term")


class RepertoireScope(models.TextChoices):
    """What the CMO licenses: an accredited CMO in force licenses for all holders of the area (extended
    collective management, Art. 46-1), any other only the repertoire mandated to it."""

    EXTENDED = "extended", _("All holders of the area (accredited CMO)")
    MANDATED = "mandated", _("Only the repertoire mandated to the CMO")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class Licence(models.Model):
    """An agreement between one CMO and one user, concluded on the platform (Art. 44.2-1)."""

    kind = models.CharField(_("kind"), max_length=14, choices=AgreementKind.choices)
    contract = models.OneToOneField(
        "registers.Contract", on_delete=models.PROTECT, related_name="licence",
        verbose_name=_("entry in the register of contracts"),
    )  # fmt: skip
    declaration = models.ForeignKey(
        Declaration, on_delete=models.PROTECT, related_name="licences", verbose_name=_("declaration of use")
    )
    licensee = models.ForeignKey(
        "registers.Licensee", on_delete=models.PROTECT, related_name="licences", verbose_name=_("user")
    )
    cmo = models.ForeignKey(
        "registers.CMO", on_delete=models.PROTECT, related_name="licences", verbose_name=_("CMO")
    )
    location = models.ForeignKey(
        "registers.LicenseeLocation", null=True, blank=True, on_delete=models.SET_NULL, related_name="licences",
        verbose_name=_("premises or service"),
    )  # fmt: skip
    #: The place as written into the agreement (public: Art. 46.1 (9)); kept if the location is removed.
    place = models.CharField(_("place of use"), max_length=300)
    status = models.CharField(
        _("status"), max_length=14, choices=LicenceStatus.choices, default=LicenceStatus.AWAITING_USER
    )
    starts_on = models.DateField(_("in force from"))
    ends_on = models.DateField(_("in force until"))
    renewal = models.CharField(
        _("at the end of the term"), max_length=8, choices=Renewal.choices, default=Renewal.RENEWS
    )
    invoice_period = models.CharField(_("invoiced"), max_length=8, choices=Period.choices)
    report_frequency = models.CharField(_("usage reports"), max_length=10, choices=ReportFrequency.choices)
    report_due_days = models.PositiveSmallIntegerField(_("report due, days after the period"))
    #: The price of one month, the sum of the lines, exact to a millionth of a tenge (a yearly rate divided
    #: by 12); an invoice multiplies it by the months of its period and rounds once, to the tiyn.
    monthly_amount = models.DecimalField(_("remuneration per month, tenge"), max_digits=20, decimal_places=6)
    language = models.CharField(_("language of the agreement"), max_length=2, default="kk")
    document = models.ForeignKey(
        "documents.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("agreement (PDF)"),
    )  # fmt: skip
    user_signature = models.ForeignKey(
        "documents.Signature", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("user's signature"),
    )  # fmt: skip
    cmo_signature = models.ForeignKey(
        "documents.Signature", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("CMO's signature"),
    )  # fmt: skip
    refusal_ground = models.CharField(
        _("ground of refusal"), max_length=24, choices=RefusalGround.choices, blank=True
    )
    refusal_note = models.TextField(_("reasons"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("decided by"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("licence or remuneration agreement")
        verbose_name_plural = _("licences and remuneration agreements")
        constraints = [
            models.CheckConstraint(
                name="licence_period_ordered", condition=Q(ends_on__gte=models.F("starts_on"))
            ),
            models.CheckConstraint(name="licence_amount_not_negative", condition=Q(monthly_amount__gte=0)),
            models.CheckConstraint(
                name="licence_refusal_has_ground", condition=~Q(status="refused") | ~Q(refusal_ground="")
            ),
            models.CheckConstraint(
                name="licence_in_force_is_signed",
                condition=~Q(status="in_force")
                | Q(user_signature__isnull=False, cmo_signature__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.contract.number

    def in_force_on(self, day: dt.date) -> bool:
        return (
            self.status in (LicenceStatus.IN_FORCE, LicenceStatus.ENDED)
            and self.starts_on <= day <= self.ends_on
        )


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class LicenceLine(models.Model):
    """One area of a licence, at one tariff: the price of a month, and how it was reached (the terms with
    the declared figures and the МРП of the day), so the agreement shows its own arithmetic."""

    licence = models.ForeignKey(
        Licence, on_delete=models.CASCADE, related_name="lines", verbose_name=_("licence")
    )
    area = models.ForeignKey(
        "registers.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    tariff = models.ForeignKey(
        "licensing.Tariff", on_delete=models.PROTECT, related_name="licence_lines", verbose_name=_("tariff")
    )
    scope = models.CharField(_("repertoire"), max_length=10, choices=RepertoireScope.choices)
    monthly_amount = models.DecimalField(_("per month, tenge"), max_digits=20, decimal_places=6)
    #: The quote's terms, each {"shape", "unit", "quantity", "rate", "basis", "index", "amount"}, as strings.
    workings = models.JSONField(_("calculation"), default=list)

    class Meta:
        verbose_name = _("area of a licence")
        verbose_name_plural = _("areas of licences")
        constraints = [
            models.UniqueConstraint(fields=["licence", "area"], name="one_line_per_licence_area"),
            models.CheckConstraint(name="licence_line_not_negative", condition=Q(monthly_amount__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.licence_id} / {self.area_id}"


class ReportDue(models.Model):
    """A period for which the user owes a usage report, and by when (Art. 44.2-1). Written for the whole
    term when the licence comes into force, and for the new term when it renews."""

    licence = models.ForeignKey(
        Licence, on_delete=models.CASCADE, related_name="reports_due", verbose_name=_("licence")
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    due_on = models.DateField(_("due by"))
    #: The report that answers this period (set when one is accepted, in whole or in part).
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    overdue_noticed = models.BooleanField(default=False)

    class Meta:
        ordering = ["period_start"]
        verbose_name = _("usage report due")
        verbose_name_plural = _("usage reports due")
        constraints = [
            models.UniqueConstraint(fields=["licence", "period_start"], name="one_report_due_per_period"),
            models.CheckConstraint(
                name="report_due_period_ordered", condition=Q(period_end__gte=models.F("period_start"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.licence_id}: {self.period_start}–{self.period_end}"

    def overdue_on(self, day: dt.date) -> bool:
        return self.received_at is None and day > self.due_on


class CollectionAgreementBasis(models.TextChoices):
    ACCREDITATION = "accreditation", _("Accreditation for area 5")
    AGREEMENT = "agreement", _("Agreement between the CMOs of producers and performers")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class PhonogramCollector(models.Model):
    """Who collects the remuneration for commercial phonograms (Art. 39.2) for both phonogram producers and
    performers, under which agreement, and how it is split between them: equally unless they agreed
    otherwise. The distribution reads :func:`licensing.phonograms.split_on`."""

    cmo = models.ForeignKey(
        "registers.CMO",
        on_delete=models.PROTECT,
        related_name="phonogram_collections",
        verbose_name=_("collecting CMO"),
    )
    basis = models.CharField(
        _("basis"),
        max_length=14,
        choices=CollectionAgreementBasis.choices,
        default=CollectionAgreementBasis.AGREEMENT,
    )
    agreement = models.ForeignKey(
        "registers.Contract", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("agreement in the register of contracts"),
    )  # fmt: skip
    agreement_reference = models.CharField(_("agreement (number and date)"), max_length=300, blank=True)
    producers_percent = models.DecimalField(
        _("phonogram producers, %"), max_digits=5, decimal_places=2, default=50
    )
    performers_percent = models.DecimalField(_("performers, %"), max_digits=5, decimal_places=2, default=50)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("collector of remuneration for commercial phonograms")
        verbose_name_plural = _("collectors of remuneration for commercial phonograms")
        constraints = [
            models.CheckConstraint(
                name="phonogram_split_sums_to_100",
                condition=Q(producers_percent__gte=0, performers_percent__gte=0)
                & Q(producers_percent=100 - models.F("performers_percent")),
            ),
            models.CheckConstraint(
                name="phonogram_collector_period_ordered",
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cmo} {self.producers_percent}/{self.performers_percent} ({self.valid_from})"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class CountersignPolicy(models.Model):
    """A CMO's standing instruction to countersign licences at its tariffs marked so, as soon as the user
    signs: the person on record who may sign for the CMO and who gave the instruction."""

    cmo = models.OneToOneField(
        "registers.CMO", on_delete=models.PROTECT, related_name="countersign_policy", verbose_name=_("CMO")
    )
    signatory = models.ForeignKey(
        "documents.Signatory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signs automatically"),
    )
    active = models.BooleanField(_("in effect"), default=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("set by")
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("countersigning policy")
        verbose_name_plural = _("countersigning policies")

    def __str__(self) -> str:
        return f"{self.cmo}: {self.signatory}"
