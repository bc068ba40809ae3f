"""What the SDTM-style and FHIR exports are written from: the whole-trial read of the
report (:class:`~regencord.outcomes.model.TrialData`) plus the few facts the report does
not need (visit dates and missed visits, immunosuppression courses, consent dates, the AE
details and the exams' engine versions), as plain frozen dataclasses.

:mod:`regencord.services.interop_export` loads it from the store; tests build it directly.
Nothing here is identifying: participants are study ids with age at injury and sex.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from regencord.outcomes.model import ParticipantData, TrialData


@dataclass(frozen=True)
class VisitRecord:
    """A visit of the schedule as it happened: done on ``actual_date`` or missed."""

    name: str
    actual_date: date | None
    missed_reason: str | None = None


@dataclass(frozen=True)
class CourseRecord:
    """An immunosuppression course given around the transplant."""

    regimen: str
    start_on: date
    stop_on: date | None
    """``None`` while ongoing."""
    note: str | None = None


@dataclass(frozen=True)
class AeDetail:
    """What an adverse event carries beyond the report's view of it (same order as
    :attr:`ParticipantData.adverse_events`)."""

    meddra_code: str | None = None
    action_taken: str | None = None


@dataclass(frozen=True)
class ExamDetail:
    """What an exam carries beyond the report's view of it (same order as
    :attr:`ParticipantData.exams`)."""

    engine_version: str


@dataclass(frozen=True)
class ParticipantExtras:
    consent_date: date | None = None
    visits: tuple[VisitRecord, ...] = ()
    """Visits recorded (done or missed), in schedule order."""
    courses: tuple[CourseRecord, ...] = ()
    adverse_events: tuple[AeDetail, ...] = ()
    exams: tuple[ExamDetail, ...] = ()


@dataclass(frozen=True)
class ExportTrial:
    """One trial for export: the report's data and, by study id, the extras."""

    data: TrialData
    extras: Mapping[str, ParticipantExtras] = field(default_factory=dict)

    def extras_of(self, participant: ParticipantData) -> ParticipantExtras:
        return self.extras.get(participant.study_id, ParticipantExtras())

    def visit_number(self, name: str) -> int:
        """The visit's position in the schedule, from 1 (SDTM VISITNUM)."""
        return self.data.visits.index(name) + 1
