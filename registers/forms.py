"""Forms for entering and correcting register entries: works, parties, a CMO's public data, user locations.

Forms only parse and check input; every write goes through :mod:`registers.actions`.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import formset_factory
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from registers.actions import ContributorInput, validate_shares
from registers.models import CMO, LicenseeLocation, Party, PartyKind, Role, UserCategory, WorkKind
from registers.models.parties import SuccessionKind
from udp import identifiers
from udp.accounts.actions import STAFF_ROLES

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from udp.core.languages import language_choices

#: Right types a contributor row has a share field for.
SHARE_FIELDS = (("pr", "PR"), ("mr", "MR"), ("sr", "SR"))
_KAZAKH_LETTERS = re.compile(r"[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
_CYRILLIC = re.compile(r"[а-яёА-ЯЁ]")


def parse_percent(value: str) -> Decimal | None:
    """``"50"``, ``"50.5"``, ``"33,34"`` and ``"25 %"`` are percentages; blank is none."""
    text = (value or "").strip().rstrip("%").strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("Enter a percentage such as 50, 50.5 or 33,34.")) from None
    if not number.is_finite():
        raise ValidationError(_("Enter a percentage such as 50, 50.5 or 33,34."))
    if number.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationError(_("A share has at most two decimal places."))
    return number


class PercentField(forms.Field):
    """A percentage typed with a dot or a comma, as a Decimal (or None when blank)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "size": 6, "class": "percent"})
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, Decimal):
            return value
        return parse_percent(str(value or ""))


def name_fields_for(name: str) -> dict[str, str]:
    """Put a typed name in the script field it is written in."""
    name = name.strip()
    if _KAZAKH_LETTERS.search(name):
        return {"name_kk": name}
    if _CYRILLIC.search(name):
        return {"name_ru": name}
    return {"name_lat": name}


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def lines_field(label: StrOrPromise, help_text: StrOrPromise) -> forms.CharField:
    """An optional field of a few lines of text, one item a line (see :func:`lines`)."""
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=help_text
    )


class ReasonFormMixin:
    """Adds a required "Reason for the change" field when the acting account is the operator."""

    def add_reason(self, required: bool) -> None:
        if required:
            self.fields["reason"] = forms.CharField(  # type: ignore[attr-defined]
                label=_("Reason for the change"),
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Recorded in the change history of the entry."),
            )


# --- Works ---------------------------------------------------------------------------------------


