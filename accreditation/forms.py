"""Forms of the application's path: each step's input, parsed; the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accreditation.models import Application, ApplicationStatus, Requirement
from mandates.request_forms import AreaChoiceField
from registers.models import CMO, Area

DATE = forms.DateInput(attrs={"type": "date"})


class ApplicationForm(forms.Form):
    areas = AreaChoiceField(
        label=_("Areas of collective management"),
        queryset=Area.objects.filter(in_force=True).order_by("item"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Accreditation is granted separately for each area (Art. 46-1.2)."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DocumentForm(forms.Form):
    requirement = forms.ModelChoiceField(
        label=_("Requirement"), queryset=Requirement.objects.filter(active=True), required=False,
        empty_label=_("A further document"),
    )  # fmt: skip
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))


class CheckForm(forms.Form):
    complete = forms.TypedChoiceField(
        label=_("The application is"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        choices=[("yes", _("complete")), ("no", _("incomplete: return it to the CMO"))],
    )  # fmt: skip
    note = forms.CharField(
        label=_("What is missing"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MeetingForm(forms.Form):
    meets_on = forms.DateField(label=_("Meeting date"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    announcement = forms.CharField(
        label=_("Announcement"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    applications = forms.ModelMultipleChoiceField(
        label=_("Applications the commission will consider"), queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["applications"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Application.objects.filter(status=ApplicationStatus.COMPLETE).select_related("cmo")
        field.label_from_instance = lambda a: f"№ {a.pk} — {a.cmo.short_name}"  # type: ignore[method-assign,assignment]


class ConclusionForm(forms.Form):
    text = forms.CharField(label=_("The commission's conclusion"), widget=forms.Textarea(attrs={"rows": 4}))
    recommended = AreaChoiceField(
        label=_("Areas it recommends for accreditation"), queryset=Area.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    minutes = forms.FileField(label=_("Minutes of the meeting"), required=False)

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["recommended"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = application.areas.order_by("item")


class DecisionForm(forms.Form):
    """One group of fields per area of the application: grant (with a term) or refuse (with reasons)."""

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.areas = list(application.areas.order_by("item"))
        for area in self.areas:
            item = area.item
            self.fields[f"outcome_{item}"] = forms.ChoiceField(
                label=_("Area %(item)s: decision") % {"item": item}, widget=forms.RadioSelect,
                choices=[("grant", _("grant accreditation")), ("refuse", _("refuse"))],
            )  # fmt: skip
            self.fields[f"from_{item}"] = forms.DateField(
                label=_("Accredited from"), required=False, widget=DATE
            )
            self.fields[f"until_{item}"] = forms.DateField(
                label=_("Accredited until"), required=False, widget=DATE
            )
            self.fields[f"reasons_{item}"] = forms.CharField(
                label=_("Reasons of a refusal"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def outcomes(self) -> list[Any]:
        from accreditation.applying import AreaOutcome

        data = self.cleaned_data
        return [
            AreaOutcome(
                area,
                data[f"outcome_{area.item}"] == "grant",
                reasons=data.get(f"reasons_{area.item}") or "",
                valid_from=data.get(f"from_{area.item}"),
                valid_until=data.get(f"until_{area.item}"),
            )  # fmt: skip
            for area in self.areas
        ]


class AppealForm(forms.Form):
    grounds = forms.CharField(label=_("Grounds of the appeal"), widget=forms.Textarea(attrs={"rows": 4}))


class AppealDecisionForm(forms.Form):
    grant = forms.TypedChoiceField(
        label=_("Decision on the appeal"), coerce=lambda v: v == "grant", widget=forms.RadioSelect,
        choices=[("grant", _("grant the appeal: accredit the area")), ("uphold", _("uphold the refusal"))],
    )  # fmt: skip
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}))
    valid_from = forms.DateField(label=_("Accredited from"), required=False, widget=DATE)
    valid_until = forms.DateField(label=_("Accredited until"), required=False, widget=DATE)


class RequirementForm(forms.ModelForm):
    class Meta:
        model = Requirement
        fields = ["code", "title_kk", "title_ru", "title_en", "description_kk", "description_ru", "description_en",
                  "mandatory", "order"]  # fmt: skip
        widgets = {f"description_{lang}": forms.Textarea(attrs={"rows": 2}) for lang in ("kk", "ru", "en")}


class ExistingCertificateForm(forms.Form):
    cmo = forms.ModelChoiceField(label=_("CMO"), queryset=CMO.objects.select_related("party"))
    number = forms.CharField(label=_("Certificate number"), max_length=40)
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE)
    scan = forms.FileField(label=_("Scan of the paper certificate"))
    lines = forms.CharField(
        label=_("Areas and terms"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One line per area: the area's item, the first and the last day, e.g. 1 2022-03-01 2027-02-28"),
    )  # fmt: skip

    def clean_lines(self) -> list[tuple[Area, Any, Any]]:
        import datetime as dt

        parsed = []
        for number, line in enumerate(self.cleaned_data["lines"].splitlines(), start=1):
            parts = line.split()
            if not parts:
                continue
            try:
                item, start, end = (
                    int(parts[0]),
                    dt.date.fromisoformat(parts[1]),
                    dt.date.fromisoformat(parts[2]),
                )
                area = Area.objects.get(item=item)
            except (ValueError, IndexError, Area.DoesNotExist):
                raise forms.ValidationError(
                    _("Line %(n)s: write the area's item, then two dates as YYYY-MM-DD.") % {"n": number}
                ) from None
            parsed.append((area, start, end))
        if not parsed:
            raise forms.ValidationError(_("Give at least one area with its term."))
        return parsed
