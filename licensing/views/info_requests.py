"""Pages of the requests for information (Art. 48-2.2).

- ``/regulator/info-requests/``: the authorized body's requests (list, new, detail with the answers).
- ``/space/info-requests/``: the user's requests (list, detail where it answers).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from licensing import info_requests
from licensing.info_access import get_info_request_for_user, info_requests_visible_to, may_answer
from licensing.views.info_forms import AnswerForm, AskForm
from udp.accounts.decorators import AuthedRequest, licensee_required, regulator_required
from udp.core import clock

LIST_LIMIT = 200


def _apply_errors(form: AskForm | AnswerForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _list(request: AuthedRequest, audience: str) -> HttpResponse:
    rows = info_requests_visible_to(request.user)[:LIST_LIMIT]
    return render(
        request,
        "licensing/info_requests/list.html",
        {"rows": rows, "audience": audience, "today": clock.today()},
    )


@regulator_required
def regulator_list(request: AuthedRequest) -> HttpResponse:
    return _list(request, "regulator")


@licensee_required
def space_list(request: AuthedRequest) -> HttpResponse:
    return _list(request, "space")


@regulator_required
def regulator_new(request: AuthedRequest) -> HttpResponse:
    form = AskForm(request.POST or None, initial={"licensee": request.GET.get("licensee")})
    if request.method == "POST" and form.is_valid():
        try:
            row = info_requests.ask_for_information(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The request is sent to the user."))
            return redirect("info_regulator:detail", row.pk)
    return render(request, "licensing/info_requests/new.html", {"form": form})


def _detail(request: AuthedRequest, pk: int, audience: str) -> HttpResponse:
    row = get_info_request_for_user(request.user, pk)
    form = None
    if may_answer(request.user, row):
        form = AnswerForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                info_requests.answer_information_request(row, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Your answer is sent to the authorized body."))
                return redirect("info_space:detail", row.pk)
    return render(
        request,
        "licensing/info_requests/detail.html",
        {
            "row": row, "answers": row.answers.select_related("answered_by"), "form": form,
            "audience": audience, "overdue": row.overdue_on(clock.today()),
        },
    )  # fmt: skip


@regulator_required
def regulator_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, pk, "regulator")


@licensee_required
def space_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, pk, "space")
