"""Input of matching's pages: the work or recording the staff pick for a usage key."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from distribution.quarters import last_ended_quarter, quarter
from registers.models import Area
from udp.core.params import short_day


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


class DeductionsForm(forms.Form):
    """Costs and special funds, each recorded; together at most 20 % of the total collected (Art. 46.1 (2))."""

    costs_percent = forms.DecimalField(
        label=_("Deduction for costs, %"), min_value=0, max_value=20, max_digits=5, decimal_places=2, initial=0,
        help_text=_("What the CMO keeps for its costs of collecting and distributing."),
    )  # fmt: skip
    funds_percent = forms.DecimalField(
        label=_("Deduction for special funds, %"), min_value=0, max_value=20, max_digits=5, decimal_places=2,
        initial=0, help_text=_("Social, cultural and educational funds the general meeting decided."),
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        costs, funds = data.get("costs_percent"), data.get("funds_percent")
        if costs is not None and funds is not None and costs + funds > 20:
            raise forms.ValidationError(
                _(
                    "Costs and special funds together may not exceed 20 %% of the total collected "
                    "(Art. 46.1 (2)); these add up to %(percent)s %%."
                ),
                params={"percent": costs + funds},
            )
        return data


def quarter_choices(today: dt.date, count: int = 8) -> list[tuple[str, str]]:
    """The last ``count`` quarters that have ended, the latest first, as ``2026-1`` → "Quarter 1 of 2026"."""
    start, _end = last_ended_quarter(today)
    choices = []
    for _n in range(count):
        number = (start.month - 1) // 3 + 1
        first, last = quarter(start.year, number)
        label = _("Quarter %(number)s of %(year)s (%(start)s – %(end)s)") % {
            "number": number, "year": start.year, "start": short_day(first),
            "end": short_day(last),
        }  # fmt: skip
        choices.append((f"{start.year}-{number}", label))
        start = (start - dt.timedelta(days=1)).replace(day=1)
        start = start.replace(month=3 * ((start.month - 1) // 3) + 1)
    return choices


class RunForm(DeductionsForm):
    area = forms.ModelChoiceField(label=_("Area of collective management"), queryset=Area.objects.none())
    quarter = forms.ChoiceField(label=_("Quarter of use"))

    field_order = ["area", "quarter", "costs_percent", "funds_percent"]

    def __init__(self, *args: Any, areas: list[Area], today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area_field = self.fields["area"]
        assert isinstance(area_field, forms.ModelChoiceField)
        area_field.queryset = Area.objects.filter(pk__in=[a.pk for a in areas]).order_by("item")
        if len(areas) == 1:
            area_field.initial = areas[0].pk
        choices = quarter_choices(today)
        quarter_field = self.fields["quarter"]
        assert isinstance(quarter_field, forms.ChoiceField)
        quarter_field.choices = choices
        quarter_field.initial = choices[0][0]

    def period(self) -> tuple[dt.date, dt.date]:
        year, number = self.cleaned_data["quarter"].split("-")
        return quarter(int(year), int(number))


class RemunerationClaimForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the CMO"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ForeignRunForm(forms.Form):
    """A year's run for foreign societies: the year and, for each currency the reciprocal agreements name, the
    rate of tenge for one unit (the National Bank's rate of the day, as the staff enter it)."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(
        self, *args: Any, currencies: list[str], rates: dict[str, Any] | None = None, with_year: bool = True,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        if not with_year:
            del self.fields["year"]
        self.currencies = currencies
        for code in currencies:
            self.fields[f"rate_{code}"] = forms.DecimalField(
                label=_("Tenge for one %(currency)s") % {"currency": code},
                min_value=Decimal("0.000001"), max_digits=14, decimal_places=6,
                initial=(rates or {}).get(code),
                required=False,
                help_text=_("Needed if a society paid in %(currency)s has money in the run.") % {"currency": code},
            )  # fmt: skip

    def rate_fields(self) -> list[Any]:
        return [self[f"rate_{code}"] for code in self.currencies]

    def rates(self) -> dict[str, Decimal]:
        return {
            code: self.cleaned_data[f"rate_{code}"]
            for code in self.currencies
            if self.cleaned_data.get(f"rate_{code}") is not None
        }


class ReleaseRuleForm(forms.Form):
    """The general meeting's decision on money with no use after three years, as the API takes it."""

    decided_on = forms.DateField(
        label=_("Decided by the general meeting on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    meeting_reference = forms.CharField(
        label=_("Minutes of the general meeting"), max_length=200,
        help_text=_("The number and date of the minutes, as they are filed."),
    )  # fmt: skip


class RemittanceReturnedForm(forms.Form):
    """The bank's return of a remittance's transfer, as the CMO's bank statement shows it (as the API takes it)."""

    returned_on = forms.DateField(label=_("Returned on"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(
        label=_("Bank reference"), max_length=100,
        help_text=_("The reference of the return on your bank statement."),
    )  # fmt: skip
    reason = forms.CharField(
        label=_("The bank's reason"), max_length=300, required=False,
        help_text=_("As the bank gives it, e.g. the account is closed."),
    )  # fmt: skip


class RemittancePaidForm(forms.Form):
    """The transfer of an approved remittance, as the CMO's bank statement shows it (as the API takes it)."""

    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(
        label=_("Bank reference"), max_length=100,
        help_text=_("The reference of the transfer on your bank statement."),
    )  # fmt: skip
