"""API shapes of the registers.

Public and privileged reads are separate serializers: the confidential fields of a party (IIN,
address, e-mail, phone, a living person's birth date, bank accounts) exist only in
:class:`HolderPrivateSerializer`, which the API uses only when ``access.can_see_confidential`` says so.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registers import public_selectors as selectors
from registers.models import (
    CMO,
    Area,
    BankAccount,
    CMOBranch,
    CMORepresentative,
    Contract,
    ContractKind,
    ImportBatch,
    ImportPolicy,
    ImportProblem,
    IPIName,
    Licensee,
    LicenseeLocation,
    Party,
    Role,
    UserCategory,
    Work,
    WorkContributor,
    WorkKind,
    WorkTitle,
)
from udp.identifiers import format_iswc

# --- reference data ---------------------------------------------------------------------------


class AreaSerializer(serializers.ModelSerializer[Area]):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Area
        fields = ["id", "item", "code", "name", "name_kk", "name_ru", "name_en", "in_force"]


class UserCategorySerializer(serializers.ModelSerializer[UserCategory]):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = UserCategory
        fields = ["code", "name", "name_kk", "name_ru", "name_en"]


class CMORefSerializer(serializers.ModelSerializer[CMO]):
    class Meta:
        model = CMO
        fields = ["id", "short_name"]


# --- holders ----------------------------------------------------------------------------------


class IPINameSerializer(serializers.ModelSerializer[IPIName]):
    class Meta:
        model = IPIName
        fields = ["name_number", "name_type", "name"]


class MandateRefSerializer(serializers.Serializer[Any]):
    area = serializers.IntegerField(source="area.item", help_text="Item of Art. 43.3.")
    area_name = serializers.CharField(source="area.name")
    cmo = CMORefSerializer()
    valid_from = serializers.DateField()


class HolderPublicSerializer(serializers.ModelSerializer[Party]):
    """What anyone may read about an author or rightsholder."""

    name = serializers.CharField(read_only=True)
    birth_date = serializers.DateField(
        source="public_birth_date", read_only=True, help_text="Only once the person has died."
    )
    pseudonyms: serializers.ManyRelatedField = serializers.SlugRelatedField(  # type: ignore[assignment]  # many=True returns a ManyRelatedField
        many=True, read_only=True, slug_field="name"
    )
    ipi_names = IPINameSerializer(many=True, read_only=True)
    managing_cmos = serializers.SerializerMethodField()

    class Meta:
        model = Party
        fields = [
            "id", "kind", "name", "name_kk", "name_ru", "name_lat", "bin", "ipi_base_number", "isni",
            "citizenship", "birth_date", "death_date", "pseudonyms", "ipi_names", "managing_cmos",
        ]  # fmt: skip

    @extend_schema_field(MandateRefSerializer(many=True))
    def get_managing_cmos(self, party: Party) -> list[dict[str, Any]]:
        mandates = getattr(party, "mandates_in_force", None)
        if mandates is None:
            mandates = selectors.managing_cmos_of(party)
        return MandateRefSerializer(mandates, many=True).data  # type: ignore[return-value]


class BankAccountSerializer(serializers.ModelSerializer[BankAccount]):
    class Meta:
        model = BankAccount
        fields = ["iban", "bank_name", "bic", "is_primary"]


class HolderPrivateSerializer(HolderPublicSerializer):
    """Adds the confidential fields: for the party itself, its CMO and the operator only."""

    birth_date = serializers.DateField(read_only=True)
    bank_accounts = BankAccountSerializer(many=True, read_only=True)

    class Meta(HolderPublicSerializer.Meta):
        fields = [
            *HolderPublicSerializer.Meta.fields,
            "iin", "resident", "address", "email", "phone", "bank_accounts", "verified",
        ]  # fmt: skip


LEGAL_STATUS_HELP = (
    "A legal-status fact: from anyone but the expert organization it is a proposal the expert "
    "organization confirms (answer 202 with `Location: /api/proposals/{id}/`)."
)


class HolderUpdateSerializer(serializers.Serializer[Any]):
    name_kk = serializers.CharField(required=False, allow_blank=True, max_length=300)
    name_ru = serializers.CharField(required=False, allow_blank=True, max_length=300)
    name_lat = serializers.CharField(required=False, allow_blank=True, max_length=300)
    ipi_base_number = serializers.CharField(required=False, allow_blank=True, max_length=13)
    isni = serializers.CharField(required=False, allow_blank=True, max_length=19)
    citizenship = serializers.CharField(required=False, allow_blank=True, max_length=2)
    resident = serializers.BooleanField(required=False, allow_null=True)
    address = serializers.CharField(required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    iin = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=12, help_text=LEGAL_STATUS_HELP
    )
    birth_date = serializers.DateField(required=False, allow_null=True, help_text=LEGAL_STATUS_HELP)
    death_date = serializers.DateField(required=False, allow_null=True, help_text=LEGAL_STATUS_HELP)
    rehabilitated_on = serializers.DateField(required=False, allow_null=True, help_text=LEGAL_STATUS_HELP)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="Why: required from the operator (for legal-status facts, the evidence).",
    )


class ExtractRequestSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="The authorized body only: why it needs the confidential part (recorded with its name).",
    )


# --- works ------------------------------------------------------------------------------------


class ContributorListSerializer(serializers.ModelSerializer[WorkContributor]):
    name = serializers.SerializerMethodField()
    holder = serializers.SerializerMethodField()

    class Meta:
        model = WorkContributor
        fields = ["name", "role", "holder"]

    def get_name(self, contributor: WorkContributor) -> str:
        return contributor.credited_as or contributor.party.name

    @extend_schema_field(OpenApiTypes.INT)
    def get_holder(self, contributor: WorkContributor) -> int | None:
        """The holder's id in the register, when the holder is verified (public)."""
        return contributor.party_id if contributor.party.verified else None


