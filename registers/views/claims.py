"""Proposals and conflicts, for the holders, CMOs and the expert organization who answer them."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from registers import answers, claims, conflicts
from registers.models import Conflict, ConflictEvidence, ConflictKind, ConflictStatus, Party, Proposal
from udp.accounts.decorators import AuthedRequest, role_required
from udp.accounts.roles import Actor

claims_reader = role_required("is_holder", "is_cmo_staff", "is_operator", "is_regulator")


def _proposals(user: Actor) -> Any:
    return claims.proposals_visible_to(user).select_related(
        "proposed_by__cmo", "proposed_by__party", "proposed_by__licensee__party", "work", "party"
    )


@claims_reader
def overview(request: AuthedRequest) -> HttpResponse:
    user = request.user
    waiting_ids = claims.pending_answers_for(user).values("proposal_id")
    visible = _proposals(user)
    context = {
        "waiting": visible.filter(pk__in=waiting_ids).order_by("created_at")[:200],
        "mine": visible.filter(proposed_by=user).order_by("-created_at")[:100],
        "others": visible.exclude(pk__in=waiting_ids).exclude(proposed_by=user).order_by("-created_at")[:100],
        "conflicts": claims.conflicts_visible_to(user)
        .filter(status="open")
        .select_related("work")
        .prefetch_related("parties")[:200],
    }
    return render(request, "registers/claims/overview.html", context)


def _rows_with_names(rows: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    if not rows:
        return []
    names = {p.pk: str(p) for p in Party.objects.filter(pk__in=[r["party"] for r in rows])}
    return [{**r, "name": names.get(r["party"], f"#{r['party']}")} for r in rows]


@contextlib.contextmanager
def _reported(request: AuthedRequest) -> Iterator[None]:
    """Around an answer or a resolution: a refused one is 403, a rejected one says why on the page."""
    try:
        yield
    except PermissionError:
        raise PermissionDenied from None
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)


@claims_reader
def proposal_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        proposal = _proposals(request.user).get(pk=pk)
    except Proposal.DoesNotExist:
        raise Http404 from None
    if request.method == "POST":
        verb, note = request.POST.get("decision", ""), request.POST.get("note", "")
        with _reported(request):
            if verb in ("accept", "reject"):
                answers.answer(proposal, by=request.user, accept=verb == "accept", note=note)
                messages.success(request, _("Your answer is recorded."))
            elif verb == "withdraw":
                answers.withdraw(proposal, by=request.user)
                messages.success(request, _("The proposal is withdrawn."))
            else:
                raise ValidationError(_("Choose accept or reject."))
        return redirect("claims:proposal", pk=proposal.pk)
    proposal.refresh_from_db()
    given = list(proposal.answers.select_related("party", "decided_by__cmo", "decided_by__party"))
    current = claims.snapshot(proposal.work) if proposal.work is not None else None
    context = {
        "proposal": proposal,
        "answers": given,
        "may_answer": claims.may_answer(request.user, proposal),
        "answer_needs_evidence": any(a.party_id is None for a in given),
        "may_withdraw": claims.may_withdraw(request.user, proposal),
        "current_rows": _rows_with_names(current["contributors"]) if current else [],
        "proposed_rows": _rows_with_names(proposal.payload.get("contributors")),
        "proposed_fields": proposal.payload.get("fields", {}),
        "current_fields": (current or {}).get("fields", {}),
        "proposed_titles": _titles(proposal.payload.get("alternate_titles")),
    }
    return render(request, "registers/claims/proposal.html", context)


def _conflicts(user: Actor) -> Any:
    return claims.conflicts_visible_to(user).select_related("work", "proposal", "area", "society")


@claims_reader
def conflict_list(request: AuthedRequest) -> HttpResponse:
    """The conflicts a reader may see (a party or its CMO: theirs; the operator and regulator: all)."""
    status = request.GET.get("status", ConflictStatus.OPEN)
    kind = request.GET.get("kind", "")
    conflicts = _conflicts(request.user).prefetch_related("parties", "cmos").order_by("-opened_at", "-id")
    if status in ConflictStatus.values:
        conflicts = conflicts.filter(status=status)
    if kind in ConflictKind.values:
        conflicts = conflicts.filter(kind=kind)
    page = Paginator(conflicts, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "kind": kind,
        "statuses": ConflictStatus.choices,
        "kinds": ConflictKind.choices,
    }
    return render(request, "registers/claims/conflicts.html", context)


@claims_reader
def conflict_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        conflict = _conflicts(request.user).get(pk=pk)
    except Conflict.DoesNotExist:
        raise Http404 from None
    if request.method == "POST":
        with _reported(request):
            if request.POST.get("step") == "evidence":
                conflicts.add_evidence(
                    conflict,
                    by=request.user,
                    text=request.POST.get("text", ""),
                    upload=request.FILES.get("file"),
                )
                messages.success(request, _("Your evidence is added."))
            else:
                answers.resolve_conflict(
                    conflict, by=request.user, resolution=request.POST.get("resolution", "")
                )
                messages.success(request, _("The conflict is resolved."))
        return redirect("claims:conflict", pk=conflict.pk)
    conflict.refresh_from_db()
    context = {
        "conflict": conflict,
        "about": claims.conflict_text(conflict),
        "parties": conflict.parties.all(),
        "cmos": conflict.cmos.all(),
        "evidence": conflict.evidence.select_related("party", "cmo", "added_by"),
        "may_add_evidence": conflicts.evidence_side(request.user, conflict) is not None,
        "may_resolve": request.user.is_operator,
    }
    return render(request, "registers/claims/conflict.html", context)


@claims_reader
def evidence_file(request: AuthedRequest, pk: int, evidence_pk: int) -> FileResponse:
    """A document put forward in a conflict, for whoever may read the conflict."""
    try:
        conflict = _conflicts(request.user).get(pk=pk)
        evidence = conflict.evidence.get(pk=evidence_pk)
    except (Conflict.DoesNotExist, ConflictEvidence.DoesNotExist):
        raise Http404 from None
    if not evidence.file:
        raise Http404
    return FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.file_name or "evidence"
    )


def _titles(titles: list[Any] | None) -> list[str] | None:
    """Proposed alternate titles as text (payloads hold ``{"title", "kind", "language"}`` rows)."""
    if titles is None:
        return None
    return [t["title"] if isinstance(t, dict) else str(t) for t in titles]
