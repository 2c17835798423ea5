"""My notices through the API: list (``?unread=1`` for the unread ones), one, mark read, mark all read.

Notices are for people: every operation is closed to API keys (``required_scopes`` maps each to
``None``); a machine client follows its imports by polling ``/api/imports/{id}/``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from udp.accounts.api_auth import HasApiKeyScope
from udp.core.pagination import NoCountPagination
from udp.notices import access, actions
from udp.notices.models import Notice
from udp.notices.serializers import NoticeSerializer, ReadAllSerializer


@extend_schema_view(
    list=extend_schema(
        summary="My notices, newest first",
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="only the unread ones")],
    ),
    retrieve=extend_schema(summary="One of my notices"),
)
class NoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Any]):
    queryset = Notice.objects.none()
    serializer_class = NoticeSerializer
    pagination_class = NoCountPagination
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {"list": None, "retrieve": None, "read": None, "read_all": None}

    def get_queryset(self) -> QuerySet[Notice]:
        notices = access.notices_for(self.request.user)
        if self.request.query_params.get("unread") in ("1", "true", "True"):
            notices = notices.filter(read_at__isnull=True)
        return notices

    def get_object(self) -> Notice:
        return access.get_notice_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(summary="Mark one of my notices as read", request=None, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: Any = None) -> Response:
        notice = actions.mark_read(self.get_object(), by=request.user)
        return Response(NoticeSerializer(notice).data)

    @extend_schema(summary="Mark all my notices as read", request=None, responses=ReadAllSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        return Response({"marked": actions.mark_all_read(by=request.user)})
