"""Models of the distribution module."""

from distribution.models.claims import ClaimStatus, UsageClaim
from distribution.models.matching import (
    ConfirmedMatch,
    MatchStage,
    MatchStatus,
    UsageKey,
    WorkKey,
)
from distribution.models.runs import Allocation, Payee, Route, Run, RunStatus, RunWeight

__all__ = [
    "Allocation",
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
