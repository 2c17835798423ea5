"""A CMO's annual runs for foreign societies and its money with no use, under ``/cmo/distribution/``:

- ``foreign/``: the runs by year, and a year's run started with the rate of each currency the reciprocal
  agreements name (Art. 46.1 (3));
- ``foreign/<pk>/``: one run, each society's remittance, the rates changed before approval, and approval by
  another member of staff;
- ``foreign/remittances/<pk>/``: one society's remittance (holders, works, amounts) and its export;
- ``release/``: the general meeting's rule for money with no use after three years, and that money, kept by
  its date of receipt (Art. 44.5).

Each step calls the action the API calls (:mod:`distribution.foreign_api`), with the same access helpers.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from distribution import foreign, runs
from distribution.actions import run_error_message
from distribution.engine import RunError
from distribution.forms import ForeignRunForm, ReleaseRuleForm, RemittancePaidForm, RemittanceReturnedForm
from distribution.models import Allocation, ForeignRun, ForeignRunStatus, Payee, Remittance, Route, RunStatus
from distribution.run_access import (
    foreign_runs_visible_to,
    get_foreign_run_for_user,
    get_remittance_for_user,
    release_rules_visible_to,
    unidentified_visible_to,
)
from distribution.schedule import started_by_platform
from distribution.templatetags.run_money import rate_text
from registers.models import CMO, ReciprocalArea
from udp.accounts import roles
from udp.accounts.decorators import AuthedRequest, role_required
from udp.core import clock
from udp.core.spreadsheets import csv_bytes

staff_required = role_required("is_cmo_staff")


def agreement_currencies(cmo: CMO) -> list[str]:
    """The currencies other than tenge that ``cmo``'s reciprocal agreements name."""
    codes = ReciprocalArea.objects.filter(cmo=cmo).exclude(currency="").values_list("currency", flat=True)
    return sorted({code.upper() for code in codes} - {foreign.TENGE})


def _in_currencies(remittances: Sequence[Remittance]) -> list[tuple[str, Decimal]]:
    sums: dict[str, Decimal] = {}
    for remittance in remittances:
        sums[remittance.currency] = sums.get(remittance.currency, Decimal(0)) + remittance.amount
    return sorted(sums.items())


def may_approve(run: ForeignRun, user: Any) -> tuple[bool, str]:
    """Whether ``user`` may approve ``run`` now, and if not, why (for the page to say)."""
    if run.status != ForeignRunStatus.CALCULATED:
        return False, run_error_message("not_awaiting_approval")
    if not (roles.is_cmo_staff(user) and user.cmo_id == run.cmo_id):
        return False, _("Only the CMO's own staff approve its runs.")
    if started_by_platform(run.started_by):
        return False, run_error_message("platform_started")
    if run.started_by_id == user.pk:
        return False, run_error_message("same_person")
    return True, ""


def _not_remitted(cmo: CMO) -> dict[str, Any]:
    """What the CMO's approved runs owe foreign societies and no annual run has taken yet."""
    return Payee.objects.filter(
        run__cmo=cmo, run__status=RunStatus.APPROVED, route=Route.FOREIGN, society__isnull=False,
        remitted__isnull=True,
    ).aggregate(payees=Count("id"), societies=Count("society_id", distinct=True), net=Sum("net_tiyn"))  # fmt: skip


@staff_required
def foreign_runs(request: AuthedRequest) -> HttpResponse:
    cmo = request.user.cmo
    assert cmo is not None
    form = ForeignRunForm(
        request.POST or None, currencies=agreement_currencies(cmo), initial={"year": clock.today().year - 1}
    )
    if request.method == "POST" and form.is_valid():
        try:
            made = foreign.start_foreign_run(
                cmo, form.cleaned_data["year"], by=roles.acting_account(request.user), rates=form.rates()
            )
        except RunError as exc:
            form.add_error(None, run_error_message(exc.code, exc.params))
        else:
            messages.success(
                request, _("The run is calculated. Another member of staff checks and approves it.")
            )
            return redirect("distribution_cmo:foreign_run", made.pk)
    rows = []
    for run in foreign_runs_visible_to(request.user).prefetch_related("remittances").order_by("-year"):
        remittances = list(run.remittances.all())
        rows.append({
            "run": run, "societies": len(remittances), "tiyn": sum(r.amount_tiyn for r in remittances),
            "amounts": _in_currencies(remittances),
        })  # fmt: skip
    return render(
        request, "distribution/foreign/list.html",
        {"form": form, "rows": rows, "due": _not_remitted(cmo)}, status=400 if form.errors else 200,
    )  # fmt: skip


