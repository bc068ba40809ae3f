"""What outcomes are computed from: one trial's participants with their injury, transplant,
classified exams, functional measures, adverse events, imaging findings and lot QC, as
plain frozen dataclasses.

:mod:`regencord.services.reporting` loads them from the store; tests and the demo can build
them directly. Days are counted from the day of injury (day 0). Nothing here is
identifying: participants are study ids with age at injury and sex.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from regencord.isncsci import Classification, Exam


@dataclass(frozen=True)
class ExamPoint:
    """One classified ISNCSCI exam at a visit."""

    visit: str
    day: int
    """Days after injury on the exam date."""
    exam_date: date
    exam: Exam
    result: Classification
    impairments: Mapping[str, Mapping[str, str | None]] = field(default_factory=dict)
    """Why tagged cells are tagged, by cell path (``right.motor.C5``):
    ``{"reason": ..., "other": ...}``."""
    comments: str | None = None
    """The examiner's comments on the exam."""


@dataclass(frozen=True)
class MeasurePoint:
    """One functional measure at a visit (``kind`` as stored: ``wisci``, ``scim``,
    ``ten_metre_walk`` (seconds for 10 m), ``six_minute_walk`` (metres), ``custom``)."""

    visit: str
    day: int
    measure_date: date
    kind: str
    value: float
    name: str | None = None
    aid: str | None = None
    scim_items: Mapping[str, int] | None = None
    """SCIM III item scores by key (``mobility_indoors`` is item 12)."""


@dataclass(frozen=True)
class AdverseEventPoint:
    term: str
    onset_day: int
    onset_date: date
    resolution_date: date | None
    ctcae_grade: int
    serious: bool
    related_to_cells: str
    """``unrelated``, ``unlikely``, ``possible``, ``probable`` or ``definite``."""
    related_to_surgery: str
    related_to_immunosuppression: str
    outcome: str


@dataclass(frozen=True)
class ImagingPoint:
    day: int
    imaging_date: date
    modality: str
    finding: str
    suspected_mass: bool
    syrinx: bool
    lesion_length_mm: float | None


@dataclass(frozen=True)
class QcPoint:
    assay: str
    result: str
    """The value with its unit, or the text result."""
    specification: str
    passed: bool
    tested_on: date


@dataclass(frozen=True)
class LotInfo:
    """The transplanted lot with its chain of identity (cell line → lot)."""

    lot_id: str
    cell_line: str
    line_source: str
    donor_hla: str | None
    passage: int
    manufactured_on: date
    expires_on: date
    released_on: date | None
    released_by: str | None
    qc: tuple[QcPoint, ...] = ()


@dataclass(frozen=True)
class TransplantInfo:
    transplant_date: date
    day: int
    """Days after injury."""
    dose_cells: int
    volume_ul: float
    injection_sites: str
    lot: LotInfo
    immunosuppression: tuple[str, ...] = ()
    """Regimens with their periods, e.g. ``tacrolimus (2025-10-20 to 2026-04-20)``."""
    protocol_deviation: str | None = None


@dataclass(frozen=True)
class ParticipantData:
    study_id: str
    site: str
    age_at_injury: int
    sex: str
    injury_date: date
    status: str
    """``screening``, ``enrolled``, ``transplanted``, ``completed`` or ``withdrawn``."""
    vertebral_level: str | None = None
    withdrawal_reason: str | None = None
    statuses: tuple[str, ...] = ()
    """Every status the participant has had, oldest first (from the audit trail)."""
    transplant: TransplantInfo | None = None
    exams: tuple[ExamPoint, ...] = ()
    """In time order; the first is the baseline."""
    measures: tuple[MeasurePoint, ...] = ()
    adverse_events: tuple[AdverseEventPoint, ...] = ()
    imaging: tuple[ImagingPoint, ...] = ()

    @property
    def baseline(self) -> ExamPoint | None:
        return self.exams[0] if self.exams else None

    @property
    def latest(self) -> ExamPoint | None:
        return self.exams[-1] if self.exams else None


@dataclass(frozen=True)
class TrialData:
    code: str
    title: str
    phase: str | None = None
    registry_id: str | None = None
    sponsor: str | None = None
    synthetic: bool = False
    """True for generated demonstration data: every output says so."""
    visits: tuple[str, ...] = ()
    """Names of the scheduled visits in schedule order."""
    participants: tuple[ParticipantData, ...] = field(default=())
