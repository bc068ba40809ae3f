"""Helpers of the store tests: reading the audit trail, making a trial."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from regencord.store.db import Database
from regencord.store.models import AuditEntry, Trial


def as_utc(moment: datetime) -> datetime:
    """An audit time as an aware UTC datetime (SQLite hands back naive UTC datetimes)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def audit_rows(
    db: Database, *, table: str | None = None, record_id: int | None = None
) -> list[AuditEntry]:
    """Audit rows in the order written, optionally of one table and record."""
    query = select(AuditEntry).order_by(AuditEntry.id)
    if table is not None:
        query = query.where(AuditEntry.table == table)
    if record_id is not None:
        query = query.where(AuditEntry.record_id == record_id)
    with db.transaction(user="reader") as session:
        return list(session.scalars(query))


def audit_count(db: Database) -> int:
    with db.transaction(user="reader") as session:
        return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def add_trial(db: Database, code: str = "T1", *, user: str = "alice") -> int:
    """A trial written straight through the store; returns its id."""
    with db.transaction(user=user) as session:
        trial = Trial(code=code, title=f"Trial {code}", phase="1/2")
        session.add(trial)
        session.flush()
        return trial.id


def load_trial(db: Database, trial_id: int) -> Trial:
    with db.transaction(user="reader") as session:
        trial = session.get(Trial, trial_id)
        assert trial is not None
        return trial
