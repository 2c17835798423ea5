"""The notification centre: my notices (newest first), mark one or all as read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from udp.accounts.decorators import AuthedRequest
from udp.core.pagination import fetch_window, page_number
from udp.notices import access, actions

NOTICES_PER_PAGE = 50


@login_required
def notice_list(request: AuthedRequest) -> HttpResponse:
    notices = access.notices_for(request.user)
    if request.GET.get("unread"):
        notices = notices.filter(read_at__isnull=True)
    window = fetch_window(notices, page_number(request.GET.get("page")), NOTICES_PER_PAGE)
    return render(
        request, "notices/list.html", {"notices": window, "only_unread": bool(request.GET.get("unread"))}
    )


@login_required
@require_POST
def mark_read(request: AuthedRequest, pk: int) -> HttpResponse:
    """Read one notice; with ``open``, go on to what it links to."""
    notice = actions.mark_read(access.get_notice_for_user(request.user, pk), by=request.user)
    if request.POST.get("open") and notice.link:
        return redirect(notice.link)
    return _back(request)


@login_required
@require_POST
def mark_all_read(request: AuthedRequest) -> HttpResponse:
    actions.mark_all_read(by=request.user)
    return _back(request)


def _back(request: AuthedRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notices:list")
