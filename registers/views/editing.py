"""Pages that enter and correct works and parties in the registers.

Objects are loaded only through :mod:`registers.access` (404 for missing and forbidden alike) and
written only through :mod:`registers.actions`. The operator must give a reason for every change.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from registers import access, actions
from registers.actions import BankInput, ContributorInput, NewCoauthorInput, SuccessionInput
from registers.forms import (
    SHARE_FIELDS,
    ContributorFormSet,
    PartyForm,
    SuccessionFormSet,
    WorkForm,
    lines,
    name_fields_for,
)
from registers.models import Party, Work
from udp.accounts import roles
from udp.accounts.decorators import role_required
from udp.accounts.roles import Actor, home_url_for

editor_required = role_required("is_holder", "is_cmo_staff", "is_operator")
party_creator_required = role_required("is_cmo_staff", "is_operator")


# --- Lookup ------------------------------------------------------------------------------------


@editor_required
def party_lookup(request: HttpRequest) -> JsonResponse:
    """Public names and IPI name numbers of parties the user may pick as co-authors; nothing confidential."""
    query = request.GET.get("q", "").strip()
    if len(query) < 2:
        return JsonResponse({"results": []})
    parties = access.parties_visible_to(request.user).search(query).prefetch_related("ipi_names")[:15]
    results = [
        {
            "id": p.pk,
            "name": p.name,
            "names": [n for n in (p.name_kk, p.name_ru, p.name_lat) if n],
            "ipi": [i.name_number for i in p.ipi_names.all()],
            "kind": p.kind,
        }
        for p in parties
    ]
    return JsonResponse({"results": results})


# --- Works -------------------------------------------------------------------------------------


def _allowed_parties(user: Actor, work: Work | None) -> QuerySet[Party]:
    """Who may be picked as a contributor: parties the user sees, plus the work's current contributors."""
    visible = access.parties_visible_to(user)
    if work is None:
        return visible
    return Party.objects.filter(Q(pk__in=visible.values("pk")) | Q(contributions__work=work)).distinct()


def _work_initial(work: Work) -> dict[str, Any]:
    initial = {name: getattr(work, name) for name in ("kind", "title", "iswc", "isrc", "isan", "language")}
    initial.update(
        creation_year=work.creation_year,
        disclosed_on=work.disclosed_on,
        anonymous=work.anonymous,
        pseudonymous=work.pseudonymous,
        author_identified_on=work.author_identified_on,
        alternate_titles="\n".join(work.titles.values_list("title", flat=True)),
    )
    return initial


def _contributor_initial(work: Work) -> list[dict[str, Any]]:
    rows = []
    for c in work.contributors.select_related("party").prefetch_related("shares"):
        row: dict[str, Any] = {"party": c.party_id, "party_label": c.party.name, "role": c.role}
        by_type = {s.right_type: s.percent for s in c.shares.all()}
        for name, right_type in SHARE_FIELDS:
            row[name] = by_type.get(right_type, "")
        rows.append(row)
    return rows


def _holder_first_row(user: Actor) -> list[dict[str, Any]]:
    if roles.is_holder(user) and user.party is not None:
        return [
            {
                "party": user.party.pk,
                "party_label": user.party.name,
                "role": "CA",
                "pr": "100",
                "mr": "100",
                "sr": "",
            }
        ]
    return []


def _contributor_inputs(formset: Any) -> list[ContributorInput | NewCoauthorInput]:
    """The filled rows; a typed name instead of a chosen party is a co-author the register does not know."""
    rows: list[ContributorInput | NewCoauthorInput] = []
    for form in formset.filled_forms():
        data = form.cleaned_data
        if data.get("party_obj") is None:
            names = name_fields_for(data["new_name"])
            rows.append(NewCoauthorInput(names=names, role=data["role"], shares=form.shares()))
        else:
            rows.append(ContributorInput(party=data["party_obj"], role=data["role"], shares=form.shares()))
    return rows


