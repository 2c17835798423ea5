"""The payouts' forms: input only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class BatchForm(forms.Form):
    execution_date = forms.DateField(
        label=_("Execution date asked of the bank"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: today."),
    )


class PayoutStatementForm(forms.Form):
    file = forms.FileField(
        label=_("Bank statement of the transfers"),
        help_text=_(
            "The file the bank sends: ISO 20022 camt.053, camt.052 or camt.054. Or CSV with the columns "
            "end_to_end_id, amount, status (booked or returned), date."
        ),
    )


class CancelBatchForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the file is cancelled"), max_length=1000,
        help_text=_("What the bank answered, for example that it refused the file."),
    )  # fmt: skip
