"""The API of proposals and conflicts (see :mod:`registers.claims`): the same rules as the claims pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from registers import answers, claims, conflicts
from registers.models import Conflict, ConflictEvidence, Proposal, ProposalAnswer
from udp.accounts import roles
from udp.accounts.api_auth import HasApiKeyScope
from udp.accounts.scopes import READ_REGISTERS, Scope


@extend_schema_field(OpenApiTypes.STR)
class ActorField(serializers.Field[Any, Any, Any, Any]):
    """An account as others see it: its public name and role."""

    def to_representation(self, value: Any) -> str | None:
        return value.public_label if value is not None else None


class ProposalAnswerSerializer(serializers.ModelSerializer[ProposalAnswer]):
    party_name = serializers.SerializerMethodField()
    decided_by = ActorField(read_only=True)

    class Meta:
        model = ProposalAnswer
        fields = ["party", "party_name", "decision", "decided_by", "decided_at", "note"]

    def get_party_name(self, answer: ProposalAnswer) -> str:
        return str(answer.party) if answer.party_id else str(claims.describe_answerer(None, {}))


class ProposalSerializer(serializers.ModelSerializer[Proposal]):
    proposed_by = ActorField(read_only=True)
    answers = ProposalAnswerSerializer(many=True, read_only=True)
    current = serializers.SerializerMethodField(help_text="The entry as it is now (for a change of a work).")
    you_may_answer = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id", "kind", "status", "work", "party", "proposed_by", "note", "payload", "current",
            "answers", "you_may_answer", "created_at", "decided_at",
        ]  # fmt: skip

    def get_current(self, proposal: Proposal) -> dict[str, Any] | None:
        if proposal.work_id is None:
            return None
        if proposal.work is None:
            return None
        return claims.snapshot(proposal.work, prefetched=bool(self.context.get("prefetched")))

    def get_you_may_answer(self, proposal: Proposal) -> bool:
        annotated: bool | None = getattr(proposal, "answerable_by_you", None)  # a list's one subquery
        if annotated is not None:
            return annotated
        return claims.may_answer(getattr(self.context.get("request"), "user", None), proposal)


class DecisionSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000,
        help_text="Why; for the expert organization, the evidence the decision rests on.",
    )  # fmt: skip


class EvidenceSerializer(serializers.ModelSerializer[ConflictEvidence]):
    party = serializers.SerializerMethodField()
    cmo: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="short_name", read_only=True
    )
    file = serializers.SerializerMethodField()

    class Meta:
        model = ConflictEvidence
        fields = ["id", "party", "cmo", "text", "file", "file_name", "added_at"]

    def get_party(self, evidence: ConflictEvidence) -> dict[str, Any] | None:
        return {"id": evidence.party_id, "name": str(evidence.party)} if evidence.party else None

    def get_file(self, evidence: ConflictEvidence) -> str | None:
        if not evidence.file:
            return None
        return reverse("claims:evidence_file", args=[evidence.conflict_id, evidence.pk])


class ConflictSerializer(serializers.ModelSerializer[Conflict]):
    parties = serializers.SerializerMethodField()
    cmos: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="short_name", many=True, read_only=True
    )
    area: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="item", read_only=True)
    society: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="cisac_code", read_only=True
    )
    about = serializers.SerializerMethodField()
    evidence = EvidenceSerializer(many=True, read_only=True)
    opened_by = ActorField(read_only=True)
    resolved_by = ActorField(read_only=True)

    class Meta:
        model = Conflict
        fields = [
            "id", "kind", "status", "work", "proposal", "parties", "cmos", "area", "right_type", "society",
            "code", "params", "about", "evidence", "opened_by", "opened_at", "resolved_by", "resolved_at",
            "resolution",
        ]  # fmt: skip

    def get_parties(self, conflict: Conflict) -> list[dict[str, Any]]:
        return [{"id": p.pk, "name": str(p)} for p in conflict.parties.all()]

    def get_about(self, conflict: Conflict) -> str:
        return claims.conflict_text(conflict)


class EvidenceInputSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=4000, help_text="What the evidence shows.")
    file = serializers.FileField(required=False, help_text="A PDF, PNG or JPEG document (optional).")


class ResolutionSerializer(serializers.Serializer[Any]):
    resolution = serializers.CharField(max_length=4000, help_text="How the conflict was settled.")


def _drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    return exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


@extend_schema_view(
    list=extend_schema(summary="Proposals you made or may answer"),
    retrieve=extend_schema(summary="A proposal: the change, the entry as it is now, and the answers"),
)
class ProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Proposal]):
    serializer_class = ProposalSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    # answering changes works and entries: the same scope as changing a work
    required_scopes = {
        **READ_REGISTERS,
        "accept": Scope.WORKS_WRITE,
        "reject": Scope.WORKS_WRITE,
        "withdraw": Scope.WORKS_WRITE,
    }
    queryset = Proposal.objects.none()

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "prefetched": True}  # see get_queryset

    def get_queryset(self) -> QuerySet[Proposal]:
        queryset = claims.proposals_visible_to(self.request.user).select_related(
            "proposed_by__cmo", "proposed_by__party", "proposed_by__licensee__party", "work"
        )
        status = self.request.query_params.get("status")
        if status:
            queryset = queryset.filter(status=status)
        answerable = claims.pending_answers_for(self.request.user).filter(proposal=OuterRef("pk"))
        return (
            queryset.annotate(answerable_by_you=Exists(answerable))
            .prefetch_related(
                "answers__party",
                "answers__decided_by__cmo",
                "answers__decided_by__party",
                "answers__decided_by__licensee__party",
                "work__contributors__shares",
                "work__titles",
            )
            .order_by("-created_at", "-id")
        )

    def _decide(self, request: Request, accept: bool) -> Response:
        proposal = self.get_object()
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            answers.answer(
                proposal,
                by=roles.acting_account(request.user),
                accept=accept,
                note=data.validated_data["note"],
            )
        except PermissionError as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=proposal.pk)).data)

    @extend_schema(summary="Accept a proposal for the parties you answer for", request=DecisionSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: Any = None) -> Response:
        return self._decide(request, True)

    @extend_schema(summary="Reject a proposal (it becomes a recorded conflict)", request=DecisionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: Any = None) -> Response:
        return self._decide(request, False)

    @extend_schema(summary="Withdraw your own open proposal", request=None)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: Any = None) -> Response:
        proposal = self.get_object()
        try:
            answers.withdraw(proposal, by=roles.acting_account(request.user))
        except PermissionError as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=proposal.pk)).data)


@extend_schema_view(
    list=extend_schema(summary="Conflicts touching the parties you answer for"),
    retrieve=extend_schema(summary="A conflict"),
)
class ConflictViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Conflict]):
    serializer_class = ConflictSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    # the expert organization resolves in person; the parties add evidence with a key too
    required_scopes = {**READ_REGISTERS, "resolve": None, "evidence": Scope.MANDATES_WRITE}
    queryset = Conflict.objects.none()

    def get_queryset(self) -> QuerySet[Conflict]:
        queryset = claims.conflicts_visible_to(self.request.user)
        status = self.request.query_params.get("status")
        if status:
            queryset = queryset.filter(status=status)
        return (
            queryset.select_related("opened_by__cmo", "opened_by__party", "resolved_by")
            .prefetch_related("parties", "cmos", "evidence__party", "evidence__cmo")
            .select_related("area", "society")
            .order_by("-opened_at", "-id")
        )

    @extend_schema(
        summary="Add evidence to an open conflict (its parties and their CMOs)",
        request={"multipart/form-data": EvidenceInputSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def evidence(self, request: Request, pk: Any = None) -> Response:
        conflict = self.get_object()
        if conflicts.evidence_side(request.user, conflict) is None:
            raise exceptions.PermissionDenied(_("only the conflict's parties and their CMOs add evidence"))
        data = EvidenceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            conflicts.add_evidence(
                conflict,
                by=roles.acting_account(request.user),
                text=data.validated_data["text"],
                upload=data.validated_data.get("file"),
            )
        except PermissionError as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=conflict.pk)).data, status=201)

    @extend_schema(summary="Resolve a conflict (the expert organization)", request=ResolutionSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: Any = None) -> Response:
        conflict = self.get_object()
        if not roles.is_operator(request.user):
            raise exceptions.PermissionDenied(_("Only the expert organization resolves conflicts."))
        data = ResolutionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            answers.resolve_conflict(conflict, by=request.user, resolution=data.validated_data["resolution"])
        except PermissionError as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise _drf(exc) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=conflict.pk)).data)
