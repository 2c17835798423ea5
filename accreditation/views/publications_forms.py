"""Forms of the publications pages: they parse and check input, never write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accreditation.models import PublicationKind
from udp.core.models import DayKind

DATE = forms.DateInput(attrs={"type": "date"})


class PublicationForm(forms.Form):
    kind = forms.ChoiceField(label=_("What"), choices=PublicationKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    event_on = forms.DateField(
        label=_("Registered, held or approved on"),
        widget=DATE,
        help_text=_(
            "The amendment's registration, the general meeting, or the approval of the audit report."
        ),
    )
    document = forms.FileField(label=_("Document"))
    statements = forms.FileField(label=_("Financial statements (audit)"), required=False)
    auditor = forms.CharField(label=_("Auditor (audit)"), max_length=300, required=False)
    period_end = forms.DateField(label=_("Audited period ends on (audit)"), required=False, widget=DATE)


class MeetingNoticeForm(forms.Form):
    meeting_on = forms.DateField(label=_("Meeting on"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=300)
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 4}))
    document = forms.FileField(label=_("Notice"), required=False)


class CalendarDayForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DATE)
    kind = forms.ChoiceField(label=_("Kind"), choices=DayKind.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
