"""Forms of the reciprocal-agreement pages: they parse and check input, never write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from registers.models import CMO, Area, ForeignSociety, Party

DATE = forms.DateInput(attrs={"type": "date"})


class AgreementForm(forms.Form):
    """A reciprocal agreement of the user's CMO with a foreign society or another domestic CMO."""

    society = forms.ModelChoiceField(
        label=_("Foreign society"), queryset=ForeignSociety.objects.all(), required=False,
        help_text=_("Name a foreign society, or another domestic CMO below."),
    )  # fmt: skip
    counterparty_cmo = forms.ModelChoiceField(
        label=_("Domestic CMO"), queryset=CMO.objects.all(), required=False
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Areas of collective management (Art. 43.3)"),
        queryset=Area.objects.filter(in_force=True),
        widget=forms.CheckboxSelectMultiple,
    )
    concluded_on = forms.DateField(label=_("Concluded on"), widget=DATE)
    valid_from = forms.DateField(label=_("In force from"), widget=DATE)
    valid_until = forms.DateField(label=_("In force until"), widget=DATE, required=False)

    def __init__(self, *args: Any, cmo: CMO, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["counterparty_cmo"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = CMO.objects.exclude(pk=cmo.pk)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("society")) == bool(data.get("counterparty_cmo")):
            raise forms.ValidationError(_("Name either a foreign society or another domestic CMO."))
        return data


class CopyForm(forms.Form):
    copy = forms.FileField(label=_("Copy of the agreement (PDF, PNG or JPEG)"))


class EndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ends on"), widget=DATE)


class MembershipForm(forms.Form):
    """A foreign holder's membership of a society the user's CMO represents."""

    ipi = forms.CharField(label=_("Holder's IPI name number"), max_length=11)
    society = forms.ModelChoiceField(label=_("Foreign society"), queryset=ForeignSociety.objects.all())
    area = forms.ModelChoiceField(
        label=_("Area of collective management"), queryset=Area.objects.filter(in_force=True)
    )
    since = forms.DateField(label=_("Member since"), widget=DATE, required=False)

    def clean_ipi(self) -> Party:
        number = self.cleaned_data["ipi"].strip()
        party = Party.objects.filter(ipi_names__name_number=number.zfill(11)).first()
        if party is None:
            raise forms.ValidationError(_("No holder in the register has this IPI name number."))
        return party


class SocietyForm(forms.ModelForm):  # type: ignore[type-arg]
    reason = forms.CharField(label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = ForeignSociety
        fields = ["short_name", "name", "cisac_code", "country", "territory", "website"]

    def clean_country(self) -> str:
        return str(self.cleaned_data["country"]).strip().upper()
