"""The API of the usage reports (``/api/usage-reports/``): the same steps and access rules as the pages. A user
sends a report for one of its licences as a file (multipart: CSV, XLSX or DSR) or as JSON lines; anyone who may
see a report reads its status, counts and problems. Keys: ``usage:write`` to send, ``usage:read`` to read."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from licensing.models import UsagePolicy, UsageReport
from licensing.usage.ingest import MAX_UPLOAD, format_of, start_report
from licensing.usage_access import get_licence_for_reporting, get_report_for_user, reports_visible_to
from udp.accounts import roles
from udp.accounts.api_auth import HasApiKeyScope
from udp.accounts.scopes import Scope

MAX_JSON_LINES = 100_000


class UsageProblemSerializer(serializers.Serializer[Any]):
    line = serializers.IntegerField(source="line_no")
    code = serializers.CharField()
    reason = serializers.CharField()


class UsageReportSerializer(serializers.ModelSerializer[UsageReport]):
    licence = serializers.CharField(source="licence.contract.number", label=gettext_lazy("Licence"))
    licence_id = serializers.IntegerField(label=gettext_lazy("Licence id"))
    status_label = serializers.CharField(source="get_status_display", label=gettext_lazy("Status, in words"))
    failure = serializers.CharField(label=gettext_lazy("Why it failed"))
    percent = serializers.IntegerField(label=gettext_lazy("Read, %"))

    class Meta:
        model = UsageReport
        fields = [
            "id", "licence", "licence_id", "period_start", "period_end", "format", "original_name", "sha256", "size",
            "policy", "status", "status_label", "stage", "percent", "lines_total", "lines_read", "lines_good",
            "lines_bad", "problem_counts", "failure_code", "failure", "replaces", "duplicate_of", "submitted_at",
            "finished_at",
        ]  # fmt: skip


class UsageReportDetailSerializer(UsageReportSerializer):
    problems = serializers.SerializerMethodField()

    class Meta(UsageReportSerializer.Meta):
        fields = [*UsageReportSerializer.Meta.fields, "problems"]

    def get_problems(self, report: UsageReport) -> list[dict[str, Any]]:
        return list(UsageProblemSerializer(report.problems.order_by("line_no", "id")[:500], many=True).data)


class UsageReportInputSerializer(serializers.Serializer[Any]):
    licence = serializers.IntegerField(help_text="The licence's id")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    policy = serializers.ChoiceField(choices=UsagePolicy.choices, default=UsagePolicy.KEEP_GOOD)
    file = serializers.FileField(
        required=False, help_text="CSV or XLSX (the template) or a DDEX DSR flat file (.tsv)"
    )
    lines = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text="JSON lines, instead of a file: objects with played_at, isrc, iswc, title, artist, plays, duration, "
        "source; each bad line is named with its number and reason",
    )


@extend_schema_view(
    list=extend_schema(
        summary="Usage reports I may see (my licences'; a CMO's licences'; all for the officials)"
    ),
    retrieve=extend_schema(
        summary="A usage report: status, counts and its bad lines with their reasons",
        responses=UsageReportDetailSerializer,
    ),  # fmt: skip
    create=extend_schema(
        summary="Send a usage report for a licence (a file, or JSON lines); it is read in the background",
        request={
            "multipart/form-data": UsageReportInputSerializer,
            "application/json": UsageReportInputSerializer,
        },
        responses={201: UsageReportSerializer},
    ),
)
class UsageReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[UsageReport]
):
    serializer_class = UsageReportSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {"list": Scope.USAGE_READ, "retrieve": Scope.USAGE_READ, "create": Scope.USAGE_WRITE}
    parser_classes = [MultiPartParser, JSONParser]

    def get_queryset(self) -> QuerySet[UsageReport]:
        return (
            reports_visible_to(self.request.user)
            .select_related("licence__contract")
            .order_by("-submitted_at", "-pk")
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = get_report_for_user(request.user, kwargs["pk"])
        return Response(UsageReportDetailSerializer(report).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not roles.is_licensee(request.user):  # the role first, then the input
            raise exceptions.PermissionDenied(_("Only a music user sends usage reports."))
        licence_id = request.data.get("licence") if hasattr(request.data, "get") else None
        if not str(licence_id or "").isdecimal():
            raise exceptions.ValidationError({"licence": [_("Name the licence (its id).")]})
        licence = get_licence_for_reporting(request.user, licence_id)
        data = UsageReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values["period_end"] < values["period_start"]:
            raise exceptions.ValidationError({"period_end": [_("The period ends before it starts.")]})
        upload = values.get("file")
        if upload is not None:
            fmt = format_of(upload.name)
            if fmt not in ("csv", "xlsx", "dsr", "json") or upload.size > MAX_UPLOAD:
                raise exceptions.ValidationError(
                    {"file": [_("Send a .csv, .xlsx, .tsv (DSR) or .json file.")]}
                )
        elif values.get("lines"):
            if len(values["lines"]) > MAX_JSON_LINES:
                raise exceptions.ValidationError(
                    {"lines": [_("At most %(count)s lines a call.") % {"count": MAX_JSON_LINES}]}
                )
            upload, fmt = ContentFile(request.body, name="api.json"), "json"  # the body as received
        else:
            raise exceptions.ValidationError({"file": [_("Send a file or lines.")]})
        report = start_report(
            request.user, licence, upload, period_start=values["period_start"], period_end=values["period_end"],
            policy=values["policy"], fmt=fmt,
        )  # fmt: skip
        report.refresh_from_db()
        return Response(UsageReportSerializer(report).data, status=status.HTTP_201_CREATED)
