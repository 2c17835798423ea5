"""Who may read and write which register entry.

Every protected object is loaded through one of the ``get_*_for_user`` helpers. They answer
"missing" and "forbidden" the same way (404), so nobody can probe for entries they may not see.
Pages, the API, imports and management commands all go through these helpers.

The rules:
- the public (anyone, no account) reads verified parties and public works, never confidential fields;
- a rightsholder writes their own party and the works they submitted or contribute to;
- CMO staff write the parties of their members (an active mandate, or registered by the CMO) and
  those members' works;
- the operator writes anything (and must give a reason, see :mod:`registers.actions`);
- the regulator reads everything, and confidential fields only with a recorded reason.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from registers.models import CMO, Licensee, Mandate, Party, Work, WorkContributor
from registers.models.contracts import MandateStatus
from registers.models.parties import PartyQuerySet
from udp.accounts import roles
from udp.accounts.roles import Actor


def member_parties(cmo: CMO | int | None) -> PartyQuerySet:
    """Parties a CMO acts for: an active mandate to it, or entered into the register by it."""
    cmo_id = cmo if isinstance(cmo, int) or cmo is None else cmo.pk
    if cmo_id is None:
        return Party.objects.none()
    mandated = Mandate.objects.filter(holder=OuterRef("pk"), cmo_id=cmo_id, status=MandateStatus.ACTIVE)
    parties: PartyQuerySet = Party.objects.filter(Q(registered_by_cmo_id=cmo_id) | Exists(mandated))
    return parties


def own_party_ids(user: Actor) -> list[int]:
    return [user.party_id] if roles.is_holder(user) and user.party_id else []


def parties_editable_by(user: Actor) -> QuerySet[Party]:
    if roles.is_operator(user):
        return Party.objects.all()
    if roles.is_cmo_staff(user):
        return member_parties(user.cmo_id)
    if roles.is_holder(user):
        return Party.objects.filter(pk__in=own_party_ids(user))
    return Party.objects.none()


def parties_visible_to(user: Actor) -> PartyQuerySet:
    if roles.is_operator(user) or roles.is_regulator(user):
        return Party.objects.all()
    return Party.objects.filter(Q(verified=True) | Q(pk__in=parties_editable_by(user).values("pk")))


def can_see_confidential(user: Actor, party: Party) -> bool:
    """The party itself, its CMO and the operator see IIN, bank details, address and birth date.

    The regulator sees them only through :func:`registers.actions.reveal_confidential`, which records why.
    """
    return parties_editable_by(user).filter(pk=party.pk).exists()


def works_editable_by(user: Actor) -> QuerySet[Work]:
    if roles.is_operator(user):
        return Work.objects.all()
    if roles.is_cmo_staff(user):
        members = member_parties(user.cmo_id).values("pk")
        contributes = WorkContributor.objects.filter(work=OuterRef("pk"), party__in=members)
        return Work.objects.filter(Q(registered_by_cmo_id=user.cmo_id) | Exists(contributes))
    if roles.is_holder(user):
        contributes = WorkContributor.objects.filter(work=OuterRef("pk"), party_id__in=own_party_ids(user))
        return Work.objects.filter(Q(submitted_by=user) | Exists(contributes))
    return Work.objects.none()


def works_visible_to(user: Actor) -> QuerySet[Work]:
    if roles.is_operator(user) or roles.is_regulator(user):
        return Work.objects.all()
    if roles.signed_in(user):
        return Work.objects.filter(
            Q(public=True) | Q(pk__in=works_editable_by(user).values("pk")) | Q(submitted_by=user)
        )
    return Work.objects.filter(public=True)


def _get(queryset: QuerySet[Any], pk: Any) -> Any:
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_work_for_user(user: Actor, pk: Any, *, write: bool = False) -> Work:
    return _get(works_editable_by(user) if write else works_visible_to(user), pk)


def get_party_for_user(user: Actor, pk: Any, *, write: bool = False) -> Party:
    return _get(parties_editable_by(user) if write else parties_visible_to(user), pk)


def cmos_editable_by(user: Actor) -> QuerySet[CMO]:
    if roles.is_operator(user):
        return CMO.objects.all()
    if roles.is_cmo_admin(user) and user.cmo_id is not None:
        return CMO.objects.filter(pk=user.cmo_id)
    return CMO.objects.none()


def get_cmo_for_user(user: Actor, pk: Any, *, write: bool = False) -> CMO:
    return _get(cmos_editable_by(user) if write else CMO.objects.all(), pk)


def licensees_editable_by(user: Actor) -> QuerySet[Licensee]:
    if roles.is_operator(user):
        return Licensee.objects.all()
    if roles.is_licensee(user) and user.licensee_id:
        return Licensee.objects.filter(pk=user.licensee_id)
    return Licensee.objects.none()


def licensees_visible_to(user: Actor) -> QuerySet[Licensee]:
    if roles.is_operator(user) or roles.is_regulator(user) or roles.is_cmo_staff(user):
        return Licensee.objects.all()
    return Licensee.objects.filter(Q(verified=True) | Q(pk__in=licensees_editable_by(user).values("pk")))


def get_licensee_for_user(user: Actor, pk: Any, *, write: bool = False) -> Licensee:
    return _get(licensees_editable_by(user) if write else licensees_visible_to(user), pk)


def requires_reason(user: Actor, obj: Party | Work | CMO | Licensee) -> bool:
    """The operator must give a reason for every change; owners and their CMO need not."""
    return roles.is_operator(user)
