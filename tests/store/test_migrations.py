"""The migrations build exactly the models' schema, audit triggers included, on each
backend. (After adding or changing a model, write the migration with
``python -m regencord.store.makemigration "what changed"``.)"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

import regencord.store.models  # noqa: F401  (registers every table)
from regencord.store.db import database_url, make_engine
from regencord.store.migrate import alembic_config, upgrade
from regencord.store.models import Base
from regencord.store.revision import SCHEMA_HEAD
from tests.conftest_db import PG_VARIABLE, _backends


@pytest.fixture(params=_backends())
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a fresh, empty database (PostgreSQL: its own schema)."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
        yield engine
        engine.dispose()
        return
    url = database_url(os.environ[PG_VARIABLE])
    schema = f"rc_migr_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _head() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def test_migrations_have_one_head() -> None:
    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


def test_schema_head_constant_is_the_migrations_head() -> None:
    """Opening a database checks its revision against ``SCHEMA_HEAD`` without Alembic."""
    assert _head() == SCHEMA_HEAD


def test_upgrade_reaches_head_and_is_repeatable(empty_engine: Engine) -> None:
    assert upgrade(empty_engine) == _head()
    assert upgrade(empty_engine) == _head()


def test_migrations_build_the_models_schema(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    with empty_engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        differences = compare_metadata(context, Base.metadata)
    assert not differences, (
        "the migrations do not build the models' schema; write a migration with "
        '`python -m regencord.store.makemigration "what changed"`:\n'
        + "\n".join(_describe(d) for d in differences)
    )


def _describe(difference: object) -> str:
    """One line per difference: ``add_table participant``, ``modify_type …``."""
    if isinstance(difference, list):  # column modifications come grouped
        return "; ".join(_describe(d) for d in difference)
    if isinstance(difference, tuple):
        return " ".join(getattr(part, "name", None) or str(part) for part in difference[:3])
    return str(difference)


def _trigger_names(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            query = (
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
            )
        else:
            query = (
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                "AND tgrelid = 'audit_log'::regclass"
            )
        return set(connection.execute(text(query)).scalars())


def test_upgrade_makes_the_audit_trail_append_only(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    expected = (
        {"audit_log_no_update", "audit_log_no_delete"}
        if empty_engine.dialect.name == "sqlite"
        else {"audit_log_append_only"}
    )
    assert _trigger_names(empty_engine) == expected

    with empty_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_log (at, user_name, action, table_name, record_id, field) "
                "VALUES (CURRENT_TIMESTAMP, 'alice', 'insert', 'trial', 1, 'code')"
            )
        )
    for statement in ("UPDATE audit_log SET user_name = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), empty_engine.begin() as connection:
            connection.execute(text(statement))
    with empty_engine.connect() as connection:
        rows = connection.execute(text("SELECT user_name FROM audit_log")).scalars().all()
    assert rows == ["alice"]


def test_hash_chain_migration_chains_the_rows_already_there(empty_engine: Engine) -> None:
    from regencord.store.chain import check_chain

    upgrade(empty_engine, "cf39b0eff434")  # before the hash chain
    with empty_engine.begin() as connection:
        for number, (who, value) in enumerate([("alice", "T1"), ("bob", "Trial — 脊髄")], 1):
            connection.execute(
                text(
                    "INSERT INTO audit_log (at, user_name, action, table_name, record_id, "
                    "field, new_value) VALUES (:at, :who, 'insert', 'trial', :n, 'code', :v)"
                ),
                {"at": f"2026-11-0{number} 10:00:00.000123", "who": who, "n": number, "v": value},
            )
    assert upgrade(empty_engine) == _head()
    with empty_engine.connect() as connection:
        hashes = connection.execute(
            text("SELECT previous_hash, row_hash FROM audit_log ORDER BY id")
        ).all()
        assert check_chain(connection).problem is None
    assert hashes[0][0] == "0" * 64 and hashes[1][0] == hashes[0][1]
    expected = {"audit_log_no_update", "audit_log_no_delete"}
    if empty_engine.dialect.name != "sqlite":
        expected = {"audit_log_append_only"}
    assert _trigger_names(empty_engine) == expected  # still append-only
    with pytest.raises(DBAPIError, match="append-only"), empty_engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET row_hash = NULL"))
