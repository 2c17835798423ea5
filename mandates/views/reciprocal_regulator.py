"""The authorized body's view of reciprocal agreements: foreign societies and the CMO each mandates
per area, every agreement with its copy's deadline (late ones flagged), and the domestic agreements
each CMO lacks."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import render

from registers import reciprocal
from registers.models import Contract, ForeignSociety, ReciprocalArea, ReciprocalAreaStatus
from udp.accounts.decorators import AuthedRequest, regulator_required
from udp.core import clock


def overview_context() -> dict[str, object]:
    today = clock.today()
    active = ReciprocalArea.objects.filter(status=ReciprocalAreaStatus.ACTIVE).select_related("cmo", "area")
    societies = ForeignSociety.objects.prefetch_related(
        Prefetch("reciprocal_areas", queryset=active.order_by("area__item"), to_attr="represented")
    ).order_by("short_name")
    agreements = (
        Contract.objects.filter(kind="reciprocal")
        .select_related("cmo", "counterparty_cmo", "foreign_society")
        .prefetch_related("areas")
        .order_by("-concluded_on", "number")
    )
    return {
        "societies": societies,
        "agreements": agreements,
        "late": set(reciprocal.late_copies(today).values_list("pk", flat=True)),
        "missing": reciprocal.missing_domestic_agreements(today),
        "today": today,
    }


@regulator_required
def overview(request: AuthedRequest) -> HttpResponse:
    return render(request, "mandates/reciprocal/regulator.html", overview_context())
