"""The authorized body's workspace: a read-only view over the CMOs and the registers."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponse
from django.shortcuts import render

from registers.access import member_parties
from registers.models import CMO, Area, Work, WorkContributor
from registers.views.operator import render_party, render_registers
from udp.accounts.decorators import AuthedRequest, regulator_required
from udp.accounts.selectors import pending_accounts


@dataclass
class CMOOverview:
    cmo: CMO
    areas: list[Area]
    members: int
    works: int


def cmo_overview() -> list[CMOOverview]:
    """Each CMO with its areas, how many holders it acts for and how many of their works are registered."""
    rows = []
    for cmo in CMO.objects.select_related("party").prefetch_related("areas"):
        members = member_parties(cmo)
        contributes = WorkContributor.objects.filter(work=OuterRef("pk"), party__in=members.values("pk"))
        works = Work.objects.filter(Q(registered_by_cmo=cmo) | Exists(contributes))
        rows.append(CMOOverview(cmo, list(cmo.areas.all()), members.count(), works.count()))
    return rows


@regulator_required
def home(request: AuthedRequest) -> HttpResponse:
    context = {"cmos": cmo_overview(), "pending": pending_accounts().count()}
    return render(request, "registers/regulator/home.html", context)


@regulator_required
def registers(request: AuthedRequest) -> HttpResponse:
    return render_registers(
        request, template="registers/regulator/registers.html", officials_prefix="regulator"
    )


@regulator_required
def party(request: AuthedRequest, pk: int) -> HttpResponse:
    return render_party(request, pk, template="registers/regulator/party.html")
