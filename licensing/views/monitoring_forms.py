"""Forms of the monitoring pages: they parse and check input, never write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from licensing.models import Licence


class ProviderForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    bin = forms.CharField(label=_("BIN"), max_length=12)


class SiteForm(forms.Form):
    licence = forms.CharField(label=_("Licence (register number)"), max_length=20)
    code = forms.CharField(label=_("Station or premises code"), max_length=64)

    def clean_licence(self) -> Licence:
        number = self.cleaned_data["licence"].strip()
        licence = Licence.objects.filter(contract__number=number).first()
        if licence is None:
            raise forms.ValidationError(_("No licence has this register number."))
        return licence


class LineAnswerForm(forms.Form):
    confirm = forms.TypedChoiceField(
        label=_("Answer"),
        choices=[("1", _("Confirm")), ("0", _("Dispute"))],
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)
