"""Visits of the schedule as they happened: date, or missed with a reason; and the lock
that freezes a visit with its exams and measures.

Whether a visit was in its window is not stored: it follows from the schedule and the
anchor date (:mod:`regencord.services.visits`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    String,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, Session, UOWTransaction, mapped_column, relationship

from regencord.store.models.base import Record
from regencord.store.models.participant import Participant
from regencord.store.models.trial import ScheduledVisit


class Visit(Record):
    """A scheduled visit of one participant: done on ``actual_date``, or missed."""

    __tablename__ = "visit"
    __table_args__ = (
        UniqueConstraint("participant_id", "scheduled_visit_id"),
        CheckConstraint(
            "(missed AND actual_date IS NULL AND missed_reason IS NOT NULL)"
            " OR (NOT missed AND actual_date IS NOT NULL)",
            name="done_or_missed",
        ),
        CheckConstraint(
            "NOT locked OR (locked_by IS NOT NULL AND locked_at IS NOT NULL)", name="lock"
        ),
    )

    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    scheduled_visit_id: Mapped[int] = mapped_column(ForeignKey("scheduled_visit.id"), index=True)
    actual_date: Mapped[date | None] = mapped_column(Date)
    missed: Mapped[bool] = mapped_column(Boolean, default=False)
    missed_reason: Mapped[str | None] = mapped_column(String(500))
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    """A locked visit, its exams and its measures refuse changes until unlocked."""
    locked_by: Mapped[str | None] = mapped_column(String(100))
    locked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    participant: Mapped[Participant] = relationship()
    scheduled: Mapped[ScheduledVisit] = relationship()

    @property
    def lock_visit(self) -> Visit:
        return self


class RecordLocked(ValueError):
    """A change to a locked visit or to one of its exams or measures reached the store."""

    def __init__(self, table: str, record_id: int | None, visit: Visit) -> None:
        self.table, self.record_id, self.visit = table, record_id, visit
        what = f"{table} {record_id}" if record_id is not None else f"a new {table}"
        super().__init__(
            f"{what}: visit {visit.id} is locked (by {visit.locked_by}); unlock it first"
        )


def _lock_of(obj: Any) -> Visit | None:
    """The visit whose lock governs ``obj`` (a visit, exam or measure), if any."""
    try:
        visit = obj.lock_visit
    except AttributeError:
        return None
    return visit if isinstance(visit, Visit) else None


@event.listens_for(Session, "before_flush")
def _refuse_locked(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    """Last line of defence behind the services' checks: nothing under a lock changes,
    except the lock itself (locking and unlocking a visit)."""
    for obj in [*session.new, *session.dirty, *session.deleted]:
        visit = _lock_of(obj)
        if visit is None or not (visit.locked or _was_locked(visit)):
            continue
        if obj is visit and inspect(visit).attrs["locked"].history.has_changes():
            continue  # locking or unlocking
        if obj in session.dirty and not session.is_modified(obj):
            continue
        raise RecordLocked(getattr(obj, "__tablename__", "record"), obj.id, visit)


def _was_locked(visit: Visit) -> bool:
    history = inspect(visit).attrs["locked"].history
    return bool(history.deleted and history.deleted[0])
