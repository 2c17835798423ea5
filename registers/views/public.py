"""The public registers (Art. 45-1.2, Art. 46.1 (4)): open to anyone, no account needed.

These pages never show a confidential field, whoever looks: IIN, addresses, e-mail, phone, bank
details and a living person's birth date stay in the accounts and the API's privileged answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from registers import access, who_manages
from registers import public_selectors as selectors
from registers.filters import HolderFilter, LicenseeFilter, WorkFilter
from registers.models import CMO, RightType, Share, Work, WorkContributor
from udp.core.pagination import fetch_window, page_number
from udp.identifiers import format_iswc

PAGE_SIZE = 25


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "registers/public/index.html")


def glossary(request: HttpRequest) -> HttpResponse:
    """The terms the registers use (right types, identifiers, areas, mandates, tariffs), with anchors."""
    from registers.models import Area, Role

    return render(
        request,
        "registers/public/glossary.html",
        {"roles": Role, "right_types": RightType, "areas": Area.objects.filter(in_force=True)},
    )


def help_page(request: HttpRequest) -> HttpResponse:
    """How each actor uses the platform: one section per actor, linked from their home page."""
    return render(request, "registers/public/help.html")


def works(request: HttpRequest) -> HttpResponse:
    search = WorkFilter(request.GET or None, queryset=access.works_visible_to(request.user))
    window = None
    if request.GET:
        results = search.ranked(lambda works: works.only(*selectors.WORK_LIST_FIELDS))
        window = fetch_window(results, page_number(request.GET.get("page")), PAGE_SIZE)
        prefetch_related_objects(window.items, selectors.list_contributors())
    return render(request, "registers/public/works.html", {"search": search, "window": window})


@dataclass
class ContributorRow:
    contributor: WorkContributor
    shares: list[Share | None]


def _contributor_rows(work: Work) -> tuple[list[str], list[ContributorRow]]:
    contributors = list(work.contributors.all())
    present = {share.right_type for c in contributors for share in c.shares.all()}
    right_types = [rt for rt in RightType.values if rt in present]
    rows = []
    for contributor in contributors:
        by_type = {share.right_type: share for share in contributor.shares.all()}
        rows.append(ContributorRow(contributor, [by_type.get(rt) for rt in right_types]))
    return right_types, rows  # codes: the page names them (labels.right_name)


def _asked_day(request: HttpRequest) -> tuple[dt.date | None, str]:
    """The ``on`` date of the page (``None``: today), and an error to show when it is not a date."""
    try:
        return who_manages.parse_day(request.GET.get("on")), ""
    except ValueError:
        return None, _("Enter a date as YYYY-MM-DD.")


def work(request: HttpRequest, pk: int) -> HttpResponse:
    visible = access.works_visible_to(request.user)
    item = access.get_work_for_user(request.user, pk)
    day, day_error = _asked_day(request)
    prefetch_related_objects(
        [item],
        "titles",
        Prefetch(
            "contributors",
            queryset=WorkContributor.objects.select_related("party").prefetch_related("shares"),
        ),
    )
    right_types, rows = _contributor_rows(item)
    return render(
        request,
        "registers/public/work.html",
        {
            "work": item,
            "iswc": format_iswc(item.iswc) if item.iswc else "",
            "right_types": right_types,
            "rows": rows,
            "declared_differs": any(s is not None and s.declared is not None for r in rows for s in r.shares),
            "recordings": selectors.visible_related(item.recordings.all(), visible),
            "embodied": selectors.visible_related(item.embodied_works.all(), visible),
            "who_to_pay": [] if item.in_public_domain else selectors.who_to_pay(item, day),
            "management": who_manages.who_manages(item, day),
            "asked_day": day,
            "day_error": day_error,
            # the day after the term of protection ends (registers.term): nobody is paid from then on
            "public_domain_since": (
                item.protection_ends_on + dt.timedelta(days=1)
                if item.in_public_domain and item.protection_ends_on is not None
                else None
            ),
        },
    )


def holders(request: HttpRequest) -> HttpResponse:
    search = HolderFilter(request.GET or None, queryset=access.parties_visible_to(request.user))
    window = None
    if request.GET:
        queryset = search.qs.only(
            "id", "kind", "name_kk", "name_ru", "name_lat", "death_date", "isni"
        ).order_by("name_ru", "name_lat", "id")
        window = fetch_window(queryset, page_number(request.GET.get("page")), PAGE_SIZE)
        prefetch_related_objects(window.items, "pseudonyms")
    cmos = CMO.objects.only("id", "short_name")
    return render(
        request, "registers/public/holders.html", {"search": search, "window": window, "cmos": cmos}
    )


def holder(request: HttpRequest, pk: int) -> HttpResponse:
    party = access.get_party_for_user(request.user, pk)
    works_of = selectors.public_works_of(party).only(*selectors.WORK_LIST_FIELDS).order_by("title", "id")
    window = fetch_window(works_of, page_number(request.GET.get("page")), 50)
    return render(
        request,
        "registers/public/holder.html",
        {
            "party": party,
            "pseudonyms": party.pseudonyms.all(),
            "ipi_names": party.ipi_names.all(),
            "mandates": selectors.managing_cmos_of(party),
            "window": window,
        },
    )


def cmos(request: HttpRequest) -> HttpResponse:
    rows = CMO.objects.select_related("party").prefetch_related("areas")
    return render(request, "registers/public/cmos.html", {"cmos": rows})


def cmo(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        CMO.objects.select_related("party").prefetch_related("areas", "representatives", "branches"), pk=pk
    )
    from registers.public_sections import cmo_sections

    return render(request, "registers/public/cmo.html", {"cmo": item, "sections": cmo_sections(item)})


def users(request: HttpRequest) -> HttpResponse:
    visible = access.licensees_visible_to(request.user).select_related("party", "category")
    search = LicenseeFilter(request.GET or None, queryset=visible)
    queryset = search.qs.order_by("trade_name", "party__name_ru", "id")
    window = fetch_window(queryset, page_number(request.GET.get("page")), PAGE_SIZE)
    prefetch_related_objects(window.items, "locations")
    return render(request, "registers/public/users.html", {"search": search, "window": window})


def user(request: HttpRequest, pk: int) -> HttpResponse:
    licensee = access.get_licensee_for_user(request.user, pk)
    locations = licensee.locations.select_related("category").order_by("city", "name")
    return render(request, "registers/public/user.html", {"licensee": licensee, "locations": locations})
