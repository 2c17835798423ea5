"""The accreditation domain's rows: applications and their path (Art. 46-2), the certificates and their
lines per area (Art. 46-1), and what may end or pause a line (Art. 47-1, 47-2, 47-3)."""

from accreditation.models.applications import (
    Appeal,
    AppealStatus,
    Application,
    ApplicationDocument,
    ApplicationStatus,
    AreaDecision,
    CommissionMeeting,
    Conclusion,
    DecisionOutcome,
    Requirement,
)
from accreditation.models.certificates import (
    Accreditation,
    Certificate,
    CertificateSource,
    Revocation,
    RevocationGround,
    Suspension,
    SuspensionGround,
    SuspensionStatus,
    Termination,
    TerminationReason,
)
from accreditation.models.publications import MeetingNotice, Publication, PublicationKind

__all__ = [
    "Accreditation", "Appeal", "AppealStatus", "Application", "ApplicationDocument", "ApplicationStatus",
    "AreaDecision", "Certificate", "CertificateSource", "CommissionMeeting", "Conclusion", "DecisionOutcome",
    "Requirement", "Revocation", "RevocationGround", "Suspension", "SuspensionGround", "SuspensionStatus",
    "Termination", "TerminationReason",
    "MeetingNotice", "Publication", "PublicationKind",
]  # fmt: skip
