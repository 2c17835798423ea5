"""The API of the publications (Art. 46.1 (11), (12); 46.1-1) and of the working days calendar: the same rules
as the pages. A CMO's accounts read their own records and missed deadlines, the officials everybody's; the
CMO's administrator publishes and notifies meetings (with a key: the ``publications:write`` scope); the
expert organization keeps the moved days. The public reads a CMO's published documents."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accreditation import calendar_days, publishing
from accreditation.models import MeetingNotice, Publication, PublicationKind
from udp.accounts import roles
from udp.accounts.api_auth import HasApiKeyScope
from udp.accounts.scopes import READ_REGISTERS, Scope
from udp.core.models import CalendarDay, DayKind

WRITE = Scope.PUBLICATIONS_WRITE


def _drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    return exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


class PublicationRecordSerializer(serializers.ModelSerializer[Publication]):
    cmo = serializers.CharField(source="cmo.short_name")
    late = serializers.BooleanField(read_only=True)

    class Meta:
        model = Publication
        fields = [
            "id", "cmo", "kind", "title", "event_on", "due_on", "published_on", "late", "document", "statements",
            "auditor", "period_end", "public_until",
        ]  # fmt: skip


class PublicationInputSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=PublicationKind.choices)
    title = serializers.CharField(max_length=300)
    event_on = serializers.DateField()
    document = serializers.FileField()
    statements = serializers.FileField(required=False, allow_null=True, default=None)
    auditor = serializers.CharField(required=False, allow_blank=True, default="")
    period_end = serializers.DateField(required=False, allow_null=True, default=None)


class MeetingNoticeRecordSerializer(serializers.ModelSerializer[MeetingNotice]):
    cmo = serializers.CharField(source="cmo.short_name")
    late = serializers.BooleanField(read_only=True)

    class Meta:
        model = MeetingNotice
        fields = ["id", "cmo", "meeting_on", "place", "agenda", "notified_on", "due_on", "late", "document"]


class MeetingNoticeInputSerializer(serializers.Serializer[Any]):
    meeting_on = serializers.DateField()
    place = serializers.CharField(max_length=300)
    agenda = serializers.CharField()
    document = serializers.FileField(required=False, allow_null=True, default=None)


class PublicationFlagSerializer(serializers.Serializer[Any]):
    cmo = serializers.CharField()
    code = serializers.CharField()
    text = serializers.CharField()
    due_on = serializers.DateField()
    done_on = serializers.DateField(allow_null=True)
    facts = serializers.DictField(
        help_text=(
            "What the text says, as data (days ISO 8601, money in tiyn). For a quarter not distributed "
            "(quarterly_run_missing): collected_tiyn, start, end, area, approved_runs and waiting_runs, the ids "
            "of the runs in /api/distribution-runs/ (a waiting run is approved there); for money collected late "
            "and not distributed (late_money_waiting): late_tiyn, start and end (the quarter it was received in), "
            "area and licences"
        )
    )


class CalendarDaySerializer(serializers.ModelSerializer[CalendarDay]):
    class Meta:
        model = CalendarDay
        fields = ["id", "day", "kind", "note"]


class CalendarDayRemoveSerializer(serializers.Serializer[Any]):
    day = serializers.DateField()


class CalendarDayInputSerializer(serializers.Serializer[Any]):
    day = serializers.DateField()
    kind = serializers.ChoiceField(choices=DayKind.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(
        summary="Documents a CMO placed (charter amendments, resolutions, audits): its own, or all"
    ),
    create=extend_schema(
        summary="Place a document (the CMO's administrator); late if past its deadline",
        request=PublicationInputSerializer,
        responses={201: PublicationRecordSerializer},
    ),
)
class PublicationRecordViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Publication]):
    serializer_class = PublicationRecordSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {**READ_REGISTERS, "create": WRITE}
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self) -> QuerySet[Publication]:
        return publishing.publications_visible_to(self.request.user).order_by("-published_on", "-pk")

    def create(self, request: Request) -> Response:
        if not roles.is_cmo_admin(request.user):
            raise exceptions.PermissionDenied(_("only the CMO's administrator"))
        data = PublicationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            row = publishing.publish(by=roles.acting_account(request.user), **data.validated_data)
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(self.get_serializer(row).data, status=201)


@extend_schema_view(
    list=extend_schema(summary="Notices of general meetings: a CMO's own, or all for the officials"),
    create=extend_schema(
        summary="Notify the authorized body of a general meeting (late notices are accepted and flagged)",
        request=MeetingNoticeInputSerializer,
        responses={201: MeetingNoticeRecordSerializer},
    ),
)
class MeetingNoticeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[MeetingNotice]):
    serializer_class = MeetingNoticeRecordSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {**READ_REGISTERS, "create": WRITE}
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self) -> QuerySet[MeetingNotice]:
        return publishing.notices_visible_to(self.request.user).order_by("-meeting_on", "-pk")

    def create(self, request: Request) -> Response:
        if not roles.is_cmo_admin(request.user):
            raise exceptions.PermissionDenied(_("only the CMO's administrator"))
        data = MeetingNoticeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            row = publishing.notify_meeting(by=roles.acting_account(request.user), **data.validated_data)
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(self.get_serializer(row).data, status=201)


class PublicationFlagsView(APIView):
    #: the name the browsable API gives it
    title = gettext_lazy("late publications")
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {"get": Scope.REGISTERS_READ}

    @extend_schema(
        summary="Missed publication deadlines with their dates: a CMO's own, or all for the officials",
        responses=PublicationFlagSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        rows = [
            {
                "cmo": f.cmo,
                "code": f.code,
                "text": f.text,
                "due_on": f.due_on,
                "done_on": f.done_on,
                "facts": f.params,
            }
            for f in publishing.flags_for(request.user)
        ]
        return Response(PublicationFlagSerializer(rows, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="Days the government moved (a transferred day off, a working Saturday)"),
    create=extend_schema(
        summary="Move a day (the expert organization)",
        request=CalendarDayInputSerializer,
        responses={201: CalendarDaySerializer},
    ),
)
class CalendarDayViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[CalendarDay]):
    serializer_class = CalendarDaySerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {"list": Scope.REGISTERS_READ, "create": WRITE, "remove": WRITE}
    queryset = CalendarDay.objects.order_by("day")
    parser_classes = [JSONParser, FormParser]

    def create(self, request: Request) -> Response:
        if not calendar_days.keeps_calendar(request.user):
            raise exceptions.PermissionDenied(_("only the expert organization"))
        data = CalendarDayInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = calendar_days.set_day(by=roles.acting_account(request.user), **data.validated_data)
        return Response(self.get_serializer(row).data, status=201)

    @extend_schema(
        summary="The day follows the public holidays again (the expert organization)",
        request=CalendarDayRemoveSerializer,
        responses=CalendarDaySerializer,
    )
    @action(detail=False, methods=["post"])
    def remove(self, request: Request) -> Response:
        if not calendar_days.keeps_calendar(request.user):
            raise exceptions.PermissionDenied(_("only the expert organization"))
        data = CalendarDayRemoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = CalendarDay.objects.filter(day=data.validated_data["day"]).first()
        if row is None:
            raise exceptions.NotFound()
        data_out = self.get_serializer(row).data
        calendar_days.remove_day(by=roles.acting_account(request.user), row=row)
        return Response(data_out)
