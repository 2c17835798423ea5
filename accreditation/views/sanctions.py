"""The sanctions pages (Art. 47-1, 47-2, 47-3).

- ``/accreditation/sanctions/``: the public register of suspensions, revocations and terminations.
- ``regulator/``: the authorized body's workspace: drafted suspensions to decide, lines in force,
  terminations published late. The expert organization reads it.
- ``own/``: a CMO's own lines and what happened to them.
- ``lines/<pk>/``: one line: its status, its history, and for the authorized body the forms to suspend,
  revoke (with the evidence for the chosen ground beside the form) and record a termination; for the
  CMO's administrator, the request to return it.
- ``suspensions/<pk>/``: one suspension with its evidence; the authorized body decides or dismisses it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accreditation import evidence, sanctions, selectors
from accreditation import sanctions_access as access
from accreditation.models import (
    Accreditation,
    Revocation,
    RevocationGround,
    Suspension,
    SuspensionStatus,
    Termination,
)
from accreditation.views.sanctions_forms import NoteForm, RequiredNoteForm, RevokeForm, TerminateForm
from udp.accounts import roles
from udp.accounts.decorators import AuthedRequest, role_required
from udp.core import clock

#: Grounds whose evidence comes when payouts (6) and tariffs (9) exist on the platform.
GROUNDS_AWAITING_DATA = ("late_payment", "below_minimum_rates")
LIST_LIMIT = 200

officials_required = role_required("is_regulator", "is_operator")
regulator_only = role_required("is_regulator")
line_readers = role_required("is_regulator", "is_operator", "is_cmo_staff")


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def register(request: HttpRequest) -> HttpResponse:
    """Public: what the authorized body decided, as published."""
    suspensions = (
        Suspension.objects.filter(status=SuspensionStatus.DECIDED, published_at__isnull=False)
        .select_related("accreditation__cmo", "accreditation__area", "accreditation__certificate")
        .order_by("-starts_on", "-pk")[:LIST_LIMIT]
    )
    revocations = Revocation.objects.select_related(
        "accreditation__cmo", "accreditation__area", "accreditation__certificate"
    ).order_by("-effective_on", "-pk")[:LIST_LIMIT]
    terminations = (
        Termination.objects.filter(published_at__isnull=False)
        .select_related("accreditation__cmo", "accreditation__area", "accreditation__certificate")
        .order_by("-ended_on", "-pk")[:LIST_LIMIT]
    )
    return render(
        request,
        "accreditation/sanctions/register.html",
        {
            "suspensions": suspensions,
            "revocations": revocations,
            "terminations": terminations,
            "today": clock.today(),
        },
    )


@officials_required
def workspace(request: AuthedRequest) -> HttpResponse:
    today = clock.today()
    drafted = (
        access.suspensions_visible_to(request.user)
        .filter(status=SuspensionStatus.DRAFTED)
        .order_by("drafted_at", "pk")
    )
    lines = (
        selectors.with_status(access.lines_visible_to(request.user), today)
        .filter(termination__isnull=True)
        .order_by("cmo__short_name", "area__item")[:LIST_LIMIT]
    )
    return render(
        request,
        "accreditation/sanctions/workspace.html",
        {
            "drafted": drafted,
            "lines": lines,
            "late": sanctions.late_terminations(),
            "today": today,
            "decides": access.decides(request.user),
        },
    )


@role_required("is_cmo_staff")
def own(request: AuthedRequest) -> HttpResponse:
    today = clock.today()
    lines = selectors.with_status(access.lines_visible_to(request.user), today).order_by(
        "area__item", "-valid_from"
    )
    return render(request, "accreditation/sanctions/own.html", {"lines": lines, "today": today})


def _evidence_rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**item, "text": evidence.describe(item)} for item in items]


@line_readers
def line_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    line = access.line_for(request.user, pk)
    today = clock.today()
    decides = access.decides(request.user)
    ground = request.GET.get("ground", "")
    context: dict[str, Any] = {
        "line": line,
        "status": selectors.status_on(line, today),
        "suspensions": access.suspensions_visible_to(request.user)
        .filter(accreditation=line)
        .order_by("-drafted_at"),
        "revocation": Revocation.objects.filter(accreditation=line).first(),
        "termination": Termination.objects.filter(accreditation=line).first(),
        "decides": decides,
        "official": roles.is_official(request.user),
        "may_return": roles.is_cmo_admin(request.user) and request.user.cmo_id == line.cmo_id,
        "today": today,
    }
    if decides:
        if ground in RevocationGround.values:
            items = [item.as_data() for item in sanctions.gather_evidence(line, ground, today)]
            context["evidence"] = _evidence_rows(items)
            context["ground"] = ground
            context["ground_label"] = RevocationGround(ground).label
            context["awaiting_data"] = ground in GROUNDS_AWAITING_DATA
            context["has_provider"] = ground in evidence.grounds_with_providers()
        context["grounds"] = RevocationGround.choices
        context["revoke_form"] = RevokeForm(initial={"ground": ground or None})
        context["suspend_form"] = RequiredNoteForm()
        context["terminate_form"] = TerminateForm()
    if context["may_return"]:
        context["return_form"] = RequiredNoteForm()
    return render(request, "accreditation/sanctions/line.html", context)


def _line_for_decision(request: AuthedRequest, pk: int) -> Accreditation:
    line = access.line_for(request.user, pk)
    if not access.decides(request.user):
        raise PermissionDenied
    return line


@require_POST
@regulator_only
def line_suspend(request: AuthedRequest, pk: int) -> HttpResponse:
    line = _line_for_decision(request, pk)
    form = RequiredNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what information was knowingly false."))
        return redirect("sanctions:line", pk=line.pk)
    try:
        suspension = sanctions.suspend_for_false_information(
            line, by=request.user, note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("sanctions:line", pk=line.pk)
    messages.success(request, _("The accreditation is suspended for three months."))
    return redirect("sanctions:suspension", pk=suspension.pk)


@require_POST
@regulator_only
def line_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    line = _line_for_decision(request, pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the ground and state the reasons."))
        return redirect("sanctions:line", pk=line.pk)
    try:
        sanctions.revoke(line, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("sanctions:line", pk=line.pk)
    messages.success(request, _("The accreditation is revoked and terminated."))
    return redirect("sanctions:line", pk=line.pk)


@require_POST
@regulator_only
def line_terminate(request: AuthedRequest, pk: int) -> HttpResponse:
    line = _line_for_decision(request, pk)
    form = TerminateForm(request.POST, request.FILES)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, str(error))
        return redirect("sanctions:line", pk=line.pk)
    try:
        sanctions.record_termination(line, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("sanctions:line", pk=line.pk)
    messages.success(request, _("The termination is recorded and published."))
    return redirect("sanctions:line", pk=line.pk)


@require_POST
@role_required("is_cmo_admin")
def line_return(request: AuthedRequest, pk: int) -> HttpResponse:
    line = access.line_for(request.user, pk)
    form = RequiredNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the accreditation is returned."))
        return redirect("sanctions:line", pk=line.pk)
    try:
        sanctions.ask_voluntary_return(line, by=request.user, note=form.cleaned_data["note"])
    except PermissionError as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("sanctions:line", pk=line.pk)
    messages.success(request, _("The authorized body is told; it records its decision."))
    return redirect("sanctions:line", pk=line.pk)


def suspension_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    suspension = access.suspension_for(request.user, pk)
    return render(
        request,
        "accreditation/sanctions/suspension.html",
        {
            "suspension": suspension,
            "line": suspension.accreditation,
            "line_visible": access.lines_visible_to(request.user)
            .filter(pk=suspension.accreditation_id)
            .exists(),
            "decides": access.decides(request.user) and suspension.status == SuspensionStatus.DRAFTED,
            "decide_form": NoteForm(),
            "dismiss_form": RequiredNoteForm(),
        },
    )


def _suspension_for_decision(request: AuthedRequest, pk: int) -> Suspension:
    suspension = access.suspension_for(request.user, pk)
    if not access.decides(request.user):
        raise PermissionDenied
    return suspension


@require_POST
@regulator_only
def suspension_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    suspension = _suspension_for_decision(request, pk)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        sanctions.decide_suspension(suspension, by=request.user, note=note)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The accreditation is suspended for three months."))
    return redirect("sanctions:suspension", pk=suspension.pk)


@require_POST
@regulator_only
def suspension_dismiss(request: AuthedRequest, pk: int) -> HttpResponse:
    suspension = _suspension_for_decision(request, pk)
    form = RequiredNoteForm(request.POST)
    try:
        sanctions.dismiss_suspension(
            suspension, by=request.user, note=form.cleaned_data["note"] if form.is_valid() else ""
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The draft is dismissed: the accreditation is not suspended."))
    return redirect("sanctions:suspension", pk=suspension.pk)
