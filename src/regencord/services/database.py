"""Use cases: open the trial database (saying plainly what is wrong with it), and create or
upgrade it.

:func:`open_database` checks, before any command runs, that the URL names a database
regencord works with (SQLite or PostgreSQL), that it can be reached, and — unless the
command is about to create the schema — that it holds regencord's tables at the current
schema revision. A command that only reads never creates a file.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from regencord.services.unit import DatabaseProblem
from regencord.store.db import Database as Database  # re-exported: the handle front ends pass
from regencord.store.db import database_url
from regencord.store.revision import SCHEMA_HEAD, VERSION_TABLE

BACKENDS = ("sqlite", "postgresql")
EXAMPLES = "sqlite:///trial.db or postgresql://user@host/dbname"


def initialise(db: Database) -> str:
    """Bring the database to the current schema; returns the schema revision."""
    from regencord.store.migrate import upgrade  # Alembic: only when the schema changes

    try:
        return upgrade(db.engine)
    except DBAPIError as error:
        raise DatabaseProblem(f"cannot create the schema: {_first_line(error)}") from None


def open_database(url: str | None, *, create: bool = False) -> Database:
    """The database at ``url`` (``None``: ``$REGENCORD_DATABASE_URL``, else the default),
    checked: reachable, and (unless ``create``) initialised at the current schema.

    Raises :class:`DatabaseProblem` with one line saying what is wrong and what to do.
    """
    if url is not None and not url.strip():
        raise DatabaseProblem(f"the database URL is empty: give one, e.g. {EXAMPLES}", field="url")
    try:
        resolved = database_url(url)
        parsed = make_url(resolved)
    except ArgumentError:
        raise DatabaseProblem(
            f"{url!r} is not a database URL (e.g. {EXAMPLES})", field="url"
        ) from None
    given = make_url(url) if url else parsed
    shown = given.render_as_string(hide_password=True)
    if parsed.get_backend_name() not in BACKENDS:
        raise DatabaseProblem(
            f"{parsed.get_backend_name()!r} databases are not supported: "
            f"use SQLite or PostgreSQL (e.g. {EXAMPLES})"
        )
    if parsed.get_backend_name() == "sqlite" and not _sqlite_file_exists(
        parsed, create=create, shown=shown
    ):
        return Database(resolved)  # to be created: nothing to check, nothing created yet
    try:
        db = Database(resolved)
    except (ArgumentError, NoSuchModuleError, ImportError) as error:
        raise DatabaseProblem(f"cannot use {shown}: {_first_line(error)}") from None
    try:
        _check_schema(db.engine, shown, create=create)
    except BaseException:
        db.dispose()
        raise
    return db


def _sqlite_file_exists(url: URL, *, create: bool, shown: str) -> bool:
    """Whether the SQLite database exists (in memory: yes); refused when a command that
    does not create it names a missing file."""
    name = url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        return True
    path = Path(name)
    if path.is_dir():
        raise DatabaseProblem(f"{path} is a folder, not a database file")
    if not path.exists():
        if not create:
            raise DatabaseProblem(f"no database at {path}", initialise=shown)
        if not path.absolute().parent.is_dir():
            raise DatabaseProblem(f"cannot create {path}: folder {path.parent} does not exist")
        return False
    return True


def _check_schema(engine: Engine, shown: str, *, create: bool) -> None:
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            revision = (
                connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
                if VERSION_TABLE in tables
                else None
            )
    except DBAPIError as error:
        raise _unreachable(engine, shown, error) from None
    if create:
        return
    if not {"trial", "audit_log"} <= tables:
        raise DatabaseProblem(
            f"the database {shown} holds no regencord trial data", initialise=shown
        )
    if revision is not None and revision != SCHEMA_HEAD:
        raise DatabaseProblem(
            f"the database {shown} is at schema revision {revision}, not {SCHEMA_HEAD}: upgrade it",
            initialise=shown,
        )


def _unreachable(engine: Engine, shown: str, error: DBAPIError) -> DatabaseProblem:
    detail = _first_line(error)
    lower = detail.lower()
    url = engine.url
    if engine.dialect.name == "sqlite":
        if "not a database" in lower or "malformed" in lower or "encrypted" in lower:
            return DatabaseProblem(
                f"{url.database} is not a SQLite database ({detail}): give another one",
                field="url",
            )
        return DatabaseProblem(f"cannot open {url.database} ({detail})")
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    if "does not exist" in lower and "database" in lower:
        return DatabaseProblem(
            f"PostgreSQL at {where} has no database {url.database!r}: create it "
            f"(createdb {url.database}), then initialise it",
            initialise=shown,
        )
    if "connection refused" in lower or "could not connect" in lower or "timeout" in lower:
        return DatabaseProblem(
            f"cannot reach PostgreSQL at {where} ({detail}): is the server running?"
        )
    return DatabaseProblem(f"cannot connect to {shown} ({detail})")


def _first_line(error: BaseException) -> str:
    orig = getattr(error, "orig", None)
    text = str(orig if orig is not None else error).strip()
    return text.splitlines()[0] if text else type(error).__name__
