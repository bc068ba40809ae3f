"""Exporting a trial: the rows in its scope, one CSV per table, and the manifest."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Select,
    Table,
    Text,
    and_,
    cast,
    false,
    func,
    or_,
    select,
)

import regencord.store.models  # noqa: F401  (registers every table)
from regencord import __version__
from regencord.services.errors import NotFound
from regencord.services.files import staged_folder
from regencord.services.transfer.format import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    FileEntry,
    TransferError,
    TransferResult,
    csv_text,
    database_revision,
    encode,
    export_tables,
    schema_head,
    shown_url,
)
from regencord.services.unit import DatabaseProblem, read_unit
from regencord.store.db import Database
from regencord.store.models import Base
from regencord.store.models.audit import AUDIT_TABLE

# --------------------------------------------------------------------------- export


def trial_scope(trial_code: str) -> dict[Table, ColumnElement[bool]]:
    """For each table holding rows of the trial, the condition selecting them.

    Children first: a table is in scope when one of its foreign keys points into scope
    (any of them). Then parents outside the trial (lots, cell lines) are taken in for the
    rows that refer to them, and their own children in turn.
    """
    tables = [t for t in export_tables() if t.name != AUDIT_TABLE]
    trial = Base.metadata.tables["trial"]
    scope: dict[Table, ColumnElement[bool]] = {trial: trial.c.code == trial_code}

    def ids(table: Table) -> Select[Any]:
        return select(table.c.id).where(scope[table])

    changed = True
    while changed:
        changed = False
        for table in tables:  # children of tables in scope
            if table in scope:
                continue
            conditions = [
                fk.parent.in_(ids(fk.column.table))
                for fk in sorted(table.foreign_keys, key=lambda f: f.parent.name)
                if fk.column.table in scope
            ]
            if conditions:
                scope[table] = or_(*conditions)
                changed = True
        if changed:
            continue
        for table in tables:  # parents of rows in scope
            if table in scope:
                continue
            referring = [
                fk.column.in_(select(fk.parent).where(scope[child]))
                for child in list(scope)
                for fk in sorted(child.foreign_keys, key=lambda f: f.parent.name)
                if fk.column.table is table
            ]
            if referring:
                scope[table] = or_(*referring)
                changed = True
                break
    return scope


def _select_text(table: Table, condition: ColumnElement[bool]) -> Select[Any]:
    columns = [cast(c, Text) if isinstance(c.type, JSON) else c for c in table.columns]
    return select(*columns).where(condition).order_by(*table.primary_key.columns)


def _audit_condition(scope: Mapping[Table, ColumnElement[bool]]) -> ColumnElement[bool]:
    audit = Base.metadata.tables[AUDIT_TABLE]
    per_table = [
        and_(audit.c.table_name == table.name, audit.c.record_id.in_(select(table.c.id).where(c)))
        for table, c in scope.items()
    ]
    return or_(*per_table) if per_table else false()


def export_trial(db: Database, *, user: str, trial_code: str, folder: Path) -> TransferResult:
    """Write the trial's rows to ``folder`` (created; refused when it exists and is not
    empty). The files appear all at once: they are written beside it and moved in."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise TransferError(f"{folder} exists and is not an empty folder")
    head = schema_head()
    scope = trial_scope(trial_code)
    files: list[FileEntry] = []
    contents: dict[str, bytes] = {}
    with read_unit(db, user=user) as session:  # one snapshot (REPEATABLE READ on PostgreSQL)
        connection = session.connection()
        revision = database_revision(connection)
        if revision is not None and revision != head:
            raise DatabaseProblem(
                f"the database is at schema revision {revision}, not {head}: upgrade it first",
                initialise=shown_url(connection),
            )
        trial = Base.metadata.tables["trial"]
        if connection.scalar(select(func.count()).where(trial.c.code == trial_code)) == 0:
            raise NotFound(f"trial {trial_code!r} does not exist")
        for table in export_tables():
            if table.name == AUDIT_TABLE:
                condition = _audit_condition(scope)
            elif table in scope:
                condition = scope[table]
            else:
                continue
            types = [c.type for c in table.columns]
            rows = [
                [encode(v, t) for v, t in zip(row, types, strict=True)]
                for row in connection.execute(_select_text(table, condition))
            ]
            name = f"{table.name}.csv"
            contents[name] = csv_text([c.name for c in table.columns], rows)
            digest = hashlib.sha256(contents[name]).hexdigest()
            files.append(FileEntry(name, table.name, len(rows), digest))
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "regencord_version": __version__,
        "schema_revision": head,
        "trial": trial_code,
        "files": {f.name: {"table": f.table, "rows": f.rows, "sha256": f.sha256} for f in files},
    }
    contents[MANIFEST] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    _write_folder(folder, contents)
    return TransferResult(trial_code, head, folder, tuple(files))


def _write_folder(folder: Path, contents: Mapping[str, bytes]) -> None:
    with staged_folder(folder) as staging:
        for name, data in contents.items():
            (staging / name).write_bytes(data)