class TerritoryShareSerializer(serializers.Serializer[Any]):
    tis = serializers.IntegerField(help_text="CISAC TIS territory code, e.g. 2136 for the world.")
    included = serializers.BooleanField()
    pr_collection = serializers.DecimalField(max_digits=5, decimal_places=2)
    mr_collection = serializers.DecimalField(max_digits=5, decimal_places=2)
    sr_collection = serializers.DecimalField(max_digits=5, decimal_places=2)
    shares_change = serializers.BooleanField()


class ContributorDetailSerializer(ContributorListSerializer):
    shares = serializers.SerializerMethodField(
        help_text="The agreed shares per right type: they sum to exactly 100 and money is split on them."
    )
    declared_shares = serializers.SerializerMethodField(
        help_text="Shares as the source declared them, where they differ from the agreed ones "
        "(CWR allows a right's shares to sum to 100 ± 0.06)."
    )
    territories = TerritoryShareSerializer(many=True, read_only=True)
    publishers = serializers.SerializerMethodField(
        help_text="Holder ids of the publishers representing this writer on the work (CWR PWR)."
    )

    class Meta(ContributorListSerializer.Meta):
        fields = [
            *ContributorListSerializer.Meta.fields,
            "shares",
            "declared_shares",
            "territories",
            "publishers",
        ]

    @extend_schema_field(
        serializers.DictField(child=serializers.DecimalField(max_digits=5, decimal_places=2))
    )
    def get_shares(self, contributor: WorkContributor) -> dict[str, str]:
        return {s.right_type: str(s.percent) for s in contributor.shares.all()}

    @extend_schema_field(
        serializers.DictField(child=serializers.DecimalField(max_digits=5, decimal_places=2))
    )
    def get_declared_shares(self, contributor: WorkContributor) -> dict[str, str]:
        return {s.right_type: str(s.declared) for s in contributor.shares.all() if s.declared is not None}

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_publishers(self, contributor: WorkContributor) -> list[int]:
        return [link.publisher.party_id for link in contributor.publishers.all()]


class WorkListSerializer(serializers.ModelSerializer[Work]):
    iswc_formatted = serializers.SerializerMethodField()
    contributors = ContributorListSerializer(many=True, read_only=True)
    in_public_domain = serializers.BooleanField(read_only=True)

    class Meta:
        model = Work
        fields = [
            "id", "kind", "title", "iswc", "iswc_formatted", "isrc", "isan", "contributors",
            "protection_ends_on", "in_public_domain",
        ]  # fmt: skip

    @extend_schema_field(OpenApiTypes.STR)
    def get_iswc_formatted(self, work: Work) -> str | None:
        return format_iswc(work.iswc) if work.iswc else None


class WorkRefSerializer(serializers.ModelSerializer[Work]):
    class Meta:
        model = Work
        fields = ["id", "kind", "title", "iswc", "isrc"]


