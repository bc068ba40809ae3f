"""Do the records say what their audit trail says? For every audited field of every record,
the current value must equal the last value the audit trail recorded for it.

A field the trail never mentions must be empty (an insert records every value that is not
NULL) or hold its column's default (a column added by a later migration to records
already there). Values are compared as :func:`regencord.store.audit.text_of` wrote them,
allowing for what a database round trip changes without changing the value (``1`` stored
in a float column reads back as ``1.0``; SQLite hands back naive UTC times; JSON tuples
read back as lists; older rows hold JSON values as Python's ``repr``).
"""

from __future__ import annotations

import ast
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Column, Connection, Select, Table, select

from regencord.store.audit import IGNORED, text_of
from regencord.store.models.audit import AuditEntry
from regencord.store.models.base import Base, Record

Last = dict[tuple[str, int, str], tuple[int, str | None]]
"""(table, record id, field) -> (id, value) of the field's last audit row."""


@dataclass(frozen=True)
class ValueCheck:
    records: int
    problem: str | None
    """The first record found whose value differs from its audit trail."""


def audited_models() -> list[type[Record]]:
    """Every audited (``Record``) model, by table name."""
    models = [m.class_ for m in Base.registry.mappers if issubclass(m.class_, Record)]
    return sorted(models, key=lambda model: model.__tablename__)


def _last_values(connection: Connection, tables: set[str] | None) -> Last:
    """(table, record, field) -> (audit row id, value) of the field's last audit row."""
    audit = cast(Table, AuditEntry.__table__)
    query = (
        select(audit.c.id, audit.c.table_name, audit.c.record_id, audit.c.field, audit.c.new_value)
        .where(audit.c.field.is_not(None))
        .order_by(audit.c.id)
    )
    if tables is not None:
        query = query.where(audit.c.table_name.in_(sorted(tables)))
    last: Last = {}
    for row in connection.execute(query.execution_options(yield_per=5000)):
        last[(row.table_name, row.record_id, row.field)] = (row.id, row.new_value)
    return last


def _default_text(column: Column[Any]) -> str | None:
    default = column.default
    if default is not None and getattr(default, "is_scalar", False):
        return text_of(getattr(default, "arg", None))
    return None


def same_value(recorded: str | None, current: object) -> bool:
    """Whether the audit trail's text ``recorded`` stands for the value ``current``."""
    if current is None or recorded is None:
        return current is None and recorded is None
    if text_of(current) == recorded:
        return True
    try:
        if isinstance(current, datetime):
            then = datetime.fromisoformat(recorded)
            return _utc(then) == _utc(current)
        if isinstance(current, bool):
            return False
        if isinstance(current, int | float):
            return float(recorded) == float(current)
        if isinstance(current, dict | list):
            if recorded[:2] in ('{"', "[]", "{}") or recorded[:1] == "[":
                try:
                    return bool(json.loads(recorded) == current)
                except ValueError:
                    pass
            # Older rows hold Python's repr of the value.
            return bool(json.loads(json.dumps(ast.literal_eval(recorded))) == current)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
    return False


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _short(text: str | None) -> str:
    if text is None:
        return "nothing"
    return repr(text if len(text) <= 60 else text[:57] + "...")


def check_values(
    connection: Connection,
    scope: Mapping[str, Select[Any]] | None = None,
) -> ValueCheck:
    """Compare every audited field with its audit trail; ``scope``: per table, the ids to
    check (the other tables are skipped); ``None``: every record."""
    models = audited_models()
    if scope is not None:
        models = [m for m in models if m.__tablename__ in scope]
    last = _last_values(connection, {m.__tablename__ for m in models} if scope else None)
    records = 0
    for model in models:
        table = cast(Table, model.__table__)
        fields = [
            (attr.key, cast(Column[Any], attr.columns[0]))
            for attr in model.__mapper__.column_attrs
            if attr.key not in IGNORED
        ]
        query = select(table.c.id, *(column for _, column in fields)).order_by(table.c.id)
        if scope is not None:
            query = query.where(table.c.id.in_(scope[model.__tablename__]))
        for row in connection.execute(query.execution_options(yield_per=2000)):
            records += 1
            problem = _problem(model.__tablename__, row, fields, last)
            if problem:
                return ValueCheck(records, problem)
    return ValueCheck(records, None)


def _problem(
    name: str, row: Sequence[Any], fields: list[tuple[str, Column[Any]]], last: Last
) -> str | None:
    for position, (key, column) in enumerate(fields, start=1):
        current = row[position]
        audit_id, recorded = last.get((name, row[0], key), (None, None))
        if audit_id is None:
            if current is None or text_of(current) == _default_text(column):
                continue
            return (
                f"{name} {row[0]}: {key} is {_short(text_of(current))} but its audit trail "
                "records no value for it"
            )
        if not same_value(recorded, current):
            return (
                f"{name} {row[0]}: {key} is {_short(text_of(current))} but its audit trail "
                f"last recorded {_short(recorded)} (audit row {audit_id})"
            )
    return None
