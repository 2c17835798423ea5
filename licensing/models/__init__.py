"""The licensing domain's rows: prices (the МРП, minimum rates, tariffs), licences and remuneration agreements
with users and their report schedules, the collector for commercial phonograms (Art. 39)."""

from licensing.models.licences import (
    LICENSED_AREAS,
    AgreementKind,
    CollectionAgreementBasis,
    Declaration,
    Licence,
    LicenceLine,
    LicenceStatus,
    PhonogramCollector,
    RefusalGround,
    Renewal,
    RepertoireScope,
    ReportDue,
    kind_for_area,
)
from licensing.models.rates import (
    PERIOD_MONTHS,
    REPORT_MONTHS,
    AmountBasis,
    IndexKind,
    IndexValue,
    MinimumRate,
    MinimumRateComponent,
    Period,
    RateShape,
    ReportFrequency,
    Tariff,
    TariffComponent,
    TariffStatus,
    Unit,
    Use,
)

__all__ = [
    "LICENSED_AREAS", "PERIOD_MONTHS", "REPORT_MONTHS", "AgreementKind", "AmountBasis", "CollectionAgreementBasis",
    "Declaration", "IndexKind", "IndexValue", "Licence", "LicenceLine", "LicenceStatus", "MinimumRate",
    "MinimumRateComponent", "Period", "PhonogramCollector", "RateShape", "RefusalGround", "Renewal", "ReportDue",
    "ReportFrequency", "RepertoireScope", "Tariff", "TariffComponent", "TariffStatus", "Unit", "Use",
    "kind_for_area",
]  # fmt: skip

from licensing.models.info_requests import InfoAnswer, InfoRequest, InfoRequestStatus, InfoTopic  # noqa: E402
from licensing.models.monitoring import (  # noqa: E402
    Detection,
    LineAnswer,
    MonitoredSite,
    MonitoringProvider,
    ProviderKey,
    Reconciliation,
    ReconciliationLine,
    ReconciliationStatus,
)

__all__ += [
    "Detection", "InfoAnswer", "InfoRequest", "InfoRequestStatus", "InfoTopic", "LineAnswer", "MonitoredSite",
    "MonitoringProvider", "ProviderKey", "Reconciliation", "ReconciliationLine", "ReconciliationStatus",
]  # fmt: skip