class WorkTitleSerializer(serializers.ModelSerializer[WorkTitle]):
    class Meta:
        model = WorkTitle
        fields = ["title", "kind", "language"]


class CMOCoverageSerializer(serializers.Serializer[Any]):
    cmo = CMORefSerializer()
    shares = serializers.DictField(
        child=serializers.DecimalField(max_digits=5, decimal_places=2),
        help_text="Share of the work covered, per right type of the area.",
    )


class AreaManagementSerializer(serializers.Serializer[Any]):
    area = serializers.IntegerField(source="area.item")
    area_name = serializers.CharField(source="area.name")
    cmos = CMOCoverageSerializer(many=True)


class ManagementRowSerializer(serializers.Serializer[Any]):
    area = serializers.IntegerField(source="area.item")
    area_name = serializers.CharField(source="area.name")
    holder = serializers.IntegerField(
        source="holder.pk", help_text="The contributor whose rights are managed."
    )
    holder_name = serializers.CharField(source="holder.name")
    cmo = serializers.IntegerField(source="cmo.pk")
    cmo_short_name = serializers.CharField(source="cmo.short_name")
    path = serializers.ChoiceField(
        choices=["mandate", "reciprocal", "extended"],
        help_text="mandate: the holder's own; reciprocal: a foreign society's agreement with the CMO; "
        "extended: extended collective management (Art. 46-1).",
    )
    path_label = serializers.CharField()
    contract = serializers.CharField(source="contract.number", allow_null=True, default=None)
    society = serializers.CharField(allow_null=True, default=None)
    until = serializers.DateField(
        allow_null=True, help_text="The day this path stops, when known (a mandate's end, a withdrawal)."
    )
    shares = serializers.DictField(child=serializers.DecimalField(max_digits=7, decimal_places=4))


class WhoManagesSerializer(serializers.Serializer[Any]):
    work = serializers.IntegerField(source="work.pk")
    on = serializers.DateField(source="day")
    public_domain = serializers.BooleanField()
    held = serializers.BooleanField(
        help_text="Open conflicts hold the work: money on it waits for their end."
    )
    conflicts = serializers.SerializerMethodField()
    rows = ManagementRowSerializer(many=True)
    unmanaged = serializers.SerializerMethodField(help_text="Contributors nobody manages that day.")

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_conflicts(self, answer: Any) -> list[dict[str, Any]]:
        return [{"id": c.pk, "kind": c.kind, "kind_label": c.get_kind_display()} for c in answer.conflicts]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_unmanaged(self, answer: Any) -> list[dict[str, Any]]:
        return [{"holder": p.pk, "holder_name": p.name} for p in answer.unmanaged]


class WorkDetailSerializer(WorkListSerializer):
    titles = WorkTitleSerializer(many=True, read_only=True)
    contributors = ContributorDetailSerializer(many=True, read_only=True)
    recordings = serializers.SerializerMethodField(help_text="Recordings embodying this work.")
    embodied_works = serializers.SerializerMethodField(help_text="Works this recording embodies.")
    who_to_pay = serializers.SerializerMethodField(
        help_text="Per area, the CMOs managing the contributors' rights (mandates in force)."
    )

    class Meta(WorkListSerializer.Meta):
        fields = [
            *WorkListSerializer.Meta.fields,
            "language", "creation_year", "disclosed_on", "anonymous", "pseudonymous", "author_identified_on",
            "protection_basis", "public", "claims_status", "titles", "recordings", "embodied_works", "who_to_pay",
        ]  # fmt: skip

    def _visible(self) -> Any:
        return self.context["visible_works"]

    @extend_schema_field(WorkRefSerializer(many=True))
    def get_recordings(self, work: Work) -> Any:
        return WorkRefSerializer(
            selectors.visible_related(work.recordings.all(), self._visible()), many=True
        ).data

    @extend_schema_field(WorkRefSerializer(many=True))
    def get_embodied_works(self, work: Work) -> Any:
        return WorkRefSerializer(
            selectors.visible_related(work.embodied_works.all(), self._visible()), many=True
        ).data

    @extend_schema_field(AreaManagementSerializer(many=True))
    def get_who_to_pay(self, work: Work) -> Any:
        return AreaManagementSerializer(selectors.who_to_pay(work), many=True).data


