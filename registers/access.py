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


def _is(user: Any, attr: str) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, attr, False))


def member_parties(cmo: CMO | int) -> PartyQuerySet:
    """Parties a CMO acts for: an active mandate to it, or entered into the register by it."""
    cmo_id = cmo if isinstance(cmo, int) else cmo.pk
    mandated = Mandate.objects.filter(holder=OuterRef("pk"), cmo_id=cmo_id, status=MandateStatus.ACTIVE)
    parties: PartyQuerySet = Party.objects.filter(Q(registered_by_cmo_id=cmo_id) | Exists(mandated))
    return parties


def own_party_ids(user: Any) -> list[int]:
    return [user.party_id] if _is(user, "is_holder") and user.party_id else []


def parties_editable_by(user: Any) -> QuerySet[Party]:
    if _is(user, "is_operator"):
        return Party.objects.all()
    if _is(user, "is_cmo_staff"):
        return member_parties(user.cmo_id)
    if _is(user, "is_holder"):
        return Party.objects.filter(pk__in=own_party_ids(user))
    return Party.objects.none()


def parties_visible_to(user: Any) -> PartyQuerySet:
    if _is(user, "is_operator") or _is(user, "is_regulator"):
        return Party.objects.all()
    return Party.objects.filter(Q(verified=True) | Q(pk__in=parties_editable_by(user).values("pk")))


def can_see_confidential(user: Any, party: Party) -> bool:
    """The party itself, its CMO and the operator see IIN, bank details, address and birth date.

    The regulator sees them only through :func:`registers.actions.reveal_confidential`, which records why.
    """
    return parties_editable_by(user).filter(pk=party.pk).exists()


def works_editable_by(user: Any) -> QuerySet[Work]:
    if _is(user, "is_operator"):
        return Work.objects.all()
    if _is(user, "is_cmo_staff"):
        members = member_parties(user.cmo_id).values("pk")
        contributes = WorkContributor.objects.filter(work=OuterRef("pk"), party__in=members)
        return Work.objects.filter(Q(registered_by_cmo_id=user.cmo_id) | Exists(contributes))
    if _is(user, "is_holder"):
        contributes = WorkContributor.objects.filter(work=OuterRef("pk"), party_id__in=own_party_ids(user))
        return Work.objects.filter(Q(submitted_by=user) | Exists(contributes))
    return Work.objects.none()


def works_visible_to(user: Any) -> QuerySet[Work]:
    if _is(user, "is_operator") or _is(user, "is_regulator"):
        return Work.objects.all()
    if getattr(user, "is_authenticated", False):
        return Work.objects.filter(
            Q(public=True) | Q(pk__in=works_editable_by(user).values("pk")) | Q(submitted_by=user)
        )
    return Work.objects.filter(public=True)


def _get(queryset: QuerySet[Any], pk: Any) -> Any:
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_work_for_user(user: Any, pk: Any, *, write: bool = False) -> Work:
    return _get(works_editable_by(user) if write else works_visible_to(user), pk)


def get_party_for_user(user: Any, pk: Any, *, write: bool = False) -> Party:
    return _get(parties_editable_by(user) if write else parties_visible_to(user), pk)


def cmos_editable_by(user: Any) -> QuerySet[CMO]:
    if _is(user, "is_operator"):
        return CMO.objects.all()
    if _is(user, "is_cmo_staff") and user.role == "cmo_admin":
        return CMO.objects.filter(pk=user.cmo_id)
    return CMO.objects.none()


def get_cmo_for_user(user: Any, pk: Any, *, write: bool = False) -> CMO:
    return _get(cmos_editable_by(user) if write else CMO.objects.all(), pk)


def licensees_editable_by(user: Any) -> QuerySet[Licensee]:
    if _is(user, "is_operator"):
        return Licensee.objects.all()
    if _is(user, "is_licensee") and user.licensee_id:
        return Licensee.objects.filter(pk=user.licensee_id)
    return Licensee.objects.none()


def licensees_visible_to(user: Any) -> QuerySet[Licensee]:
    if _is(user, "is_operator") or _is(user, "is_regulator") or _is(user, "is_cmo_staff"):
        return Licensee.objects.all()
    return Licensee.objects.filter(Q(verified=True) | Q(pk__in=licensees_editable_by(user).values("pk")))


def get_licensee_for_user(user: Any, pk: Any, *, write: bool = False) -> Licensee:
    return _get(licensees_editable_by(user) if write else licensees_visible_to(user), pk)


def requires_reason(user: Any, obj: Party | Work | CMO | Licensee) -> bool:
    """The operator must give a reason for every change; owners and their CMO need not."""
    return _is(user, "is_operator")
