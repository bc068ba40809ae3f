"""Data quality: each trial's check settings, and the queries a failed check opens on a
record, with every step of their handling (open → answered → closed).

All three are :class:`Record`\\ s, so every setting and every step is in the audit trail.
Which checks exist, and what they look at, is :mod:`regencord.services.quality`.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from regencord.store.models.base import Record, utcnow
from regencord.store.models.participant import Participant
from regencord.store.models.trial import Trial, enum_column


class QueryState(Enum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


class CheckSetting(Record):
    """A trial's setting of one built-in check: on or off, and its parameters (JSON object;
    a parameter left out takes the check's default)."""

    __tablename__ = "check_setting"
    __table_args__ = (UniqueConstraint("trial_id", "code"),)

    trial_id: Mapped[int] = mapped_column(ForeignKey("trial.id"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    enabled: Mapped[bool] = mapped_column(default=True)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    trial: Mapped[Trial] = relationship()


class Query(Record):
    """A question about one record raised by a failed check.

    ``table_name`` and ``record_id`` name the record the check found wrong (for a missing
    exam: the ``scheduled_visit``, with the participant).
    """

    __tablename__ = "data_query"

    trial_id: Mapped[int] = mapped_column(ForeignKey("trial.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    table_name: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int] = mapped_column(Integer)
    check_code: Mapped[str] = mapped_column(String(60), index=True)
    message: Mapped[str] = mapped_column(String(1000))
    state: Mapped[QueryState] = mapped_column(
        enum_column(QueryState), default=QueryState.OPEN, index=True
    )

    trial: Mapped[Trial] = relationship()
    participant: Mapped[Participant] = relationship()
    steps: Mapped[list[QueryStep]] = relationship(
        back_populates="query", order_by="(QueryStep.at, QueryStep.id)"
    )


class QueryStep(Record):
    """One step of a query: who, when, what they wrote, and the state it left."""

    __tablename__ = "data_query_step"

    query_id: Mapped[int] = mapped_column(ForeignKey("data_query.id"), index=True)
    user_name: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[QueryState] = mapped_column(enum_column(QueryState))

    query: Mapped[Query] = relationship(back_populates="steps")
