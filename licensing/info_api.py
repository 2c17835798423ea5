"""The API of requests for information (Art. 48-2.2): the same rules as the pages. The authorized body asks
and reads every request; a user's accounts read and answer their own (with a key: ``info:write``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from licensing import info_requests
from licensing.info_access import get_info_request_for_user, info_requests_visible_to, may_ask
from licensing.models import InfoAnswer, InfoRequest, InfoTopic
from registers.models import Licensee
from udp.accounts import roles
from udp.accounts.api_auth import HasApiKeyScope
from udp.accounts.scopes import Scope


def _drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    return exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


class InfoAnswerSerializer(serializers.ModelSerializer[InfoAnswer]):
    answered_by = serializers.CharField(source="answered_by.public_label")

    class Meta:
        model = InfoAnswer
        fields = ["id", "text", "attachment", "answered_by", "answered_at"]


class InfoRequestSerializer(serializers.ModelSerializer[InfoRequest]):
    licensee = serializers.IntegerField(source="licensee_id")
    licensee_name = serializers.CharField(source="licensee.__str__")
    overdue = serializers.SerializerMethodField()
    answers = InfoAnswerSerializer(many=True, read_only=True)

    class Meta:
        model = InfoRequest
        fields = [
            "id", "licensee", "licensee_name", "subject", "question", "topics", "period_from", "period_to",
            "due_on", "status", "overdue", "created_at", "answers",
        ]  # fmt: skip

    def get_overdue(self, row: InfoRequest) -> bool:
        from udp.core import clock

        return row.overdue_on(clock.today())


class AskSerializer(serializers.Serializer[Any]):
    licensee = serializers.PrimaryKeyRelatedField(queryset=Licensee.objects.all())
    subject = serializers.CharField(max_length=200)
    question = serializers.CharField()
    topics = serializers.ListField(child=serializers.ChoiceField(choices=InfoTopic.choices), min_length=1)
    period_from = serializers.DateField()
    period_to = serializers.DateField()
    due_on = serializers.DateField()


class AnswerSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()
    attachment = serializers.FileField(required=False, allow_null=True, default=None)


@extend_schema_view(
    list=extend_schema(summary="Requests for information: all for the authorized body, a user's own for it"),
    retrieve=extend_schema(summary="A request for information with its answers"),
    create=extend_schema(
        summary="Ask a user for information (the authorized body)",
        request=AskSerializer,
        responses={201: InfoRequestSerializer},
    ),
)
class InfoRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[InfoRequest]
):
    serializer_class = InfoRequestSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {
        "list": Scope.REGISTERS_READ, "retrieve": Scope.REGISTERS_READ, "create": Scope.INFO_WRITE,
        "answer": Scope.INFO_WRITE,
    }  # fmt: skip
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[InfoRequest]:
        return info_requests_visible_to(self.request.user).prefetch_related("answers__answered_by")

    def get_object(self) -> InfoRequest:
        return get_info_request_for_user(self.request.user, self.kwargs["pk"])

    def create(self, request: Request) -> Response:
        if not may_ask(request.user):
            raise exceptions.PermissionDenied(_("only the authorized body asks users for information"))
        data = AskSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            row = info_requests.ask_for_information(
                by=roles.acting_account(request.user), **data.validated_data
            )
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(self.get_serializer(row).data, status=201)

    @extend_schema(
        summary="Answer a request (the user's own accounts), with an optional file",
        request=AnswerSerializer,
        responses={201: InfoAnswerSerializer},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str) -> Response:
        row = get_info_request_for_user(request.user, pk, write=True)
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            answer = info_requests.answer_information_request(
                row, by=roles.acting_account(request.user), **data.validated_data
            )
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(InfoAnswerSerializer(answer).data, status=201)
