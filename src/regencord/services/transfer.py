"""Use cases: export one trial to a folder of CSV files, and import such a folder into an
empty database, losslessly (export → import → export gives the same files, byte for byte).

What is exported: the ``trial`` row and every row that hangs from it through foreign keys
(sites, schedule, participants, eligibility, visits, exams, measures, transplants,
immunosuppression, adverse events, imaging, rehabilitation, …), the rows those rows refer
to outside the trial (the lots transplanted and their cell lines) with *their* dependent
rows (QC results, release decisions), soft-deleted rows included, with ids, versions and
timestamps; and the audit rows of every exported record as ``audit_log.csv``. Which tables
are reached is derived from the foreign keys of the models, so a new model that refers to
one of these tables is exported without changes here.

The folder holds one ``<table>.csv`` per table (header: the database column names; rows
ordered by id) and ``manifest.json``: format version, regencord version, schema revision
(the Alembic head), trial code, and per file its table, row count and SHA-256.

CSV encoding (UTF-8 without BOM, ``\\n`` line ends, fields quoted only where needed):

* **NULL** is ``\\N`` (as in PostgreSQL's COPY); the empty string is an empty field. A text
  value starting with a backslash gets one more in front (``\\N`` as text is ``\\\\N``).
* **dates** ``YYYY-MM-DD``; **datetimes** ISO 8601 in UTC with microseconds,
  ``2024-01-31T09:15:00.000000+00:00`` (SQLite keeps them as naive UTC; read as UTC).
* **booleans** ``true`` / ``false``; **integers** in decimal; **floats** by Python's
  ``repr`` (the shortest text that reads back to the same double).
* **enums** by their stored value (``enrolled``, ``X-ray``).
* **JSON** as compact JSON with sorted keys, non-ASCII kept (``{"a":1,"b":[2,3]}``); a
  JSON ``null`` is ``null``, a SQL NULL is ``\\N``.

Import verifies everything before writing anything: the manifest, every file's checksum
and row count, the schema revision, the headers, and every value; then, in one transaction
(the schema of a database without tables included), it inserts every row through
SQLAlchemy Core (the exported audit rows are loaded as they were, with their hashes),
parents before children, on PostgreSQL moves each id sequence past the highest id, and
checks the audit trail: every audit row matches its hash, and every audited value equals
the last value its audit trail records (a checksum recomputed after an edit does not
hide the edit). Only then is the import itself appended to the audit trail (an ``import``
row of table ``audit_log`` that chains the imported rows, see
:mod:`regencord.store.chain`; it belongs to no trial, so a re-export is byte-identical).
Any failure rolls everything back: no rows, no schema, and no new SQLite file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator, Mapping
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
    ColumnElement,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    Select,
    String,
    Table,
    Text,
    and_,
    bindparam,
    cast,
    false,
    func,
    insert,
    inspect,
    or_,
    select,
    text,
)
from sqlalchemy import Enum as SqlEnum
from sqlalchemy.exc import DBAPIError

import regencord.store.models  # noqa: F401  (registers every table)
from regencord import __version__
from regencord.services.errors import FieldProblem, InvalidInput, NotFound, ServiceError
from regencord.services.files import staged_folder
from regencord.store.chain import (
    IMPORT_ACTION,
    append,
    block_digest,
    check_block,
    lock_connection,
)
from regencord.store.db import Database
from regencord.store.migrate import alembic_config, upgrade_connection
from regencord.store.models import Base
from regencord.store.models.audit import AUDIT_TABLE
from regencord.store.trail import check_values

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
class TransferReport:
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


def _database_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _tables() -> list[Table]:
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


def _csv_text(header: list[str], rows: Iterable[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


# --------------------------------------------------------------------------- export


def trial_scope(trial_code: str) -> dict[Table, ColumnElement[bool]]:
    """For each table holding rows of the trial, the condition selecting them.

    Children first: a table is in scope when one of its foreign keys points into scope
    (any of them). Then parents outside the trial (lots, cell lines) are taken in for the
    rows that refer to them, and their own children in turn.
    """
    tables = [t for t in _tables() if t.name != AUDIT_TABLE]
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


def export_trial(db: Database, *, trial_code: str, folder: Path) -> TransferReport:
    """Write the trial's rows to ``folder`` (created; refused when it exists and is not
    empty). The files appear all at once: they are written beside it and moved in."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise TransferError(f"{folder} exists and is not an empty folder")
    head = schema_head()
    scope = trial_scope(trial_code)
    files: list[FileEntry] = []
    contents: dict[str, bytes] = {}
    engine = db.engine
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with engine.connect().execution_options(**options) as connection, connection.begin():
        revision = _database_revision(connection)
        if revision is not None and revision != head:
            raise TransferError(
                f"the database is at schema revision {revision}, not {head}: "
                "run `regencord init` to upgrade it first"
            )
        trial = Base.metadata.tables["trial"]
        if connection.scalar(select(func.count()).where(trial.c.code == trial_code)) == 0:
            raise NotFound(f"trial {trial_code!r} does not exist")
        for table in _tables():
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
            contents[name] = _csv_text([c.name for c in table.columns], rows)
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
    return TransferReport(trial_code, head, folder, tuple(files))


def _write_folder(folder: Path, contents: Mapping[str, bytes]) -> None:
    with staged_folder(folder) as staging:
        for name, data in contents.items():
            (staging / name).write_bytes(data)


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
    tables = {t.name: t for t in _tables()}
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
    order = {t.name: i for i, t in enumerate(_tables())}
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
        t.name for t in _tables() if connection.scalar(select(func.count()).select_from(t)) != 0
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
        raise TransferError(
            f"the database lacks tables ({', '.join(sorted(missing))}): "
            "run `regencord init` to upgrade it first"
        )
    revision = _database_revision(connection)
    head = schema_head()
    if revision is not None and revision != head:
        raise TransferError(
            f"the database is at schema revision {revision}, not {head}: "
            "run `regencord init` to upgrade it first"
        )


def import_trial(db: Database, *, folder: Path, user: str = "(import)") -> TransferReport:
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
        with engine.begin() as connection:
            _load(connection, manifest, loaded, user=user, folder=Path(folder))
    except DBAPIError as error:
        _remove(new_file, engine)
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
    return TransferReport(manifest["trial"], manifest["schema_revision"], Path(folder), files)


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


__all__ = [
    "FileEntry",
    "TransferError",
    "TransferReport",
    "canonical_json",
    "decode",
    "encode",
    "export_trial",
    "import_trial",
    "read_export",
    "schema_head",
    "trial_scope",
]
