"""The rightsholder's personal account: their register entry, their works, their CMOs per area."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from registers import access
from registers.models import Area, Mandate, Party
from registers.models.contracts import MandateStatus
from udp.accounts.decorators import AuthedRequest, holder_required


def managing_cmos(party: Party | None) -> list[dict[str, Any]]:
    """Each area in force with the CMO the holder has an active mandate to, or none."""
    mandates: dict[int, Mandate] = {}
    if party is not None:
        active = Mandate.objects.filter(holder=party, status=MandateStatus.ACTIVE).select_related(
            "cmo", "contract"
        )
        mandates = {m.area_id: m for m in active}
    return [{"area": area, "mandate": mandates.get(area.pk)} for area in Area.objects.filter(in_force=True)]


@holder_required
def home(request: AuthedRequest) -> HttpResponse:
    party = request.user.party
    works = (
        access.works_editable_by(request.user).prefetch_related("contributors__party").order_by("-created_at")
    )
    context = {
        "party": party,
        "pseudonyms": party.pseudonyms.all() if party else [],
        "ipi_names": party.ipi_names.all() if party else [],
        "bank_accounts": party.bank_accounts.all() if party else [],
        "works": works,
        "areas": managing_cmos(party),
    }
    return render(request, "registers/portal/home.html", context)
