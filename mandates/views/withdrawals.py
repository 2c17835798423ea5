"""The withdrawal pages (Art. 46.2), one list and one page per notice for every audience.

The holder files, follows (the countdown) and cancels their notices; the CMO's staff see the notices
addressed to them and mark what they owe as done; the regulator and the operator see every notice
and what is overdue. What each may see and do comes from :mod:`mandates.access`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mandates import access, deadlines, withdrawing
from mandates.forms import DayForm, ObligationDoneForm, WithdrawalForm
from mandates.models import Withdrawal, WithdrawalStatus
from registers import public_selectors as selectors
from registers.models import Mandate, Work
from registers.models.contracts import MandateStatus
from udp.accounts import roles
from udp.accounts.decorators import AuthedRequest, cmo_required, holder_required
from udp.core import clock
from udp.core.text import is_ascii_digits

PAGE_SIZE = 50


def _with_overdue(queryset: QuerySet[Withdrawal]) -> QuerySet[Any]:
    today = clock.today()
    return queryset.annotate(
        overdue_count=Count(
            "obligations", filter=Q(obligations__done_on__isnull=True, obligations__due_on__lt=today)
        )
    )


@login_required
def withdrawal_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (roles.is_holder(user) or roles.is_cmo_staff(user) or roles.is_official(user)):
        raise PermissionDenied
    queryset = _with_overdue(access.withdrawals_visible_to(user)).select_related("holder", "cmo", "area")
    status = request.GET.get("status", "")
    if status in WithdrawalStatus.values:
        queryset = queryset.filter(status=status)
    overdue_only = request.GET.get("overdue") == "1"
    if overdue_only:
        queryset = queryset.filter(overdue_count__gt=0)
    page = Paginator(queryset.order_by("-received_on", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    today = clock.today()
    for withdrawal in page:
        withdrawal.days_left = deadlines.days_left(withdrawal.effective_on, today)
    mandates: list[Mandate] = []
    if roles.is_holder(user) and user.party_id:
        mandates = list(
            Mandate.objects.filter(holder_id=user.party_id, status=MandateStatus.ACTIVE)
            .select_related("cmo", "area")
            .order_by("area__item")
        )
    return render(
        request,
        "mandates/withdrawals/list.html",
        {
            "page": page,
            "statuses": WithdrawalStatus.choices,
            "status": status,
            "overdue_only": overdue_only,
            "mandates": mandates,
            "is_holder": roles.is_holder(user),
        },
    )


def _holder_works(user: Any) -> QuerySet[Work]:
    return Work.objects.filter(contributors__party_id=user.party_id).distinct().order_by("title", "pk")


@holder_required
def withdrawal_new(request: AuthedRequest) -> HttpResponse:
    works = _holder_works(request.user)
    initial: dict[str, Any] = {}
    # preselected from "My rights" (?area=<item of Art. 43.3>) or the list of mandates (?mandate=<id>)
    mine = Mandate.objects.filter(holder_id=request.user.party_id, status=MandateStatus.ACTIVE)
    area, mandate_id = request.GET.get("area", ""), request.GET.get("mandate", "")
    mandate = (
        mine.filter(area__item=int(area)).first()
        if is_ascii_digits(area) and len(area) <= 3
        else mine.filter(pk=int(mandate_id)).first()
        if is_ascii_digits(mandate_id) and len(mandate_id) <= 9
        else None
    )
    if mandate is not None:
        initial = {"cmo": mandate.cmo_id, "area": mandate.area_id}
    form = WithdrawalForm(request.POST or None, works=works, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            withdrawal = withdrawing.file_withdrawal(
                by=request.user,
                cmo=form.cleaned_data["cmo"],
                area=form.cleaned_data["area"],
                works=list(form.cleaned_data["works"]),
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Your notice is received. The withdrawal takes effect on %(date)s.")
                % {"date": date_format(withdrawal.effective_on)},
            )
            return redirect("withdrawals:detail", withdrawal.pk)
    return render(
        request,
        "mandates/withdrawals/new.html",
        {
            "form": form,
            "effective_on": deadlines.withdrawal_effective_on(clock.today()),
            "today": clock.today(),
        },
    )


@login_required
def withdrawal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    withdrawal = access.get_withdrawal_for_user(request.user, pk)
    today = clock.today()
    editable = set(
        access.obligations_editable_by(request.user)
        .filter(withdrawal=withdrawal)
        .values_list("pk", flat=True)
    )
    obligations = [
        {
            "obligation": o,
            "overdue": deadlines.is_overdue(o.due_on, o.done_on, today),
            "help": withdrawing.OBLIGATION_HELP.get(o.kind, ""),
            "form": ObligationDoneForm(prefix=f"o{o.pk}") if o.pk in editable and o.done_on is None else None,
        }
        for o in withdrawal.obligations.select_related("done_by").order_by("due_on", "kind")
    ]
    can_cancel = (
        withdrawal.status == WithdrawalStatus.PENDING
        and withdrawal.effective_on > today
        and access.withdrawals_editable_by(request.user).filter(pk=withdrawal.pk).exists()
    )
    return render(
        request,
        "mandates/withdrawals/detail.html",
        {
            "withdrawal": withdrawal,
            "works": withdrawal.works.order_by("title", "pk"),
            "obligations": obligations,
            "today": today,
            "days_left": deadlines.days_left(withdrawal.effective_on, today),
            "can_cancel": can_cancel,
        },
    )


@require_POST
@holder_required
def withdrawal_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    withdrawal = access.get_withdrawal_for_user(request.user, pk, write=True)
    try:
        withdrawing.cancel_withdrawal(withdrawal, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your notice is cancelled: the CMO keeps managing as before."))
    return redirect("withdrawals:detail", withdrawal.pk)


@require_POST
@cmo_required
def obligation_done(request: AuthedRequest, pk: int) -> HttpResponse:
    obligation = access.get_obligation_for_user(request.user, pk)
    form = ObligationDoneForm(request.POST, request.FILES, prefix=f"o{obligation.pk}")
    if form.is_valid():
        try:
            withdrawing.complete_obligation(
                obligation,
                by=request.user,
                evidence=form.cleaned_data["evidence"],
                evidence_file=form.cleaned_data.get("evidence_file"),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Recorded as done. The holder is told."))
    else:
        messages.error(request, _("Say what was done, or attach the evidence."))
    return redirect("withdrawals:detail", obligation.withdrawal_id)


@cmo_required
def repertoire(request: AuthedRequest) -> HttpResponse:
    """The CMO's licensed repertoire on a date: what it may license that day (A46.2-no-license-after)."""
    cmo = request.user.cmo
    if cmo is None:
        raise PermissionDenied
    form = DayForm(request.GET or None)
    day = (form.cleaned_data.get("on") if form.is_valid() else None) or clock.today()
    works = selectors.works_managed_by(Work.objects.all(), cmo, day).order_by("title", "pk")
    page = Paginator(works.only(*selectors.WORK_LIST_FIELDS), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "mandates/withdrawals/repertoire.html", {"cmo": cmo, "form": form, "day": day, "page": page}
    )
