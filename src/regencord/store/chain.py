"""The hash chain of the audit trail, and the writer lock that keeps it one chain.

Each audit row stores ``row_hash``, the SHA-256 of its content and of ``previous_hash``,
the ``row_hash`` of the row before it (by id; the first row follows :data:`GENESIS`).
The content is serialised canonically (:func:`canonical`) — the previous hash, the time
in UTC with microseconds, user, action, table, record id, field, old value, new value and
reason, each as ``<length>:<text>`` (NULL as ``~``), joined by ``|``, in UTF-8 — so SQLite
and PostgreSQL give the same hashes.

Appending must be serialised, or two transactions would both follow the same head and
fork the chain. :func:`lock_writers` takes the database's writer lock until the
transaction ends: PostgreSQL, a transaction-level advisory lock; SQLite, which has a
single writer anyway, ``BEGIN IMMEDIATE`` (or nothing, once the transaction has written).
The audit listeners take it before a flush writes anything, so a write transaction holds
it from its first write to its commit; the head is read after taking it.

A database filled by ``regencord import`` starts with the exported rows, a subset of
another database's chain: they are linked by an ``import`` row (table ``audit_log``)
whose ``previous_hash`` is the SHA-256 of their ``row_hash`` values in id order, and each
of them must still match its own hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, func, insert, select, text
from sqlalchemy.orm import Session

from regencord.store.models.audit import AUDIT_TABLE, AuditEntry
from regencord.store.models.base import utcnow

GENESIS = "0" * 64
"""The ``previous_hash`` of the first row of a chain."""
IMPORT_ACTION = "import"
WRITER_LOCK = 0x72656763
"""The PostgreSQL advisory lock key of regencord's writers ("regc")."""
WAIT_SECONDS = 5
"""How long a writer waits for the writer lock before giving up."""

CONTENT = (
    "at",
    "user_name",
    "action",
    "table_name",
    "record_id",
    "field",
    "old_value",
    "new_value",
    "reason",
)
"""The columns a row's hash covers (besides the previous hash), in this order."""

_LOCKED = "regencord_writer_lock"
_HEAD = "regencord_audit_head"


def _audit() -> Table:
    return cast(Table, AuditEntry.__table__)


def utc_text(moment: datetime) -> str:
    """A time as hashed: UTC, microseconds (SQLite hands back naive UTC times)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds") + "Z"


def canonical(values: Iterable[object]) -> str:
    """Fields as ``<length>:<text>`` (length in characters; NULL as ``~``) joined by ``|``:
    unambiguous whatever the text holds, and cheap (no escaping)."""
    out = []
    for value in values:
        if value is None:
            out.append("~")
        else:
            text_ = str(value)
            out.append(f"{len(text_)}:{text_}")
    return "|".join(out)


def row_digest(row: Mapping[str, Any], previous: str) -> str:
    """The hash of one audit row (columns by their database names) following ``previous``."""
    fields = [previous, utc_text(row["at"]), *(row[name] for name in CONTENT[1:])]
    return hashlib.sha256(canonical(fields).encode("utf-8")).hexdigest()


def block_digest(hashes: Iterable[str | None]) -> str:
    """What an ``import`` row follows: the hash of the imported rows' hashes, in order."""
    digest = hashlib.sha256()
    for value in hashes:
        digest.update(f"{value or ''}\n".encode("ascii"))
    return digest.hexdigest()


# --------------------------------------------------------------------------- writing


def lock_writers(session: Session) -> None:
    """Hold the writer lock until the transaction ends (waiting for another writer)."""
    if session.connection().dialect.name == "postgresql":
        transaction = session.get_transaction()
        # A lock taken inside a savepoint goes when the savepoint is rolled back: take it
        # again there (advisory locks stack).
        if session.info.get(_LOCKED) is transaction and not session.in_nested_transaction():
            return
        lock_connection(session.connection())
        session.info[_LOCKED] = transaction
    else:
        lock_connection(session.connection())


