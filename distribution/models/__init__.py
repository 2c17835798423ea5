"""Models of the distribution module."""

from distribution.models.claims import ClaimStatus, UsageClaim
from distribution.models.compliance import Breach, ComplianceFlag
from distribution.models.foreign import ForeignRun, ForeignRunStatus, Remittance, RemittedPayee
from distribution.models.matching import (
    ConfirmedMatch,
    MatchStage,
    MatchStatus,
    UsageKey,
    WorkKey,
)
from distribution.models.runs import (
    Allocation,
    Basis,
    Path,
    Payee,
    ReleaseRule,
    Route,
    Run,
    RunPath,
    RunSource,
    RunStatus,
    RunWeight,
    Side,
    SourceKind,
    Unidentified,
)
from distribution.models.statements import RequestStatus, RunRequest, Statement

__all__ = [
    "Allocation",
    "Basis",
    "Breach",
    "ClaimStatus",
    "ComplianceFlag",
    "ConfirmedMatch",
    "ForeignRun",
    "ForeignRunStatus",
    "MatchStage",
    "MatchStatus",
    "Path",
    "Payee",
    "RequestStatus",
    "Route",
    "Run",
    "ReleaseRule",
    "Remittance",
    "RemittedPayee",
    "RunPath",
    "RunRequest",
    "RunSource",
    "RunStatus",
    "RunWeight",
    "Side",
    "SourceKind",
    "Statement",
    "Unidentified",
    "UsageClaim",
    "UsageKey",
    "WorkKey",
]
