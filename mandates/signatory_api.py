"""The API of who signs for an organisation (``/api/me/signatories/``): the same rules as the page.

A CMO's accounts read its signatories and its admin adds and ends them; every account of a rightsholder
that is a legal entity reads, adds and ends its own. Anyone else has none."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from mandates import signatories as keeping
from udp.accounts import roles
from udp.accounts.api_auth import HasApiKeyScope
from udp.accounts.models import User
from udp.accounts.scopes import READ_REGISTERS, Scope
from udp.documents.models import Signatory


class SignatorySerializer(serializers.ModelSerializer[Signatory]):
    account_name = serializers.SerializerMethodField()
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = Signatory
        fields = [
            "id", "entity_bin", "entity_name", "account", "account_name", "iin", "position", "basis",
            "valid_from", "valid_until", "is_current", "entered_at",
        ]  # fmt: skip

    def get_account_name(self, obj: Signatory) -> str:
        return obj.account.full_name or obj.account.email

    def get_is_current(self, obj: Signatory) -> bool:
        return keeping.is_current(obj)


class SignatoryInputSerializer(serializers.Serializer[Any]):
    account = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), help_text="One of your organisation's accounts."
    )
    iin = serializers.CharField(max_length=12, help_text="The person's IIN.")
    position = serializers.CharField(max_length=200)
    basis = serializers.CharField(
        max_length=300, help_text="The charter, or a power of attorney with its number and date."
    )
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(required=False, allow_null=True)


class SignatoryEndInputSerializer(serializers.Serializer[Any]):
    last_day = serializers.DateField(required=False, allow_null=True, help_text="Yesterday if omitted.")


def _refused(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(exc.message_dict)
    return exceptions.ValidationError({"detail": exc.messages})


@extend_schema_view(
    list=extend_schema(
        summary="Who may sign for your organisation (a CMO, or a rightsholder that is a company)"
    ),
    retrieve=extend_schema(summary="One of your organisation's signatories"),
    create=extend_schema(
        summary="Enter a person who may sign for your organisation (a CMO's admin; a company rightsholder)",
        request=SignatoryInputSerializer,
        responses={201: SignatorySerializer},
    ),
)
class SignatoryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Signatory],
):
    serializer_class = SignatorySerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {**READ_REGISTERS, "create": Scope.MANDATES_WRITE, "end": Scope.MANDATES_WRITE}

    def get_queryset(self) -> QuerySet[Signatory]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Signatory.objects.none()
        return keeping.signatories_of(roles.acting_account(self.request.user))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = roles.acting_account(request.user)
        if not keeping.may_keep(user):
            raise exceptions.PermissionDenied(
                _("Only your organisation's own accounts say who signs for it.")
            )
        data = SignatoryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            row = keeping.enter_own_signatory(by=user, **data.validated_data)
        except DjangoValidationError as exc:
            raise _refused(exc) from None
        except PermissionError as exc:
            raise exceptions.PermissionDenied(str(exc)) from None
        return Response(SignatorySerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="End a signatory's authority (the record stays; signatures already made name it)",
        request=SignatoryEndInputSerializer,
        responses={200: SignatorySerializer},
    )
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: Any = None) -> Response:
        row = self.get_object()
        user = roles.acting_account(request.user)
        if not keeping.may_keep(user):
            raise exceptions.PermissionDenied(
                _("Only your organisation's admin ends a signatory's authority.")
            )
        data = SignatoryEndInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            row = keeping.end_own_signatory(
                by=user, signatory=row, last_day=data.validated_data.get("last_day")
            )
        except DjangoValidationError as exc:
            raise _refused(exc) from None
        return Response(SignatorySerializer(row).data)
