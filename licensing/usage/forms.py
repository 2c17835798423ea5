"""The upload form of a usage report (pages); parses and checks input only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from licensing.models import UsagePolicy
from licensing.usage.ingest import MAX_UPLOAD, format_of


class UsageUploadForm(forms.Form):
    period_start = forms.DateField(label=_("Period from"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("Period to"), widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV or XLSX (the template), or a DDEX DSR flat file (.tsv)."),
    )
    policy = forms.ChoiceField(
        label=_("If some lines are bad"), choices=UsagePolicy.choices, initial=UsagePolicy.KEEP_GOOD,
        widget=forms.RadioSelect,
    )  # fmt: skip

    def __init__(self, *args: Any, period: tuple[dt.date, dt.date] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if period is not None:
            self.fields["period_start"].initial, self.fields["period_end"].initial = period

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if format_of(upload.name) not in ("csv", "xlsx", "dsr"):
            raise forms.ValidationError(_("Send a .csv, .xlsx or .tsv (DSR) file."), code="extension")
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is too large."), code="size")
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error(
                "period_end", forms.ValidationError(_("The period ends before it starts."), code="order")
            )
        return data
