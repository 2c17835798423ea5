"""Self sign-up for rightsholders (persons and entities) and music users.

The form creates the account and its register entry (a :class:`registers.models.Party`, and for a
music user a :class:`registers.models.Licensee`), both unverified: they stay out of the public
registers until the operator has checked the form and approved the account.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from registers.models import CMO, Licensee, Party, PartyKind, UserCategory
from udp import identifiers
from udp.accounts.models import Moderation, Role
from udp.accounts.scopes import Scope


class AccountType:
    HOLDER_PERSON = "holder_person"
    HOLDER_ENTITY = "holder_entity"
    LICENSEE = "licensee"

    CHOICES = [
        (HOLDER_PERSON, _("Rightsholder — natural person (author, performer, heir)")),
        (HOLDER_ENTITY, _("Rightsholder — legal entity (publisher, phonogram producer)")),
        (LICENSEE, _("Music user (radio, TV, venue, shop, digital service)")),
    ]


class SignupForm(AllauthSignupForm):
    account_type = forms.ChoiceField(label=_("I am"), choices=AccountType.CHOICES, widget=forms.RadioSelect)
    full_name = forms.CharField(label=_("Contact person (full name)"), max_length=200)
    name_kk = forms.CharField(label=_("Name in Kazakh"), max_length=300, required=False)
    name_ru = forms.CharField(label=_("Name in Russian"), max_length=300, required=False)
    name_lat = forms.CharField(label=_("Name in Latin script"), max_length=300, required=False)
    iin = forms.CharField(
        label=_("IIN (natural persons)"),
        max_length=14,
        required=False,
        help_text=_("12 digits. Kept confidential: only you, your CMO and officials see it."),
    )
    bin = forms.CharField(
        label=_("BIN (legal entities)"), max_length=14, required=False, help_text=_("12 digits.")
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    category = forms.ModelChoiceField(
        label=_("User category (music users)"), queryset=UserCategory.objects.all(), required=False
    )
    trade_name = forms.CharField(label=_("Trade name (music users)"), max_length=300, required=False)

    #: Which kinds of account each register field applies to (the sign-up page hides the others).
    SHOW_FOR = {
        "iin": (AccountType.HOLDER_PERSON, AccountType.LICENSEE),
        "bin": (AccountType.HOLDER_ENTITY, AccountType.LICENSEE),
        "category": (AccountType.LICENSEE,),
        "trade_name": (AccountType.LICENSEE,),
    }
    REGISTER_FIELDS = (
        "full_name",
        "name_kk",
        "name_ru",
        "name_lat",
        "iin",
        "bin",
        "phone",
        "category",
        "trade_name",
    )

    field_order = [
        "account_type", "email", "password1", "password2", "full_name", "name_kk", "name_ru", "name_lat",
        "iin", "bin", "phone", "category", "trade_name",
    ]  # fmt: skip

    def register_rows(self) -> list[tuple[forms.BoundField, str]]:
        """The register fields with the account kinds they apply to, for the sign-up template."""
        return [(self[name], " ".join(self.SHOW_FOR.get(name, ()))) for name in self.REGISTER_FIELDS]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("account_type")
        if not (data.get("name_kk") or data.get("name_ru") or data.get("name_lat")):
            self.add_error("name_ru", _("Give the name in at least one script."))
        if kind == AccountType.LICENSEE and not (data.get("iin") or data.get("bin")):
            self.add_error(
                "bin", _("Give the BIN of your organisation, or your IIN if you are an individual.")
            )
            return data
        if kind == AccountType.HOLDER_PERSON or (kind == AccountType.LICENSEE and not data.get("bin")):
            self._clean_id("iin", identifiers.validate_iin, Party, data)
        if kind == AccountType.HOLDER_ENTITY or (kind == AccountType.LICENSEE and data.get("bin")):
            self._clean_id("bin", identifiers.validate_bin, Party, data)
        if kind == AccountType.LICENSEE and not data.get("category"):
            self.add_error("category", _("Choose the category that describes how you use music."))
        return data

    def _clean_id(self, name: str, validate: Any, model: Any, data: dict[str, Any]) -> None:
        value = data.get(name, "")
        if not value:
            message = {
                "iin": _("A natural person registers with their IIN."),
                "bin": _("A legal entity registers with its BIN."),
            }[name]
            self.add_error(name, message)
            return
        try:
            data[name] = validate(value)
        except ValidationError as exc:
            self.add_error(name, exc)
            return
        # Whether the number is already in the register is not said here (that would let anyone test
        # any IIN): a sign-up with a registered number becomes a claim of that entry, see save().

    def save(self, request: HttpRequest) -> Any:
        data = self.cleaned_data
        with transaction.atomic():
            user = super().save(request)
            is_person = data["account_type"] == AccountType.HOLDER_PERSON or (
                data["account_type"] == AccountType.LICENSEE and not data.get("bin")
            )
            number = {"iin": data.get("iin")} if is_person else {"bin": data.get("bin")}
            existing = Party.objects.filter(**number).first() if any(number.values()) else None
            if existing is not None:
                return self._claim_entry(user, existing, data)
            party = Party.objects.create(
                kind=PartyKind.PERSON if is_person else PartyKind.ENTITY,
                name_kk=data.get("name_kk", ""),
                name_ru=data.get("name_ru", ""),
                name_lat=data.get("name_lat", ""),
                iin=data.get("iin") or None if is_person else None,
                bin=None if is_person else data.get("bin") or None,
                email=user.email,
                phone=data.get("phone", ""),
                verified=False,
            )
            user.full_name = data["full_name"]
            user.phone = data.get("phone", "")
            user.moderation = Moderation.PENDING
            if data["account_type"] == AccountType.LICENSEE:
                user.role = Role.LICENSEE
                user.licensee = Licensee.objects.create(
                    party=party,
                    category=data["category"],
                    trade_name=data.get("trade_name", ""),
                    verified=False,
                )
            else:
                user.role = Role.HOLDER
                user.party = party
            user.save()
        return user

    def _claim_entry(self, user: Any, existing: Party, data: dict[str, Any]) -> Any:
        """The number is in the register already: the account claims that entry, proven before it is granted.

        The account gets no access to the entry (nor learns anything of it) until the operator, having
        checked the person's identity, or the CMO that entered it, grants the claim.
        """
        from registers import claims
        from registers.models import ProposalKind

        user.full_name = data["full_name"]
        user.phone = data.get("phone", "")
        user.moderation = Moderation.PENDING
        user.role = Role.LICENSEE if data["account_type"] == AccountType.LICENSEE else Role.HOLDER
        user.save()
        answerers: set[int | None] = {None}
        if existing.registered_by_cmo is not None:
            answerers.add(existing.registered_by_cmo.party_id)
        category = data.get("category")
        claims.open_proposal(
            kind=ProposalKind.ENTRY_CLAIM,
            by=user,
            answerers=answerers,
            party=existing,
            payload={
                "role": user.role,
                "category": getattr(category, "pk", None),
                "trade_name": data.get("trade_name", ""),
                "names": {k: data.get(k, "") for k in ("name_kk", "name_ru", "name_lat")},
            },
        )
        return user


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sent to the applicant: say what is wrong with the form, so they can fix it."),
    )


class StaffAccountForm(forms.Form):
    """The operator opens an account for CMO staff, the authorized body or the operator."""

    email = forms.EmailField(label=_("E-mail"))
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(r.value, r.label) for r in (Role.CMO_ADMIN, Role.CMO_STAFF, Role.REGULATOR, Role.OPERATOR)],
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


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to see this person's confidential data?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Your reason is recorded with your name and the time, and shown to the operator."),
    )


class ApiKeyForm(forms.Form):
    """Issue an API key for a machine client of one's own account."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Which system uses the key, for example “Back office” or “Monitoring provider”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("What the key may do"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Never more than your own account may do. Choose only what the system needs."),
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The key stops working at the start of this day."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["expires_on"].initial = today + dt.timedelta(days=settings.UDP_API_KEY_LIFETIME_DAYS)
        self.fields["expires_on"].widget.attrs.update(
            min=(today + dt.timedelta(days=1)).isoformat(),
            max=(today + dt.timedelta(days=settings.UDP_API_KEY_MAX_LIFETIME_DAYS)).isoformat(),
        )

    def expires_at(self) -> dt.datetime:
        day = self.cleaned_data["expires_on"]
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
