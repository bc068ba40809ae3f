"""The export format: its constants and results, the schema it is tied to, and how a
value is written to and read from its CSV files (see :mod:`regencord.services.transfer`)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    Float,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy import Enum as SqlEnum

import regencord.store.models  # noqa: F401  (registers every table)
from regencord.services.errors import ServiceError
from regencord.store.migrate import alembic_config
from regencord.store.models import Base
from regencord.store.models.audit import AUDIT_TABLE

FORMAT = "regencord-trial-export"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
NULL = "\\N"


class TransferError(ServiceError):
    """An export or import that cannot be done; nothing was written."""


@dataclass(frozen=True)
class FileEntry:
    name: str
    table: str
    rows: int
    sha256: str


@dataclass(frozen=True)
class TransferResult:
    trial: str
    schema_revision: str
    folder: Path
    files: tuple[FileEntry, ...]

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)


# --------------------------------------------------------------------------- schema


def schema_head() -> str:
    """The Alembic head revision of this version of regencord."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def database_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def export_tables() -> list[Table]:
    """Every table of the models, parents before children, the audit table last."""
    tables = [t for t in Base.metadata.sorted_tables if t.name != AUDIT_TABLE]
    tables = [t for t in tables if t.info.get("transfer", True)]  # not accounts
    return [*tables, Base.metadata.tables[AUDIT_TABLE]]


# --------------------------------------------------------------------------- encoding


def encode(value: object, column_type: object) -> str:
    """One value as its CSV text (see the module's docstring)."""
    if value is None:
        return NULL
    if isinstance(column_type, JSON):
        assert isinstance(value, str)  # selected as text
        return canonical_json(json.loads(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, datetime):
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return moment.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    text_value = str(value)
    return "\\" + text_value if text_value.startswith("\\") else text_value


def canonical_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def decode(field: str, column_type: object) -> Any:
    """A CSV field back to the value to insert (JSON: its text, cast in SQL)."""
    if field == NULL:
        return None
    if field.startswith("\\"):
        return field[1:]
    if isinstance(column_type, JSON):
        return canonical_json(json.loads(field))
    if isinstance(column_type, Boolean):
        if field not in ("true", "false"):
            raise ValueError("is not true or false")
        return field == "true"
    if isinstance(column_type, SqlEnum):
        enum_class = column_type.enum_class
        return enum_class(field) if enum_class is not None else field
    if isinstance(column_type, DateTime):
        moment = datetime.fromisoformat(field)
        if moment.tzinfo is None:
            raise ValueError("has no UTC offset")
        return moment.astimezone(UTC)
    if isinstance(column_type, Date):
        return date.fromisoformat(field)
    if isinstance(column_type, Integer):
        return int(field)
    if isinstance(column_type, Float):
        return float(field)
    if isinstance(column_type, String | Text):
        return field
    raise ValueError(f"has a column type regencord cannot import ({column_type})")


def csv_text(header: list[str], rows: Iterable[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def shown_url(connection: Connection) -> str:
    return connection.engine.url.render_as_string(hide_password=True)