class ContributorInputSerializer(serializers.Serializer[Any]):
    party = serializers.IntegerField(help_text="Id of the holder in the register.")
    role = serializers.ChoiceField(choices=Role.choices)
    credited_as = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    shares = serializers.DictField(
        child=serializers.DecimalField(
            max_digits=5, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal("100")
        ),
        required=False,
        default=dict,
        help_text='Percent per right type, e.g. {"PR": "50.00", "MR": "50.00"}.',
    )


def _work_label(name: str) -> Any:
    """The label of a work's field as the model names it (in the reader's language)."""
    field = Work._meta.get_field(name)
    return capfirst(getattr(field, "verbose_name", name))


class WorkWriteSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=WorkKind.choices, required=False, label=_work_label("kind"))
    title = serializers.CharField(max_length=500, label=_work_label("title"))
    language = serializers.CharField(
        required=False, allow_blank=True, max_length=3, label=_work_label("language")
    )
    iswc = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=20, label=_work_label("iswc")
    )
    isrc = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=20, label=_work_label("isrc")
    )
    isan = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=40, label=_work_label("isan")
    )
    creation_year = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=9999, label=_work_label("creation_year")
    )
    disclosed_on = serializers.DateField(required=False, allow_null=True, label=_work_label("disclosed_on"))
    anonymous = serializers.BooleanField(required=False, label=_work_label("anonymous"))
    pseudonymous = serializers.BooleanField(required=False, label=_work_label("pseudonymous"))
    author_identified_on = serializers.DateField(
        required=False, allow_null=True, help_text=Work._meta.get_field("author_identified_on").help_text,
        label=_work_label("author_identified_on"),
    )  # fmt: skip
    alternate_titles = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False, label=_("Other titles")
    )
    contributors = ContributorInputSerializer(many=True, required=False, label=_("Contributors"))
    embodied_works = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text=_("Ids of works a recording embodies (on create)."),
        label=_("Embodied works"),
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, write_only=True, help_text=_("Why: required from the operator."),
        label=_("Reason"),
    )  # fmt: skip


# --- CMOs, users, contracts -------------------------------------------------------------------


class CMORepresentativeSerializer(serializers.ModelSerializer[CMORepresentative]):
    class Meta:
        model = CMORepresentative
        fields = ["name", "position", "region", "public_phone", "public_email"]


class CMOBranchSerializer(serializers.ModelSerializer[CMOBranch]):
    class Meta:
        model = CMOBranch
        fields = ["city", "address", "head", "public_phone"]


class CMOSerializer(serializers.ModelSerializer[CMO]):
    legal_name = serializers.CharField(source="party.name", read_only=True)
    bin = serializers.CharField(source="party.bin", read_only=True, allow_null=True)
    areas = AreaSerializer(many=True, read_only=True)
    representatives = CMORepresentativeSerializer(many=True, read_only=True)
    branches = CMOBranchSerializer(many=True, read_only=True)
    charter = serializers.FileField(read_only=True, use_url=True, allow_null=True)

    class Meta:
        model = CMO
        fields = [
            "id", "short_name", "legal_name", "bin", "cisac_code", "website",
            "public_email", "public_phone", "legal_address", "charter", "charter_date", "areas",
            "representatives", "branches",
        ]  # fmt: skip


class LicenseeLocationSerializer(serializers.ModelSerializer[LicenseeLocation]):
    category: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = LicenseeLocation
        fields = ["name", "city", "category"]


class LicenseeSerializer(serializers.ModelSerializer[Licensee]):
    """An entry in the register of users: name, category and its locations' cities (no street addresses)."""

    name = serializers.CharField(source="party.name", read_only=True)
    bin = serializers.CharField(source="party.bin", read_only=True, allow_null=True)
    category = UserCategorySerializer(read_only=True)
    locations = LicenseeLocationSerializer(many=True, read_only=True)

    class Meta:
        model = Licensee
        fields = ["id", "name", "trade_name", "bin", "category", "locations"]


