"""Answering a proposal (accept, reject, withdraw) and settling a conflict: the writes of the claims
process (:mod:`registers.claims` says who answers for what).

An accepted change is applied through :mod:`registers.actions`, which in turn opens the proposals
(through :mod:`registers.claims`): so these actions sit above both, and neither imports them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from registers import actions, claims
from registers.enrolment import refuse_entry_claim
from registers.models import (
    CMO,
    ClaimsStatus,
    Conflict,
    ConflictKind,
    ConflictStatus,
    Decision,
    Licensee,
    Party,
    Proposal,
    ProposalKind,
    ProposalStatus,
    UserCategory,
    Work,
)
from registers.signals import conflict_resolved
from udp.accounts import roles
from udp.accounts.models import Moderation, Role, User
from udp.audit import audited
from udp.notices.actions import notify


def answer(
    proposal: Proposal, *, by: User, accept: bool, note: str = "", party_id: int | None = -1
) -> Proposal:
    """Record ``by``'s answer for every party of the proposal it speaks for (or just ``party_id``)."""
    with audited(by, note):
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if not any(claims.answers_for(by, a.party_id) for a in proposal.answers.all()):
            raise PermissionError(_("this account answers for none of the proposal's parties"))
        if proposal.status != ProposalStatus.OPEN:
            raise ValidationError(_("This proposal is no longer open."))
        mine = [
            a
            for a in proposal.answers.filter(decision=Decision.PENDING)
            if claims.answers_for(by, a.party_id) and (party_id == -1 or a.party_id == party_id)
        ]
        if not mine:
            raise PermissionError(_("nothing to answer for this account"))
        if any(a.party_id is None for a in mine) and not note.strip():
            raise ValidationError({"note": _("Say what evidence the decision rests on.")})
        now = timezone.now()
        for a in mine:
            a.decision = Decision.ACCEPTED if accept else Decision.REJECTED
            a.decided_by, a.decided_at, a.note = by, now, note.strip()
            a.save()
        if not accept:
            _reject(proposal, by=by, now=now)
        elif (
            proposal.kind == ProposalKind.ENTRY_CLAIM
            or not proposal.answers.exclude(decision=Decision.ACCEPTED).exists()
        ):  # an entry claim needs one proof: the operator's check or the registering CMO's
            _apply(proposal, by=by, now=now)
    return proposal


def withdraw(proposal: Proposal, *, by: User) -> Proposal:
    with audited(by):
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if not claims.is_proposer(by, proposal):
            raise PermissionError(_("only the proposer withdraws"))
        if proposal.status != ProposalStatus.OPEN:
            raise ValidationError(_("This proposal is no longer open."))
        if proposal.kind == ProposalKind.WORK_REGISTRATION:
            raise ValidationError(_("A registration cannot be withdrawn; the holders it names answer it."))
        proposal.status, proposal.decided_at = ProposalStatus.WITHDRAWN, timezone.now()
        proposal.save(update_fields=["status", "decided_at"])
    return proposal


def _touched_and_proposer(proposal: Proposal) -> set[int]:
    ids = {a.party_id for a in proposal.answers.all() if a.party_id is not None}
    proposer = proposal.proposed_by
    if proposer is not None:
        if proposer.party_id:
            ids.add(proposer.party_id)
        if proposer.cmo_id:
            cmo_party = CMO.objects.filter(pk=proposer.cmo_id).values_list("party_id", flat=True).first()
            if cmo_party:
                ids.add(cmo_party)
    if proposal.party_id:
        ids.add(proposal.party_id)
    return ids


def _claimant(proposal: Proposal) -> User:
    """The account that claims an entry (an entry claim is always made by a person signing up)."""
    if proposal.proposed_by is None:
        raise ValueError(f"entry claim {proposal.pk} has no claimant")
    return proposal.proposed_by


def _reject(proposal: Proposal, *, by: User, now: Any) -> None:
    proposal.status, proposal.decided_at = ProposalStatus.REJECTED, now
    proposal.save(update_fields=["status", "decided_at"])
    if proposal.kind == ProposalKind.ENTRY_CLAIM:  # the entry stays as it is; the account is refused
        refuse_entry_claim(_claimant(proposal), by=by)
        return
    kind = {
        ProposalKind.WORK_CHANGE: ConflictKind.DISPUTED_CHANGE,
        ProposalKind.WORK_REGISTRATION: ConflictKind.DISPUTED_REGISTRATION,
        ProposalKind.PARTY_FACTS: ConflictKind.DISPUTED_FACTS,
    }[ProposalKind(proposal.kind)]
    conflict = Conflict.objects.create(
        kind=kind,
        work=proposal.work,
        proposal=proposal,
        code=f"{kind}",
        params={"proposal": proposal.pk},
        opened_by=by,
    )
    conflict.parties.set(Party.objects.filter(pk__in=_touched_and_proposer(proposal)))
    if proposal.work_id:
        Work.objects.filter(pk=proposal.work_id).update(claims_status=ClaimsStatus.DISPUTED)


def _id(pk: int | None) -> int:
    """A proposal's subject id (its check constraint says which one is set)."""
    if pk is None:
        raise ValueError("the proposal has no such subject")
    return pk


