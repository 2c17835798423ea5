"""Pages of monitoring feeds.

- ``/space/monitoring/``: the user's reconciliations; it confirms or disputes each difference.
- ``/cmo/monitoring/``: under-reporting flags on the CMO's licences, with their evidence.
- ``/regulator/monitoring/``: every flag, with its evidence.
- ``/operator/monitoring/providers/``: the operator registers providers, their sites, and issues their keys.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from licensing import monitoring, reconciling
from licensing.monitoring_access import (
    flags_visible_to,
    get_line_for_user,
    get_provider_for_user,
    get_reconciliation_for_user,
    providers_visible_to,
    reconciliations_visible_to,
)
from licensing.views.monitoring_forms import LineAnswerForm, ProviderForm, SiteForm
from udp.accounts.decorators import (
    AuthedRequest,
    cmo_required,
    licensee_required,
    operator_required,
    regulator_required,
)

LIST_LIMIT = 200


def _apply_errors(form: ProviderForm | SiteForm | LineAnswerForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@licensee_required
def space_index(request: AuthedRequest) -> HttpResponse:
    rows = reconciliations_visible_to(request.user)[:LIST_LIMIT]
    return render(request, "licensing/monitoring/list.html", {"rows": rows, "audience": "space"})


@cmo_required
def cmo_index(request: AuthedRequest) -> HttpResponse:
    rows = flags_visible_to(request.user)[:LIST_LIMIT]
    return render(request, "licensing/monitoring/list.html", {"rows": rows, "audience": "cmo"})


@regulator_required
def regulator_index(request: AuthedRequest) -> HttpResponse:
    rows = flags_visible_to(request.user)[:LIST_LIMIT]
    return render(request, "licensing/monitoring/list.html", {"rows": rows, "audience": "regulator"})


def _detail(request: AuthedRequest, pk: int, audience: str) -> HttpResponse:
    row = get_reconciliation_for_user(request.user, pk)
    answering = audience == "space"
    return render(
        request,
        "licensing/monitoring/detail.html",
        {"row": row, "lines": row.lines.all(), "audience": audience, "answering": answering,
         "form": LineAnswerForm() if answering else None},
    )  # fmt: skip


@licensee_required
def space_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, pk, "space")


@cmo_required
def cmo_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, pk, "cmo")


@regulator_required
def regulator_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, pk, "regulator")


@licensee_required
@require_POST
def space_answer(request: AuthedRequest, pk: int) -> HttpResponse:
    line = get_line_for_user(request.user, pk, write=True)
    form = LineAnswerForm(request.POST)
    if form.is_valid():
        try:
            reconciling.answer_line(line, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your answer is recorded."))
    else:
        messages.error(request, _("Choose confirm or dispute."))
    return redirect("monitoring_space:detail", line.reconciliation_id)


@operator_required
def operator_providers(request: AuthedRequest) -> HttpResponse:
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            provider = monitoring.register_provider(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The provider is registered. Add its sites and issue its key."))
            return redirect("monitoring_operator:provider", provider.pk)
    rows = providers_visible_to(request.user).prefetch_related("sites")
    return render(request, "licensing/monitoring/providers.html", {"rows": rows, "form": form})


@operator_required
def operator_provider(request: AuthedRequest, pk: int) -> HttpResponse:
    provider = get_provider_for_user(request.user, pk)
    form = SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            monitoring.add_site(by=request.user, provider=provider, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The site is registered."))
            return redirect("monitoring_operator:provider", provider.pk)
    return render(
        request,
        "licensing/monitoring/provider.html",
        {
            "provider": provider, "form": form,
            "sites": provider.sites.select_related("licence__contract", "licence__licensee__party"),
            "keys": provider.keys.select_related("api_key"),
        },
    )  # fmt: skip


@operator_required
@require_POST
def operator_issue_key(request: AuthedRequest, pk: int) -> HttpResponse:
    provider = get_provider_for_user(request.user, pk)
    api_key, secret = monitoring.issue_provider_key(provider, by=request.user)
    return render(
        request,
        "licensing/monitoring/key_issued.html",
        {"provider": provider, "api_key": api_key, "secret": secret},
    )


@operator_required
@require_POST
def operator_toggle(request: AuthedRequest, pk: int) -> HttpResponse:
    provider = get_provider_for_user(request.user, pk)
    monitoring.set_provider_active(provider, by=request.user, active=not provider.active)
    return redirect("monitoring_operator:provider", provider.pk)
