"""An account's entries in the registers: sign-up and approval.

A rightsholder or music user who signs up enters the register as well (a :class:`Party`, and for a
music user a :class:`Licensee`), unverified until the operator approves the account. The accounts
package knows nothing of the registers; these actions write both sides in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from registers import claims
from registers.models import (
    Licensee,
    Party,
    PartyKind,
    Proposal,
    ProposalKind,
    ProposalStatus,
    UserCategory,
    Work,
)
from udp.accounts.models import Moderation, Role, User
from udp.audit import Reason, audited
from udp.notices.actions import notify


@dataclass(frozen=True)
class SignupEntry:
    """What a person entered on the sign-up form about themselves, for the register."""

    licensee: bool  #: a music user (else a rightsholder)
    person: bool  #: a natural person (else a legal entity)
    full_name: str
    names: dict[str, str]  #: ``name_kk``, ``name_ru``, ``name_lat``
    iin: str = ""
    bin: str = ""
    phone: str = ""
    category: UserCategory | None = None
    trade_name: str = ""

    @property
    def role(self) -> str:
        return Role.LICENSEE if self.licensee else Role.HOLDER


def sign_up(entry: SignupEntry, *, create_account: Callable[[], User]) -> User:
    """A new account (made by ``create_account``, allauth's part) and its unverified register entry.

    A number already in the register is not entered again: the account claims that entry instead,
    and learns nothing of it until the operator (or the CMO that entered it) grants the claim.
    """
    with audited(None):
        account = create_account()
        account.full_name = entry.full_name
        account.phone = entry.phone
        account.moderation = Moderation.PENDING
        account.role = entry.role
        number = {"iin": entry.iin} if entry.person else {"bin": entry.bin}
        existing = Party.objects.filter(**number).first() if any(number.values()) else None
        if existing is not None:
            account.save()
            answerers: set[int | None] = {None}
            if existing.registered_by_cmo is not None:
                answerers.add(existing.registered_by_cmo.party_id)
            claims.open_proposal(
                kind=ProposalKind.ENTRY_CLAIM,
                by=account,
                answerers=answerers,
                party=existing,
                payload={
                    "role": account.role,
                    "category": getattr(entry.category, "pk", None),
                    "trade_name": entry.trade_name,
                    "names": entry.names,
                },
            )
            return account
        party = Party.objects.create(
            kind=PartyKind.PERSON if entry.person else PartyKind.ENTITY,
            **entry.names,
            iin=entry.iin or None if entry.person else None,
            bin=None if entry.person else entry.bin or None,
            email=account.email,
            phone=entry.phone,
            verified=False,
        )
        if entry.licensee:
            if entry.category is None:
                raise ValueError("a music user signs up with a category")
            account.licensee = Licensee.objects.create(
                party=party, category=entry.category, trade_name=entry.trade_name, verified=False
            )
        else:
            account.party = party
        account.save()
    return account


def approve_account(account: User, *, by: User, note: str = "") -> User:
    """The operator has checked the sign-up form: the account becomes active and its entries public."""
    if not by.is_operator:
        raise PermissionError(_("only the operator moderates accounts"))
    if Proposal.objects.filter(
        kind=ProposalKind.ENTRY_CLAIM, proposed_by=account, status=ProposalStatus.OPEN
    ).exists():
        raise ValidationError(
            _("This account claims an entry already in the register: decide the claim under Proposals.")
        )
    with audited(by, note or Reason("account_approved")):
        account.moderation = Moderation.APPROVED
        account.moderation_note = note
        account.moderated_by = by
        account.moderated_at = timezone.now()
        account.save(update_fields=["moderation", "moderation_note", "moderated_by", "moderated_at"])
        party_ids = [pk for pk in (account.party_id, getattr(account.licensee, "party_id", None)) if pk]
        Party.objects.filter(pk__in=party_ids).update(verified=True)
        if account.licensee_id:
            Licensee.objects.filter(pk=account.licensee_id).update(verified=True)
        Work.objects.filter(submitted_by=account).update(public=True)
        notify(account, "account_approved", link="/home/")
    return account


def refuse_entry_claim(account: User, *, by: User) -> None:
    account.moderation = Moderation.REJECTED
    account.moderated_by, account.moderated_at = by, timezone.now()
    account.moderation_note = "entry claim refused"
    account.save()
    notify(account, "entry_claim_refused")


def reject_account(account: User, *, by: User, reason: str) -> User:
    if not by.is_operator:
        raise PermissionError(_("only the operator moderates accounts"))
    if not reason.strip():
        raise ValidationError({"reason": _("Say what is wrong with the form, so the applicant can fix it.")})
    with audited(by, reason):
        account.moderation = Moderation.REJECTED
        account.moderation_note = reason.strip()
        account.moderated_by = by
        account.moderated_at = timezone.now()
        account.save(update_fields=["moderation", "moderation_note", "moderated_by", "moderated_at"])
        notify(account, "account_rejected", {"reason": reason.strip()})
    return account
