"""Forms of the licensing pages: they parse and check input, never write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from licensing.models import (
    AmountBasis,
    CollectionAgreementBasis,
    Period,
    RateShape,
    RefusalGround,
    ReportFrequency,
    Unit,
    Use,
)
from licensing.tariffs import Term
from registers.models import CMO, Area, LicenseeLocation, UserCategory
from udp.documents.models import Signatory

DATE = forms.DateInput(attrs={"type": "date"})
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal(0)}


class TermForm(forms.Form):
    shape = forms.ChoiceField(label=_("Kind of term"), choices=RateShape.choices)
    amount = forms.DecimalField(label=_("Amount (for a percentage: its minimum)"), **MONEY)  # type: ignore[arg-type]
    basis = forms.ChoiceField(label=_("In"), choices=AmountBasis.choices, initial=AmountBasis.KZT)
    period = forms.ChoiceField(label=_("Period"), choices=Period.choices, initial=Period.MONTH)
    unit = forms.ChoiceField(
        label=_("Unit (per-unit terms)"), choices=[("", "—"), *Unit.choices], required=False
    )
    percent = forms.DecimalField(
        label=_("Percent of revenue (percentage terms)"), max_digits=6, decimal_places=3, required=False,
        min_value=Decimal("0.001"), max_value=Decimal(100),
    )  # fmt: skip

    def term(self) -> Term:
        data = self.cleaned_data
        return Term(
            shape=data["shape"], amount=data["amount"], basis=data["basis"], period=data["period"],
            unit=data.get("unit") or "", percent=data.get("percent"),
        )  # fmt: skip


class BaseTermFormSet(forms.BaseFormSet):
    def terms(self) -> list[Term]:
        return [form.term() for form in self.forms if form.has_changed() and form.cleaned_data]


TermFormSet: type[BaseTermFormSet] = formset_factory(TermForm, formset=BaseTermFormSet, extra=3, max_num=10)  # type: ignore[assignment]


def terms_initial(components: Any) -> list[dict[str, Any]]:
    return [
        {
            "shape": c.shape,
            "amount": c.amount,
            "basis": c.basis,
            "period": c.period,
            "unit": c.unit,
            "percent": c.percent,
        }
        for c in components
    ]


class TariffForm(forms.Form):
    area = forms.ModelChoiceField(label=_("Area of collective management"), queryset=Area.objects.none())
    category = forms.ModelChoiceField(label=_("User category"), queryset=UserCategory.objects.all())
    use = forms.ChoiceField(label=_("Use"), choices=Use.choices)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    notes = forms.CharField(label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE, required=False)
    licence_months = forms.IntegerField(
        label=_("Licence term, months"), min_value=1, max_value=60, initial=12
    )
    invoice_period = forms.ChoiceField(label=_("Invoiced"), choices=Period.choices, initial=Period.QUARTER)
    report_frequency = forms.ChoiceField(
        label=_("Usage reports"), choices=ReportFrequency.choices, initial=ReportFrequency.QUARTERLY
    )
    report_due_days = forms.IntegerField(
        label=_("Report due, days after the period"), min_value=0, max_value=90, initial=15
    )
    auto_countersign = forms.BooleanField(
        label=_("Countersign automatically"), required=False,
        help_text=_("The CMO's signature is added as soon as the user signs a licence at this tariff."),
    )  # fmt: skip

    def __init__(self, *args: Any, cmo: CMO, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(cmo_links__cmo=cmo, in_force=True)  # type: ignore[attr-defined]


class MinimumRateForm(forms.Form):
    area = forms.ModelChoiceField(
        label=_("Area of collective management"), queryset=Area.objects.filter(in_force=True)
    )
    use = forms.ChoiceField(label=_("Use"), choices=Use.choices)
    category = forms.ModelChoiceField(
        label=_("User category"), queryset=UserCategory.objects.all(), required=False,
        help_text=_("Empty: every category."),
    )  # fmt: skip
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE, required=False)
    act = forms.CharField(label=_("Act that sets it"), max_length=300)


class IndexValueForm(forms.Form):
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    value = forms.DecimalField(
        label=_("Value, tenge"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    source = forms.CharField(label=_("Source"), max_length=300, required=False)


class DeclarationForm(forms.Form):
    """What the user does: one field per parameter a tariff may charge on."""

    location = forms.ModelChoiceField(
        label=_("Premises or service"), queryset=LicenseeLocation.objects.none(), required=False,
        help_text=_("Add your premises on your space first, to have them named in the agreement."),
    )  # fmt: skip
    category = forms.ModelChoiceField(label=_("User category"), queryset=UserCategory.objects.all())
    use = forms.ChoiceField(label=_("Use"), choices=Use.choices, initial=Use.BACKGROUND)
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    revenue = forms.DecimalField(
        label=_("Revenue per month, tenge"), required=False, **MONEY,  # type: ignore[arg-type]
        help_text=_("Only where a tariff takes a percentage of revenue."),
    )  # fmt: skip

    def __init__(self, *args: Any, licensee_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = LicenseeLocation.objects.filter(licensee_id=licensee_id)  # type: ignore[attr-defined]
        for unit, label in Unit.choices:
            self.fields[f"param_{unit}"] = forms.DecimalField(
                label=str(label).capitalize(),
                required=False,
                min_value=Decimal(0),
                max_digits=12,
                decimal_places=2,
            )

    def parameters(self) -> dict[str, Decimal]:
        return {
            unit: self.cleaned_data[f"param_{unit}"]
            for unit in Unit.values
            if self.cleaned_data.get(f"param_{unit}") is not None
        }

    def parameter_fields(self) -> list[Any]:
        return [self[f"param_{unit}"] for unit in Unit.values]

    def main_fields(self) -> list[Any]:
        return [self[name] for name in ("location", "category", "use", "starts_on", "revenue")]


class SignForm(forms.Form):
    sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)
    confirm = forms.BooleanField(label=_("I have read the agreement and sign it"))


class RefuseForm(forms.Form):
    ground = forms.ChoiceField(label=_("Ground of refusal"), choices=[("", "—"), *RefusalGround.choices])
    note = forms.CharField(label=_("Reasons, for the user"), widget=forms.Textarea(attrs={"rows": 3}))


class CollectorForm(forms.Form):
    cmo = forms.ModelChoiceField(
        label=_("Collecting CMO"), queryset=CMO.objects.filter(area_links__area__item=5)
    )
    basis = forms.ChoiceField(label=_("Basis"), choices=CollectionAgreementBasis.choices)
    agreement_reference = forms.CharField(
        label=_("Agreement (number and date)"), max_length=300, required=False
    )
    producers_percent = forms.DecimalField(
        label=_("Phonogram producers, %"), min_value=Decimal(0), max_value=Decimal(100), max_digits=5,
        decimal_places=2, initial=Decimal(50), help_text=_("The performers get the rest; half and half unless agreed."),
    )  # fmt: skip
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)


class PolicyForm(forms.Form):
    active = forms.BooleanField(label=_("Countersign automatically at tariffs marked so"), required=False)
    signatory: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Who signs"), queryset=Signatory.objects.none(), required=False
    )

    def __init__(self, *args: Any, signatories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signatory"].queryset = signatories  # type: ignore[attr-defined]
