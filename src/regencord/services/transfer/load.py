"""Importing an export into an empty database, checked first, in one transaction."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    Engine,
    Integer,
    Table,
    Text,
    bindparam,
    cast,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError

import regencord.store.models  # noqa: F401  (registers every table)
from regencord.services.errors import FieldProblem, InvalidInput
from regencord.services.transfer.format import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    FileEntry,
    TransferError,
    TransferResult,
    canonical_json,
    database_revision,
    decode,
    export_tables,
    schema_head,
    shown_url,
)
from regencord.services.unit import DatabaseProblem, unit_of_work
from regencord.store.chain import (
    IMPORT_ACTION,
    append,
    block_digest,
    check_block,
    lock_connection,
)
from regencord.store.db import Database
from regencord.store.migrate import upgrade_connection
from regencord.store.models import Base
from regencord.store.models.audit import AUDIT_TABLE
from regencord.store.trail import check_values

# --------------------------------------------------------------------------- import


@dataclass(frozen=True)
class _Loaded:
    table: Table
    columns: list[str]
    rows: list[dict[str, Any]]


def _problem(record: str, field: str, value: object, message: str) -> FieldProblem:
    return FieldProblem(record, field, value, message)


def read_export(folder: Path) -> tuple[dict[str, Any], list[_Loaded]]:
    """The manifest and every table's decoded rows; every problem raised at once."""
    folder = Path(folder)
    record = f"export {folder}"
    manifest_path = folder / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput(
            [_problem(record, MANIFEST, None, "is missing: not a regencord export")]
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidInput([_problem(record, MANIFEST, None, f"cannot be read: {error}")]) from None
    problems: list[FieldProblem] = []
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InvalidInput([_problem(record, MANIFEST, None, f"is not a {FORMAT} manifest")])
    if manifest.get("format_version") != FORMAT_VERSION:
        problems.append(
            _problem(
                record,
                "format_version",
                manifest.get("format_version"),
                f"is not supported (this regencord reads {FORMAT_VERSION})",
            )
        )
    head = schema_head()
    if manifest.get("schema_revision") != head:
        problems.append(
            _problem(
                record,
                "schema_revision",
                manifest.get("schema_revision"),
                f"differs from this regencord's schema ({head}); import it with the "
                "regencord version that exported it, then upgrade",
            )
        )
    files = manifest.get("files")
    if not isinstance(files, dict):
        problems.append(_problem(record, "files", None, "is missing from the manifest"))
        files = {}
    loaded: list[_Loaded] = []
    tables = {t.name: t for t in export_tables()}
    for name, entry in sorted(files.items()):
        where = f"{record}, {name}"
        if not isinstance(entry, dict) or entry.get("table") not in tables:
            table_name = entry.get("table") if isinstance(entry, dict) else None
            problems.append(_problem(where, "table", table_name, "is not a table of regencord"))
            continue
        if Path(name).name != name or name != f"{entry['table']}.csv":
            problems.append(_problem(where, "(file)", name, "is not the table's file name"))
            continue
        try:
            data = (folder / name).read_bytes()
        except OSError as error:
            problems.append(_problem(where, "(file)", None, f"cannot be read: {error}"))
            continue
        if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            problems.append(
                _problem(where, "sha256", None, "does not match the manifest: the file changed")
            )
            continue
        table = tables[entry["table"]]
        try:
            parsed = _parse(table, data.decode("utf-8"), where)
        except InvalidInput as error:
            problems += error.problems
            continue
        except (UnicodeDecodeError, csv.Error) as error:
            problems.append(_problem(where, "(file)", None, f"cannot be read: {error}"))
            continue
        if len(parsed.rows) != entry.get("rows"):
            problems.append(
                _problem(
                    where,
                    "rows",
                    len(parsed.rows),
                    f"differs from the manifest's count ({entry.get('rows')})",
                )
            )
            continue
        loaded.append(parsed)
    if problems:
        raise InvalidInput(problems)
    order = {t.name: i for i, t in enumerate(export_tables())}
    loaded.sort(key=lambda item: order[item.table.name])
    return manifest, loaded


def _parse(table: Table, content: str, where: str) -> _Loaded:
    reader = csv.reader(io.StringIO(content, newline=""))
    header = next(reader, None)
    known = {c.name: c for c in table.columns}
    if header is None:
        raise InvalidInput([_problem(where, "(header)", None, "is missing")])
    unknown = [h for h in header if h not in known]
    missing = [c.name for c in table.columns if c.name not in header and not c.nullable]
    if unknown or missing or len(set(header)) != len(header):
        what = ", ".join(
            [f"unknown column {u}" for u in unknown] + [f"missing column {m}" for m in missing]
        )
        raise InvalidInput([_problem(where, "(header)", None, what or "repeats a column")])
    types = [known[h].type for h in header]
    rows: list[dict[str, Any]] = []
    problems: list[FieldProblem] = []
    for number, fields in enumerate(reader, start=2):
        if len(fields) != len(header):
            problems.append(
                _problem(
                    f"{where}, line {number}",
                    "(row)",
                    None,
                    f"has {len(fields)} fields, not {len(header)}",
                )
            )
            continue
        row: dict[str, Any] = {}
        for name, field, column_type in zip(header, fields, types, strict=True):
            try:
                row[name] = decode(field, column_type)
            except (ValueError, LookupError) as error:
                problems.append(_problem(f"{where}, line {number}", name, field, str(error)))
        rows.append(row)
        if len(problems) > 50:
            break
    if problems:
        raise InvalidInput(problems)
    return _Loaded(table, header, rows)


JSON_PARAM = "{}__json_text"


def _insert_statement(table: Table, columns: list[str], dialect: str) -> Any:
    """An INSERT of ``columns``; JSON values arrive as their text (see :func:`_json_rows`)."""
    values: dict[str, Any] = {}
    for name in columns:
        column = table.c[name]
        if isinstance(column.type, JSON):
            param = bindparam(JSON_PARAM.format(name), type_=Text)
            values[name] = cast(param, column.type) if dialect == "postgresql" else param
    return insert(table).values(values) if values else insert(table)


def _json_rows(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` with each JSON column's text under its parameter's name."""
    names = [c.name for c in table.columns if isinstance(c.type, JSON)]
    if not names:
        return rows
    out = []
    for row in rows:
        row = dict(row)
        for name in names:
            if name in row:
                row[JSON_PARAM.format(name)] = row.pop(name)
        out.append(row)
    return out


def _empty(connection: Connection) -> list[str]:
    """The tables of the models that hold rows."""
    return [
        t.name
        for t in export_tables()
        if connection.scalar(select(func.count()).select_from(t)) != 0
    ]


def _prepare_schema(connection: Connection) -> None:
    """Create the schema in a database without tables (in the import's transaction);
    refuse one at another revision."""
    names = set(inspect(connection).get_table_names())
    if not names & set(Base.metadata.tables):
        upgrade_connection(connection)
        return
    missing = set(Base.metadata.tables) - names
    if missing:
        raise DatabaseProblem(
            f"the database lacks tables ({', '.join(sorted(missing))}): upgrade it first",
            initialise=shown_url(connection),
        )
    revision = database_revision(connection)
    head = schema_head()
    if revision is not None and revision != head:
        raise DatabaseProblem(
            f"the database is at schema revision {revision}, not {head}: upgrade it first",
            initialise=shown_url(connection),
        )


def import_trial(db: Database, *, user: str, folder: Path) -> TransferResult:
    """Load an export into an empty database, in one transaction, ids as exported.

    Everything is checked first (see the module's docstring); a database holding any row
    is refused; a database without tables gets the current schema in the same transaction.
    The loaded rows must then pass the audit check (every exported audit row matches its
    hash; every value equals the last one its audit trail records); the import itself is
    recorded as an ``import`` audit row that chains the imported rows. On any failure
    nothing is left behind: no rows, no schema (and no new SQLite file).
    """
    manifest, loaded = read_export(Path(folder))
    engine = db.engine
    new_file = _new_sqlite_file(engine)
    try:
        with unit_of_work(db, user=user) as session:
            try:
                _load(session.connection(), manifest, loaded, user=user, folder=Path(folder))
            except DBAPIError as error:
                detail = str(error.orig or error).strip().splitlines()[0]
                raise TransferError(
                    f"the export could not be loaded: the database refused it ({detail}); "
                    "nothing was imported"
                ) from None
    except BaseException:
        _remove(new_file, engine)
        raise
    files = tuple(
        FileEntry(name, e["table"], e["rows"], e["sha256"])
        for name, e in sorted(manifest["files"].items())
    )
    return TransferResult(manifest["trial"], manifest["schema_revision"], Path(folder), files)


def _load(
    connection: Connection,
    manifest: Mapping[str, Any],
    loaded: list[_Loaded],
    *,
    user: str,
    folder: Path,
) -> None:
    audit_rows = sorted(
        (row for item in loaded if item.table.name == AUDIT_TABLE for row in item.rows),
        key=lambda row: int(row["id"]),
    )
    broken = check_block(audit_rows).problem  # each exported audit row matches its hash
    if broken:
        raise TransferError(f"the export's audit trail is broken: {broken}; nothing was imported")
    lock_connection(connection)
    _prepare_schema(connection)
    dialect = connection.dialect.name
    used = _empty(connection)
    if used:
        raise TransferError(
            "the database is not empty (rows in " + ", ".join(used) + "): "
            "import only into a new database"
        )
    for item in loaded:
        if item.rows:
            statement = _insert_statement(item.table, item.columns, dialect)
            connection.execute(statement, _json_rows(item.table, item.rows))
    if dialect == "postgresql":
        _reset_sequences(connection, [item.table for item in loaded])
    problem = check_values(connection).problem
    if problem:
        raise TransferError(
            f"the export does not match its audit trail: {problem}; nothing was imported"
        )
    trial = manifest["trial"]
    last = int(audit_rows[-1]["id"]) if audit_rows else 0
    append(
        connection,
        previous=block_digest(row["row_hash"] for row in audit_rows),
        user_name=user,
        action=IMPORT_ACTION,
        table_name=AUDIT_TABLE,
        record_id=last,
        new_value=canonical_json(
            {
                "trial": trial,
                "rows": sum(len(item.rows) for item in loaded),
                "schema_revision": manifest["schema_revision"],
                "regencord_version": manifest.get("regencord_version"),
            }
        ),
        reason=f"trial {trial} imported from {folder.name} (audit rows 1-{last} as exported)",
    )


def _new_sqlite_file(engine: Engine) -> Path | None:
    """The SQLite file the import would create (``None``: it exists, or not SQLite)."""
    name = engine.url.database
    if engine.dialect.name != "sqlite" or not name or name == ":memory:":
        return None
    path = Path(name)
    return None if path.exists() else path


def _remove(path: Path | None, engine: Engine) -> None:
    """Remove the SQLite file a failed import created."""
    if path is None:
        return
    engine.dispose()
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        leftover.unlink(missing_ok=True)


def _reset_sequences(connection: Connection, tables: Iterable[Table]) -> None:
    """Move each id sequence past the highest imported id (PostgreSQL)."""
    preparer = connection.dialect.identifier_preparer
    for table in tables:
        for column in table.primary_key.columns:
            if not isinstance(column.type, Integer):
                continue
            quoted = preparer.format_table(table)
            sequence = connection.scalar(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": quoted, "column": column.name},
            )
            if sequence is None:
                continue
            connection.execute(
                text(
                    f"SELECT setval(:sequence, COALESCE(MAX({preparer.quote(column.name)}), 1), "
                    f"MAX({preparer.quote(column.name)}) IS NOT NULL) FROM {quoted}"
                ),
                {"sequence": sequence},
            )


def iter_rows(folder: Path, table: str) -> Iterator[list[str]]:
    """The raw CSV rows of one exported table, header first (for tests and tools)."""
    with (Path(folder) / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        yield from csv.reader(handle)
