"""Connecting to the trial database and running work in one transaction."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from regencord.store.chain import WAIT_SECONDS

DEFAULT_URL = "sqlite:///regencord.db"
URL_VARIABLE = "REGENCORD_DATABASE_URL"


def database_url(explicit: str | None = None) -> str:
    """``--db URL``, else ``$REGENCORD_DATABASE_URL``, else ``sqlite:///regencord.db``.

    ``postgresql://`` URLs use the psycopg 3 driver.
    """
    url = explicit or os.environ.get(URL_VARIABLE) or DEFAULT_URL
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys on, a writer waits up to
    :data:`~regencord.store.chain.WAIT_SECONDS` for another, and files use WAL journaling."""
    url = database_url(url)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        in_memory = engine.url.database in (None, "", ":memory:")

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={WAIT_SECONDS * 1000}")
            if not in_memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

    return engine


class Database:
    """An engine and its sessions. ``with db.transaction(user=...) as session:`` runs one
    unit of work: committed whole at the end, rolled back whole on any error."""

    def __init__(self, url: str | None = None, *, engine: Engine | None = None) -> None:
        self.engine = engine if engine is not None else make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self, *, user: str, reason: str | None = None) -> Iterator[Session]:
        """A session in one transaction; ``user`` and ``reason`` go to the audit trail."""
        session = self._sessions()
        session.info["user"] = user
        session.info["reason"] = reason
        try:
            with session.begin():
                yield session
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
