"""Participants: pseudonymous (study id, age at injury, sex; no names, birth dates or
contact data), their injury, consent, eligibility answers and status."""

from __future__ import annotations

from datetime import date
from enum import Enum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from regencord.store.models.base import Record
from regencord.store.models.trial import Site, Trial, enum_column


class Sex(Enum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class ParticipantStatus(Enum):
    SCREENING = "screening"
    ENROLLED = "enrolled"
    TRANSPLANTED = "transplanted"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


class Participant(Record):
    __tablename__ = "participant"
    __table_args__ = (
        UniqueConstraint("trial_id", "study_id"),
        CheckConstraint("age_at_injury >= 0 AND age_at_injury <= 120", name="age"),
    )

    trial_id: Mapped[int] = mapped_column(ForeignKey("trial.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    study_id: Mapped[str] = mapped_column(String(40))
    age_at_injury: Mapped[int] = mapped_column(Integer)
    sex: Mapped[Sex] = mapped_column(enum_column(Sex))
    injury_date: Mapped[date] = mapped_column(Date)
    mechanism: Mapped[str | None] = mapped_column(String(100))
    vertebral_level: Mapped[str | None] = mapped_column(String(20))
    """Vertebral level of injury on imaging, e.g. ``C4`` or ``C4-C5``."""
    consent_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[ParticipantStatus] = mapped_column(
        enum_column(ParticipantStatus), default=ParticipantStatus.SCREENING
    )
    withdrawal_reason: Mapped[str | None] = mapped_column(String(500))

    trial: Mapped[Trial] = relationship()
    site: Mapped[Site] = relationship()
    eligibility: Mapped[list[EligibilityAnswer]] = relationship(
        back_populates="participant", order_by="EligibilityAnswer.criterion"
    )


class EligibilityAnswer(Record):
    """One answered criterion of the eligibility checklist."""

    __tablename__ = "eligibility_answer"
    __table_args__ = (UniqueConstraint("participant_id", "criterion"),)

    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    criterion: Mapped[str] = mapped_column(String(200))
    met: Mapped[bool]
    note: Mapped[str | None] = mapped_column(String(500))

    participant: Mapped[Participant] = relationship(back_populates="eligibility")
