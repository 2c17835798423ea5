"""Forms of the requests for management and the paper mandates: they parse and check, never write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mandates.models import RefusalGround
from registers.models import CMO, Area, Party
from udp.accounts.models import User
from udp.core import clock


class AreaChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class RequestForm(forms.Form):
    cmo = forms.ModelChoiceField(
        label=_("Collective management organisation"),
        queryset=CMO.objects.select_related("party"),
    )
    areas = AreaChoiceField(
        label=_("Areas of collective management"),
        queryset=Area.objects.filter(in_force=True),
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = forms.DateField(
        label=_("In force from"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty to start on the day both parties have signed."),
    )  # fmt: skip
    language = forms.ChoiceField(label=_("Language of the agreement"), choices=settings.LANGUAGES)
    note = forms.CharField(
        label=_("Note to the CMO"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_starts_on(self) -> Any:
        day = self.cleaned_data.get("starts_on")
        if day and day < clock.today():
            raise forms.ValidationError(_("The mandate cannot start before today."))
        return day


class RefuseForm(forms.Form):
    ground = forms.ChoiceField(label=_("Ground of refusal"), choices=RefusalGround.choices)
    note = forms.CharField(label=_("Explanation to the holder"), widget=forms.Textarea(attrs={"rows": 3}))


class SignForm(forms.Form):
    sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)
    confirm = forms.BooleanField(
        label=_("I have read the agreement and sign it; my signature confirms its SHA-256 shown above.")
    )


class PaperMandateForm(forms.Form):
    holder = forms.CharField(
        label=_("Rightsholder"),
        max_length=40,
        help_text=_("The holder's IPI name number, IIN, BIN or register id."),
    )
    areas = AreaChoiceField(
        label=_("Areas of collective management"),
        queryset=Area.objects.filter(in_force=True),
        widget=forms.CheckboxSelectMultiple,
    )
    concluded_on = forms.DateField(label=_("Signed on"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_from = forms.DateField(label=_("In force from"), widget=forms.DateInput(attrs={"type": "date"}))
    paper_number = forms.CharField(label=_("Number on the paper contract"), max_length=60, required=False)
    scan = forms.FileField(label=_("Scanned copy (PDF, JPEG or PNG)"))

    def clean_holder(self) -> Party:
        holder = find_holder(self.cleaned_data["holder"])
        if holder is None:
            raise forms.ValidationError(_("No rightsholder in the register has this identifier."))
        return holder


class BulkForm(forms.Form):
    listing = forms.FileField(
        label=_("List of mandates (CSV or XLSX)"),
        help_text=_("Columns: holder, areas, concluded_on, valid_from, paper_number, scan."),
    )
    scans = forms.FileField(label=_("Scanned copies (ZIP)"), required=False)


class DisputeForm(forms.Form):
    note = forms.CharField(label=_("Why you dispute this mandate"), widget=forms.Textarea(attrs={"rows": 3}))


def find_holder(value: str) -> Party | None:
    """The party an identifier names: an IPI name number (11 digits, or fewer padded), an IIN or BIN (12
    digits), or a register id (``#123`` or a number of up to 10 digits not matching the others)."""
    text = "".join(value.split()).lstrip("#")
    if not (text.isascii() and text.isdigit()):
        return None
    parties = Party.objects.all()
    if len(text) == 12:
        return parties.filter(iin=text).first() or parties.filter(bin=text).first()
    found = parties.filter(ipi_names__name_number=text.zfill(11)).first() if len(text) <= 11 else None
    if found is None and len(text) <= 10 and value.strip().startswith("#"):
        found = parties.filter(pk=int(text)).first()
    return found


class AccountChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} <{obj.email}>" if obj.full_name else str(obj.email)


class SignatoryForm(forms.Form):
    account = AccountChoiceField(label=_("Account"), queryset=User.objects.none())
    iin = forms.CharField(label=_("IIN of the signatory"), max_length=12)
    position = forms.CharField(label=_("Position"), max_length=200)
    basis = forms.CharField(
        label=_("Acts on the basis of"),
        max_length=300,
        help_text=_("The charter, or a power of attorney with its number and date."),
    )
    valid_from = forms.DateField(
        label=_("May sign from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("May sign until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, accounts: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["account"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = accounts.order_by("email")


class EndSignatoryForm(forms.Form):
    last_day = forms.DateField(
        label=_("Last day they may sign"),
        required=False,
        help_text=_("Leave empty to end it as of yesterday."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