def _run_page(
    request: AuthedRequest, run: ForeignRun, form: ForeignRunForm | None, status: int
) -> HttpResponse:
    remittances = list(
        Remittance.objects.filter(run=run)
        .select_related("society")
        .prefetch_related("transfers")
        .annotate(payees_count=Count("payees"))
        .order_by("society__short_name", "pk")
    )
    if form is None and run.status == ForeignRunStatus.CALCULATED:
        used = {r.currency: rate_text(r.rate) for r in remittances}
        currencies = sorted(set(agreement_currencies(run.cmo)) | (set(used) - {foreign.TENGE}))
        form = ForeignRunForm(currencies=currencies, rates=used, with_year=False)
    may, why_not = may_approve(run, request.user)
    context = {
        "run": run, "remittances": remittances, "tiyn": sum(r.amount_tiyn for r in remittances),
        "amounts": _in_currencies(remittances), "form": form, "may_approve": may, "why_not": why_not,
    }  # fmt: skip
    return render(request, "distribution/foreign/detail.html", context, status=status)


@staff_required
def foreign_run(request: AuthedRequest, pk: int) -> HttpResponse:
    return _run_page(request, get_foreign_run_for_user(request.user, pk), None, 200)


@staff_required
@require_POST
def foreign_rates(request: AuthedRequest, pk: int) -> HttpResponse:
    """Calculate the run again with the rates entered (before approval): the API's start of the same year."""
    run = get_foreign_run_for_user(request.user, pk, write=True)
    used = dict(Remittance.objects.filter(run=run).values_list("currency", "rate"))
    currencies = sorted(set(agreement_currencies(run.cmo)) | (set(used) - {foreign.TENGE}))
    form = ForeignRunForm(request.POST, currencies=currencies, with_year=False)
    if form.is_valid():
        try:
            foreign.start_foreign_run(
                run.cmo, run.year, by=roles.acting_account(request.user), rates=form.rates()
            )
        except RunError as exc:
            form.add_error(None, run_error_message(exc.code, exc.params))
            if exc.code == "already_approved":  # the page no longer offers the rates: say it above
                messages.error(request, run_error_message(exc.code, exc.params))
        else:
            messages.success(
                request,
                _("The run is calculated again with these rates. Another member of staff approves it."),
            )
            return redirect("distribution_cmo:foreign_run", run.pk)
    run.refresh_from_db()
    return _run_page(request, run, form, 400)


@staff_required
@require_POST
def foreign_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    run = get_foreign_run_for_user(request.user, pk, write=True)
    try:
        foreign.approve_foreign_run(run, by=roles.acting_account(request.user))
    except RunError as exc:
        messages.error(request, run_error_message(exc.code, exc.params))
        return _run_page(request, run, None, 400)
    messages.success(request, _("The run is approved: each society's export can be sent."))
    return redirect("distribution_cmo:foreign_run", run.pk)


def _works_of(remittance: Remittance) -> QuerySet[Allocation]:
    """The works of the remittance's holders in the runs it takes money from (one query)."""
    paid = Payee.objects.filter(
        remitted__remittance=remittance, run_id=OuterRef("run_id"), party_id=OuterRef("party_id")
    )
    return (
        Allocation.objects.filter(Exists(paid), route=Route.FOREIGN)
        .select_related("work", "party", "run")
        .order_by("run__period_start", "party_id", "work_id", "side")
    )


