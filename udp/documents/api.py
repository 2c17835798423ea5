"""The verification page for machines: ``/api/documents/verify/{token}/``.

A bank, a court's system or a foreign society that holds a document of the platform checks it as a person
does on the page (:func:`udp.documents.views.verify`): ``GET`` gives its public facts and whether it still
stands (:func:`udp.documents.access.standing`); ``POST`` a copy (the PDF, or its SHA-256) to learn whether it
is the document issued (not for API keys: a machine compares its copy's SHA-256 with the one ``GET``
gives). Open to anyone holding the token, as the page is; never the document itself, never a confidential
fact.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from udp.accounts.api_auth import ApiKeyRateThrottle, HasApiKeyScope
from udp.accounts.scopes import Scope
from udp.documents import access
from udp.documents.forms import CompareForm


class StandingSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(help_text="Why the document no longer stands, in your language")
    since = serializers.DateField(allow_null=True)
    whole = serializers.BooleanField(help_text="False: only a part of it (such as one area of a certificate)")


class VerifiedDocumentSerializer(serializers.Serializer[Any]):
    number = serializers.CharField()
    kind = serializers.CharField(help_text="The kind's code (distribution_statement, invoice, …)")
    kind_title = serializers.CharField(help_text="The kind, in your language")
    issued_on = serializers.DateField()
    issued_for = serializers.CharField(
        source="public_label",
        help_text="What anyone may read about the subject, in your language; empty when it is not public",
    )
    language = serializers.CharField()
    template_version = serializers.CharField()
    sha256 = serializers.CharField()
    has_confidential = serializers.BooleanField(help_text="It also holds data only its requester sees")
    verification_url = serializers.CharField()
    tells_standing = serializers.BooleanField(
        help_text="Whether documents of this kind can stop standing (a statement withdrawn, an invoice cancelled)"
    )
    standing = StandingSerializer(
        allow_null=True, help_text="Why it no longer stands; null while it stands (or its kind cannot tell)"
    )


class CompareRequestSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(required=False, help_text="Your copy of the document (PDF)")
    sha256 = serializers.CharField(required=False, help_text="Or its SHA-256 (64 hexadecimal characters)")


class CompareAnswerSerializer(serializers.Serializer[Any]):
    matches = serializers.BooleanField(help_text="Your copy is exactly the document issued under this number")
    sha256 = serializers.CharField(help_text="The SHA-256 of the document issued")


class VerifyDocumentView(GenericAPIView[Any]):
    """A document of the platform, checked by its verification token."""

    #: the name the browsable API gives it
    title = gettext_lazy("verification of a document")

    permission_classes = [HasApiKeyScope, permissions.AllowAny]
    throttle_classes = [ApiKeyRateThrottle, AnonRateThrottle]
    parser_classes = [MultiPartParser, FormParser]
    # a key reads the facts; it compares a copy itself, against the ``sha256`` they give (an upload to compare
    # is for people and their scripts)
    required_scopes = {"get": Scope.REGISTERS_READ, "post": None}
    serializer_class = VerifiedDocumentSerializer

    @extend_schema(summary="Verify a document: its public facts and whether it still stands")
    def get(self, request: Request, token: str) -> Response:
        document = access.get_document_by_token(token)
        standing = access.standing(document)
        data = {
            "number": document.number,
            "kind": document.kind,
            "kind_title": document.kind_title,
            "issued_on": document.issued_on,
            "public_label": access.label(document),
            "language": document.language,
            "template_version": document.template_version,
            "sha256": document.sha256,
            "has_confidential": document.has_confidential,
            "verification_url": document.verification_url,
            "tells_standing": access.tells_standing(document),
            "standing": (
                {"text": standing.text, "since": standing.since, "whole": standing.whole}
                if standing
                else None
            ),
        }
        return Response(VerifiedDocumentSerializer(data).data)

    @extend_schema(
        summary="Compare a copy with the document issued",
        request={"multipart/form-data": CompareRequestSerializer},
        responses=CompareAnswerSerializer,
    )
    def post(self, request: Request, token: str) -> Response:
        document = access.get_document_by_token(token)
        form = CompareForm(request.POST, request.FILES)
        if not form.is_valid():
            raise serializers.ValidationError(
                {name: [str(e) for e in errors] for name, errors in form.errors.items()}
            )
        return Response(
            {"matches": form.cleaned_data["digest"] == document.sha256, "sha256": document.sha256}
        )
