"""Safety and rehabilitation: adverse events, imaging findings, rehabilitation sessions."""

from __future__ import annotations

from datetime import date
from enum import Enum

from sqlalchemy import Boolean, CheckConstraint, Date, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from regencord.store.models.base import Record
from regencord.store.models.participant import Participant
from regencord.store.models.trial import enum_column


class Relatedness(Enum):
    """How likely an adverse event was caused by a part of the treatment."""

    UNRELATED = "unrelated"
    UNLIKELY = "unlikely"
    POSSIBLE = "possible"
    PROBABLE = "probable"
    DEFINITE = "definite"


class AeResolution(Enum):
    """How an adverse event ended or stands (CDISC AEOUT terms; stored in the column
    ``outcome``): the resolution of the event, not an outcome measure."""

    RECOVERED = "recovered"
    RECOVERING = "recovering"
    NOT_RECOVERED = "not_recovered"
    RECOVERED_WITH_SEQUELAE = "recovered_with_sequelae"
    FATAL = "fatal"
    UNKNOWN = "unknown"


class Modality(Enum):
    MRI = "MRI"
    CT = "CT"
    XRAY = "X-ray"
    PET = "PET"
    ULTRASOUND = "ultrasound"
    OTHER = "other"


class RehabSession(Record):
    """One rehabilitation session: date, kind of therapy, minutes."""

    __tablename__ = "rehab_session"
    __table_args__ = (CheckConstraint("minutes > 0 AND minutes <= 720", name="minutes"),)

    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    session_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(60))
    """E.g. ``locomotor training``, ``occupational therapy``, ``robotic gait``."""
    minutes: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(500))

    participant: Mapped[Participant] = relationship()


class AdverseEvent(Record):
    """An adverse event: CTCAE grade, seriousness, and relatedness to each part of the
    treatment (the cells, the surgery, the immunosuppression)."""

    __tablename__ = "adverse_event"
    __table_args__ = (
        CheckConstraint("ctcae_grade BETWEEN 1 AND 5", name="grade"),
        CheckConstraint(
            "resolution_date IS NULL OR resolution_date >= onset_date", name="resolution"
        ),
    )

    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    term: Mapped[str] = mapped_column(String(200))
    meddra_code: Mapped[str | None] = mapped_column(String(8))
    """MedDRA code (8 digits) as supplied by the site; not looked up."""
    onset_date: Mapped[date] = mapped_column(Date)
    resolution_date: Mapped[date | None] = mapped_column(Date)
    ctcae_grade: Mapped[int] = mapped_column(Integer)
    serious: Mapped[bool] = mapped_column(Boolean)
    related_to_cells: Mapped[Relatedness] = mapped_column(enum_column(Relatedness))
    related_to_surgery: Mapped[Relatedness] = mapped_column(enum_column(Relatedness))
    related_to_immunosuppression: Mapped[Relatedness] = mapped_column(enum_column(Relatedness))
    outcome: Mapped[AeResolution] = mapped_column(enum_column(AeResolution))
    action_taken: Mapped[str | None] = mapped_column(String(300))

    participant: Mapped[Participant] = relationship()


class ImagingFinding(Record):
    """A finding on imaging of the spine and cord, with the safety flags of cell
    transplantation (a suspected mass, a syrinx) and the lesion length."""

    __tablename__ = "imaging_finding"
    __table_args__ = (
        CheckConstraint(
            "lesion_length_mm IS NULL OR (lesion_length_mm > 0 AND lesion_length_mm <= 1000)",
            name="lesion_length",
        ),
    )

    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    imaging_date: Mapped[date] = mapped_column(Date)
    modality: Mapped[Modality] = mapped_column(enum_column(Modality))
    finding: Mapped[str] = mapped_column(String(1000))
    suspected_mass: Mapped[bool] = mapped_column(Boolean, default=False)
    syrinx: Mapped[bool] = mapped_column(Boolean, default=False)
    lesion_length_mm: Mapped[float | None] = mapped_column(Float)

    participant: Mapped[Participant] = relationship()
