"""The trial's records, one module per part of the trial.

Importing this package registers every table on :data:`Base.metadata`.
"""

from regencord.store.models.account import Account, ApiToken, Role, SignInFailure, account_site
from regencord.store.models.audit import AuditEntry
from regencord.store.models.base import Base, Record
from regencord.store.models.exam import ExamRecord
from regencord.store.models.measures import FunctionalMeasure, MeasureKind
from regencord.store.models.participant import (
    EligibilityAnswer,
    Participant,
    ParticipantStatus,
    Sex,
)
from regencord.store.models.procedure import ImmunosuppressionCourse, Transplant
from regencord.store.models.product import CellLine, Lot, LotDecision, QcResult, ReleaseDecision
from regencord.store.models.quality import CheckSetting, Query, QueryState, QueryStep
from regencord.store.models.safety import (
    AdverseEvent,
    AeResolution,
    ImagingFinding,
    Modality,
    RehabSession,
    Relatedness,
)
from regencord.store.models.trial import Anchor, ScheduledVisit, Site, Trial
from regencord.store.models.visit import Visit

__all__ = [
    "Account",
    "AdverseEvent",
    "AeResolution",
    "Anchor",
    "ApiToken",
    "AuditEntry",
    "Base",
    "CellLine",
    "CheckSetting",
    "EligibilityAnswer",
    "ExamRecord",
    "FunctionalMeasure",
    "ImagingFinding",
    "ImmunosuppressionCourse",
    "Lot",
    "LotDecision",
    "MeasureKind",
    "Modality",
    "Participant",
    "ParticipantStatus",
    "QcResult",
    "Query",
    "QueryState",
    "QueryStep",
    "Record",
    "RehabSession",
    "Relatedness",
    "ReleaseDecision",
    "Role",
    "ScheduledVisit",
    "Sex",
    "SignInFailure",
    "Site",
    "Transplant",
    "Trial",
    "Visit",
    "account_site",
]
