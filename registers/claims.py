"""Who answers for which claim, and how a change that touches another party's claim is agreed.

The rules, as collective management does it:

- Each party answers for its own claim on a work (its role, its shares, how it is credited), and so
  does the CMO that acts for it (an active mandate, or the CMO entered it in the register). A CMO
  also answers for its own entry (as a publisher, say).
- The work's own data (title, identifiers, dates) is answered for by whoever registered it: the CMO
  that registered it, or the holder who submitted it.
- A party with nobody on the platform to speak for it (no account, no CMO) is answered for by the
  work's registrant; when it joins, it can dispute what was declared.
- The expert organization (the operator) may change anything directly, with a reason.

A change whose every touched claim is answered for by the person making it is applied at once.
Anything else becomes a :class:`~registers.models.Proposal`: the agreed shares stay as they are
until every touched party (or its CMO) accepts; one rejection turns it into a
:class:`~registers.models.Conflict` with the parties it touches, and the work is marked disputed.

Registering a work needs its registrant to answer for at least one of its contributors: a holder
registers their own works, a CMO those of its members; on anybody else's behalf only their CMO or
the operator. Other named holders who can speak for themselves confirm before the work is public.

Facts that change a person's legal status (:data:`LEGAL_STATUS_FIELDS`) are changed by the operator,
with evidence; the holder or their CMO proposes them and the operator confirms.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registers.models import (
    CMO,
    Conflict,
    Decision,
    Mandate,
    Party,
    Proposal,
    ProposalAnswer,
    ProposalKind,
    ProposalStatus,
    Work,
)
from registers.models.contracts import MandateStatus
from udp.accounts import roles
from udp.accounts.models import CMO_ROLES, Moderation, Role, User
from udp.accounts.roles import Actor
from udp.notices.actions import notify

if TYPE_CHECKING:
    from registers.actions import TitleInput

#: Party fields that change a person's legal status (term of protection, identity).
LEGAL_STATUS_FIELDS = ("death_date", "rehabilitated_on", "iin", "birth_date", "kind")

#: The work fields a proposal may carry (everything the work form and API write).
WORK_FIELDS = (
    "kind",
    "title",
    "language",
    "iswc",
    "isrc",
    "isan",
    "creation_year",
    "disclosed_on",
    "anonymous",
    "pseudonymous",
    "author_identified_on",
    "duration",
    "submitter_ref",
)


# --- who answers for what ----------------------------------------------------------------------


def answerable_parties(user: Actor | None) -> QuerySet[Party]:
    """The parties whose claims ``user`` answers for (not the operator's everything: see :func:`answers_for`)."""
    from registers.access import member_parties

    if roles.is_cmo_staff(user):
        return Party.objects.filter(
            Q(pk__in=member_parties(user.cmo_id).values("pk")) | Q(cmo__pk=user.cmo_id)
        )
    if roles.is_holder(user) and user.party_id:
        return Party.objects.filter(pk=user.party_id)
    return Party.objects.none()


def answers_for(user: Actor | None, party_id: int | None) -> bool:
    """May ``user`` speak for ``party_id`` (``None``: for the expert organization)?"""
    if party_id is None:
        return roles.is_operator(user)
    return answerable_parties(user).filter(pk=party_id).exists()


def parties_with_a_voice(party_ids: Iterable[int]) -> set[int]:
    """Those of ``party_ids`` that somebody other than the operator can speak for."""
    ids = set(party_ids)
    if not ids:
        return set()
    active = Mandate.objects.filter(holder=OuterRef("pk"), status=MandateStatus.ACTIVE)
    account = User.objects.filter(party=OuterRef("pk"), role=Role.HOLDER, moderation=Moderation.APPROVED)
    voiced = Party.objects.filter(pk__in=ids).filter(
        Q(registered_by_cmo__isnull=False) | Q(cmo__isnull=False) | Exists(active) | Exists(account)
    )
    return set(voiced.values_list("pk", flat=True))


def registrant_party_id(work: Work) -> int | None:
    """The party that answers for the work's own data: its registering CMO, or the holder who submitted it."""
    if work.registered_by_cmo_id:
        return CMO.objects.filter(pk=work.registered_by_cmo_id).values_list("party_id", flat=True).first()
    submitter = work.submitted_by
    if submitter is not None and submitter.holder_account and submitter.party_id:
        return int(submitter.party_id)
    return None


def is_registrant(user: Actor, work: Work) -> bool:
    if roles.is_operator(user):
        return True
    if work.registered_by_cmo_id:
        return roles.is_cmo_staff(user) and user.cmo_id == work.registered_by_cmo_id
    if work.submitted_by_id is not None and work.submitted_by_id == getattr(user, "pk", None):
        return True
    registrant = registrant_party_id(work)
    return registrant is not None and roles.is_holder(user) and user.party_id == registrant


# --- snapshots and payloads ---------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _share_text(percent: Any) -> str:
    return str(Decimal(str(percent)).quantize(Decimal("0.01")))


def contributor_rows(contributors: Iterable[Any]) -> list[dict[str, Any]]:
    """``ContributorInput``-like objects as plain, comparable rows."""
    rows = []
    for c in contributors:
        shares = {rt: _share_text(p) for rt, p in sorted(c.shares.items()) if p is not None}
        party_id = c.party.pk if hasattr(c, "party") else c["party"]
        row: dict[str, Any] = {
            "party": party_id,
            "role": c.role,
            "shares": shares,
            "credited_as": c.credited_as or "",
        }
        declared = getattr(c, "declared", None)
        if declared:
            row["declared"] = {rt: _share_text(p) for rt, p in sorted(declared.items())}
        for name in ("territories", "publishers"):
            value = getattr(c, name, None)
            if value is not None:
                row[name] = _jsonable([dataclasses.asdict(v) for v in value])
        rows.append(row)
    return rows


def current_rows(work: Work, *, prefetched: bool = False) -> list[dict[str, Any]]:
    """The work's contributors and shares as they are now (``prefetched``: as the caller's query
    prefetched them, ``contributors__shares``, for a list that shows many works)."""
    contributors = work.contributors.all() if prefetched else work.contributors.prefetch_related("shares")
    rows = []
    for c in sorted(contributors, key=lambda c: (c.sequence, c.id)):
        rows.append(
            {
                "party": c.party_id,
                "role": c.role,
                "shares": {
                    s.right_type: _share_text(s.percent)
                    for s in sorted(c.shares.all(), key=lambda s: s.right_type)
                },
                "credited_as": c.credited_as,
            }
        )
    return rows


def snapshot(work: Work, *, prefetched: bool = False) -> dict[str, Any]:
    """The work as a proposal compares it (``prefetched``: ``titles`` and ``contributors__shares``)."""
    titles = (
        [t.title for t in work.titles.all()] if prefetched else work.titles.values_list("title", flat=True)
    )
    return {
        "fields": _jsonable({name: getattr(work, name) for name in WORK_FIELDS}),
        "alternate_titles": sorted(titles),
        "contributors": current_rows(work, prefetched=prefetched),
    }


def _keyed(rows: Iterable[dict[str, Any]]) -> dict[tuple[int, str], tuple[Any, str]]:
    return {(r["party"], r["role"]): (r["shares"], r["credited_as"]) for r in rows}


def touched_parties(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> set[int]:
    """Parties whose claim (role, shares or credit) differs between two contributor sets."""
    old, new = _keyed(before), _keyed(after)
    return {key[0] for key in old.keys() | new.keys() if old.get(key) != new.get(key)}


def changed_fields(
    work: Work, fields: dict[str, Any], wanted_titles: Iterable[TitleInput] | None
) -> dict[str, Any]:
    """The fields of ``work`` that ``fields`` and the alternate titles wanted (``None``: left as they are) change."""
    changes = {
        name: value
        for name, value in fields.items()
        if _jsonable(getattr(work, name, None)) != _jsonable(value)
    }
    if wanted_titles is not None:
        rows = sorted([t.title, t.kind, t.language] for t in wanted_titles)
        if rows != sorted([t.title, t.kind, t.language] for t in work.titles.all()):
            changes["alternate_titles"] = [{"title": t, "kind": k, "language": lang} for t, k, lang in rows]
    return changes


# --- deciding whether a change needs others ------------------------------------------------------


def answerers_for_work_change(
    work: Work, *, by: Actor, field_changes: dict[str, Any], touched: set[int]
) -> set[int | None]:
    """Whose acceptance a change needs (party ids; ``None`` is the expert organization). Empty: apply it."""
    if roles.is_operator(by):
        return set()
    mine = set(answerable_parties(by).filter(pk__in=touched).values_list("pk", flat=True))
    registrant = registrant_party_id(work)
    by_registrant = is_registrant(by, work)
    needed: set[int | None] = set()
    others = touched - mine
    voiced = parties_with_a_voice(others)
    for party_id in others:
        if party_id in voiced:
            needed.add(party_id)
        elif not by_registrant:
            needed.add(registrant)
    if field_changes and not by_registrant:
        needed.add(registrant)
    return needed


def check_registration(*, by: Actor, party_ids: Sequence[int]) -> set[int]:
    """Refuse a registration on somebody else's behalf; return the named parties who must confirm it."""
    if roles.is_operator(by) or not party_ids:
        return set()
    mine = set(answerable_parties(by).filter(pk__in=party_ids).values_list("pk", flat=True))
    if not mine:
        if roles.is_cmo_staff(by):
            message = gettext_lazy(
                "None of the contributors is a member of your CMO. A work is registered by its holders, "
                "their CMO or the expert organization."
            )
        else:
            message = gettext_lazy(
                "You can register only works you contribute to. A work is registered on someone else's "
                "behalf by their CMO or the expert organization."
            )
        raise ValidationError({"contributors": ValidationError(message, code="not_your_work")})
    return parties_with_a_voice(set(party_ids) - mine)


# --- proposals ---------------------------------------------------------------------------------


def open_proposal(
    *,
    kind: str,
    by: Actor,
    answerers: Iterable[int | None],
    work: Work | None = None,
    party: Party | None = None,
    payload: dict[str, Any] | None = None,
    base: dict[str, Any] | None = None,
    note: str = "",
) -> Proposal:
    proposal = Proposal.objects.create(
        kind=kind,
        work=work,
        party=party,
        proposed_by=by if roles.signed_in(by) else None,
        payload=_jsonable(payload or {}),
        base=_jsonable(base or {}),
        note=note.strip(),
    )
    ProposalAnswer.objects.bulk_create(
        ProposalAnswer(proposal=proposal, party_id=party_id)
        for party_id in sorted(answerers, key=lambda p: (p is not None, p or 0))
    )
    _tell_holders(proposal, by)
    if work is not None:
        from registers.conflicts import detect_over_claims

        work_id = work.pk
        transaction.on_commit(lambda: detect_over_claims({work_id}))
    return proposal


def _tell_holders(proposal: Proposal, by: Actor) -> None:
    """Each holder whose answer a change to a work waits for gets a notice (CMO staff see the waiting
    proposals in their header)."""
    if proposal.work is None:
        return
    parties = proposal.answers.exclude(party=None).values("party_id")
    holders = User.objects.filter(party__in=parties, role=Role.HOLDER, moderation=Moderation.APPROVED)
    if roles.signed_in(by):
        holders = holders.exclude(pk=by.pk)
    for holder in holders:
        notify(
            holder,
            "proposal_waiting",
            {"title": proposal.work.title[:200], "id": proposal.pk},
            link=f"/claims/proposals/{proposal.pk}/",
        )


def proposals_visible_to(user: Actor) -> QuerySet[Proposal]:
    if roles.is_operator(user):
        return Proposal.objects.all()
    if roles.is_regulator(user):
        return Proposal.objects.exclude(kind=ProposalKind.PARTY_FACTS)  # facts carry confidential data
    if not roles.signed_in(user):
        return Proposal.objects.none()
    mine = answerable_parties(user).values("pk")
    # a claimant of an existing entry sees nothing of that entry until the claim is granted
    q = (
        (Q(proposed_by=user) & ~Q(kind=ProposalKind.ENTRY_CLAIM))
        | Q(answers__party__in=mine)
        | Q(party__in=mine)
    )
    if roles.is_cmo_staff(user):
        q |= Q(proposed_by__cmo_id=user.cmo_id, proposed_by__role__in=CMO_ROLES)
    return Proposal.objects.filter(pk__in=Proposal.objects.filter(q).values("pk"))


def conflicts_visible_to(user: Actor) -> QuerySet[Conflict]:
    """The operator and regulator see all; a party (or its CMO) the conflicts that name it; whoever
    opened a conflict (e.g. by a competing CWR registration), or their CMO, sees it too."""
    if roles.is_operator(user) or roles.is_regulator(user):
        return Conflict.objects.all()
    if not roles.signed_in(user):
        return Conflict.objects.none()
    mine = answerable_parties(user).values("pk")
    q = Q(parties__in=mine) | Q(opened_by=user)
    if roles.is_cmo_staff(user):
        q |= Q(opened_by__cmo_id=user.cmo_id, opened_by__role__in=["cmo_admin", "cmo_staff"])
        q |= Q(cmos=user.cmo_id)
    return Conflict.objects.filter(pk__in=Conflict.objects.filter(q).values("pk"))


#: What a conflict is about, by its code, rendered in the reader's language.
CONFLICT_MESSAGES: dict[str, Any] = {
    "competing_registration": gettext_lazy(
        "A CWR file (import %(batch)s, transaction %(transaction)s) registers “%(title)s” as a new work "
        "with ISWC %(iswc)s (submitter's work number %(ref)s), which belongs to this work."
    ),
    "overlapping_mandate": gettext_lazy(
        "%(requesting_cmo)s was asked to manage area(s) %(areas)s for %(holder)s, which %(cmo)s already "
        "manages under mandate %(contract)s (one CMO per holder and area, Art. 43.4)."
    ),
    "paper_mandate_disputed": gettext_lazy(
        "%(holder)s disputes mandate %(contract)s, entered by %(cmo)s as signed on paper, for area(s) "
        "%(areas)s: %(note)s"
    ),
    "competing_holder_claims": gettext_lazy(
        "In area %(item)s more than one CMO claims this holder's rights: %(claims)s."
    ),
    "competing_work_claims": gettext_lazy(
        "In area %(item)s more than one CMO claims one contributor's share (%(right_type)s) in “%(title)s”: "
        "%(claims)s."
    ),
    "over_claim": gettext_lazy(
        "The open claims on “%(title)s” add up to %(total)s %% for the right type %(right_type)s."
    ),
    "competing_reciprocal": gettext_lazy(
        "%(claimant_cmo)s entered an agreement with %(society)s (CISAC %(cisac_code)s) for area %(item)s, "
        "which the society already gave to %(holder_cmo)s (%(number)s). A foreign society mandates only one "
        "domestic CMO per area."
    ),
}


def conflict_text(conflict: Conflict) -> str:
    message = CONFLICT_MESSAGES.get(conflict.code)
    if message is None:
        return ""
    try:
        return str(message) % conflict.params
    except (KeyError, TypeError, ValueError):
        return str(message)


def pending_answers_for(user: Actor) -> QuerySet[ProposalAnswer]:
    """Answers ``user`` may give now."""
    pending = ProposalAnswer.objects.filter(decision=Decision.PENDING, proposal__status=ProposalStatus.OPEN)
    if roles.is_operator(user):
        return pending.filter(party__isnull=True)
    return pending.filter(party__in=answerable_parties(user).values("pk"))


def is_proposer(user: Actor, proposal: Proposal) -> bool:
    """The account that proposed it, or staff of the same CMO."""
    if proposal.proposed_by_id is not None and proposal.proposed_by_id == getattr(user, "pk", None):
        return True
    proposer = proposal.proposed_by
    return roles.is_cmo_staff(user) and proposer is not None and proposer.cmo_id == user.cmo_id


def may_answer(user: Actor | None, proposal: Proposal) -> bool:
    """``user`` may give an answer now (for at least one party it speaks for)."""
    return proposal.status == ProposalStatus.OPEN and any(
        a.decision == Decision.PENDING and answers_for(user, a.party_id) for a in proposal.answers.all()
    )


def may_withdraw(user: Actor, proposal: Proposal) -> bool:
    return (
        proposal.status == ProposalStatus.OPEN
        and proposal.kind != ProposalKind.WORK_REGISTRATION
        and is_proposer(user, proposal)
    )


def describe_answerer(party_id: int | None, names: dict[int, str]) -> str:
    return names.get(party_id, f"#{party_id}") if party_id is not None else _("The expert organization")
