"""The application's path on the pages: the CMO applies and appeals, the expert organization checks, the
authorized body schedules, concludes, decides and keeps the requirements."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accreditation import access, applying
from accreditation.forms import (
    AppealDecisionForm,
    AppealForm,
    ApplicationForm,
    CheckForm,
    ConclusionForm,
    DecisionForm,
    DocumentForm,
    ExistingCertificateForm,
    MeetingForm,
    RequirementForm,
)
from accreditation.models import (
    AppealStatus,
    ApplicationStatus,
    AreaDecision,
    DecisionOutcome,
    Requirement,
)
from udp.accounts import roles
from udp.accounts.decorators import AuthedRequest, role_required
from udp.audit import audited
from udp.core import clock
from udp.core.params import short_day

reader_required = role_required("is_cmo_staff", "is_regulator", "is_operator")
regulator_required = role_required("is_regulator")
operator_required = role_required("is_operator")


@contextmanager
def _reported(request: AuthedRequest) -> Iterator[None]:
    """A refused step is said at the top of the page it returns to; nothing was changed."""
    try:
        yield
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    except PermissionError:
        raise PermissionDenied from None


def _form_errors(request: AuthedRequest, form: object) -> None:
    for errors in getattr(form, "errors", {}).values():
        for error in errors:
            messages.error(request, error)


@reader_required
def application_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    applications = (
        access.applications_visible_to(user).select_related("cmo", "meeting").prefetch_related("areas")
    )
    status = request.GET.get("status", "")
    if status in ApplicationStatus.values:
        applications = applications.filter(status=status)
    context = {
        "applications": applications[:200],
        "status": status,
        "statuses": ApplicationStatus.choices,
        "may_apply": roles.is_cmo_admin(user),
        "may_schedule": roles.is_regulator(user),
    }
    return render(request, "accreditation/applications/list.html", context)


@role_required("is_cmo_admin")
def application_new(request: AuthedRequest) -> HttpResponse:
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = applying.start_application(
                by=request.user, areas=list(form.cleaned_data["areas"]), note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The application is started: attach its documents, then submit it."))
            return redirect("accreditation:application", pk=made.pk)
    return render(request, "accreditation/applications/new.html", {"form": form})


@reader_required
def application_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    application = access.get_application_for_user(user, pk)
    mine = roles.is_cmo_admin(user) and user.cmo_id == application.cmo_id
    status = application.status
    with_cmo = status in (ApplicationStatus.DRAFT, ApplicationStatus.INCOMPLETE)
    decisions = list(application.decisions.select_related("area").prefetch_related("appeals"))
    for decision in decisions:
        appeals = list(decision.appeals.all())
        decision.open_appeal = next((a for a in appeals if a.status == AppealStatus.FILED), None)  # type: ignore[attr-defined]
        decision.past_appeals = [a for a in appeals if a.status != AppealStatus.FILED]  # type: ignore[attr-defined]
        decision.may_appeal = (  # type: ignore[attr-defined]
            mine and decision.outcome == DecisionOutcome.REFUSED
            and all(a.status == AppealStatus.UPHELD for a in appeals)
        )  # fmt: skip
        decision.appeal_form = AppealForm(prefix=f"appeal{decision.pk}")  # type: ignore[attr-defined]
        decision.appeal_decision_form = AppealDecisionForm(prefix=f"answer{decision.pk}")  # type: ignore[attr-defined]
    meeting = application.meeting
    context = {
        "application": application,
        "areas": application.areas.order_by("item"),
        "documents": application.documents.select_related("requirement"),
        "requirements": Requirement.objects.filter(active=True),
        "missing": applying.missing_requirements(application),
        "decisions": decisions,
        "certificates": application.certificates.prefetch_related("lines__area"),
        "conclusion": getattr(application, "conclusion", None),
        "may_edit": mine and with_cmo,
        "may_withdraw": mine and status not in (ApplicationStatus.DECIDED, ApplicationStatus.WITHDRAWN),
        "may_check": roles.is_operator(user) and status == ApplicationStatus.SUBMITTED,
        "may_conclude": roles.is_regulator(user) and status == ApplicationStatus.SCHEDULED
        and meeting is not None and clock.today() >= meeting.meets_on,
        "may_decide": roles.is_regulator(user) and status == ApplicationStatus.CONCLUDED,
        "may_answer_appeals": roles.is_regulator(user),
        "document_form": DocumentForm(),
        "check_form": CheckForm(),
        "conclusion_form": ConclusionForm(application=application),
        "decision_form": DecisionForm(application=application),
    }  # fmt: skip
    return render(request, "accreditation/applications/detail.html", context)


@require_POST
@role_required("is_cmo_admin")
def application_attach(request: AuthedRequest, pk: int) -> HttpResponseBase:
    application = access.get_application_for_user(request.user, pk, write=True)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        with _reported(request):
            applying.attach_document(application, by=request.user, file=form.cleaned_data["file"],
                                     requirement=form.cleaned_data["requirement"])  # fmt: skip
            messages.success(request, _("The document is attached."))
    return redirect("accreditation:application", pk=pk)


@require_POST
@role_required("is_cmo_admin")
def application_submit(request: AuthedRequest, pk: int) -> HttpResponseBase:
    application = access.get_application_for_user(request.user, pk, write=True)
    with _reported(request):
        applying.submit_application(application, by=request.user)
        messages.success(
            request, _("The application is submitted; the expert organization checks it is complete.")
        )
    return redirect("accreditation:application", pk=pk)


@require_POST
@role_required("is_cmo_admin")
def application_withdraw(request: AuthedRequest, pk: int) -> HttpResponseBase:
    application = access.get_application_for_user(request.user, pk, write=True)
    with _reported(request):
        applying.withdraw_application(application, by=request.user)
        messages.success(request, _("The application is withdrawn."))
    return redirect("accreditation:application", pk=pk)


@require_POST
@operator_required
def application_check(request: AuthedRequest, pk: int) -> HttpResponseBase:
    application = access.get_application_for_user(request.user, pk)
    form = CheckForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        with _reported(request):
            applying.check_application(application, by=request.user, complete=form.cleaned_data["complete"],
                                       note=form.cleaned_data["note"])  # fmt: skip
            messages.success(request, _("The check is recorded."))
    return redirect("accreditation:application", pk=pk)


@require_POST
@regulator_required
def application_conclusion(request: AuthedRequest, pk: int) -> HttpResponseBase:
    application = access.get_application_for_user(request.user, pk)
    form = ConclusionForm(request.POST, request.FILES, application=application)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        with _reported(request):
            applying.record_conclusion(
                application, by=request.user, text=form.cleaned_data["text"],
                recommended=list(form.cleaned_data["recommended"]), minutes=form.cleaned_data["minutes"],
            )  # fmt: skip
            messages.success(request, _("The commission's conclusion is recorded."))
    return redirect("accreditation:application", pk=pk)


@require_POST
@regulator_required
def application_decide(request: AuthedRequest, pk: int) -> HttpResponseBase:
    application = access.get_application_for_user(request.user, pk)
    form = DecisionForm(request.POST, application=application)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        with _reported(request):
            applying.decide_application(application, by=request.user, outcomes=form.outcomes())
            messages.success(request, _("The decision is recorded and the CMO is told."))
    return redirect("accreditation:application", pk=pk)


@require_POST
@role_required("is_cmo_admin")
def decision_appeal(request: AuthedRequest, pk: int) -> HttpResponseBase:
    decision = get_object_or_404(
        AreaDecision.objects.filter(application__in=access.applications_editable_by(request.user)), pk=pk
    )
    form = AppealForm(request.POST, prefix=f"appeal{pk}")
    if not form.is_valid():
        _form_errors(request, form)
    else:
        with _reported(request):
            applying.file_appeal(decision, by=request.user, grounds=form.cleaned_data["grounds"])
            messages.success(request, _("Your appeal is filed; the authorized body decides it."))
    return redirect("accreditation:application", pk=decision.application_id)


@require_POST
@regulator_required
def appeal_decide(request: AuthedRequest, pk: int) -> HttpResponseBase:
    appeal = access.get_appeal_for_user(request.user, pk)
    form = AppealDecisionForm(request.POST, prefix=f"answer{appeal.decision_id}")
    if not form.is_valid():
        _form_errors(request, form)
    else:
        data = form.cleaned_data
        with _reported(request):
            applying.decide_appeal(appeal, by=request.user, grant=data["grant"], answer=data["answer"],
                                   valid_from=data["valid_from"], valid_until=data["valid_until"])  # fmt: skip
            messages.success(request, _("The appeal is decided and the CMO is told."))
    return redirect("accreditation:application", pk=appeal.decision.application_id)


@regulator_required
def meeting_new(request: AuthedRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None)
    earliest = applying.earliest_meeting(clock.today())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = applying.announce_meeting(
                by=request.user, meets_on=data["meets_on"], applications=list(data["applications"]),
                place=data["place"], announcement=data["announcement"],
            )  # fmt: skip
        except ValidationError as error:
            for field, errors in getattr(error, "message_dict", {None: error.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("The meeting of %(date)s is announced on the public page.")
                % {"date": short_day(meeting.meets_on)},
            )
            return redirect("accreditation:meetings")
    return render(
        request, "accreditation/applications/meeting_new.html", {"form": form, "earliest": earliest}
    )


@regulator_required
def requirements(request: AuthedRequest) -> HttpResponse:
    """The authorized body keeps the list of documents an application must carry (A46-2.application)."""
    form = RequirementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with audited(request.user):
            form.save()
        messages.success(request, _("The requirement is added."))
        return redirect("accreditation:requirements")
    rows = Requirement.objects.all()
    return render(
        request, "accreditation/applications/requirements.html", {"form": form, "requirements": rows}
    )


@require_POST
@regulator_required
def requirement_toggle(request: AuthedRequest, pk: int) -> HttpResponseBase:
    with audited(request.user):
        requirement = get_object_or_404(Requirement.objects.select_for_update(), pk=pk)
        requirement.active = not requirement.active
        requirement.save(update_fields=["active"])
    messages.success(
        request, _("The requirement is in use.") if requirement.active else _("The requirement is retired.")
    )
    return redirect("accreditation:requirements")


@operator_required
def certificate_enter(request: AuthedRequest) -> HttpResponse:
    """The operator enters a certificate issued before the platform, with its scan."""
    form = ExistingCertificateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            applying.enter_existing_certificate(by=request.user, cmo=data["cmo"], number=data["number"],
                                                issued_on=data["issued_on"], lines=data["lines"], scan=data["scan"])  # fmt: skip
        except ValidationError as error:
            for field, errors in getattr(error, "message_dict", {None: error.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The certificate is on record."))
            return redirect("accreditation:public")
    return render(request, "accreditation/applications/certificate_enter.html", {"form": form})
