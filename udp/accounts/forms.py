"""Forms on accounts: moderation, API keys, and the kinds of account a person signs up as.

The sign-up form itself enters the person in a register too, so it lives in :mod:`registers.signup`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from udp.accounts.scopes import Scope


class AccountType:
    HOLDER_PERSON = "holder_person"
    HOLDER_ENTITY = "holder_entity"
    LICENSEE = "licensee"

    CHOICES = [
        (HOLDER_PERSON, _("Rightsholder — natural person (author, performer, heir)")),
        (HOLDER_ENTITY, _("Rightsholder — legal entity (publisher, phonogram producer)")),
        (LICENSEE, _("Music user (radio, TV, venue, shop, digital service)")),
    ]


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sent to the applicant: say what is wrong with the form, so they can fix it."),
    )


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to see this person's confidential data?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Your reason is recorded with your name and the time, and shown to the operator."),
    )


class ApiKeyForm(forms.Form):
    """Issue an API key for a machine client of one's own account."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Which system uses the key, for example “Back office” or “Monitoring provider”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("What the key may do"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Never more than your own account may do. Choose only what the system needs."),
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The key stops working at the start of this day."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["expires_on"].initial = today + dt.timedelta(days=settings.UDP_API_KEY_LIFETIME_DAYS)
        self.fields["expires_on"].widget.attrs.update(
            min=(today + dt.timedelta(days=1)).isoformat(),
            max=(today + dt.timedelta(days=settings.UDP_API_KEY_MAX_LIFETIME_DAYS)).isoformat(),
        )

    def expires_at(self) -> dt.datetime:
        day = self.cleaned_data["expires_on"]
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
