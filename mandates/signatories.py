"""Who signs for an organisation: a CMO, a rightsholder or a music user that is a legal entity.

A signature on a mandate agreement names the person's IIN and, where they sign for an entity, its BIN
with who may sign for it on record (:class:`udp.documents.models.Signatory`). An organisation keeps that
record itself: a CMO's admin for the CMO; any approved account of a rightsholder that is a legal entity
for that entity. The people entered are the organisation's own accounts. Every entry and every end of
authority is told to the organisation's other accounts, so nobody is added or removed unseen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from registers.models import Party
from registers.models.parties import PartyKind
from udp.accounts import roles
from udp.accounts.models import CMO_ROLES, Moderation, Role, User
from udp.accounts.roles import Actor
from udp.audit import audited
from udp.core import clock
from udp.documents.models import Signatory
from udp.documents.signing import enter_signatory
from udp.notices.actions import notify


@dataclass(frozen=True)
class Entity:
    """The organisation an account keeps the signatories of: its BIN, its name and its accounts."""

    bin: str
    name: str
    accounts: QuerySet[User]
    is_cmo: bool


def entity_of(user: Actor | None) -> Entity | None:
    """The organisation ``user`` signs for, if any: a CMO's staff read theirs, an entity holder's accounts theirs.

    A rightsholder who is a person signs for themselves and has none."""
    if roles.is_cmo_staff(user) and user.cmo is not None:
        party = user.cmo.party
        accounts = User.objects.filter(cmo=user.cmo, role__in=CMO_ROLES)
        return Entity(party.bin or "", party.name, accounts, is_cmo=True)
    if roles.is_holder(user) and user.party is not None and user.party.kind == PartyKind.ENTITY:
        party = user.party
        accounts = User.objects.filter(party_id=party.pk, role=Role.HOLDER)
        return Entity(party.bin or "", party.name, accounts, is_cmo=False)
    licensee = user.licensee if roles.is_licensee(user) else None
    if licensee is not None and licensee.party.kind == PartyKind.ENTITY:
        party = licensee.party
        accounts = User.objects.filter(licensee_id=licensee.pk, role=Role.LICENSEE)
        return Entity(party.bin or "", party.name, accounts, is_cmo=False)
    return None


def may_keep(user: Actor | None) -> bool:
    """Whether ``user`` may add and end their organisation's signatories (a CMO's admin; an entity holder)."""
    entity = entity_of(user)
    if entity is None:
        return False
    return roles.is_cmo_admin(user) if entity.is_cmo else True


def signatories_of(user: Actor | None) -> QuerySet[Signatory]:
    """The signatories of ``user``'s organisation, newest first; none for anyone else."""
    entity = entity_of(user)
    if entity is None or not entity.bin:
        return Signatory.objects.none()
    return (
        Signatory.objects.filter(entity_bin=entity.bin)
        .select_related("account")
        .order_by("-valid_from", "-pk")
    )


def is_current(row: Signatory, day: dt.date | None = None) -> bool:
    day = day or clock.today()
    return row.valid_from <= day and (row.valid_until is None or row.valid_until >= day)


def current_q(day: dt.date | None = None) -> Q:
    day = day or clock.today()
    return Q(valid_from__lte=day) & (Q(valid_until__isnull=True) | Q(valid_until__gte=day))


def _entity_for_writing(by: User) -> Entity:
    entity = entity_of(by)
    if entity is None or not may_keep(by):
        raise PermissionError(_("only an organisation's own accounts say who signs for it"))
    if not entity.bin:
        raise ValidationError(
            _("Your organisation's BIN is not in the register; the operator must enter it first.")
        )
    return entity


def enter_own_signatory(
    *,
    by: User,
    account: User,
    iin: str,
    position: str,
    basis: str,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> Signatory:
    """``by`` records that ``account`` (one of their organisation's accounts) may sign for it."""
    from udp.identifiers import validate_iin

    entity = _entity_for_writing(by)
    if not entity.accounts.filter(pk=account.pk).exists():
        raise ValidationError({"account": _("Choose an account of your organisation.")})
    try:
        iin = validate_iin(iin)
    except ValidationError as error:
        raise ValidationError({"iin": error.messages}) from None
    if not position.strip():
        raise ValidationError({"position": _("Say the person's position.")})
    if not basis.strip():
        raise ValidationError({"basis": _("Say what the person's authority rests on.")})
    if valid_until is not None and valid_until < (valid_from or clock.today()):
        raise ValidationError({"valid_until": _("The end cannot come before the start.")})
    with audited(by):
        row = enter_signatory(
            by=by, entity_bin=entity.bin, entity_name=entity.name, account=account, iin=iin,
            position=position.strip(), basis=basis.strip(), valid_from=valid_from, valid_until=valid_until,
        )  # fmt: skip
        _tell(entity, "signatory_entered", row, by)
    return row


def end_own_signatory(*, by: User, signatory: Signatory, last_day: dt.date | None = None) -> Signatory:
    """``by`` ends a signatory's authority: they may sign up to ``last_day`` (yesterday) and not after.

    The row is kept (signatures already made name it); only its end date is set, and never later than it was."""
    entity = _entity_for_writing(by)
    if signatory.entity_bin != entity.bin:
        raise PermissionError("a signatory of another organisation")
    last_day = last_day if last_day is not None else clock.today() - dt.timedelta(days=1)
    with audited(by):
        row = Signatory.objects.select_for_update().get(pk=signatory.pk)
        if row.valid_until is not None and row.valid_until <= last_day:
            raise ValidationError(_("This person's authority already ends on that day or earlier."))
        if last_day < row.valid_from:
            # an authority ended before it began never was: its period closes the day before its start
            last_day = row.valid_from - dt.timedelta(days=1)
        row.valid_until = last_day
        row.save(update_fields=["valid_until"])
        _tell(entity, "signatory_ended", row, by)
    return row


def _tell(entity: Entity, code: str, row: Signatory, by: User) -> None:
    params = {
        "entity": entity.name,
        "person": row.account.full_name or row.account.email,
        "position": row.position,
        "by": by.full_name or by.email,
        "until": row.valid_until.isoformat() if row.valid_until else "",
    }
    for account in entity.accounts.filter(moderation=Moderation.APPROVED, is_active=True).exclude(pk=by.pk):
        notify(account, code, params, link="/mandates/signatories/")


def holder_needs_signatory(user: Actor | None, holder: Party) -> bool:
    """Whether ``user``, signing for the entity ``holder``, must first be entered as one who signs for it."""
    from udp.documents.signing import signatory_for

    if holder.kind != PartyKind.ENTITY:
        return False
    return signatory_for(user, holder.bin or "") is None
