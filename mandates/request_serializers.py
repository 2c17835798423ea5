"""API input and output of the requests for management and the paper mandates (parse and show, never write)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import serializers

from mandates.models import MandateRequest, PaperMandate, RefusalGround
from registers.models import CMO, Area


class AreaItemsField(serializers.ListField):
    child = serializers.IntegerField(min_value=1)


class SignatureSerializer(serializers.Serializer[Any]):
    signer_name = serializers.CharField()
    on_behalf_bin = serializers.CharField()
    on_behalf_name = serializers.CharField()
    signed_at = serializers.DateTimeField()
    sha256 = serializers.CharField()
    method = serializers.CharField()


class MandateRequestSerializer(serializers.ModelSerializer[MandateRequest]):
    holder = serializers.CharField(source="holder.name")
    holder_id = serializers.IntegerField()
    cmo = serializers.CharField(source="cmo.short_name")
    cmo_id = serializers.IntegerField()
    areas = serializers.SerializerMethodField()
    contract = serializers.CharField(source="contract.number", default=None)
    agreement = serializers.SerializerMethodField()
    signatures = serializers.SerializerMethodField()

    class Meta:
        model = MandateRequest
        fields = [
            "id", "holder", "holder_id", "cmo", "cmo_id", "areas", "status", "starts_on", "language", "note",
            "requested_at", "decided_at", "refusal_ground", "refusal_note", "contract", "agreement", "signatures",
        ]  # fmt: skip

    def get_areas(self, obj: MandateRequest) -> list[int]:
        return sorted(area.item for area in obj.areas.all())

    def get_agreement(self, obj: MandateRequest) -> dict[str, str] | None:
        if obj.document is None:
            return None
        return {
            "number": obj.document.number,
            "sha256": obj.document.sha256,
            "verification": obj.document.verification_url,
        }

    def get_signatures(self, obj: MandateRequest) -> list[dict[str, Any]]:
        signed = [s for s in (obj.holder_signature, obj.cmo_signature) if s is not None]
        return [dict(SignatureSerializer(s).data) for s in signed]


class MandateRequestInputSerializer(serializers.Serializer[Any]):
    cmo = serializers.PrimaryKeyRelatedField(queryset=CMO.objects.all())
    areas = AreaItemsField(allow_empty=False, help_text="Items of Art. 43.3 (1, 2, 3, 4, 5, 7).")
    starts_on = serializers.DateField(required=False, allow_null=True)
    language = serializers.ChoiceField(choices=[code for code, _ in settings.LANGUAGES], required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_areas(self, value: list[int]) -> list[Area]:
        areas = list(Area.objects.filter(item__in=value))
        if len(areas) != len(set(value)):
            raise serializers.ValidationError(_("Unknown area of collective management."))
        return areas


class RefuseInputSerializer(serializers.Serializer[Any]):
    ground = serializers.ChoiceField(choices=RefusalGround.choices)
    note = serializers.CharField()


class SignInputSerializer(serializers.Serializer[Any]):
    sha256 = serializers.RegexField(
        r"^[0-9a-fA-F]{64}$", help_text="The agreement's SHA-256, as you read it."
    )
    evidence = serializers.CharField(required=False, allow_blank=True, default="")


class PaperMandateSerializer(serializers.ModelSerializer[PaperMandate]):
    contract = serializers.CharField(source="contract.number")
    holder = serializers.CharField(source="contract.holder.name")
    holder_id = serializers.IntegerField(source="contract.holder_id")
    cmo = serializers.CharField(source="contract.cmo.short_name")
    areas = serializers.SerializerMethodField()
    concluded_on = serializers.DateField(source="contract.concluded_on")
    valid_from = serializers.DateField(source="contract.valid_from")

    class Meta:
        model = PaperMandate
        fields = [
            "id", "contract", "holder", "holder_id", "cmo", "areas", "concluded_on", "valid_from", "paper_number",
            "entered_at", "holder_answer", "answered_at", "dispute_note",
        ]  # fmt: skip

    def get_areas(self, obj: PaperMandate) -> list[int]:
        return sorted(area.item for area in obj.contract.areas.all())


class PaperMandateInputSerializer(serializers.Serializer[Any]):
    holder = serializers.CharField(help_text="The holder's IPI name number, IIN, BIN, or #register id.")
    areas = AreaItemsField(allow_empty=False)
    concluded_on = serializers.DateField()
    valid_from = serializers.DateField()
    paper_number = serializers.CharField(required=False, allow_blank=True, default="")
    scan = serializers.FileField(help_text="PDF, JPEG or PNG, at most 10 MB.")

    def validate_areas(self, value: list[int]) -> list[Area]:
        return MandateRequestInputSerializer.validate_areas(self, value)  # type: ignore[arg-type]


class BulkInputSerializer(serializers.Serializer[Any]):
    listing = serializers.FileField(
        help_text="CSV or XLSX: holder, areas, concluded_on, valid_from, paper_number, scan."
    )
    scans = serializers.FileField(required=False, help_text="ZIP of the scanned copies the list names.")


class BulkLineSerializer(serializers.Serializer[Any]):
    line = serializers.IntegerField()
    holder = serializers.CharField()
    contract = serializers.CharField()
    problems = serializers.ListField(child=serializers.CharField(), source="errors")
    conflict = serializers.IntegerField(allow_null=True)


class BulkResultSerializer(serializers.Serializer[Any]):
    entered = serializers.IntegerField()
    lines = BulkLineSerializer(many=True)


class DisputeInputSerializer(serializers.Serializer[Any]):
    note = serializers.CharField()
