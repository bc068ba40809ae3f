"""Alembic environment: migrations run on the connection regencord hands over."""

from __future__ import annotations

from alembic import context

import regencord.store.models  # noqa: F401  (registers every table)
from regencord.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - regencord always passes a connection
    raise RuntimeError("run migrations through regencord.store.migrate.upgrade()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
