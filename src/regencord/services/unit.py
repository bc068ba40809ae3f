"""One use case, one transaction: store errors become service errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from regencord.services.errors import Conflict, ReasonNeeded
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


def check_version(record: str, current: int, expected: int | None) -> None:
    """Optimistic concurrency: refuse a save made against an older version."""
    if expected is not None and current != expected:
        raise Conflict(
            f"{record} is at version {current}, not {expected}: it was changed meanwhile; "
            "reload it and redo the change"
        )
