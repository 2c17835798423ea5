"""Forms of the requests for information: they parse and check input, never write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from licensing.models import InfoTopic
from registers.models import Licensee

DATE = forms.DateInput(attrs={"type": "date"})


class AskForm(forms.Form):
    licensee = forms.ModelChoiceField(
        label=_("User"), queryset=Licensee.objects.select_related("party").order_by("trade_name", "pk")
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 4}))
    topics = forms.MultipleChoiceField(
        label=_("Information asked for"), choices=InfoTopic.choices, widget=forms.CheckboxSelectMultiple
    )
    period_from = forms.DateField(label=_("Period from"), widget=DATE)
    period_to = forms.DateField(label=_("Period to"), widget=DATE)
    due_on = forms.DateField(label=_("Answer due by"), widget=DATE)


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 5}))
    attachment = forms.FileField(label=_("Attached file"), required=False)
