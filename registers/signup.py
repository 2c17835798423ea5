"""Self sign-up for rightsholders (persons and entities) and music users.

The form creates the account and its register entry (a :class:`registers.models.Party`, and for a
music user a :class:`registers.models.Licensee`), both unverified: they stay out of the public
registers until the operator has checked the form and approved the account
(:mod:`registers.enrolment`). Django-allauth finds it through ``ACCOUNT_FORMS``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from registers.enrolment import SignupEntry, sign_up
from registers.models import UserCategory
from udp import identifiers
from udp.accounts.forms import AccountType
from udp.accounts.models import User


class SignupForm(AllauthSignupForm):  # type: ignore[misc]  # allauth ships no types
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
        data: dict[str, Any] = super().clean()
        kind = data.get("account_type")
        if not (data.get("name_kk") or data.get("name_ru") or data.get("name_lat")):
            self.add_error("name_ru", _("Give the name in at least one script."))
        if kind == AccountType.LICENSEE and not (data.get("iin") or data.get("bin")):
            self.add_error(
                "bin", _("Give the BIN of your organisation, or your IIN if you are an individual.")
            )
            return data
        if kind == AccountType.HOLDER_PERSON or (kind == AccountType.LICENSEE and not data.get("bin")):
            self._clean_id("iin", identifiers.validate_iin, data)
        if kind == AccountType.HOLDER_ENTITY or (kind == AccountType.LICENSEE and data.get("bin")):
            self._clean_id("bin", identifiers.validate_bin, data)
        if kind == AccountType.LICENSEE and not data.get("category"):
            self.add_error("category", _("Choose the category that describes how you use music."))
        return data

    def _clean_id(self, name: str, validate: Callable[[str], str], data: dict[str, Any]) -> None:
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

    def save(self, request: HttpRequest) -> User:
        data = self.cleaned_data
        kind = data["account_type"]
        person = kind == AccountType.HOLDER_PERSON or (kind == AccountType.LICENSEE and not data.get("bin"))
        entry = SignupEntry(
            licensee=kind == AccountType.LICENSEE,
            person=person,
            full_name=data["full_name"],
            names={k: data.get(k, "") for k in ("name_kk", "name_ru", "name_lat")},
            iin=data.get("iin") or "",
            bin=data.get("bin") or "",
            phone=data.get("phone", ""),
            category=data.get("category"),
            trade_name=data.get("trade_name", ""),
        )
        return sign_up(entry, create_account=lambda: super(SignupForm, self).save(request))
