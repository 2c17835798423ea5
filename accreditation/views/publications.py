"""The publications pages (Art. 46.1 (7), (11), (12); 46.1-1).

- ``/publications/``: a CMO's records, notices and missed deadlines (its accounts); every CMO's for the
  officials, with the upcoming general meetings.
- ``new/``, ``meetings/new/``: the CMO's administrator places a document or notifies a meeting.
- ``calendar/``: the expert organization keeps the days the government moves (see :mod:`udp.core.workdays`).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accreditation import calendar_days, publishing
from accreditation.views.publications_forms import CalendarDayForm, MeetingNoticeForm, PublicationForm
from udp.accounts import roles
from udp.accounts.decorators import AuthedRequest, role_required
from udp.core import clock, workdays
from udp.core.models import CalendarDay
from udp.core.params import short_day

LIST_LIMIT = 200
readers = role_required("is_cmo_staff", "is_regulator", "is_operator")
cmo_admin = role_required("is_cmo_admin")
operator = role_required("is_operator")


def _apply_errors(form: PublicationForm | MeetingNoticeForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@readers
def index(request: AuthedRequest) -> HttpResponse:
    user = request.user
    today = clock.today()
    return render(
        request,
        "accreditation/publications/index.html",
        {
            "flags": publishing.flags_for(user, today),
            "publications": publishing.publications_visible_to(user)[:LIST_LIMIT],
            "notices": publishing.notices_visible_to(user).order_by("-meeting_on", "-pk")[:LIST_LIMIT],
            "upcoming": publishing.upcoming_meetings(today) if roles.is_official(user) else None,
            "official": roles.is_official(user),
            "may_publish": roles.is_cmo_admin(user),
            "today": today,
        },
    )


@cmo_admin
def new(request: AuthedRequest) -> HttpResponse:
    # a missed deadline's link may choose the kind and the day (a general meeting's resolution)
    chosen = {name: request.GET[name] for name in ("kind", "event_on") if request.GET.get(name)}
    form = PublicationForm(request.POST or None, request.FILES or None, initial=chosen)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = publishing.publish(by=request.user, **data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if row.late:
                messages.warning(
                    request,
                    _("Published. It was due by %(due)s: it is flagged late.")
                    % {"due": short_day(row.due_on)},
                )
            else:
                messages.success(request, _("Published on your public page."))
            return redirect("publications:index")
    return render(
        request, "accreditation/publications/form.html", {"form": form, "title": _("Publish a document")}
    )


@cmo_admin
def new_meeting(request: AuthedRequest) -> HttpResponse:
    form = MeetingNoticeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            row = publishing.notify_meeting(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if row.late:
                messages.warning(
                    request,
                    _("The authorized body is notified. The notice was due by %(due)s: it is recorded late.")
                    % {"due": short_day(row.due_on)},
                )
            else:
                messages.success(request, _("The authorized body is notified."))
            return redirect("publications:index")
    return render(
        request,
        "accreditation/publications/form.html",
        {"form": form, "title": _("Notify the authorized body of a general meeting")},
    )


@operator
def calendar(request: AuthedRequest) -> HttpResponse:
    try:
        year = int(request.GET.get("year") or clock.today().year)
    except ValueError:
        raise Http404 from None
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        calendar_days.set_day(by=request.user, **form.cleaned_data)
        messages.success(request, _("Saved: deadlines now count this day as you set it."))
        return redirect(f"{request.path}?year={form.cleaned_data['day'].year}")
    start = dt.date(year, 1, 1)
    holidays = sorted(workdays._calendar(year).items())
    return render(
        request,
        "accreditation/publications/calendar.html",
        {
            "form": form,
            "year": year,
            "moved": CalendarDay.objects.filter(day__year=year),
            "holidays": holidays,
            "start": start,
        },
    )


@require_POST
@operator
def calendar_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    row = CalendarDay.objects.filter(pk=pk).first()
    if row is None:
        raise Http404
    calendar_days.remove_day(by=request.user, row=row)
    messages.success(request, _("Removed: the day follows the public holidays again."))
    return redirect(f"{reverse('publications:calendar')}?year={row.day.year}")
