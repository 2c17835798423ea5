"""The API of accreditation's path (``/api/accreditation/...``): the same steps and access rules as the pages.

Public: the accredited CMOs by area, the commission's meetings, the requirements, the certificates.
The CMO's admin applies, attaches, submits, withdraws and appeals; the expert organization checks and
enters certificates issued before the platform; the authorized body announces meetings, records
conclusions, decides, decides appeals and keeps the requirements.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accreditation import access, applying, selectors
from accreditation.models import (
    Accreditation,
    Application,
    AreaDecision,
    Certificate,
    CommissionMeeting,
    Requirement,
)
from registers.models import CMO, Area
from udp.accounts import roles
from udp.accounts.api_auth import HasApiKeyScope
from udp.accounts.scopes import READ_REGISTERS, Scope
from udp.core import clock

WRITE = Scope.ACCREDITATION_WRITE


def _refused(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(exc.message_dict)
    return exceptions.ValidationError({"detail": exc.messages})


def _run(step: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return step(*args, **kwargs)
    except DjangoValidationError as exc:
        raise _refused(exc) from None
    except PermissionError as exc:
        raise exceptions.PermissionDenied(str(exc)) from None


def _must(allowed: bool, message: str) -> None:
    """Refuse before reading the input: who may take a step is checked first."""
    if not allowed:
        raise exceptions.PermissionDenied(message)


def _areas(items: list[int]) -> list[Area]:
    areas = list(Area.objects.filter(item__in=items))
    if len(areas) != len(set(items)):
        raise exceptions.ValidationError({"areas": [_("Unknown area of collective management.")]})
    return areas


# --- serializers ---------------------------------------------------------------------------------------


class AccreditationLineSerializer(serializers.ModelSerializer[Accreditation]):
    cmo = serializers.CharField(source="cmo.short_name")
    cmo_id = serializers.IntegerField()
    area = serializers.IntegerField(source="area.item")
    certificate = serializers.CharField(source="certificate.number")
    status = serializers.SerializerMethodField()

    class Meta:
        model = Accreditation
        fields = ["id", "cmo", "cmo_id", "area", "certificate", "valid_from", "valid_until", "status"]

    def get_status(self, obj: Accreditation) -> str:
        return str(selectors.status_on(obj, clock.today()).value)


class CertificateSerializer(serializers.ModelSerializer[Certificate]):
    cmo = serializers.CharField(source="cmo.short_name")
    lines = AccreditationLineSerializer(many=True, read_only=True)
    verification = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = ["id", "number", "cmo", "issued_on", "source", "lines", "verification"]

    def get_verification(self, obj: Certificate) -> str | None:
        return obj.document.verification_url if obj.document else None


class RequirementSerializer(serializers.ModelSerializer[Requirement]):
    class Meta:
        model = Requirement
        fields = ["id", "code", "title_kk", "title_ru", "title_en", "description_kk", "description_ru",
                  "description_en", "mandatory", "active", "order"]  # fmt: skip
        read_only_fields = ["active"]


class MeetingSerializer(serializers.ModelSerializer[CommissionMeeting]):
    applications: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = CommissionMeeting
        fields = ["id", "announced_on", "meets_on", "place", "announcement", "applications"]


class MeetingInputSerializer(serializers.Serializer[Any]):
    meets_on = serializers.DateField()
    place = serializers.CharField(required=False, allow_blank=True, default="")
    announcement = serializers.CharField(required=False, allow_blank=True, default="")
    applications = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class DecisionSerializer(serializers.ModelSerializer[AreaDecision]):
    area = serializers.IntegerField(source="area.item")

    class Meta:
        model = AreaDecision
        fields = ["id", "area", "outcome", "reasons", "valid_from", "valid_until", "decided_at"]


class ApplicationSerializer(serializers.ModelSerializer[Application]):
    cmo = serializers.CharField(source="cmo.short_name")
    areas = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    missing_requirements = serializers.SerializerMethodField()
    meeting = MeetingSerializer(read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)
    certificates: Any = serializers.SlugRelatedField(many=True, read_only=True, slug_field="number")

    class Meta:
        model = Application
        fields = ["id", "cmo", "areas", "status", "note", "submitted_at", "check_note", "documents",
                  "missing_requirements", "meeting", "decisions", "certificates", "decided_at"]  # fmt: skip

    def get_areas(self, obj: Application) -> list[int]:
        return sorted(a.item for a in obj.areas.all())

    def get_documents(self, obj: Application) -> list[dict[str, Any]]:
        return [
            {
                "requirement": d.requirement.code if d.requirement else None,
                "filename": d.filename,
                "sha256": d.sha256,
            }
            for d in obj.documents.select_related("requirement")
        ]

    def get_missing_requirements(self, obj: Application) -> list[str]:
        return [r.code for r in applying.missing_requirements(obj)]


class ApplicationInputSerializer(serializers.Serializer[Any]):
    areas = serializers.ListField(child=serializers.IntegerField(min_value=1), allow_empty=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AttachInputSerializer(serializers.Serializer[Any]):
    requirement = serializers.SlugRelatedField(
        slug_field="code", queryset=Requirement.objects.all(), required=False, allow_null=True
    )
    file = serializers.FileField()


class CheckInputSerializer(serializers.Serializer[Any]):
    complete = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ConclusionInputSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()
    recommended = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class AreaOutcomeInputSerializer(serializers.Serializer[Any]):
    area = serializers.IntegerField()
    grant = serializers.BooleanField()
    reasons = serializers.CharField(required=False, allow_blank=True, default="")
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(required=False, allow_null=True)


class DecideInputSerializer(serializers.Serializer[Any]):
    areas = AreaOutcomeInputSerializer(many=True)


class AppealInputSerializer(serializers.Serializer[Any]):
    grounds = serializers.CharField()


class AppealDecisionInputSerializer(serializers.Serializer[Any]):
    grant = serializers.BooleanField()
    answer = serializers.CharField()
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(required=False, allow_null=True)


class ExistingCertificateInputSerializer(serializers.Serializer[Any]):
    cmo = serializers.PrimaryKeyRelatedField(queryset=CMO.objects.all())
    number = serializers.CharField(max_length=40)
    issued_on = serializers.DateField()
    scan = serializers.FileField()
    lines = serializers.JSONField(
        help_text='[{"area": 1, "valid_from": "2022-03-01", "valid_until": "2027-02-28"}]'
    )


# --- views -----------------------------------------------------------------------------------------------


PUBLIC = [HasApiKeyScope, permissions.AllowAny]
SIGNED = [HasApiKeyScope, permissions.IsAuthenticated]


@extend_schema_view(
    list=extend_schema(summary="Accredited CMOs by area: every certificate line with its status today")
)
class AccreditedViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Accreditation]):
    serializer_class = AccreditationLineSerializer
    permission_classes = PUBLIC
    required_scopes = {"list": Scope.REGISTERS_READ}
    queryset = Accreditation.objects.select_related("cmo", "area", "certificate").order_by(
        "area__item", "cmo__short_name"
    )


@extend_schema_view(
    list=extend_schema(summary="Certificates of accreditation (public)"),
    retrieve=extend_schema(summary="A certificate of accreditation and its lines"),
    create=extend_schema(
        summary="Enter a certificate issued before the platform, with its scan (the expert organization)",
        request={"multipart/form-data": ExistingCertificateInputSerializer}, responses={201: CertificateSerializer},
    ),
)  # fmt: skip
class CertificateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Certificate],
):
    serializer_class = CertificateSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    required_scopes = {**READ_REGISTERS, "create": WRITE}
    queryset = Certificate.objects.select_related("cmo", "document").prefetch_related(
        "lines__area", "lines__cmo", "lines__certificate"
    )

    def get_permissions(self) -> list[Any]:
        classes = SIGNED if self.action == "create" else PUBLIC
        return [cls() for cls in classes]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        _must(
            roles.is_operator(request.user),
            _("Only the expert organization enters certificates from before the platform."),
        )
        data = ExistingCertificateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            lines = [
                (Area.objects.get(item=int(row["area"])), serializers.DateField().to_internal_value(row["valid_from"]),
                 serializers.DateField().to_internal_value(row["valid_until"]))
                for row in v["lines"]
            ]  # fmt: skip
        except (KeyError, TypeError, ValueError, Area.DoesNotExist):
            raise exceptions.ValidationError(
                {"lines": ["Each line needs area, valid_from and valid_until."]}
            ) from None
        made = _run(applying.enter_existing_certificate, by=roles.acting_account(request.user), cmo=v["cmo"],
                    number=v["number"], issued_on=v["issued_on"], lines=lines, scan=v["scan"])  # fmt: skip
        return Response(CertificateSerializer(made).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="The accreditation commission's meetings, as announced (public)"),
    retrieve=extend_schema(summary="A commission meeting"),
    create=extend_schema(
        summary="Announce a meeting at least 30 working days ahead (the authorized body)",
        request=MeetingInputSerializer, responses={201: MeetingSerializer},
    ),
)  # fmt: skip
class MeetingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[CommissionMeeting],
):
    serializer_class = MeetingSerializer
    required_scopes = {**READ_REGISTERS, "create": WRITE}
    queryset = CommissionMeeting.objects.prefetch_related("applications")

    def get_permissions(self) -> list[Any]:
        return [cls() for cls in (SIGNED if self.action == "create" else PUBLIC)]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = roles.acting_account(request.user)
        if not roles.is_regulator(user):
            raise exceptions.PermissionDenied(
                _("Only the authorized body announces the commission's meetings.")
            )
        data = MeetingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        applications = list(access.applications_visible_to(user).filter(pk__in=v["applications"]))
        if len(applications) != len(set(v["applications"])):
            raise exceptions.ValidationError({"applications": [_("Unknown application.")]})
        meeting = _run(applying.announce_meeting, by=user, meets_on=v["meets_on"], applications=applications,
                       place=v["place"], announcement=v["announcement"])  # fmt: skip
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="The documents an application must carry (public; the authorized body keeps them)"
    ),
    retrieve=extend_schema(summary="A requirement"),
    create=extend_schema(summary="Add a requirement (the authorized body)"),
    partial_update=extend_schema(summary="Reword a requirement (the authorized body)"),
)
class RequirementViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Requirement],
):  # fmt: skip
    serializer_class = RequirementSerializer
    queryset = Requirement.objects.all()
    http_method_names = ["get", "post", "patch", "head", "options"]
    required_scopes = {**READ_REGISTERS, "create": WRITE, "partial_update": WRITE, "toggle": WRITE}

    def get_permissions(self) -> list[Any]:
        return [cls() for cls in (PUBLIC if self.action in ("list", "retrieve") else SIGNED)]

    def _regulator(self) -> None:
        if not roles.is_regulator(self.request.user):
            raise exceptions.PermissionDenied(_("Only the authorized body keeps the requirements."))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._regulator()
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer: Any) -> None:
        from udp.audit import audited

        self._regulator()
        with audited(self.request.user):
            serializer.save()

    def perform_update(self, serializer: Any) -> None:
        from udp.audit import audited

        self._regulator()
        with audited(self.request.user):
            serializer.save()

    @extend_schema(summary="Retire a requirement, or put it back in use (the authorized body)", request=None,
                   responses={200: RequirementSerializer})  # fmt: skip
    @action(detail=True, methods=["post"])
    def toggle(self, request: Request, pk: Any = None) -> Response:
        from udp.audit import audited

        self._regulator()
        requirement = self.get_object()
        with audited(request.user):
            requirement.active = not requirement.active
            requirement.save(update_fields=["active"])
        return Response(RequirementSerializer(requirement).data)


STEP = {"responses": {200: ApplicationSerializer}}


@extend_schema_view(
    list=extend_schema(summary="Applications for accreditation you may see (your CMO's, or all submitted)"),
    retrieve=extend_schema(summary="An application, its documents, meeting, decisions and certificates"),
    create=extend_schema(summary="Start an application for areas (a CMO's admin)", request=ApplicationInputSerializer,
                         responses={201: ApplicationSerializer}),
)  # fmt: skip
class ApplicationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Application],
):
    serializer_class = ApplicationSerializer
    permission_classes = SIGNED
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    required_scopes = {
        **READ_REGISTERS, "create": WRITE, "attach": WRITE, "submit": WRITE, "withdraw": WRITE, "check": WRITE,
        "conclusion": WRITE, "decide": WRITE,
    }  # fmt: skip

    def get_queryset(self) -> QuerySet[Application]:
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        return (
            access.applications_visible_to(self.request.user)
            .select_related("cmo", "meeting")
            .prefetch_related("areas", "decisions__area", "certificates", "meeting__applications")
            .order_by("-created_at", "-pk")
        )

    def get_object(self) -> Application:
        return access.get_application_for_user(self.request.user, self.kwargs["pk"])

    def _answer(self, application: Application, code: int = status.HTTP_200_OK) -> Response:
        fresh = access.get_application_for_user(self.request.user, application.pk)
        return Response(ApplicationSerializer(fresh).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        _must(roles.is_cmo_admin(request.user), _("Only a CMO's admin applies for accreditation."))
        data = ApplicationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        made = _run(applying.start_application, by=roles.acting_account(request.user),
                    areas=_areas(data.validated_data["areas"]), note=data.validated_data["note"])  # fmt: skip
        return self._answer(made, status.HTTP_201_CREATED)

    def _own(self) -> Application:
        return access.get_application_for_user(self.request.user, self.kwargs["pk"], write=True)

    @extend_schema(summary="Attach a document for a requirement (a CMO's admin)",
                   request={"multipart/form-data": AttachInputSerializer}, **STEP)  # type: ignore[arg-type]  # fmt: skip
    @action(detail=True, methods=["post"])
    def attach(self, request: Request, pk: Any = None) -> Response:
        application = self._own()
        data = AttachInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _run(applying.attach_document, application, by=request.user, file=data.validated_data["file"],
             requirement=data.validated_data.get("requirement"))  # fmt: skip
        return self._answer(application)

    @extend_schema(summary="Submit the application (a CMO's admin): every mandatory requirement has its document",
                   request=None, **STEP)  # type: ignore[arg-type]  # fmt: skip
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: Any = None) -> Response:
        return self._answer(_run(applying.submit_application, self._own(), by=request.user))

    @extend_schema(summary="Withdraw an application not yet decided (a CMO's admin)", request=None, **STEP)  # type: ignore[arg-type]
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: Any = None) -> Response:
        return self._answer(_run(applying.withdraw_application, self._own(), by=request.user))

    @extend_schema(summary="Record the completeness check (the expert organization)", request=CheckInputSerializer,
                   **STEP)  # type: ignore[arg-type]  # fmt: skip
    @action(detail=True, methods=["post"])
    def check(self, request: Request, pk: Any = None) -> Response:
        application = self.get_object()
        _must(roles.is_operator(request.user), _("Only the expert organization checks an application."))
        data = CheckInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _run(applying.check_application, application, by=roles.acting_account(request.user),
             complete=data.validated_data["complete"], note=data.validated_data["note"])  # fmt: skip
        return self._answer(application)

    @extend_schema(summary="Record the commission's conclusion (the authorized body)", request=ConclusionInputSerializer,
                   **STEP)  # type: ignore[arg-type]  # fmt: skip
    @action(detail=True, methods=["post"])
    def conclusion(self, request: Request, pk: Any = None) -> Response:
        application = self.get_object()
        _must(
            roles.is_regulator(request.user), "Only the authorized body records the commission's conclusion."
        )
        data = ConclusionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _run(applying.record_conclusion, application, by=roles.acting_account(request.user),
             text=data.validated_data["text"], recommended=_areas(data.validated_data["recommended"]))  # fmt: skip
        return self._answer(application)

    @extend_schema(summary="Decide each area: grant with a term, or refuse with reasons (the authorized body)",
                   request=DecideInputSerializer, **STEP)  # type: ignore[arg-type]  # fmt: skip
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: Any = None) -> Response:
        application = self.get_object()
        _must(roles.is_regulator(request.user), _("Only the authorized body decides."))
        data = DecideInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rows = data.validated_data["areas"]
        areas = {a.item: a for a in _areas([row["area"] for row in rows])}
        outcomes = [
            applying.AreaOutcome(
                areas[row["area"]],
                row["grant"],
                reasons=row["reasons"],
                valid_from=row.get("valid_from"),
                valid_until=row.get("valid_until"),
            )  # fmt: skip
            for row in rows
        ]
        _run(
            applying.decide_application, application, by=roles.acting_account(request.user), outcomes=outcomes
        )
        return self._answer(application)


class AppealSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    decision = serializers.IntegerField(source="decision_id")
    area = serializers.IntegerField(source="decision.area.item")
    status = serializers.CharField()
    grounds = serializers.CharField()
    answer = serializers.CharField()


@extend_schema(
    summary="Appeal a refusal (a CMO's admin)",
    request=AppealInputSerializer,
    responses={201: AppealSerializer},
)
class DecisionAppealView(viewsets.ViewSet):
    #: the name the browsable API gives it
    title = gettext_lazy("an appeal against a decision on accreditation")
    permission_classes = SIGNED
    required_scopes = {"create": WRITE}

    def create(self, request: Request, pk: Any = None) -> Response:
        decision = (
            AreaDecision.objects.filter(application__in=access.applications_editable_by(request.user), pk=pk)
            .select_related("application", "area")
            .first()
        )
        if decision is None:
            raise exceptions.NotFound()
        data = AppealInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appeal = _run(applying.file_appeal, decision, by=request.user, grounds=data.validated_data["grounds"])
        return Response(AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)


@extend_schema(summary="Decide an appeal (the authorized body)", request=AppealDecisionInputSerializer,
               responses={200: AppealSerializer})  # fmt: skip
class AppealDecideView(viewsets.ViewSet):
    #: the name the browsable API gives it
    title = gettext_lazy("a decision on an appeal")
    permission_classes = SIGNED
    required_scopes = {"create": WRITE}

    def create(self, request: Request, pk: Any = None) -> Response:
        appeal = access.get_appeal_for_user(request.user, pk)
        _must(roles.is_regulator(request.user), _("Only the authorized body decides an appeal."))
        data = AppealDecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        decided = _run(applying.decide_appeal, appeal, by=roles.acting_account(request.user), grant=v["grant"],
                       answer=v["answer"], valid_from=v.get("valid_from"), valid_until=v.get("valid_until"))  # fmt: skip
        return Response(AppealSerializer(decided).data)
