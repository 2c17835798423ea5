"""Input of matching's pages: the work or recording the staff pick for a usage key."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ConfirmForm(forms.Form):
    work = forms.IntegerField(
        label=_("Work or recording number"),
        min_value=1,
        help_text=_("A candidate's number, or the number of any musical work or recording in the register."),
    )


class ClaimForm(forms.Form):
    work = forms.TypedChoiceField(label=_("Your work or recording"), coerce=int)
    note = forms.CharField(
        label=_("Note for the CMO"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: object, works: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["work"].choices = works  # type: ignore[attr-defined]


class DecideForm(forms.Form):
    accept = forms.BooleanField(required=False)
    reason = forms.CharField(label=_("Reason for the refusal"), required=False)
