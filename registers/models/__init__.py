"""The statutory registers of Art. 45-1.2: works, authors and rightsholders, CMOs, users, contracts."""

from registers.models.claims import (
    Conflict,
    ConflictKind,
    ConflictStatus,
    Decision,
    Proposal,
    ProposalAnswer,
    ProposalKind,
    ProposalStatus,
)
from registers.models.contracts import Contract, ContractKind, ContractStatus, Mandate
from registers.models.imports import ImportBatch, ImportFormat, ImportPolicy, ImportProblem, ImportStatus
from registers.models.orgs import CMO, CMOArea, CMOBranch, CMORepresentative, Licensee, LicenseeLocation
from registers.models.parties import BankAccount, IPIName, Party, PartyKind, Pseudonym, Succession
from registers.models.reference import Area, UserCategory
from registers.models.works import (
    AUTHOR_ROLES,
    ClaimsStatus,
    EmbodiedWork,
    RightType,
    Role,
    Share,
    Work,
    WorkContributor,
    WorkKind,
    WorkTitle,
)

__all__ = [
    "AUTHOR_ROLES",
    "Area",
    "BankAccount",
    "CMO",
    "CMOArea",
    "CMOBranch",
    "CMORepresentative",
    "ClaimsStatus",
    "Conflict",
    "ConflictKind",
    "ConflictStatus",
    "Decision",
    "Proposal",
    "ProposalAnswer",
    "ProposalKind",
    "ProposalStatus",
    "Contract",
    "ContractKind",
    "ContractStatus",
    "EmbodiedWork",
    "IPIName",
    "ImportBatch",
    "ImportProblem",
    "ImportFormat",
    "ImportPolicy",
    "ImportStatus",
    "Licensee",
    "LicenseeLocation",
    "Mandate",
    "Party",
    "PartyKind",
    "Pseudonym",
    "RightType",
    "Role",
    "Share",
    "Succession",
    "UserCategory",
    "Work",
    "WorkContributor",
    "WorkKind",
    "WorkTitle",
]
