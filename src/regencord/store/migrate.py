"""Alembic migrations: ``upgrade`` brings any database to the current schema."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> str:
    """Run every pending migration in one transaction; return the schema revision."""
    with engine.begin() as connection:
        return upgrade_connection(connection, revision)


def upgrade_connection(connection: Connection, revision: str = "head") -> str:
    """:func:`upgrade` inside the caller's transaction (rolled back with it)."""
    command.upgrade(alembic_config(connection), revision)
    current = MigrationContext.configure(connection).get_current_revision()
    return current or "(none)"
