"""The trial's records, one module per part of the trial.

Importing this package registers every table on :data:`Base.metadata`.
"""

from regencord.store.models.audit import AuditEntry
from regencord.store.models.base import Base, Record
from regencord.store.models.participant import (
    EligibilityAnswer,
    Participant,
    ParticipantStatus,
    Sex,
)
from regencord.store.models.trial import Anchor, ScheduledVisit, Site, Trial

__all__ = [
    "Anchor",
    "AuditEntry",
    "Base",
    "EligibilityAnswer",
    "Participant",
    "ParticipantStatus",
    "Record",
    "ScheduledVisit",
    "Sex",
    "Site",
    "Trial",
]
