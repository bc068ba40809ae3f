"""One use case, one transaction: store errors become service errors.

A write runs in :func:`unit_of_work`, a read in :func:`read_unit` (the same unit, marked
read-only). No use case opens a transaction or a connection of its own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from regencord.services.errors import Conflict, ReasonNeeded, ServiceError
from regencord.store.audit import ReasonRequired
from regencord.store.db import Database

READ_ONLY = "read_only"
"""The key of ``Session.info`` that marks a read-only unit (see :func:`read_unit`)."""


@contextmanager
def unit_of_work(db: Database, *, user: str, reason: str | None = None) -> Iterator[Session]:
    """A session in one transaction: all of the use case is saved, or none of it."""
    with _unit(db, user=user, reason=reason, read_only=False) as session:
        yield session


@contextmanager
def read_unit(db: Database, *, user: str) -> Iterator[Session]:
    """A unit of work that only reads, as ``user``: marked read-only
    (``session.info["read_only"]``), it refuses to save a change (a use case that tries is
    a programming error: :class:`ReadOnlyUnit`), so a read can never write by accident.
    Every query of the read sees one snapshot, so that writers meanwhile cannot make it
    inconsistent: a ``READ ONLY``, ``REPEATABLE READ`` transaction on PostgreSQL, a
    transaction begun before the first read on SQLite."""
    with _unit(db, user=user, reason=None, read_only=True) as session:
        yield session


class ReadOnlyUnit(RuntimeError):
    """A change was flushed in a :func:`read_unit`: a bug of the use case, not of its input."""


def _refuse_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(READ_ONLY):
        raise ReadOnlyUnit("a read-only unit of work tried to save a change")


def _snapshot(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        session.execute(text("SET TRANSACTION READ ONLY"))
    else:  # SQLite's driver begins no transaction for a read: begin it, for one snapshot
        session.connection().exec_driver_sql("BEGIN")


@contextmanager
def _unit(db: Database, *, user: str, reason: str | None, read_only: bool) -> Iterator[Session]:
    try:
        with db.transaction(user=user, reason=reason) as session:
            if read_only:
                session.info[READ_ONLY] = True
                if not event.contains(session, "before_flush", _refuse_flush):
                    event.listen(session, "before_flush", _refuse_flush)
                _snapshot(session)
            yield session
    except ReasonRequired as error:
        raise ReasonNeeded(str(error)) from None
    except StaleDataError:
        raise Conflict("the record was changed by someone else meanwhile; reload it") from None
    except DBAPIError as error:
        raise database_error(error) from None


BUSY = ("database is locked", "lock timeout", "could not serialize", "deadlock detected")
"""What a database says when another writer got in the way (SQLite, PostgreSQL)."""


def database_error(error: DBAPIError) -> ServiceError:
    """A database error that reached a use case, as one line saying what to do.

    Nothing was saved: the unit of work was rolled back whole.
    """
    detail = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
    if isinstance(error, IntegrityError):
        return Conflict(
            f"nothing was saved: the change clashes with data saved meanwhile ({detail}); "
            "run the command again"
        )
    if isinstance(error, OperationalError) and any(b in detail.lower() for b in BUSY):
        return Conflict(
            f"nothing was saved: the database is busy with another writer ({detail}); "
            "run the command again"
        )
    return DatabaseProblem(f"nothing was saved: the database refused the change ({detail})")


class DatabaseProblem(ServiceError):
    """The database could not do what a use case asked (it is missing, unreachable, …).

    ``initialise``: the database (its URL, password hidden) that must be initialised or
    upgraded to the current schema to get past the error; ``None`` when that would not help.
    The field of a problem with the URL itself is ``url``."""

    def __init__(
        self, message: str, *, field: str | None = None, initialise: str | None = None
    ) -> None:
        super().__init__(message, field=field)
        self.initialise = initialise


def check_version(record: str, current: int, expected: int | None) -> None:
    """Optimistic concurrency: refuse a save made against an older version."""
    if expected is not None and current != expected:
        raise Conflict(
            f"{record} is at version {current}, not {expected}: it was changed meanwhile; "
            "reload it and redo the change"
        )