def lock_connection(connection: Connection) -> None:
    """:func:`lock_writers` for a connection in a transaction (Core)."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(
            text("SELECT set_config('lock_timeout', :wait, true)"), {"wait": f"{WAIT_SECONDS}s"}
        )
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITER_LOCK})
    elif dialect == "sqlite":
        raw: Any = connection.connection.dbapi_connection
        if not raw.in_transaction:  # a transaction that has written already holds it
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def forget_head(session: Session) -> None:
    """Read the head again at the next append (a flush or savepoint may have ended)."""
    session.info.pop(_HEAD, None)


def read_head(connection: Connection) -> str:
    audit = _audit()
    head = connection.scalar(select(audit.c.row_hash).order_by(audit.c.id.desc()).limit(1))
    return str(head) if head else GENESIS


def seal(session: Session, rows: list[dict[str, Any]]) -> None:
    """Give ``rows`` (to be appended in this order) their previous and own hashes.

    The writer lock must be held; the head is cached for the rest of the flush.
    """
    head = session.info.get(_HEAD) or read_head(session.connection())
    session.info[_HEAD] = seal_after(head, rows)


def seal_after(head: str, rows: list[dict[str, Any]]) -> str:
    """Chain ``rows`` after ``head``; returns the new head."""
    for row in rows:
        row["previous_hash"] = head
        head = row["row_hash"] = row_digest(row, head)
    return head


def append(connection: Connection, *, previous: str | None = None, **values: Any) -> str:
    """Append one audit row now (e.g. an import), under the writer lock, after the head
    (or after ``previous``); returns its hash."""
    lock_connection(connection)
    row = {name: values.get(name) for name in CONTENT}
    row["at"] = values.get("at") or utcnow()
    head = seal_after(previous or read_head(connection), [row])
    connection.execute(insert(_audit()), [row])
    return head


# --------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class ChainCheck:
    rows: int
    problem: str | None
    """The first break found, naming the row; ``None`` when the chain is intact."""


def _rows(
    connection: Connection, after: int = 0, before: int | None = None
) -> Iterator[Mapping[str, Any]]:
    audit = _audit()
    columns = [audit.c.id, *(audit.c[n] for n in CONTENT), audit.c.previous_hash, audit.c.row_hash]
    query = select(*columns).where(audit.c.id > after).order_by(audit.c.id)
    if before is not None:
        query = query.where(audit.c.id < before)
    for row in connection.execute(query.execution_options(yield_per=2000)):
        yield dict(row._mapping)


def _own_hash_problem(row: Mapping[str, Any]) -> str | None:
    if not row["row_hash"] or not row["previous_hash"]:
        return f"audit row {row['id']} has no hash: it was not written by regencord"
    if row_digest(row, row["previous_hash"]) != row["row_hash"]:
        return (
            f"audit row {row['id']} ({row['action']} {row['table_name']} {row['record_id']}"
            f"{' ' + row['field'] if row['field'] else ''}) was changed after it was written: "
            "its hash does not match its content"
        )
    return None


def check_chain(connection: Connection) -> ChainCheck:
    """Walk the whole chain in id order; the first row that breaks it is named."""
    audit = _audit()
    last_import = connection.scalar(
        select(func.max(audit.c.id)).where(
            audit.c.action == IMPORT_ACTION, audit.c.table_name == AUDIT_TABLE
        )
    )
    count = 0
    previous = GENESIS
    if last_import is not None:
        block = check_block(_rows(connection, before=last_import))
        if block.problem:
            return block
        count, previous = block.rows, block_hash(connection, last_import)
    for row in _rows(connection, after=(last_import or 0) - 1):
        count += 1
        problem = _own_hash_problem(row)
        if problem is None and row["previous_hash"] != previous:
            problem = (
                f"audit row {row['id']} does not follow the row before it: "
                "a row was removed, inserted or reordered before it"
            )
        if problem:
            return ChainCheck(count, problem)
        previous = row["row_hash"]
    return ChainCheck(count, None)


def check_block(rows: Iterable[Mapping[str, Any]]) -> ChainCheck:
    """Imported rows: each must match its own hash (their links are in the source)."""
    count = 0
    for row in rows:
        count += 1
        problem = _own_hash_problem(row)
        if problem:
            return ChainCheck(count, problem)
    return ChainCheck(count, None)


def block_hash(connection: Connection, before: int) -> str:
    """:func:`block_digest` of the rows before id ``before``."""
    audit = _audit()
    query = select(audit.c.row_hash).where(audit.c.id < before).order_by(audit.c.id)
    return block_digest(connection.scalars(query))