class ContractSerializer(serializers.ModelSerializer[Contract]):
    """The public facts of an entry in the register of contracts."""

    cmo = CMORefSerializer(read_only=True)
    counterparty = serializers.SerializerMethodField()
    areas: serializers.ManyRelatedField = serializers.SlugRelatedField(  # type: ignore[assignment]  # many=True returns a ManyRelatedField
        many=True, read_only=True, slug_field="item"
    )
    location = serializers.SerializerMethodField()

    class Meta:
        model = Contract
        fields = [
            "number", "kind", "status", "cmo", "counterparty", "concluded_on", "valid_from", "valid_until",
            "areas", "location",
        ]  # fmt: skip

    @extend_schema_field(OpenApiTypes.STR)
    def get_counterparty(self, contract: Contract) -> str | None:
        """The public name of the other side: a verified holder, a user, or a CMO."""
        if contract.kind == ContractKind.MANDATE and contract.holder is not None:
            return contract.holder.name if contract.holder.verified else None
        if contract.licensee is not None:
            return str(contract.licensee)
        if contract.counterparty_cmo is not None:
            return contract.counterparty_cmo.short_name
        if contract.foreign_society is not None:
            return f"{contract.foreign_society.short_name} ({contract.foreign_society.cisac_code})"
        return None

    @extend_schema_field(OpenApiTypes.STR)
    def get_location(self, contract: Contract) -> str | None:
        return contract.location if contract.kind == ContractKind.LICENCE else None


# --- tokens -----------------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    code = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=str(_("TOTP code: required for CMO, regulator and operator accounts.")),
    )


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField()


# --- imports of works -------------------------------------------------------------------------


class ImportUploadSerializer(serializers.Serializer[Any]):
    """The same checks as the upload page: the format from the extension, at most 20 MB; the file
    name is kept only for display (the file is stored under a generated name)."""

    file = serializers.FileField(help_text="CSV, XLSX or CWR 2.1/2.2 (.V21, .V22), at most 20 MB")
    policy = serializers.ChoiceField(choices=ImportPolicy.choices, default=ImportPolicy.KEEP_GOOD)

    def validate_file(self, upload: Any) -> Any:
        from registers.importing.uploads import MAX_UPLOAD, detect_format

        if detect_format(upload.name) is None:
            raise serializers.ValidationError(_("Upload a .csv, .xlsx or CWR file (.V21, .V22)."))
        if upload.size > MAX_UPLOAD:
            raise serializers.ValidationError(_("The file is larger than 20 MB."))
        return upload


class ImportProblemSerializer(serializers.ModelSerializer[ImportProblem]):
    reason = serializers.CharField(read_only=True, help_text="in the language of the request")

    class Meta:
        model = ImportProblem
        fields = ["line", "record", "field", "level", "code", "params", "reason"]


class ImportBatchSerializer(serializers.ModelSerializer[ImportBatch]):
    failure_reason = serializers.CharField(read_only=True, help_text="why a failed import stopped")
    problem_counts = serializers.DictField(
        child=serializers.IntegerField(), read_only=True, help_text="every problem, counted by code"
    )
    problems_truncated = serializers.BooleanField(
        read_only=True, help_text="only the first problems are kept; all are counted"
    )
    running = serializers.BooleanField(read_only=True, help_text="queued or running: poll again")
    percent = serializers.IntegerField(read_only=True, help_text="how much of the file is read, 0 to 100")
    progress_text = serializers.CharField(
        read_only=True, help_text="“120 of 5,000 lines — writing works”, in the language of the request"
    )
    ack_url = serializers.SerializerMethodField(help_text="the CWR acknowledgement, once there is one")
    errors_csv_url = serializers.SerializerMethodField(
        help_text="the bad lines as CSV (line, record, field, reason), once the import has ended"
    )

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "filename",
            "format",
            "policy",
            "status",
            "running",
            "stage",
            "lines_done",
            "lines_total",
            "percent",
            "progress_text",
            "encoding",
            "works_created",
            "works_updated",
            "works_proposed",
            "works_rejected",
            "works_unchanged",
            "works_in_conflict",
            "errors_count",
            "notes_count",
            "problem_counts",
            "problems_truncated",
            "refused_whole_file",
            "failure_code",
            "failure_params",
            "failure_reason",
            "created_at",
            "started_at",
            "finished_at",
            "ack_url",
            "errors_csv_url",
        ]
        read_only_fields = fields

    def get_ack_url(self, batch: ImportBatch) -> str | None:
        return f"/api/imports/{batch.pk}/ack/" if batch.ack_file else None

    def get_errors_csv_url(self, batch: ImportBatch) -> str | None:
        return None if batch.running else f"/api/imports/{batch.pk}/problems-csv/"
