"""The API's input and output for withdrawals: parse and check, never write."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from mandates import deadlines
from mandates.models import Withdrawal, WithdrawalObligation
from registers.models import CMO, Area, Work
from udp.core import clock


class ObligationSerializer(serializers.ModelSerializer[WithdrawalObligation]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = WithdrawalObligation
        fields = ["id", "kind", "kind_label", "due_on", "done_on", "evidence", "overdue"]

    def get_overdue(self, obligation: WithdrawalObligation) -> bool:
        return deadlines.is_overdue(obligation.due_on, obligation.done_on, clock.today())


class WithdrawalSerializer(serializers.ModelSerializer[Withdrawal]):
    holder_name = serializers.CharField(source="holder.name", read_only=True)
    cmo_short_name = serializers.CharField(source="cmo.short_name", read_only=True)
    area = serializers.IntegerField(source="area.item", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    mandate_contract = serializers.CharField(source="mandate.contract.number", read_only=True)
    works: serializers.PrimaryKeyRelatedField[Work] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    days_left = serializers.SerializerMethodField(
        help_text="Calendar days until the effective date (the countdown)."
    )
    obligations = ObligationSerializer(many=True, read_only=True)

    class Meta:
        model = Withdrawal
        fields = [
            "id", "holder", "holder_name", "cmo", "cmo_short_name", "area", "scope", "works", "status",
            "status_label", "mandate_contract", "received_on", "effective_on", "days_left", "note", "obligations",
        ]  # fmt: skip

    def get_days_left(self, withdrawal: Withdrawal) -> int:
        return deadlines.days_left(withdrawal.effective_on, clock.today())


class WithdrawalInputSerializer(serializers.Serializer[Any]):
    cmo = serializers.PrimaryKeyRelatedField(queryset=CMO.objects.all(), help_text="The CMO's id.")
    area = serializers.SlugRelatedField(
        slug_field="item", queryset=Area.objects.filter(in_force=True), help_text="The item of Art. 43.3."
    )
    works = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Work.objects.all(),
        required=False,
        help_text="Ids of the works to withdraw; none: the whole area.",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ObligationDoneInputSerializer(serializers.Serializer[Any]):
    evidence = serializers.CharField(
        help_text="What was done: where published, the payment's reference, the report."
    )
