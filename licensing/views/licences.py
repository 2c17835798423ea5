"""The agreement pages: a music user gets a licence (declare, offers, request, sign); both parties and the
officials read it; the CMO countersigns or refuses on a ground.

- ``/licences/``: the agreements the reader may see (the user's own, the CMO's, all for officials);
- ``/licences/get/`` and ``/licences/get/<declaration>/``: the declaration and the offers it gets;
- ``/licences/<pk>/``: the agreement, its arithmetic, its report periods, the steps the reader may take.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from licensing import access, actions, offers
from licensing.forms import DeclarationForm, RefuseForm, SignForm
from licensing.models import AgreementKind, LicenceStatus, RefusalGround, Unit
from registers.models import CMO
from udp.accounts import roles
from udp.accounts.decorators import AuthedRequest, licensee_required, role_required
from udp.core import clock
from udp.documents.views import pdf_response

parties_and_officials = role_required("is_licensee", "is_cmo_staff", "is_regulator", "is_operator")
parties = role_required("is_licensee", "is_cmo_staff")


def _errors_into(form: DeclarationForm | RefuseForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@parties_and_officials
def index(request: AuthedRequest) -> HttpResponse:
    rows = access.licences_visible_to(request.user).order_by("-created_at", "-pk")
    status = request.GET.get("status", "")
    if status in LicenceStatus.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request, "licensing/licences/index.html",
        {"page": page, "status": status, "statuses": LicenceStatus.choices, "user_side": roles.is_licensee(request.user)},
    )  # fmt: skip


@licensee_required
def declare(request: AuthedRequest) -> HttpResponse:
    licensee = request.user.licensee
    assert licensee is not None
    initial = {"category": licensee.category_id, "starts_on": clock.today()}
    form = DeclarationForm(request.POST or None, licensee_id=licensee.pk, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            declaration = actions.declare_use(
                by=request.user, category=data["category"], use=data["use"], location=data["location"],
                parameters=form.parameters(), revenue=data["revenue"], starts_on=data["starts_on"],
            )  # fmt: skip
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            return redirect("licences:offers", declaration.pk)
    return render(request, "licensing/licences/declare.html", {"form": form})


@licensee_required
def offers_page(request: AuthedRequest, pk: int) -> HttpResponse:
    declaration = access.get_declaration_for_user(request.user, pk)
    day = max(declaration.starts_on, clock.today())
    needs = offers.needs(
        category_id=declaration.category_id, use=declaration.use, parameters=actions.declared_parameters(declaration),
        revenue=declaration.revenue, day=day,
    )  # fmt: skip
    parameters = [(Unit(unit).label, value) for unit, value in declaration.parameters.items()]
    return render(
        request, "licensing/licences/offers.html",
        {"declaration": declaration, "needs": needs, "day": day, "parameters": parameters},
    )  # fmt: skip


@licensee_required
@require_POST
def request_agreement(request: AuthedRequest, pk: int) -> HttpResponseBase:
    declaration = access.get_declaration_for_user(request.user, pk)
    kind = request.POST.get("kind", "")
    try:
        cmo = CMO.objects.get(pk=int(request.POST.get("cmo", "")))
    except (ValueError, CMO.DoesNotExist):
        messages.error(request, _("Choose an offer."))
        return redirect("licences:offers", declaration.pk)
    if kind not in AgreementKind.values:
        messages.error(request, _("Choose an offer."))
        return redirect("licences:offers", declaration.pk)
    try:
        licence = actions.request_agreement(declaration, by=request.user, cmo=cmo, kind=kind)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("licences:offers", declaration.pk)
    messages.success(request, _("The agreement is ready: read it and sign it."))
    return redirect("licences:detail", licence.pk)


@parties_and_officials
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    licence = access.get_licence_for_user(request.user, pk)
    side = actions.signing_side(licence, request.user)
    may_sign = (side == "user" and licence.status == LicenceStatus.AWAITING_USER) or (
        side == "cmo" and licence.status == LicenceStatus.AWAITING_CMO
    )
    sign_form = SignForm(initial={"sha256": licence.document.sha256 if licence.document else ""})
    refuse_form = RefuseForm()
    today = clock.today()
    dues = [(due, due.overdue_on(today)) for due in licence.reports_due.all()]
    return render(
        request, "licensing/licences/detail.html",
        {
            "licence": licence, "lines": licence.lines.select_related("area", "tariff"), "side": side,
            "may_sign": may_sign, "sign_form": sign_form, "refuse_form": refuse_form, "dues": dues,
            "may_refuse": side == "cmo" and licence.status in (LicenceStatus.AWAITING_USER, LicenceStatus.AWAITING_CMO),
            "may_cancel": side == "user" and licence.status in (LicenceStatus.AWAITING_USER, LicenceStatus.AWAITING_CMO),
            "grounds": RefusalGround.choices,
        },
    )  # fmt: skip


@parties
@require_POST
def sign(request: AuthedRequest, pk: int) -> HttpResponseBase:
    licence = access.get_licence_for_user(request.user, pk, write=True)
    form = SignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm you have read the agreement."))
        return redirect("licences:detail", licence.pk)
    try:
        licence = actions.sign_agreement(
            licence, by=request.user, confirmed_sha256=form.cleaned_data["sha256"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except PermissionError:
        messages.error(request, _("Only the parties sign the agreement."))
    else:
        if licence.status == LicenceStatus.IN_FORCE:
            messages.success(request, _("Signed. The agreement is in force."))
        else:
            messages.success(request, _("Signed. The CMO countersigns next."))
    return redirect("licences:detail", licence.pk)


@role_required("is_cmo_staff")
@require_POST
def refuse(request: AuthedRequest, pk: int) -> HttpResponseBase:
    licence = access.get_licence_for_user(request.user, pk, write=True)
    form = RefuseForm(request.POST)
    if form.is_valid():
        try:
            actions.refuse_agreement(licence, by=request.user, **form.cleaned_data)
        except (ValidationError, PermissionError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(
                request, _("The agreement is refused; the user and the authorized body are told.")
            )
    else:
        messages.error(
            request, _("A licence is refused only on a ground the law allows, with reasons for the user.")
        )
    return redirect("licences:detail", licence.pk)


@licensee_required
@require_POST
def cancel(request: AuthedRequest, pk: int) -> HttpResponseBase:
    licence = access.get_licence_for_user(request.user, pk, write=True)
    try:
        actions.cancel_agreement(licence, by=request.user)
    except (ValidationError, PermissionError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("The agreement is cancelled."))
    return redirect("licences:detail", licence.pk)


@parties_and_officials
def pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    licence = access.get_licence_for_user(request.user, pk)
    if licence.document is None:
        from django.http import Http404

        raise Http404
    return pdf_response(licence.document)
