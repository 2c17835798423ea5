"""Forms of the sanctions pages: they parse and check input, never write."""

from __future__ import annotations

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from accreditation.models import RevocationGround, TerminationReason

MAX_DOCUMENT = 10 * 1024 * 1024


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RequiredNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class RevokeForm(forms.Form):
    ground = forms.ChoiceField(label=_("Ground (Art. 47-1)"), choices=RevocationGround.choices)
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4}))
    effective_on = forms.DateField(
        label=_("Revoked from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class TerminateForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[
            (TerminationReason.VOLUNTARY_RETURN.value, TerminationReason.VOLUNTARY_RETURN.label),
            (TerminationReason.LIQUIDATION.value, TerminationReason.LIQUIDATION.label),
        ],
    )
    ended_on = forms.DateField(
        label=_("Ended on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    document = forms.FileField(
        label=_("Document (required for a liquidation)"),
        required=False,
        validators=[FileExtensionValidator(["pdf", "jpg", "jpeg", "png"])],
    )

    def clean_document(self) -> object:
        document = self.cleaned_data.get("document")
        if document is not None and document.size > MAX_DOCUMENT:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return document
