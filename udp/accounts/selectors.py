"""Reads over accounts for the operator's moderation queue."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.functional import Promise

from udp.accounts.forms import AccountType
from udp.accounts.models import SELF_SIGNUP_ROLES, Moderation, User


def pending_accounts() -> QuerySet[User]:
    """Self-registered accounts waiting for the operator, oldest first, with whether the e-mail is confirmed."""
    confirmed = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    return (
        User.objects.filter(moderation=Moderation.PENDING, role__in=SELF_SIGNUP_ROLES)
        .select_related("party", "licensee__party", "licensee__category")
        .annotate(email_confirmed=Exists(confirmed))
        .order_by("date_joined", "pk")
    )


@dataclass
class Application:
    """What an applicant entered on the sign-up form, as the operator reviews it."""

    account: User

    @property
    def party(self):
        return self.account.party or getattr(self.account.licensee, "party", None)

    @property
    def account_type(self) -> str | Promise:
        labels = dict(AccountType.CHOICES)
        if self.account.licensee_account:
            return labels[AccountType.LICENSEE]
        if self.party is not None and not self.party.is_person:
            return labels[AccountType.HOLDER_ENTITY]
        return labels[AccountType.HOLDER_PERSON]


def pending_applications() -> list[Application]:
    return [Application(account) for account in pending_accounts()]
