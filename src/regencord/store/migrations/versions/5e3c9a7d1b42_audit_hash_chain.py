"""audit hash chain: previous_hash and row_hash on audit_log, existing rows chained

Revision ID: 5e3c9a7d1b42
Revises: cf39b0eff434
Create Date: 2026-12-04

The rows already there are chained in id order (as :mod:`regencord.store.chain` does for
new ones). The append-only triggers are lifted for that one UPDATE and put back.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from regencord.store.chain import CONTENT, GENESIS, row_digest
from regencord.store.models.audit import append_only_ddl

revision: str = "5e3c9a7d1b42"
down_revision: str | None = "cf39b0eff434"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DROP_TRIGGERS = {
    "sqlite": ["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"],
    "postgresql": ["DROP TRIGGER audit_log_append_only ON audit_log"],
}


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("previous_hash", sa.String(length=64), nullable=True))
    op.add_column("audit_log", sa.Column("row_hash", sa.String(length=64), nullable=True))
    connection = op.get_bind()
    dialect = connection.dialect.name
    audit = sa.table(
        "audit_log",
        sa.column("id", sa.Integer),
        sa.column("at", sa.DateTime(timezone=True)),
        *(sa.column(name, sa.Text) for name in CONTENT[1:] if name != "record_id"),
        sa.column("record_id", sa.Integer),
        sa.column("previous_hash", sa.String),
        sa.column("row_hash", sa.String),
    )
    rows = connection.execute(sa.select(audit).order_by(audit.c.id)).mappings().all()
    if not rows:
        return
    head = GENESIS
    updates = []
    for row in rows:
        digest = row_digest(dict(row), head)
        updates.append({"row_id": row["id"], "previous": head, "digest": digest})
        head = digest
    for statement in DROP_TRIGGERS.get(dialect, []):
        op.execute(statement)
    connection.execute(
        audit.update()
        .where(audit.c.id == sa.bindparam("row_id"))
        .values(previous_hash=sa.bindparam("previous"), row_hash=sa.bindparam("digest")),
        updates,
    )
    for statement in append_only_ddl(dialect):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in DROP_TRIGGERS.get(dialect, []):
        op.execute(statement)
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.drop_column("row_hash")
        batch_op.drop_column("previous_hash")
    for statement in append_only_ddl(dialect):
        op.execute(statement)
