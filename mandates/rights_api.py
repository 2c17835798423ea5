"""The API of "My rights": the same answer as the page, and the same download of one's own data."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mandates import export
from mandates.rights import AreaRights, open_conflicts_of, rights_of
from registers.models import Party
from udp.accounts import roles
from udp.accounts.api_auth import HasApiKeyScope
from udp.accounts.scopes import Scope
from udp.core import clock


class MandateBriefSerializer(serializers.Serializer[Any]):
    contract = serializers.CharField(source="contract.number")
    cmo = serializers.CharField(source="cmo.short_name")
    cmo_id = serializers.IntegerField()
    valid_from = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)


class PendingWithdrawalSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    cmo = serializers.CharField(source="cmo.short_name")
    received_on = serializers.DateField()
    effective_on = serializers.DateField()


class AreaRightsSerializer(serializers.Serializer[AreaRights]):
    area = serializers.IntegerField(source="area.item", help_text="Item of Art. 43.3")
    area_name = serializers.CharField(source="area.name")
    mandate = MandateBriefSerializer(
        allow_null=True, help_text="The mandate in force on the day; null: self-managed"
    )
    works = serializers.IntegerField(help_text="Your works with rights in this area")
    withdrawn_works = serializers.IntegerField()
    pending_withdrawal = PendingWithdrawalSerializer(allow_null=True)
    days_left = serializers.IntegerField(
        allow_null=True, help_text="Days until the pending withdrawal takes effect"
    )
    pending_requests = serializers.SerializerMethodField()

    def get_pending_requests(self, row: AreaRights) -> list[dict[str, Any]]:
        return [{"id": r.pk, "cmo": r.cmo.short_name, "status": r.status} for r in row.pending_requests]


class ConflictBriefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField()
    work = serializers.IntegerField(source="work_id", allow_null=True)
    opened_at = serializers.DateTimeField()


class MyRightsSerializer(serializers.Serializer[Any]):
    on = serializers.DateField()
    areas = AreaRightsSerializer(many=True)
    conflicts = ConflictBriefSerializer(many=True)


def own_party(request: Request) -> Party:
    user = request.user
    if not roles.is_holder(user):
        raise PermissionDenied
    if user.party is None:
        raise NotFound
    return user.party


class MyRightsView(APIView):
    #: the name the browsable API gives it
    title = gettext_lazy("my rights by area")
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {"get": Scope.REGISTERS_READ}

    @extend_schema(
        summary="My rights by area: who manages each area, since when, over which works, what is pending",
        responses=MyRightsSerializer,
    )
    def get(self, request: Request) -> Response:
        party = own_party(request)
        data = {"on": clock.today(), "areas": rights_of(party), "conflicts": open_conflicts_of(party)}
        return Response(MyRightsSerializer(data).data)


class MyDataView(APIView):
    #: the name the browsable API gives it
    title = gettext_lazy("my data")
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {"get": Scope.REGISTERS_READ}

    @extend_schema(
        summary="All my data as a ZIP: holder.csv, works.csv, mandates.csv, requests.csv, withdrawals.csv, works.V21",
        responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    def get(self, request: Request) -> HttpResponse:
        party = own_party(request)
        response = HttpResponse(export.holder_data_zip(party), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{export.filename(party)}"'
        return response
