"""Use case: create or upgrade the database."""

from __future__ import annotations

from regencord.store.db import Database
from regencord.store.migrate import upgrade


def initialise(db: Database) -> str:
    """Bring the database to the current schema; returns the schema revision."""
    return upgrade(db.engine)
