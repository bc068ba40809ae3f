"""Writing the audit trail: every insert, update and soft deletion of a clinical record.

A session's ``info["user"]`` and ``info["reason"]`` say who changed what and why. A value
changed after it was first saved needs a reason; the change is refused without one.

Rows are hash-chained as they are written (:mod:`regencord.store.chain`): before a flush
writes anything the writer lock is taken, and every audit row, whether written here or
added as an ``AuditEntry`` object, follows the chain's head.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, cast

from sqlalchemy import ColumnElement, Connection, Table, event, insert, inspect, select
from sqlalchemy.orm import Mapper, Session, UOWTransaction, object_session

from regencord.store.chain import forget_head, lock_writers, seal
from regencord.store.models.audit import AuditEntry
from regencord.store.models.base import Record, utcnow

IGNORED = frozenset({"id", "version", "created_at", "updated_at"})
"""Bookkeeping columns the audit trail leaves out."""


class ReasonRequired(ValueError):
    """A saved value was changed without a reason."""

    def __init__(self, table: str, record_id: int, fields: list[str]) -> None:
        self.table, self.record_id, self.fields = table, record_id, fields
        super().__init__(
            f"{table} {record_id}: changing {', '.join(fields)} needs a reason (--reason)"
        )


def text_of(value: object) -> str | None:
    """How a value is written into the audit trail (JSON values as canonical JSON; rows
    written before 2026-12 hold Python's ``repr`` of them)."""
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | int | float | bool | str):
        return str(value)
    if isinstance(value, dict | list | tuple):
        try:  # JSON values: canonical JSON, which reads back the same after any round trip
            return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError):
            pass
    return repr(value)


def _saved_value(session: Session, record: Record, column: ColumnElement[Any]) -> Any:
    """The value of ``column`` as saved in the database (not yet updated: before flush)."""
    state = inspect(record)
    key = state.identity
    assert key is not None
    match = [pk == value for pk, value in zip(state.mapper.primary_key, key, strict=True)]
    return session.connection().execute(select(column).where(*match)).scalar_one_or_none()


def _changes(session: Session, record: Record) -> list[tuple[str, Any, Any]]:
    state = inspect(record)
    out = []
    for attr in state.mapper.column_attrs:
        if attr.key in IGNORED:
            continue
        history = state.attrs[attr.key].history
        if history.has_changes():
            if history.deleted:
                old = history.deleted[0]
            elif state.key is not None:
                # Set while not loaded (expired, e.g. after a savepoint rollback): SQLAlchemy
                # kept no old value, so read the saved one.
                old = _saved_value(session, record, attr.columns[0])
            else:
                old = None
            new = history.added[0] if history.added else None
            if text_of(old) != text_of(new):
                out.append((attr.key, old, new))
    return out


@event.listens_for(Session, "before_flush")
def _collect(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    # A fresh list each flush: a flush that failed (and was rolled back, e.g. to a
    # savepoint) must not leave its rows to be written by the next one.
    pending: list[tuple[str, Record, list[tuple[str, Any, Any]]]] = []
    session.info["audit_pending"] = pending
    forget_head(session)
    reason = session.info.get("reason")
    for obj in session.dirty:
        if not isinstance(obj, Record) or not session.is_modified(obj):
            continue
        changes = _changes(session, obj)
        if not changes:
            continue
        deleting = any(field == "deleted_at" and new is not None for field, _, new in changes)
        if not reason:
            raise ReasonRequired(obj.__tablename__, obj.id, [c[0] for c in changes])
        pending.append(("delete" if deleting else "update", obj, changes))
    for obj in session.new:
        if isinstance(obj, Record):
            pending.append(("insert", obj, []))
    for obj in session.deleted:
        if isinstance(obj, Record):
            raise ValueError(
                f"{obj.__tablename__} {obj.id}: clinical records are never deleted; "
                "soft-delete them with a reason"
            )
    if pending or any(isinstance(obj, AuditEntry) for obj in session.new):
        lock_writers(session)  # before this flush writes anything: no fork of the chain


@event.listens_for(AuditEntry, "before_insert")
def _seal_entry(_mapper: Mapper[Any], _connection: Connection, entry: AuditEntry) -> None:
    """An ``AuditEntry`` added as an object joins the chain like the rows written below."""
    session = object_session(entry)
    assert session is not None
    entry.at = entry.at or utcnow()
    row: dict[str, Any] = {
        "at": entry.at,
        "user_name": entry.user,
        "action": entry.action,
        "table_name": entry.table,
        "record_id": entry.record_id,
        "field": entry.field,
        "old_value": entry.old_value,
        "new_value": entry.new_value,
        "reason": entry.reason,
    }
    seal(session, [row])
    entry.previous_hash, entry.row_hash = row["previous_hash"], row["row_hash"]


@event.listens_for(Session, "after_flush")
def _write(session: Session, _flush: UOWTransaction) -> None:
    pending = session.info.pop("audit_pending", [])
    if not pending:
        return
    user = session.info.get("user") or "unknown"
    reason = session.info.get("reason")
    rows: list[dict[str, Any]] = []
    now = utcnow()
    for action, obj, changes in pending:
        base = {
            "at": now,
            "user_name": user,
            "action": action,
            "table_name": obj.__tablename__,
            "record_id": obj.id,
            "reason": reason if action != "insert" else session.info.get("insert_reason"),
        }
        if action == "insert":
            state = inspect(obj)
            for attr in state.mapper.column_attrs:
                if attr.key in IGNORED:
                    continue
                value = getattr(obj, attr.key)
                if value is not None:
                    new = text_of(value)
                    rows.append(base | {"field": attr.key, "old_value": None, "new_value": new})
        else:
            for field, old, new in changes:
                values = {"field": field, "old_value": text_of(old), "new_value": text_of(new)}
                rows.append(base | values)
    if rows:
        seal(session, rows)
        session.connection().execute(insert(cast(Table, AuditEntry.__table__)), rows)


def install() -> None:
    """The listeners are installed on import; this function makes the dependency explicit."""
