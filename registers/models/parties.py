"""The register of authors and rightsholders (Art. 45-1.2 (2)).

A :class:`Party` is a natural person (IIN) or a legal entity (BIN). IIN, bank details, addresses,
contact details and the birth date of a living person are confidential: they never leave the
platform except to the party, their CMO and officials (see :mod:`registers.access`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pghistory
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from udp import identifiers
from udp.core.text import is_ascii_digits

#: Fields that are never public.
CONFIDENTIAL_PARTY_FIELDS = ("iin", "address", "email", "phone", "birth_date")
#: The placeholder party holding shares that a CWR file gives to an unknown (unnamed) interested party
#: (created by the imports, recognised by the CWR writer).
UNIDENTIFIED_NAME = "Unidentified rightsholder"


class PartyKind(models.TextChoices):
    PERSON = "person", _("Natural person")
    ENTITY = "entity", _("Legal entity")


class PartyQuerySet(models.QuerySet["Party"]):
    def public(self) -> PartyQuerySet:
        return self.filter(verified=True)

    def search(self, text: str) -> PartyQuerySet:
        text = text.strip()
        if not text:
            return self
        compact = text.replace(" ", "").replace("-", "").replace(".", "")
        q = (
            Q(name_kk__icontains=text)
            | Q(name_ru__icontains=text)
            | Q(name_lat__icontains=text)
            | Q(pseudonyms__name__icontains=text)
        )
        if is_ascii_digits(compact):
            q |= Q(ipi_names__name_number=compact.zfill(11))
        if len(compact) == 11 and compact[0] in "Ii" and is_ascii_digits(compact[1:]):
            q |= Q(ipi_base_number=identifiers.validate_ipi_base_number(compact))
        return self.filter(q).distinct()


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Party(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=PartyKind.choices, default=PartyKind.PERSON)
    name_kk = models.CharField(_("name in Kazakh"), max_length=300, blank=True)
    name_ru = models.CharField(_("name in Russian"), max_length=300, blank=True)
    name_lat = models.CharField(_("name in Latin script"), max_length=300, blank=True)
    iin = models.CharField(_("IIN"), max_length=12, blank=True, null=True, unique=True)
    bin = models.CharField(_("BIN"), max_length=12, blank=True, null=True, unique=True)
    ipi_base_number = models.CharField(_("IPI base number"), max_length=13, blank=True)
    isni = models.CharField(_("ISNI"), max_length=16, blank=True, null=True, unique=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    death_date = models.DateField(_("date of death"), null=True, blank=True)
    rehabilitated_on = models.DateField(
        _("posthumous rehabilitation"),
        null=True,
        blank=True,
        help_text=_("For authors repressed and rehabilitated after death (Art. 28.7)."),
    )
    citizenship = models.CharField(_("citizenship (ISO country code)"), max_length=2, blank=True)
    resident = models.BooleanField(_("resident of Kazakhstan"), null=True, blank=True)
    address = models.TextField(_("address"), blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    verified = models.BooleanField(
        _("verified"), default=True, help_text=_("Entries from self sign-up stay private until moderated.")
    )
    registered_by_cmo = models.ForeignKey(
        "registers.CMO",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registered_parties",
        verbose_name=_("registered by CMO"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("author or rightsholder")
        verbose_name_plural = _("authors and rightsholders")
        constraints = [
            models.CheckConstraint(
                name="party_has_a_name", condition=~Q(name_kk="", name_ru="", name_lat="")
            ),
            models.CheckConstraint(
                name="party_iin_only_for_persons", condition=Q(kind="person") | Q(iin__isnull=True)
            ),
            models.CheckConstraint(
                name="party_bin_only_for_entities", condition=Q(kind="entity") | Q(bin__isnull=True)
            ),
            models.CheckConstraint(
                name="party_iin_12_digits", condition=Q(iin__isnull=True) | Q(iin__regex=r"^\d{12}$")
            ),
            models.CheckConstraint(
                name="party_bin_12_digits", condition=Q(bin__isnull=True) | Q(bin__regex=r"^\d{12}$")
            ),
            models.CheckConstraint(
                name="party_death_after_birth",
                condition=Q(birth_date__isnull=True)
                | Q(death_date__isnull=True)
                | Q(death_date__gte=models.F("birth_date")),
            ),
            models.CheckConstraint(
                name="party_entities_have_no_life_dates",
                condition=Q(kind="person") | Q(birth_date__isnull=True, death_date__isnull=True),
            ),
        ]
        indexes = [models.Index(fields=["name_lat"]), models.Index(fields=["name_ru"])]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        lang = (get_language() or "ru")[:2]
        preferred = {"kk": self.name_kk, "ru": self.name_ru, "en": self.name_lat}.get(lang, "")
        return preferred or self.name_ru or self.name_kk or self.name_lat

    @property
    def is_person(self) -> bool:
        return self.kind == PartyKind.PERSON

    @property
    def is_alive(self) -> bool:
        return self.is_person and self.death_date is None

    @property
    def public_birth_date(self) -> dt.date | None:
        """A birth date is public only once the person has died."""
        return self.birth_date if self.is_person and self.death_date else None

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        for field, validate in (
            ("iin", identifiers.validate_iin),
            ("bin", identifiers.validate_bin),
            ("isni", identifiers.validate_isni),
        ):
            value = getattr(self, field)
            if value:
                try:
                    setattr(self, field, validate(value))
                except ValidationError as exc:
                    errors[field] = exc
            else:
                setattr(self, field, None)
        if self.ipi_base_number:
            try:
                self.ipi_base_number = identifiers.validate_ipi_base_number(self.ipi_base_number)
            except ValidationError as exc:
                errors["ipi_base_number"] = exc
        if self.kind == PartyKind.PERSON and self.bin:
            errors["bin"] = _("A natural person has an IIN, not a BIN.")
        if self.kind == PartyKind.ENTITY and self.iin:
            errors["iin"] = _("A legal entity has a BIN, not an IIN.")
        if self.kind == PartyKind.ENTITY and (self.birth_date or self.death_date):
            errors["birth_date"] = _("A legal entity has no dates of birth or death.")
        if self.birth_date and self.death_date and self.death_date < self.birth_date:
            errors["death_date"] = _("The date of death is before the date of birth.")
        if self.iin and "iin" not in errors and self.birth_date:
            encoded = identifiers.iin_birth_date(self.iin)
            if encoded and encoded != self.birth_date:
                errors["iin"] = _("The IIN encodes a different date of birth.")
        if not (self.name_kk or self.name_ru or self.name_lat):
            errors["name_ru"] = _("Give the name in at least one script.")
        if errors:
            raise ValidationError(errors)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Pseudonym(models.Model):
    party = models.ForeignKey(
        Party, on_delete=models.CASCADE, related_name="pseudonyms", verbose_name=_("author or rightsholder")
    )
    name = models.CharField(_("pseudonym"), max_length=300)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["party", "name"], name="pseudonym_unique_per_party")]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class IPINameType(models.TextChoices):
    PATRONYM = "PA", _("Legal name")
    PSEUDONYM = "PP", _("Pseudonym")
    HOLDING = "HR", _("Holding name")
    OTHER = "OR", _("Other reference")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class IPIName(models.Model):
    party = models.ForeignKey(
        Party, on_delete=models.CASCADE, related_name="ipi_names", verbose_name=_("author or rightsholder")
    )
    name_number = models.CharField(_("IPI name number"), max_length=11, unique=True)
    name_type = models.CharField(
        _("name type"), max_length=2, choices=IPINameType.choices, default=IPINameType.PATRONYM
    )
    name = models.CharField(_("name as registered with IPI"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("IPI name number")
        constraints = [
            models.CheckConstraint(
                name="ipi_name_number_11_digits", condition=Q(name_number__regex=r"^\d{11}$")
            )
        ]

    def __str__(self) -> str:
        return self.name_number

    def clean(self) -> None:
        try:
            self.name_number = identifiers.validate_ipi_name_number(self.name_number)
        except ValidationError as exc:
            raise ValidationError({"name_number": exc}) from exc


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class BankAccount(models.Model):
    """Payment details of a party. Confidential."""

    party = models.ForeignKey(
        Party,
        on_delete=models.CASCADE,
        related_name="bank_accounts",
        verbose_name=_("author or rightsholder"),
    )
    iban = models.CharField(_("IBAN"), max_length=34)
    bank_name = models.CharField(_("bank"), max_length=200, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    is_primary = models.BooleanField(_("primary"), default=True)

    class Meta:
        verbose_name = _("bank account")
        constraints = [
            models.UniqueConstraint(fields=["party", "iban"], name="bank_account_unique_per_party"),
            models.UniqueConstraint(
                fields=["party"], condition=Q(is_primary=True), name="one_primary_bank_account_per_party"
            ),
            models.CheckConstraint(
                name="bank_account_kz_iban", condition=Q(iban__regex=r"^KZ\d{2}[0-9A-Z]{16}$")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.iban[:4]}…{self.iban[-4:]}"

    def clean(self) -> None:
        try:
            self.iban = identifiers.validate_kz_iban(self.iban)
        except ValidationError as exc:
            raise ValidationError({"iban": exc}) from exc


class SuccessionKind(models.TextChoices):
    HEIR = "heir", _("Heir")
    SUCCESSOR = "successor", _("Legal successor")
    ASSIGNEE = "assignee", _("Assignee under a contract")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Succession(models.Model):
    """An heir or successor of a party, with their part of the inherited rights."""

    predecessor = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="successions", verbose_name=_("predecessor")
    )
    successor = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="inherited_from", verbose_name=_("heir or successor")
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=SuccessionKind.choices, default=SuccessionKind.HEIR
    )
    share = models.DecimalField(_("share, %"), max_digits=5, decimal_places=2)
    since = models.DateField(_("since"), null=True, blank=True)
    document = models.CharField(
        _("document (certificate of inheritance, contract)"), max_length=300, blank=True
    )

    class Meta:
        verbose_name = _("heir or successor")
        constraints = [
            models.CheckConstraint(
                name="succession_not_self", condition=~Q(predecessor=models.F("successor"))
            ),
            models.CheckConstraint(name="succession_share_range", condition=Q(share__gt=0, share__lte=100)),
            models.UniqueConstraint(fields=["predecessor", "successor", "kind"], name="succession_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.successor} ← {self.predecessor} ({self.share} %)"
