"""Models of the distribution module."""

from distribution.models.claims import ClaimStatus, UsageClaim
from distribution.models.matching import (
    ConfirmedMatch,
    MatchStage,
    MatchStatus,
    UsageKey,
    WorkKey,
)
from distribution.models.payouts import (
    BatchStatus,
    LineStatus,
    PaymentBatch,
    PaymentLine,
    PayoutStatement,
    PayoutStatementStatus,
    TaxRate,
    Withholding,
)
from distribution.models.runs import Allocation, Payee, Route, Run, RunStatus, RunWeight

__all__ = [
    "Allocation",
    "BatchStatus",
    "LineStatus",
    "PaymentBatch",
    "PaymentLine",
    "PayoutStatement",
    "PayoutStatementStatus",
    "TaxRate",
    "Withholding",
    "ClaimStatus",
    "ConfirmedMatch",
    "MatchStage",
    "MatchStatus",
    "Payee",
    "Route",
    "Run",
    "RunStatus",
    "RunWeight",
    "UsageClaim",
    "UsageKey",
    "WorkKey",
]
