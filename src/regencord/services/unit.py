"""One use case, one transaction: store errors become service errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from regencord.services.errors import Conflict, ReasonNeeded, ServiceError
from regencord.store.audit import ReasonRequired
from regencord.store.db import Database


@contextmanager
def unit_of_work(db: Database, *, user: str, reason: str | None = None) -> Iterator[Session]:
    """A session in one transaction: all of the use case is saved, or none of it."""
    try:
        with db.transaction(user=user, reason=reason) as session:
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
