"""The music user's space: its entry in the register of users and the places where it uses works."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registers import access, actions
from registers.forms import LocationForm
from registers.models import Licensee, LicenseeLocation
from udp.accounts import consoles
from udp.accounts.decorators import AuthedRequest, licensee_required


def _own_licensee(request: AuthedRequest) -> Licensee:
    return access.get_licensee_for_user(request.user, request.user.licensee_id, write=True)


def _own_location(licensee: Licensee, pk: int) -> LicenseeLocation:
    try:
        return licensee.locations.get(pk=pk)
    except LicenseeLocation.DoesNotExist:
        raise Http404 from None


@licensee_required
def home(request: AuthedRequest) -> HttpResponse:
    licensee = _own_licensee(request)
    context = {
        "licensee": licensee,
        "party": licensee.party,
        "locations": licensee.locations.select_related("category").order_by("city", "name"),
        "console": consoles.console_view("space", request.user),
    }
    return render(request, "registers/space/home.html", context)


def _location_page(request: AuthedRequest, location: LicenseeLocation | None) -> HttpResponse:
    licensee = _own_licensee(request)
    form = LocationForm(request.POST or None, instance=location)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_licensee_location(
                licensee, by=request.user, location=location, **form.location_fields()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The location is saved."))
            return redirect("space:home")
    return render(request, "registers/space/location_form.html", {"form": form, "location": location})


@licensee_required
def location_add(request: AuthedRequest) -> HttpResponse:
    return _location_page(request, None)


@licensee_required
def location_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _location_page(request, _own_location(_own_licensee(request), pk))


@licensee_required
@require_POST
def location_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    location = _own_location(_own_licensee(request), pk)
    actions.remove_licensee_location(location, by=request.user)
    messages.success(request, _("The location is removed."))
    return redirect("space:home")
