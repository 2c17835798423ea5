"""The API of claims of remuneration (Art. 46.2), the same steps and access rules as the pages:

- ``/api/remuneration-claims/kept/`` — what each CMO keeps for the signed-in holder, to claim, and what is
  owed to be paid;
- ``/api/remuneration-claims/`` — a holder files a claim with a CMO (``POST``) and follows it; the CMO's staff
  list theirs (waiting first) and answer one (``POST …/{id}/decide/``: accept, or refuse with a reason).

Scopes: ``distribution:read`` to read, ``distribution:write`` to file and decide.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http.response import HttpResponseBase
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from distribution import remuneration
from distribution.models import DemandStatus, RemunerationClaim, RemunerationClaimLine
from distribution.payouts.selectors import claim_paid_status
from distribution.run_access import get_remuneration_claim_for_user, remuneration_claims_visible_to
from distribution.statements import language_of
from registers.models import CMO
from udp.accounts import roles
from udp.accounts.api_auth import HasApiKeyScope
from udp.accounts.scopes import Scope
from udp.core.api_steps import must, run
from udp.documents.views import pdf_response

READ, WRITE = Scope.DISTRIBUTION_READ, Scope.DISTRIBUTION_WRITE


class SettlementSerializer(serializers.Serializer[Any]):
    conflict = serializers.IntegerField(source="pk")
    resolved_at = serializers.DateTimeField(allow_null=True)
    resolution = serializers.CharField()


class ClaimLineSerializer(serializers.ModelSerializer[RemunerationClaimLine]):
    settlements = serializers.SerializerMethodField(
        help_text="For money a conflict held: how the conflicts over the work were settled, latest first "
        "(those the reader may see)"
    )

    class Meta:
        model = RemunerationClaimLine
        fields = ["run", "work", "route", "amount_tiyn", "settlements"]

    @extend_schema_field(SettlementSerializer(many=True))
    def get_settlements(self, obj: RemunerationClaimLine) -> list[dict[str, Any]]:
        request = self.context.get("request")
        if request is None or obj.work_id is None:
            return []
        found = remuneration.settlements(request.user, [obj]).get(obj.work_id, [])
        return list(SettlementSerializer(found, many=True).data)


class RemunerationClaimSerializer(serializers.ModelSerializer[RemunerationClaim]):
    holder = serializers.CharField(source="party", read_only=True)
    cmo_name = serializers.CharField(source="cmo.short_name", read_only=True)
    overdue = serializers.SerializerMethodField(help_text="Waiting past the date the CMO must answer by")
    payable_tiyn = serializers.IntegerField(read_only=True, help_text="Amount less the tax withheld")
    paid_tiyn = serializers.SerializerMethodField(help_text="Of it, paid as the bank confirmed")
    lines = ClaimLineSerializer(many=True, read_only=True)

    class Meta:
        model = RemunerationClaim
        fields = [
            "id", "party", "holder", "cmo", "cmo_name", "status", "note", "total_tiyn", "tax_tiyn", "payable_tiyn",
            "paid_tiyn", "answer_due", "overdue", "reason", "filed_at", "decided_at", "lines",
        ]  # fmt: skip
        read_only_fields = fields

    def get_overdue(self, obj: RemunerationClaim) -> bool:
        return remuneration.is_overdue(obj)

    def get_paid_tiyn(self, obj: RemunerationClaim) -> int:
        if obj.status != DemandStatus.ACCEPTED:
            return 0
        return claim_paid_status(obj.party, obj.cmo, obj.pk).paid_tiyn


class FileClaimSerializer(serializers.Serializer[Any]):
    cmo = serializers.IntegerField(help_text="The CMO that keeps the money (its id)")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class DecideClaimSerializer(serializers.Serializer[Any]):
    accept = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, help_text="Required to refuse")


class KeptLineSerializer(serializers.Serializer[Any]):
    run = serializers.IntegerField()
    work = serializers.IntegerField(allow_null=True)
    route = serializers.CharField()
    amount_tiyn = serializers.IntegerField()


class KeptAtSerializer(serializers.Serializer[Any]):
    cmo = serializers.IntegerField()
    cmo_name = serializers.CharField()
    claimable_tiyn = serializers.IntegerField(help_text="Kept for you, to claim")
    owed_tiyn = serializers.IntegerField(help_text="Owed to you, paid with the CMO's next payment file")
    pending_claim = serializers.IntegerField(allow_null=True)
    lines = KeptLineSerializer(many=True)


@extend_schema_view(
    list=extend_schema(
        summary="Claims of remuneration: a holder's own; the claims on your CMO, waiting first"
    ),
    retrieve=extend_schema(summary="A claim of remuneration: what it asks for, the answer, what was paid"),
)
class RemunerationClaimViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[RemunerationClaim]
):
    serializer_class = RemunerationClaimSerializer
    permission_classes = [HasApiKeyScope, permissions.IsAuthenticated]
    required_scopes = {
        "list": READ,
        "retrieve": READ,
        "kept": READ,
        "create": WRITE,
        "decide": WRITE,
        "pdf": READ,
    }

    def get_queryset(self) -> QuerySet[RemunerationClaim]:
        return (
            remuneration_claims_visible_to(self.request.user)
            .prefetch_related("lines")
            .order_by(
                Case(When(status=DemandStatus.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()),
                "filed_at", "pk",
            )
        )  # fmt: skip

    def get_object(self) -> RemunerationClaim:
        return get_remuneration_claim_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(
        summary="Claim from a CMO everything it keeps for you (a holder): it must answer within 15 working days",
        request=FileClaimSerializer, responses={201: RemunerationClaimSerializer},
    )  # fmt: skip
    def create(self, request: Request) -> Response:
        user = request.user
        must(roles.is_holder(user) and user.party_id is not None, _("only a holder claims remuneration"))
        data = FileClaimSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cmo = CMO.objects.filter(pk=data.validated_data["cmo"]).first()
        if cmo is None:
            raise serializers.ValidationError({"cmo": [_("No such CMO.")]})
        claim = run(
            remuneration.file_remuneration_claim, user.party, cmo,  # type: ignore[union-attr]
            note=data.validated_data.get("note", ""), by=roles.acting_account(user),
        )  # fmt: skip
        return Response(RemunerationClaimSerializer(claim).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Answer a claim (the CMO's staff): accept (settled at once, paid with the next payment file) "
        "or refuse with a reason",
        request=DecideClaimSerializer, responses=RemunerationClaimSerializer,
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        claim = get_remuneration_claim_for_user(request.user, pk, write=True)
        data = DecideClaimSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decided = run(
            remuneration.decide_remuneration_claim, claim, accept=data.validated_data["accept"],
            reason=data.validated_data.get("reason", ""), by=roles.acting_account(request.user),
        )  # fmt: skip
        return Response(RemunerationClaimSerializer(decided).data)

    @extend_schema(
        summary="The answer to a claim as a PDF (kk/ru/en by Accept-Language), issued when first opened",
        responses={(200, "application/pdf"): bytes},
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: str) -> HttpResponseBase:
        claim = get_remuneration_claim_for_user(request.user, pk)
        if claim.status == DemandStatus.PENDING:
            raise NotFound(_("A claim still waiting for its answer has no PDF."))
        document = remuneration.claim_document(
            claim, by=roles.acting_account(request.user), language=language_of(get_language())
        )
        return pdf_response(document)

    @extend_schema(
        summary="What each CMO keeps for you (a holder), to claim", responses=KeptAtSerializer(many=True)
    )
    @action(detail=False, methods=["get"])
    def kept(self, request: Request) -> Response:
        user = request.user
        must(roles.is_holder(user) and user.party_id is not None, _("only a holder has money kept"))
        party_id = int(user.party_id or 0)  # type: ignore[union-attr]
        rows = [
            {
                "cmo": place.cmo.pk, "cmo_name": place.cmo.short_name, "claimable_tiyn": place.total_tiyn,
                "owed_tiyn": place.owed_tiyn, "pending_claim": place.pending.pk if place.pending else None,
                "lines": [
                    {"run": k.run_id, "work": k.work_id, "route": k.route, "amount_tiyn": k.amount_tiyn}
                    for k, _run, _work in place.lines
                ],
            }
            for place in remuneration.kept_for(party_id)
        ]  # fmt: skip
        return Response(KeptAtSerializer(rows, many=True).data)
