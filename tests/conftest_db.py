"""Test databases: every store test runs on SQLite and, when REGENCORD_TEST_DATABASE_URL
is set, again on PostgreSQL, each test in a fresh database (PostgreSQL: its own schema,
dropped afterwards)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from regencord.store.db import Database, database_url, make_engine
from regencord.store.models import Base

PG_VARIABLE = "REGENCORD_TEST_DATABASE_URL"


def _backends() -> list[object]:
    pg = os.environ.get(PG_VARIABLE)
    reason = f"{PG_VARIABLE} not set: PostgreSQL tests skipped"
    return [
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.skipif(not pg, reason=reason)),
    ]


@pytest.fixture(params=_backends())
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh, empty trial database with every table."""
    import regencord.store.audit  # installs the audit listeners
    import regencord.store.models  # noqa: F401

    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'trial.db'}")
        Base.metadata.create_all(database.engine)
        yield database
        database.dispose()
        return
    url = database_url(os.environ[PG_VARIABLE])
    schema = f"rc_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    database = Database(engine=engine)
    try:
        Base.metadata.create_all(engine)
        yield database
    finally:
        database.dispose()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