def _decoded_fields(model: Any, fields: dict[str, Any]) -> dict[str, Any]:
    return {name: model._meta.get_field(name).to_python(value) for name, value in fields.items()}


def _apply(proposal: Proposal, *, by: User, now: Any) -> None:
    if proposal.kind == ProposalKind.WORK_REGISTRATION:
        work = Work.objects.select_for_update().get(pk=_id(proposal.work_id))
        work.claims_status = (
            ClaimsStatus.AGREED
            if not work.conflicts.filter(status=ConflictStatus.OPEN).exists()
            else ClaimsStatus.DISPUTED
        )
        submitter = work.submitted_by
        work.public = bool(submitter is None or submitter.is_approved)
        work.save(update_fields=["claims_status", "public", "updated_at"])
    elif proposal.kind == ProposalKind.WORK_CHANGE:
        work = Work.objects.select_for_update().get(pk=_id(proposal.work_id))
        if claims.snapshot(work) != proposal.base:
            proposal.status, proposal.decided_at = ProposalStatus.SUPERSEDED, now
            proposal.save(update_fields=["status", "decided_at"])
            return
        payload = proposal.payload
        contributors = None
        if payload.get("contributors") is not None:
            parties = Party.objects.in_bulk([r["party"] for r in payload["contributors"]])
            contributors = [
                actions.ContributorInput(
                    party=parties[r["party"]],
                    role=r["role"],
                    shares={rt: Decimal(p) for rt, p in r["shares"].items()},
                    credited_as=r.get("credited_as", ""),
                    declared={rt: Decimal(p) for rt, p in r.get("declared", {}).items()},
                    territories=[
                        actions.TerritoryInput(
                            tis=t["tis"],
                            included=t["included"],
                            pr=Decimal(t["pr"]),
                            mr=Decimal(t["mr"]),
                            sr=Decimal(t["sr"]),
                            shares_change=t["shares_change"],
                        )
                        for t in r["territories"]
                    ]
                    if r.get("territories") is not None
                    else None,
                    publishers=[actions.PublisherLinkInput(**link) for link in r["publishers"]]
                    if r.get("publishers") is not None
                    else None,
                )
                for r in payload["contributors"]
            ]
        actions.apply_work_change(
            work,
            fields=_decoded_fields(Work, payload.get("fields", {})),
            alternate_titles=payload.get("alternate_titles"),
            contributors=contributors,
        )
    elif proposal.kind == ProposalKind.ENTRY_CLAIM:
        _grant_entry_claim(
            _claimant(proposal), Party.objects.get(pk=_id(proposal.party_id)), proposal.payload, by=by
        )
    elif proposal.kind == ProposalKind.PARTY_FACTS:
        party = Party.objects.select_for_update().get(pk=_id(proposal.party_id))
        actions.apply_party_fields(party, _decoded_fields(Party, proposal.payload.get("fields", {})))
    proposal.status, proposal.decided_at = ProposalStatus.ACCEPTED, now
    proposal.save(update_fields=["status", "decided_at"])


def _grant_entry_claim(account: User, party: Party, payload: dict[str, Any], *, by: User) -> None:
    """The claimant is proven to be the person (or organisation) of ``party``: link and approve the account.

    Part of accepting the claim (:func:`answer`), inside its transaction.
    """
    if payload.get("role") == Role.LICENSEE:
        licensee = Licensee.objects.filter(party=party).first()
        if licensee is None:
            licensee = Licensee.objects.create(
                party=party,
                category=UserCategory.objects.get(pk=int(payload["category"])),
                trade_name=payload.get("trade_name", ""),
            )
        account.licensee = licensee
    else:
        account.party = party
    account.moderation = Moderation.APPROVED
    account.moderated_by, account.moderated_at = by, timezone.now()
    account.moderation_note = "entry claim granted"
    account.save()
    notify(account, "account_approved", link="/home/")


def resolve_conflict(conflict: Conflict, *, by: User, resolution: str) -> Conflict:
    """The expert organization closes a conflict, saying how it was settled."""
    if not roles.is_operator(by):
        raise PermissionError(_("only the expert organization resolves conflicts"))
    if not resolution.strip():
        raise ValidationError({"resolution": _("Say how the conflict was settled.")})
    with audited(by, resolution):
        conflict = Conflict.objects.select_for_update().get(pk=conflict.pk)
        if conflict.status != ConflictStatus.OPEN:
            raise ValidationError(_("This conflict is already resolved."))
        conflict.status, conflict.resolved_by, conflict.resolved_at = (
            ConflictStatus.RESOLVED,
            by,
            timezone.now(),
        )
        conflict.resolution = resolution.strip()
        conflict.save()
        if (
            conflict.work_id
            and not Conflict.objects.filter(work_id=conflict.work_id, status=ConflictStatus.OPEN).exists()
        ):
            awaiting = Proposal.objects.filter(
                work_id=conflict.work_id, kind=ProposalKind.WORK_REGISTRATION, status=ProposalStatus.OPEN
            ).exists()
            Work.objects.filter(pk=conflict.work_id).update(
                claims_status=ClaimsStatus.AWAITING if awaiting else ClaimsStatus.AGREED
            )
        conflict_resolved.send(sender=Conflict, conflict=conflict)
    return conflict
