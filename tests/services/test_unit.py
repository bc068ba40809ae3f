"""A database error that reaches a unit of work is one line saying nothing was saved and
what to do: a unique key broken by a concurrent writer, a writer that waited too long."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from regencord.services.errors import Conflict
from regencord.services.unit import READ_ONLY, ReadOnlyUnit, read_unit, unit_of_work
from regencord.store.db import Database
from regencord.store.models import Base, Trial


def test_broken_unique_key_is_a_conflict_and_nothing_is_saved(db: Database) -> None:
    with unit_of_work(db, user="alice") as session:
        session.add(Trial(code="T1", title="First"))
    with pytest.raises(Conflict) as refused, unit_of_work(db, user="bob") as session:
        session.add(Trial(code="T2", title="Second"))
        session.flush()
        session.add(Trial(code="T1", title="Same code"))  # as if saved meanwhile
    message = str(refused.value)
    assert message.startswith("nothing was saved: the change clashes with data saved meanwhile")
    assert message.endswith("run the command again") and "\n" not in message
    with unit_of_work(db, user="reader") as session:
        assert session.scalar(select(func.count()).select_from(Trial)) == 1


def test_writer_waiting_too_long_is_told_to_try_again(tmp_path: Path) -> None:
    import regencord.store.audit  # noqa: F401  (installs the audit listeners)

    path = tmp_path / "busy.db"
    db = Database(f"sqlite:///{path}")
    Base.metadata.create_all(db.engine)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
        with pytest.raises(Conflict, match="database is busy with another writer"):  # noqa: SIM117
            with unit_of_work(db, user="alice") as session:
                session.add(Trial(code="T1", title="Waits"))
    finally:
        other.rollback()
        other.close()
        db.dispose()


def test_a_read_unit_refuses_to_save_and_reads_one_snapshot(db: Database) -> None:
    with unit_of_work(db, user="alice") as session:
        session.add(Trial(code="T1", title="First"))
    with pytest.raises(ReadOnlyUnit), read_unit(db, user="reader") as session:
        assert session.info[READ_ONLY] is True
        session.add(Trial(code="T2", title="Second"))
        session.flush()
    with read_unit(db, user="reader") as session:
        assert session.scalars(select(Trial.code)).all() == ["T1"]
        with unit_of_work(db, user="bob") as writer:  # a writer meanwhile
            writer.add(Trial(code="T3", title="Third"))
        assert session.scalar(select(func.count()).select_from(Trial)) == 1  # same snapshot
    with read_unit(db, user="reader") as session:
        assert session.scalar(select(func.count()).select_from(Trial)) == 2
