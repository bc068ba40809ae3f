"""Database URLs and SQLite connection settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from regencord.store.db import DEFAULT_URL, URL_VARIABLE, Database, database_url, make_engine
from regencord.store.models import Base, Site


def test_explicit_url_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(URL_VARIABLE, "sqlite:///from-env.db")
    assert database_url("sqlite:///explicit.db") == "sqlite:///explicit.db"


def test_environment_variable_is_next(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(URL_VARIABLE, "sqlite:///from-env.db")
    assert database_url() == "sqlite:///from-env.db"
    assert database_url("") == "sqlite:///from-env.db"


def test_default_is_a_local_sqlite_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(URL_VARIABLE, raising=False)
    assert database_url() == DEFAULT_URL == "sqlite:///regencord.db"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@db:5432/trial", "postgresql+psycopg://u@db:5432/trial"),
        ("postgres://u@db/trial", "postgresql+psycopg://u@db/trial"),
        ("postgresql://u:s3cret@db/trial", "postgresql+psycopg://u:s3cret@db/trial"),
        ("postgresql+psycopg://u@db/trial", "postgresql+psycopg://u@db/trial"),
        ("postgresql+psycopg2://u@db/trial", "postgresql+psycopg2://u@db/trial"),
        (
            "postgresql://u@db/trial?options=-csearch_path%3Dx",
            "postgresql+psycopg://u@db/trial?options=-csearch_path%3Dx",
        ),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_postgresql_urls_use_psycopg_3(given: str, expected: str) -> None:
    assert database_url(given) == expected


def _pragma(engine_url: str, name: str) -> object:
    engine = make_engine(engine_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(f"PRAGMA {name}")).scalar()
    finally:
        engine.dispose()


def test_sqlite_file_has_foreign_keys_and_wal(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'trial.db'}"
    assert _pragma(url, "foreign_keys") == 1
    assert _pragma(url, "journal_mode") == "wal"
    assert _pragma(url, "busy_timeout") == 5000


def test_sqlite_in_memory_has_foreign_keys(tmp_path: Path) -> None:
    assert _pragma("sqlite://", "foreign_keys") == 1
    assert _pragma("sqlite://", "journal_mode") == "memory"
    assert _pragma("sqlite:///:memory:", "journal_mode") == "memory"


def test_every_pooled_connection_gets_the_pragmas(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'trial.db'}")
    connections = [engine.connect() for _ in range(3)]
    try:
        assert [c.execute(text("PRAGMA foreign_keys")).scalar() for c in connections] == [1] * 3
    finally:
        for connection in connections:
            connection.close()
        engine.dispose()


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'trial.db'}")
    Base.metadata.create_all(database.engine)
    try:
        with pytest.raises(IntegrityError), database.transaction(user="alice") as session:
            session.add(Site(trial_id=999, code="S1", name="Nowhere"))
    finally:
        database.dispose()


def test_transaction_records_user_and_reason(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'trial.db'}")
    try:
        with database.transaction(user="alice", reason="why") as session:
            assert (session.info["user"], session.info["reason"]) == ("alice", "why")
    finally:
        database.dispose()