def _apply_errors(form: BaseForm, formset: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        formset._non_form_errors = formset.error_class(exc.messages, error_class="nonform")


def _save_work(request: HttpRequest, form: WorkForm, formset: Any, work: Work | None) -> Any:
    data = form.cleaned_data
    try:
        return actions.save_work(
            work,
            by=request.user,
            reason=data.get("reason", ""),
            title=data["title"],
            contributors=_contributor_inputs(formset),
            alternate_titles=lines(data["alternate_titles"]),
            **form.work_fields(),
        )
    except ValidationError as exc:
        _apply_errors(form, formset, exc)
        return None


def _work_page(request: HttpRequest, work: Work | None) -> HttpResponse:
    reason_required = access.requires_reason(request.user, work or Work())
    allowed = _allowed_parties(request.user, work)
    if request.method == "POST":
        form = WorkForm(request.POST, reason_required=reason_required)
        formset = ContributorFormSet(request.POST, prefix="c", allowed_parties=allowed)  # type: ignore[call-arg]  # formset_factory's stubs return the base class
        if form.is_valid() and formset.is_valid():
            saved = _save_work(request, form, formset, work)
            if saved is not None and saved.proposal is not None:
                messages.info(
                    request,
                    _(
                        "Your change touches other holders' claims or a work someone else registered. "
                        "It is sent to them as a proposal and takes effect when they accept it."
                    ),
                )
                return redirect("claims:proposal", pk=saved.proposal.pk)
            if saved is not None:
                if saved.work.claims_status == "awaiting":
                    messages.info(
                        request,
                        _(
                            "The work is registered. The other holders it names confirm it before it is "
                            "shown in the public register."
                        ),
                    )
                else:
                    messages.success(request, _("The work is saved in the register."))
                return redirect("edit:work", pk=saved.work.pk)
    else:
        initial = _work_initial(work) if work else {}
        rows = _contributor_initial(work) if work else _holder_first_row(request.user)
        form = WorkForm(initial=initial, reason_required=reason_required)
        formset = ContributorFormSet(initial=rows, prefix="c", allowed_parties=allowed)  # type: ignore[call-arg]  # formset_factory's stubs return the base class
    context = {"form": form, "formset": formset, "work": work, "back_url": home_url_for(request.user)}
    return render(request, "registers/editing/work_form.html", context)


@editor_required
def work_create(request: HttpRequest) -> HttpResponse:
    return _work_page(request, None)


@editor_required
def work_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _work_page(request, access.get_work_for_user(request.user, pk, write=True))


# --- Parties -----------------------------------------------------------------------------------


def _party_initial(party: Party) -> dict[str, Any]:
    initial = {name: getattr(party, name) for name in PartyForm.PARTY_FIELDS}
    initial["pseudonyms"] = "\n".join(party.pseudonyms.values_list("name", flat=True))
    initial["ipi_names"] = "\n".join(party.ipi_names.values_list("name_number", flat=True))
    bank = party.bank_accounts.filter(is_primary=True).first()
    if bank:
        initial.update(iban=bank.iban, bank_name=bank.bank_name, bic=bank.bic)
    return initial


def _succession_initial(party: Party) -> list[dict[str, Any]]:
    return [
        {"successor": s.successor_id, "successor_label": s.successor.name, "share": s.share, "kind": s.kind}
        for s in party.successions.select_related("successor")
    ]


def _successions(formset: Any) -> list[SuccessionInput]:
    return [
        SuccessionInput(
            successor=f.cleaned_data["successor_obj"],
            share=f.cleaned_data["share"],
            kind=f.cleaned_data["kind"],
        )
        for f in formset.forms
        if f.cleaned_data.get("successor_obj")
    ]


def _save_party(request: HttpRequest, form: PartyForm, formset: Any, party: Party | None) -> Party | None:
    data = form.cleaned_data
    try:
        return actions.save_party(
            party,
            by=request.user,
            reason=data.get("reason", ""),
            fields=form.party_fields(),
            pseudonyms=lines(data["pseudonyms"]),
            ipi_name_numbers=data["ipi_names"],
            bank=BankInput(iban=data["iban"], bank_name=data["bank_name"], bic=data["bic"]),
            successions=_successions(formset),
        )
    except ValidationError as exc:
        _apply_errors(form, formset, exc)
        return None


def _party_page(request: HttpRequest, party: Party | None) -> HttpResponse:
    reason_required = access.requires_reason(request.user, party or Party())
    allowed = access.parties_visible_to(request.user)
    if party is not None:
        allowed = Party.objects.filter(
            Q(pk__in=allowed.values("pk")) | Q(inherited_from__predecessor=party)
        ).distinct()
    if request.method == "POST":
        form = PartyForm(request.POST, reason_required=reason_required, party=party)
        formset = SuccessionFormSet(request.POST, prefix="h", allowed_parties=allowed)  # type: ignore[call-arg]  # formset_factory's stubs return the base class
        if form.is_valid() and formset.is_valid():
            saved = _save_party(request, form, formset, party)
            if saved is not None:
                messages.success(request, _("The entry is saved in the register."))
                if _open_fact_proposals(saved).exists():
                    messages.info(
                        request,
                        _(
                            "Changes to the date of death, rehabilitation, IIN or date of birth take effect "
                            "when the expert organization confirms them against a document."
                        ),
                    )
                return redirect("edit:party", pk=saved.pk)
    else:
        form = PartyForm(
            initial=_party_initial(party) if party else {}, reason_required=reason_required, party=party
        )
        formset = SuccessionFormSet(
            initial=_succession_initial(party) if party else [],
            prefix="h",
            allowed_parties=allowed,  # type: ignore[call-arg]
        )
    context = {
        "form": form,
        "formset": formset,
        "party": party,
        "back_url": home_url_for(request.user),
        "fact_proposals": _open_fact_proposals(party) if party else [],
    }
    return render(request, "registers/editing/party_form.html", context)


def _open_fact_proposals(party: Party) -> Any:
    from registers.models import Proposal, ProposalKind, ProposalStatus

    return Proposal.objects.filter(party=party, kind=ProposalKind.PARTY_FACTS, status=ProposalStatus.OPEN)


@party_creator_required
def party_create(request: HttpRequest) -> HttpResponse:
    return _party_page(request, None)


@editor_required
def party_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _party_page(request, access.get_party_for_user(request.user, pk, write=True))
