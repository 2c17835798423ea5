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
