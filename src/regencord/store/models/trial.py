"""The trial, its sites and its visit schedule (set per trial from a YAML/JSON file)."""

from __future__ import annotations

from enum import Enum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy import Enum as SqlEnum
from sqlalchemy.orm import Mapped, mapped_column, relationship

from regencord.store.models.base import Record


def enum_column(enum: type[Enum]) -> SqlEnum:
    """A portable enum column storing the members' values as text."""
    return SqlEnum(
        enum, native_enum=False, values_callable=lambda e: [m.value for m in e], length=30
    )


class Anchor(Enum):
    """The event a visit's target day counts from."""

    INJURY = "injury"
    TRANSPLANT = "transplant"


class Trial(Record):
    __tablename__ = "trial"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    phase: Mapped[str | None] = mapped_column(String(20))
    registry_id: Mapped[str | None] = mapped_column(String(60))
    """E.g. a UMIN, jRCT or NCT number."""
    sponsor: Mapped[str | None] = mapped_column(String(200))
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=false())
    """Generated demonstration data, not from people: every report and export says so."""

    sites: Mapped[list[Site]] = relationship(back_populates="trial", order_by="Site.code")
    schedule: Mapped[list[ScheduledVisit]] = relationship(
        back_populates="trial", order_by="ScheduledVisit.order"
    )


class Site(Record):
    __tablename__ = "site"
    __table_args__ = (UniqueConstraint("trial_id", "code"),)

    trial_id: Mapped[int] = mapped_column(ForeignKey("trial.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))

    trial: Mapped[Trial] = relationship(back_populates="sites")


class ScheduledVisit(Record):
    """A named visit of the schedule: target day after its anchor, and allowed window."""

    __tablename__ = "scheduled_visit"
    __table_args__ = (
        UniqueConstraint("trial_id", "name"),
        CheckConstraint("window_before >= 0 AND window_after >= 0", name="window"),
    )

    trial_id: Mapped[int] = mapped_column(ForeignKey("trial.id"), index=True)
    order: Mapped[int] = mapped_column("position", Integer)
    name: Mapped[str] = mapped_column(String(60))
    anchor: Mapped[Anchor] = mapped_column(enum_column(Anchor))
    target_day: Mapped[int] = mapped_column(Integer)
    window_before: Mapped[int] = mapped_column(Integer, default=0)
    window_after: Mapped[int] = mapped_column(Integer, default=0)
    exam_required: Mapped[bool] = mapped_column(default=True)
    """Whether an ISNCSCI exam is scheduled at this visit (data-quality check)."""

    trial: Mapped[Trial] = relationship(back_populates="schedule")
