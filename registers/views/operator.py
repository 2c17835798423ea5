"""The operator's console (the expert organization, Art. 9-2): moderation, staff accounts, registers.

Every view admits approved operator accounts only; the party page and the register browser are
shared with the regulator's workspace, which reuses them read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from registers import access
from registers.actions import reveal_confidential
from registers.dashboards import activity_chart, queues_chart
from registers.enrolment import approve_account, reject_account
from registers.forms import StaffAccountForm
from registers.models import CMO, Licensee, Party, Work
from registers.search import search_works
from udp.accounts import consoles
from udp.accounts.actions import create_staff_account
from udp.accounts.decorators import AuthedRequest, operator_required
from udp.accounts.forms import RejectForm, RevealForm
from udp.accounts.models import SELF_SIGNUP_ROLES, ConfidentialAccess, Moderation, User
from udp.accounts.selectors import pending_applications

RESULT_LIMIT = 50
REGISTER_KINDS = {
    "party": gettext_lazy("Authors and rightsholders"),
    "work": gettext_lazy("Works and objects of related rights"),
    "cmo": gettext_lazy("CMOs"),
    "licensee": gettext_lazy("Users"),
}


def edit_url(kind: str, pk: int) -> str:
    """The editing page for a register entry (the ``edit`` namespace), or its path if not routed yet."""
    try:
        return reverse(f"edit:{kind}", args=[pk])
    except NoReverseMatch:
        return f"/entries/{kind}/{pk}/"


@operator_required
def home(request: AuthedRequest) -> HttpResponse:
    console = consoles.console_view("operator", request.user)  # each domain's cards (udp.accounts.consoles)
    charts = {"activity": activity_chart(), "queues": queues_chart()}
    return render(request, "registers/operator/home.html", {"console": console, "charts": charts})


# --- Moderation of self-registered accounts -------------------------------------------------------


def _queue(
    request: AuthedRequest, *, failed: User | None = None, form: RejectForm | None = None
) -> HttpResponse:
    context = {
        "applications": pending_applications(),
        "failed_pk": getattr(failed, "pk", None),
        "failed_form": form,
    }
    return render(request, "registers/operator/accounts.html", context, status=400 if failed else 200)


@operator_required
def accounts(request: AuthedRequest) -> HttpResponse:
    return _queue(request)


def _pending_account(pk: int) -> User:
    return get_object_or_404(User, pk=pk, moderation=Moderation.PENDING, role__in=SELF_SIGNUP_ROLES)


@require_POST
@operator_required
def approve(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        account = approve_account(_pending_account(pk), by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("claims:overview")
    messages.success(request, _("%(email)s is approved and has been notified.") % {"email": account.email})
    return redirect("operator:accounts")


@require_POST
@operator_required
def reject(request: AuthedRequest, pk: int) -> HttpResponse:
    account = _pending_account(pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _queue(request, failed=account, form=form)
    reject_account(account, by=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("%(email)s is rejected; the reason was sent.") % {"email": account.email})
    return redirect("operator:accounts")


# --- Staff accounts -------------------------------------------------------------------------------


@operator_required
def staff_new(request: AuthedRequest) -> HttpResponse:
    form = StaffAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = create_staff_account(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("The account for %(email)s is open; an e-mail to set the password was sent.")
                % {"email": account.email},
            )
            return redirect("operator:staff_new")
    staff = User.objects.exclude(role__in=SELF_SIGNUP_ROLES).select_related("cmo").order_by("role", "email")
    return render(request, "registers/operator/staff_new.html", {"form": form, "staff": staff})


# --- Register browser -----------------------------------------------------------------------------


@dataclass
class Found:
    kind: str
    pk: int
    label: str
    detail: str
    page_url: str
    history_url: str
    edit_url: str | None


def _named(text: str, own_name: str) -> Q:
    """An organisation whose ``own_name``, or its legal entity's name in any script, contains ``text``,
    or whose BIN is ``text``."""
    names = [own_name, "party__name_ru", "party__name_kk", "party__name_lat"]
    match = Q(party__bin=text)
    for name in names:
        match |= Q(**{f"{name}__icontains": text})
    return match


def find_entries(user: User, kind: str, text: str, *, officials_prefix: str) -> list[Found]:
    """Register entries of one kind matching ``text``, with the pages an official may open for each."""
    text = text.strip()
    if not text:
        return []
    operator = bool(user.is_operator)
    history = lambda k, pk: reverse("history:object", args=[k, pk])  # noqa: E731
    if kind == "work":
        works = search_works(Work.objects.all(), text).order_by("title")[:RESULT_LIMIT]
        return [
            Found("work", w.pk, w.title, w.iswc or w.isrc or w.get_kind_display(), history("work", w.pk),
                  history("work", w.pk), edit_url("work", w.pk) if operator else None)
            for w in works
        ]  # fmt: skip
    if kind == "cmo":
        cmos = CMO.objects.filter(_named(text, "short_name")).select_related("party")[:RESULT_LIMIT]
        return [
            Found("cmo", c.pk, c.short_name, c.party.name, reverse(f"{officials_prefix}:party", args=[c.party_id]),
                  history("cmo", c.pk), edit_url("party", c.party_id) if operator else None)
            for c in cmos
        ]  # fmt: skip
    if kind == "licensee":
        licensees = Licensee.objects.filter(_named(text, "trade_name")).select_related("party", "category")[
            :RESULT_LIMIT
        ]
        return [
            Found("licensee", lic.pk, str(lic), str(lic.category),
                  reverse(f"{officials_prefix}:party", args=[lic.party_id]), history("licensee", lic.pk),
                  edit_url("party", lic.party_id) if operator else None)
            for lic in licensees
        ]  # fmt: skip
    match = Q(pk__in=Party.objects.search(text).values("pk")) | Q(bin=text)
    if operator:  # an IIN is confidential: only the operator may look a person up by it
        match |= Q(iin=text)
    parties = Party.objects.filter(match).order_by("name_ru")[:RESULT_LIMIT]
    return [
        Found("party", p.pk, p.name, p.get_kind_display(), reverse(f"{officials_prefix}:party", args=[p.pk]),
              history("party", p.pk), edit_url("party", p.pk) if operator else None)
        for p in parties
    ]  # fmt: skip


def render_registers(request: AuthedRequest, *, template: str, officials_prefix: str) -> HttpResponse:
    kind = request.GET.get("kind", "party")
    kind = kind if kind in REGISTER_KINDS else "party"
    text = request.GET.get("q", "")
    found = find_entries(request.user, kind, text, officials_prefix=officials_prefix)
    context = {"kinds": REGISTER_KINDS, "kind": kind, "q": text, "found": found, "limit": RESULT_LIMIT}
    return render(request, template, context)


@operator_required
def registers(request: AuthedRequest) -> HttpResponse:
    return render_registers(
        request, template="registers/operator/registers.html", officials_prefix="operator"
    )


# --- A party's page for officials, with confidential data behind a reason ---------------------------


def render_party(request: AuthedRequest, pk: int, *, template: str) -> HttpResponse:
    """Public fields always; confidential ones only in the answer to a reasoned request (Art. 9-2.1 (9))."""
    party = access.get_party_for_user(request.user, pk)
    form = RevealForm(request.POST or None)
    revealed = None
    if request.method == "POST" and form.is_valid():
        revealed = reveal_confidential(party, by=request.user, reason=form.cleaned_data["reason"])
    context: dict[str, Any] = {
        "party": party,
        "form": form,
        "revealed": revealed,
        "bank_accounts": party.bank_accounts.all() if revealed else None,
        "pseudonyms": party.pseudonyms.all(),
        "ipi_names": party.ipi_names.all(),
        "edit_url": edit_url("party", party.pk) if request.user.is_operator else None,
        "accesses": None,
    }
    if request.user.is_operator:
        context["accesses"] = party.confidential_accesses.select_related("user")[:RESULT_LIMIT]
    return render(
        request, template, context, status=400 if request.method == "POST" and not revealed else 200
    )


@operator_required
def party(request: AuthedRequest, pk: int) -> HttpResponse:
    return render_party(request, pk, template="registers/operator/party.html")


@operator_required
def confidential_log(request: AuthedRequest) -> HttpResponse:
    accesses = ConfidentialAccess.objects.select_related("user", "party")[:500]
    return render(request, "registers/operator/confidential_log.html", {"accesses": accesses})
