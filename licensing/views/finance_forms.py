"""Forms of the finance pages: they parse and check input, never write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from licensing.models import Invoice

DATE = forms.DateInput(attrs={"type": "date"})


class PaymentForm(forms.Form):
    invoice_number = forms.CharField(
        label=_("Invoice number"), max_length=20, required=False,
        help_text=_("Leave empty to keep the payment as an unallocated receipt."),
    )  # fmt: skip
    amount = forms.DecimalField(label=_("Amount, tenge"), max_digits=16, decimal_places=2, min_value=0.01)
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    bank_reference = forms.CharField(label=_("Bank reference"), max_length=100, required=False)
    payer_bin = forms.RegexField(label=_("Payer's BIN or IIN"), regex=r"^\d{12}$", required=False)
    payer_name = forms.CharField(label=_("Payer"), max_length=300, required=False)

    def __init__(self, *args: Any, cmo_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cmo_id = cmo_id

    def clean_invoice_number(self) -> Invoice | None:
        number = self.cleaned_data["invoice_number"].strip().upper()
        if not number:
            return None
        invoice = Invoice.objects.filter(cmo_id=self.cmo_id, number=number).first()
        if invoice is None:
            raise forms.ValidationError(_("No invoice of yours has this number."))
        return invoice


class AllocateForm(forms.Form):
    invoice_number = forms.CharField(label=_("Invoice number"), max_length=20)

    def __init__(self, *args: Any, cmo_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cmo_id = cmo_id

    def clean_invoice_number(self) -> Invoice:
        number = self.cleaned_data["invoice_number"].strip().upper()
        invoice = Invoice.objects.filter(cmo_id=self.cmo_id, number=number).first()
        if invoice is None:
            raise forms.ValidationError(_("No invoice of yours has this number."))
        return invoice


class StatementForm(forms.Form):
    file = forms.FileField(
        label=_("Bank statement"),
        help_text=_(
            "The file the bank sends of the account: ISO 20022 camt.053, camt.052 or camt.054. Or CSV with the "
            "columns date, amount, payer_bin, payer_name, purpose, reference."
        ),
    )


class ClosePeriodForm(forms.Form):
    month = forms.DateField(label=_("Month (any day of it)"), widget=DATE)
