"""Models of the distribution module."""

from distribution.models.claims import ClaimStatus, UsageClaim
from distribution.models.matching import (
    ConfirmedMatch,
    MatchStage,
    MatchStatus,
    UsageKey,
    WorkKey,
)

__all__ = ["ClaimStatus", "ConfirmedMatch", "MatchStage", "MatchStatus", "UsageClaim", "UsageKey", "WorkKey"]
