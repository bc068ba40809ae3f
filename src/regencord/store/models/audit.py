"""The audit trail: one append-only row per changed field of a clinical record.

The database itself refuses UPDATE and DELETE on it (triggers on SQLite and PostgreSQL),
and each row carries the hash chain that shows any later change (:mod:`regencord.store.chain`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, DateTime, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from regencord.store.models.base import Base, utcnow

AUDIT_TABLE = "audit_log"


class AuditEntry(Base):
    __tablename__ = AUDIT_TABLE

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user: Mapped[str] = mapped_column("user_name", String(100))
    action: Mapped[str] = mapped_column(String(20))
    """insert, update, delete (soft), lock, unlock."""
    table: Mapped[str] = mapped_column("table_name", String(64), index=True)
    record_id: Mapped[int] = mapped_column(Integer, index=True)
    field: Mapped[str | None] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(String(500))
    previous_hash: Mapped[str | None] = mapped_column(String(64))
    """The ``row_hash`` of the row before this one (see :mod:`regencord.store.chain`)."""
    row_hash: Mapped[str | None] = mapped_column(String(64))
    """SHA-256 of this row's content and ``previous_hash``."""


def append_only_ddl(dialect: str) -> list[str]:
    """Statements that make the audit table refuse UPDATE and DELETE."""
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER {AUDIT_TABLE}_no_{op.lower()} BEFORE {op} ON {AUDIT_TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{AUDIT_TABLE} is append-only'); END"
            for op in ("UPDATE", "DELETE")
        ]
    if dialect == "postgresql":
        return [
            "CREATE OR REPLACE FUNCTION regencord_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$ LANGUAGE plpgsql",
            f"CREATE TRIGGER {AUDIT_TABLE}_append_only BEFORE UPDATE OR DELETE ON {AUDIT_TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION regencord_append_only()",
        ]
    return []


for _dialect in ("sqlite", "postgresql"):
    for _statement in append_only_ddl(_dialect):
        event.listen(
            AuditEntry.__table__,
            "after_create",
            DDL(_statement.replace("%", "%%")).execute_if(dialect=_dialect),  # type: ignore[no-untyped-call]
        )
