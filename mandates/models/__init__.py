"""Mandates and withdrawal: the process around the register of contracts' mandates."""

from mandates.models.requests import (
    HolderAnswer,
    MandateRequest,
    PaperMandate,
    RefusalGround,
    RequestStatus,
)
from mandates.models.withdrawals import (
    ObligationKind,
    Withdrawal,
    WithdrawalObligation,
    WithdrawalScope,
    WithdrawalStatus,
)

__all__ = [
    "HolderAnswer",
    "MandateRequest",
    "ObligationKind",
    "PaperMandate",
    "RefusalGround",
    "RequestStatus",
    "Withdrawal",
    "WithdrawalObligation",
    "WithdrawalScope",
    "WithdrawalStatus",
]