@staff_required
def remittance(request: AuthedRequest, pk: int) -> HttpResponse:
    found = get_remittance_for_user(request.user, pk)
    staff = roles.is_cmo_staff(request.user)
    may_record = found.run.status == ForeignRunStatus.APPROVED and found.transfer is None and staff
    may_return = found.transfer is not None and staff
    returning = request.POST.get("step") == "returned"
    form = RemittancePaidForm(None if returning else request.POST or None, initial={"paid_on": clock.today()})
    return_form = RemittanceReturnedForm(
        request.POST if returning else None, initial={"returned_on": clock.today()}
    )
    status = 200
    if request.method == "POST":
        if not (may_return if returning else may_record):
            raise Http404
        posted: RemittancePaidForm | RemittanceReturnedForm = return_form if returning else form
        if posted.is_valid():
            data, by = posted.cleaned_data, roles.acting_account(request.user)
            try:
                if returning:
                    foreign.record_remittance_returned(
                        found, returned_on=data["returned_on"], reference=data["reference"],
                        reason=data["reason"], by=by,
                    )  # fmt: skip
                else:
                    foreign.record_remittance_paid(
                        found, paid_on=data["paid_on"], reference=data["reference"], by=by
                    )
            except ValidationError as exc:
                posted.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("The return is recorded: the remittance is owed to the society again.")
                    if returning
                    else _("The remittance is recorded as paid."),
                )
                return redirect("distribution_cmo:remittance", found.pk)
        status = 400
    payees = Paginator(
        Payee.objects.filter(remitted__remittance=found)
        .select_related("party", "run__area")
        .order_by("run__period_start", "party_id", "pk"),
        25,
    ).get_page(request.GET.get("page"))
    works = Paginator(_works_of(found), 25).get_page(request.GET.get("works_page"))
    return render(
        request,
        "distribution/foreign/remittance.html",
        {
            "remittance": found,
            "payees": payees,
            "works": works,
            "form": form,
            "may_record": may_record,
            "return_form": return_form,
            "may_return": may_return,
            "transfers": list(found.transfers.all()),
        },  # fmt: skip
        status=status,
    )


@staff_required
def remittance_export(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    """The society's export, as the API gives it (``/api/remittances/{id}/export/``), as a file."""
    found = get_remittance_for_user(request.user, pk)
    name = f"remittance-{found.pk}-{found.society.cisac_code}"
    if fmt == "csv":
        response = HttpResponse(
            csv_bytes(foreign.EXPORT_HEADER, foreign.export_rows(found)), content_type="text/csv"
        )
    elif fmt == "json":
        document = json.dumps(
            foreign.export_document(found), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
        )
        response = HttpResponse(document.encode(), content_type="application/json")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@staff_required
def release(request: AuthedRequest) -> HttpResponse:
    """The general meeting's rule (recorded by the CMO's admin, as the API lets) and the money with no use."""
    user = request.user
    cmo = user.cmo
    assert cmo is not None
    may_record = roles.is_cmo_admin(user)
    form = ReleaseRuleForm(request.POST or None, initial={"decided_on": clock.today()})
    if request.method == "POST":
        if not may_record:
            raise Http404
        if form.is_valid():
            try:
                runs.record_release_rule(
                    cmo, by=roles.acting_account(user), decided_on=form.cleaned_data["decided_on"],
                    meeting_reference=form.cleaned_data["meeting_reference"],
                )  # fmt: skip
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The general meeting's decision is recorded."))
                return redirect("distribution_cmo:release")
    today = clock.today()
    rules = list(release_rules_visible_to(user).order_by("-decided_on"))
    in_force = next((rule for rule in rules if rule.decided_on <= today), None)
    kept = (
        unidentified_visible_to(user)
        .exclude(found_in__status=RunStatus.CANCELLED)
        .select_related("released_in__area")
    )
    totals = kept.aggregate(
        kept=Sum("amount_tiyn", filter=Q(released_in__isnull=True)),
        released=Sum("amount_tiyn", filter=Q(released_in__isnull=False)),
        first=Min("received_on", filter=Q(released_in__isnull=True)),
    )
    page = Paginator(kept.order_by("received_on", "area__item", "pk"), 50).get_page(request.GET.get("page"))
    rows = [_kept_row(row, today) for row in page]
    return render(
        request, "distribution/foreign/release.html",
        {"form": form, "may_record": may_record, "rules": rules, "in_force": in_force, "page": page,
         "rows": rows, "totals": totals, "today": today},
        status=400 if form.errors else 200,
    )  # fmt: skip


def _kept_row(row: Any, today: dt.date) -> dict[str, Any]:
    releasable_on = runs.three_years_after(row.received_on)
    return {
        "row": row, "amount": row.amount_tiyn, "releasable_on": releasable_on,
        "releasable": releasable_on <= today and row.found_in.status == RunStatus.APPROVED,
    }  # fmt: skip
