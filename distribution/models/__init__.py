"""Models of the distribution module."""

from distribution.models.matching import (
    ConfirmedMatch,
    MatchStage,
    MatchStatus,
    UsageKey,
    WorkKey,
)

__all__ = ["ConfirmedMatch", "MatchStage", "MatchStatus", "UsageKey", "WorkKey"]