class WorkForm(ReasonFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=WorkKind.choices, initial=WorkKind.MUSICAL)
    title = forms.CharField(label=_("Title"), max_length=500)
    alternate_titles = lines_field(
        _("Alternate titles"), _("One per line: translations, transliterations, other names of the work.")
    )
    iswc = forms.CharField(
        label=_("ISWC"), required=False, max_length=20, help_text=_("Musical works, e.g. T-034.524.680-1.")
    )
    isrc = forms.CharField(
        label=_("ISRC"), required=False, max_length=20, help_text=_("Recordings, e.g. KZA012500001.")
    )
    isan = forms.CharField(label=_("ISAN"), required=False, max_length=40, help_text=_("Audiovisual works."))
    language = forms.ChoiceField(label=_("Language"), required=False, choices=language_choices)
    creation_year = forms.IntegerField(
        label=_("Year of creation"), required=False, min_value=1000, max_value=2100
    )
    disclosed_on = forms.DateField(
        label=_("Date of lawful disclosure"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    anonymous = forms.BooleanField(label=_("Published anonymously"), required=False)
    pseudonymous = forms.BooleanField(label=_("Published under a pseudonym"), required=False)
    author_identified_on = forms.DateField(
        label=_("Date the author became known"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Anonymous or pseudonymous works only: when the author disclosed their identity or it ceased "
            "to be in doubt (Art. 28.4)."
        ),
    )

    def __init__(self, *args: Any, reason_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_reason(reason_required)
        # a stored code the list does not know (say, from a CWR file) stays choosable, by its name
        current = self.initial.get("language") or ""
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = language_choices(current)

    def work_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = (
            "kind",
            "iswc",
            "isrc",
            "isan",
            "language",
            "creation_year",
            "disclosed_on",
            "anonymous",
            "pseudonymous",
            "author_identified_on",
        )
        return {name: data[name] for name in names}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, validate in (
            ("iswc", identifiers.validate_iswc),
            ("isrc", identifiers.validate_isrc),
            ("isan", identifiers.validate_isan),
        ):
            value = (data.get(name) or "").strip()
            if value:
                try:
                    data[name] = validate(value)
                except ValidationError as exc:
                    self.add_error(name, exc)
        return data


class ContributorForm(forms.Form):
    party = forms.IntegerField(required=False, widget=forms.HiddenInput(attrs={"class": "party-id"}))
    party_label = forms.CharField(
        label=_("Find in the register"),
        required=False,
        widget=forms.TextInput(attrs={"class": "party-search", "autocomplete": "off", "type": "search"}),
    )
    new_name = forms.CharField(
        label=_("or a new co-author's name"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "new-name"}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.COMPOSER_AUTHOR)
    pr = PercentField(label=_("Performing, %"))
    mr = PercentField(label=_("Mechanical, %"))
    sr = PercentField(label=_("Synchronisation, %"))

    def __init__(self, *args: Any, allowed_parties: QuerySet[Party] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allowed_parties = allowed_parties if allowed_parties is not None else Party.objects.none()

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("party") and not (data.get("new_name") or "").strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        party_id, new_name = data.get("party"), (data.get("new_name") or "").strip()
        has_shares = any(data.get(name) is not None for name, _rt in SHARE_FIELDS)
        if party_id:
            party = self.allowed_parties.filter(pk=party_id).first()
            if party is None:
                self.add_error("party_label", _("Choose a party from the register list."))
            data["party_obj"] = party
        elif not new_name and has_shares:
            self.add_error("new_name", _("Choose a party from the register or type the co-author's name."))
        return data

    def shares(self) -> dict[str, Decimal]:
        return {
            rt: self.cleaned_data[name]
            for name, rt in SHARE_FIELDS
            if self.cleaned_data.get(name) is not None
        }


class BaseContributorFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, allowed_parties: QuerySet[Party] | None = None, **kwargs: Any) -> None:
        self.allowed_parties = allowed_parties
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "allowed_parties": self.allowed_parties}

    def filled_forms(self) -> list[ContributorForm]:
        return [f for f in self.forms if f.is_valid() and not f.is_blank]

    def clean(self) -> None:
        if any(self.errors):
            return
        filled = self.filled_forms()
        if not filled:
            raise ValidationError(_("A work needs at least one contributor."))
        placeholders = []
        for i, form in enumerate(filled):
            party = form.cleaned_data.get("party_obj") or Party(
                pk=-(i + 1), name_lat=form.cleaned_data["new_name"]
            )
            placeholders.append(
                ContributorInput(party=party, role=form.cleaned_data["role"], shares=form.shares())
            )
        validate_shares(placeholders)


ContributorFormSet = formset_factory(ContributorForm, formset=BaseContributorFormSet, extra=3, max_num=60)


# --- Parties -------------------------------------------------------------------------------------


class PartyForm(ReasonFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PartyKind.choices, initial=PartyKind.PERSON)
    name_kk = forms.CharField(label=_("Name in Kazakh"), required=False, max_length=300)
    name_ru = forms.CharField(label=_("Name in Russian"), required=False, max_length=300)
    name_lat = forms.CharField(label=_("Name in Latin script"), required=False, max_length=300)
    pseudonyms = lines_field(_("Pseudonyms"), _("One per line."))
    iin = forms.CharField(label=_("IIN (natural persons)"), required=False, max_length=14)
    bin = forms.CharField(label=_("BIN (legal entities)"), required=False, max_length=14)
    ipi_names = lines_field(_("IPI name numbers"), _("One per line, 11 digits."))
    ipi_base_number = forms.CharField(label=_("IPI base number"), required=False, max_length=16)
    isni = forms.CharField(label=_("ISNI"), required=False, max_length=24)
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    death_date = forms.DateField(
        label=_("Date of death"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    rehabilitated_on = forms.DateField(
        label=_("Date of posthumous rehabilitation"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    citizenship = forms.CharField(
        label=_("Citizenship (ISO country code, e.g. KZ)"), required=False, max_length=2
    )
    resident = forms.NullBooleanField(label=_("Resident of Kazakhstan"), required=False)
    address = forms.CharField(label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    email = forms.EmailField(label=_("Contact e-mail"), required=False)
    phone = forms.CharField(label=_("Contact phone"), required=False, max_length=40)
    iban = forms.CharField(label=_("IBAN"), required=False, max_length=40)
    bank_name = forms.CharField(label=_("Bank"), required=False, max_length=200)
    bic = forms.CharField(label=_("BIC"), required=False, max_length=11)

    PARTY_FIELDS = (
        "kind", "name_kk", "name_ru", "name_lat", "iin", "bin", "ipi_base_number", "isni", "birth_date",
        "death_date", "rehabilitated_on", "citizenship", "resident", "address", "email", "phone",
    )  # fmt: skip

    def __init__(
        self, *args: Any, reason_required: bool = False, party: Party | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.party = party
        self.add_reason(reason_required)

    GROUPS = (
        (
            _("Names and identifiers"),
            (
                "kind",
                "name_kk",
                "name_ru",
                "name_lat",
                "pseudonyms",
                "iin",
                "bin",
                "ipi_names",
                "ipi_base_number",
                "isni",
            ),
        ),
        (
            _("Life and residence"),
            ("birth_date", "death_date", "rehabilitated_on", "citizenship", "resident"),
        ),
        (
            _("Contacts and payment details (confidential)"),
            ("address", "email", "phone", "iban", "bank_name", "bic"),
        ),
    )

    def groups(self) -> list[tuple[str, list[Any]]]:
        return [
            (str(legend), [self[name] for name in names if name in self.fields])
            for legend, names in self.GROUPS
        ]

    def clean_iin(self) -> str | None:
        return self._identifier("iin", identifiers.validate_iin)

    def clean_bin(self) -> str | None:
        return self._identifier("bin", identifiers.validate_bin)

    def clean_isni(self) -> str | None:
        return self._identifier("isni", identifiers.validate_isni)

    def clean_ipi_base_number(self) -> str:
        return self._identifier("ipi_base_number", identifiers.validate_ipi_base_number) or ""

    def clean_iban(self) -> str:
        return self._identifier("iban", identifiers.validate_kz_iban) or ""

    def clean_citizenship(self) -> str:
        return (self.cleaned_data.get("citizenship") or "").strip().upper()

    def clean_ipi_names(self) -> list[str]:
        from registers.models import IPIName

        numbers = []
        for line in lines(self.cleaned_data.get("ipi_names", "")):
            try:
                number = identifiers.validate_ipi_name_number(line)
            except ValidationError as exc:
                raise ValidationError(f"{line}: {exc.messages[0]}") from None
            taken = IPIName.objects.filter(name_number=number)
            if self.party is not None:
                taken = taken.exclude(party=self.party)
            if taken.exists():
                raise ValidationError(_("IPI name number %(n)s belongs to another entry.") % {"n": number})
            numbers.append(number)
        return numbers

    def _identifier(self, name: str, validate: Any) -> str | None:
        value = (self.cleaned_data.get(name) or "").strip()
        if not value:
            return None
        result: str = validate(value)
        unique = {"iin", "bin", "isni"}
        if name in unique:
            clash = Party.objects.filter(**{name: result})
            if self.party is not None:
                clash = clash.exclude(pk=self.party.pk)
            if clash.exists():
                raise ValidationError(_("This number is already in the register under another entry."))
        return result

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("name_kk") or data.get("name_ru") or data.get("name_lat")):
            self.add_error("name_ru", _("Give the name in at least one script."))
        if data.get("kind") == PartyKind.PERSON and data.get("bin"):
            self.add_error("bin", _("A natural person has an IIN, not a BIN."))
        if data.get("kind") == PartyKind.ENTITY and data.get("iin"):
            self.add_error("iin", _("A legal entity has a BIN, not an IIN."))
        if data.get("iban") is None:
            data["iban"] = ""
        return data

    def party_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data.get(name) if data.get(name) is not None else _empty(name) for name in self.PARTY_FIELDS
        }


def _empty(name: str) -> Any:
    return (
        None
        if name in {"iin", "bin", "isni", "birth_date", "death_date", "rehabilitated_on", "resident"}
        else ""
    )


class SuccessionForm(forms.Form):
    successor = forms.IntegerField(required=False, widget=forms.HiddenInput(attrs={"class": "party-id"}))
    successor_label = forms.CharField(
        label=_("Heir or successor"),
        required=False,
        widget=forms.TextInput(attrs={"class": "party-search", "autocomplete": "off", "type": "search"}),
    )
    share = PercentField(label=_("Share, %"))
    kind = forms.ChoiceField(label=_("Kind"), choices=SuccessionKind.choices, initial=SuccessionKind.HEIR)

    def __init__(self, *args: Any, allowed_parties: QuerySet[Party] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allowed_parties = allowed_parties if allowed_parties is not None else Party.objects.none()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("successor"):
            data["successor_obj"] = self.allowed_parties.filter(pk=data["successor"]).first()
            if data["successor_obj"] is None:
                self.add_error("successor_label", _("Choose a party from the register list."))
            if data.get("share") is None:
                self.add_error("share", _("Give the heir's share."))
        return data


class BaseSuccessionFormSet(BaseContributorFormSet):
    def clean(self) -> None:
        return None


SuccessionFormSet = formset_factory(SuccessionForm, formset=BaseSuccessionFormSet, extra=2, max_num=40)


# --- CMO public data and user locations ----------------------------------------------------------


class CMOPublicForm(ReasonFormMixin, forms.Form):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    public_email = forms.EmailField(label=_("Public e-mail"), required=False)
    public_phone = forms.CharField(label=_("Public phone"), required=False, max_length=40)
    legal_address = forms.CharField(
        label=_("Legal address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, reason_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_reason(reason_required)


class RepresentativeForm(forms.Form):
    name = forms.CharField(label=_("Name"), required=False, max_length=300)
    position = forms.CharField(label=_("Position"), required=False, max_length=200)
    region = forms.CharField(label=_("Region"), required=False, max_length=200)
    public_phone = forms.CharField(label=_("Public phone"), required=False, max_length=40)
    public_email = forms.EmailField(label=_("Public e-mail"), required=False)


class BranchForm(forms.Form):
    city = forms.CharField(label=_("City"), required=False, max_length=200)
    address = forms.CharField(label=_("Office address"), required=False, max_length=300)
    head = forms.CharField(label=_("Head of branch"), required=False, max_length=300)
    public_phone = forms.CharField(label=_("Public phone"), required=False, max_length=40)


RepresentativeFormSet = formset_factory(RepresentativeForm, extra=2, max_num=50)
BranchFormSet = formset_factory(BranchForm, extra=2, max_num=50)


def filled_rows(formset: forms.BaseFormSet, key: str) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        for form in formset.forms
        if form.cleaned_data.get(key)
    ]


class LocationForm(forms.ModelForm):
    class Meta:
        model = LicenseeLocation
        fields = ["name", "city", "address", "category", "area_m2"]
        labels = {"category": _("Category")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = UserCategory.objects.all()  # type: ignore[attr-defined]

    def location_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class StaffAccountForm(forms.Form):
    """The operator opens an account for CMO staff, the authorized body or the operator."""

    email = forms.EmailField(label=_("E-mail"))
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(r.value, r.label) for r in STAFF_ROLES],
    )
    cmo = forms.ModelChoiceField(
        label=_("CMO (for CMO administrators and staff)"), queryset=CMO.objects.all(), required=False
    )
    language = forms.ChoiceField(
        label=_("Language of the e-mails"),
        choices=settings.LANGUAGES,
        required=False,  # left out: the platform's language
        help_text=_("The platform writes to this person in this language."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = translation.get_language()
