"""The authorized body's workspace: a read-only view over the CMOs and the registers."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import render

from registers.dashboards import cmos_with_figures, regulator_charts
from registers.models import CMO, Area
from registers.views.operator import render_party, render_registers
from udp.accounts import consoles
from udp.accounts.decorators import AuthedRequest, regulator_required


@dataclass
class CMOOverview:
    cmo: CMO
    areas: list[Area]
    members: int
    works: int


def cmo_overview() -> list[CMOOverview]:
    """Each CMO with its areas, how many holders it acts for and how many of their works are registered
    (counted for all CMOs at once: the page's queries do not grow with the number of CMOs)."""
    cmos = cmos_with_figures().select_related("party").prefetch_related("areas")
    return [CMOOverview(cmo, list(cmo.areas.all()), cmo.members, cmo.works) for cmo in cmos]  # type: ignore[attr-defined]


@regulator_required
def home(request: AuthedRequest) -> HttpResponse:
    cmos = cmo_overview()
    context = {
        "cmos": cmos,
        "console": consoles.console_view("regulator", request.user),
        "charts": regulator_charts([row.cmo for row in cmos]),
    }
    return render(request, "registers/regulator/home.html", context)


@regulator_required
def registers(request: AuthedRequest) -> HttpResponse:
    return render_registers(
        request, template="registers/regulator/registers.html", officials_prefix="regulator"
    )


@regulator_required
def party(request: AuthedRequest, pk: int) -> HttpResponse:
    return render_party(request, pk, template="registers/regulator/party.html")
