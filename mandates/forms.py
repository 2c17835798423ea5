"""Forms of the withdrawal pages: they parse and check input, never write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from registers.models import CMO, Area, Work


class WithdrawalForm(forms.Form):
    cmo = forms.ModelChoiceField(
        queryset=CMO.objects.order_by("short_name"), label=_("CMO you withdraw from")
    )
    area = forms.ModelChoiceField(
        queryset=Area.objects.filter(in_force=True), label=_("Area of collective management")
    )
    works = forms.ModelMultipleChoiceField(
        queryset=Work.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Works to withdraw"),
        help_text=_("Leave all unticked to withdraw the whole area; then you may give it to another CMO."),
    )
    note = forms.CharField(
        label=_("Note to the CMO"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, works: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["works"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = works if works is not None else Work.objects.none()


#: The largest evidence file accepted (bytes).
MAX_EVIDENCE = 10 * 1024 * 1024


class ObligationDoneForm(forms.Form):
    evidence = forms.CharField(
        label=_("What was done"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Where the exclusion was published, the payment's reference, how the report was sent."),
    )
    evidence_file = forms.FileField(
        label=_("Evidence file"),
        required=False,
        validators=[FileExtensionValidator(["pdf", "jpg", "jpeg", "png"])],
        help_text=_("PDF, JPEG or PNG, up to 10 MB."),
    )

    def clean_evidence_file(self) -> Any:
        upload = self.cleaned_data.get("evidence_file")
        if upload and upload.size > MAX_EVIDENCE:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


class DayForm(forms.Form):
    on = forms.DateField(
        label=_("On the date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
