"""One use case, one transaction: all of it is written, or none of it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from regencord.services.errors import InvalidInput, invalid
from regencord.services.unit import unit_of_work
from regencord.store.db import Database
from regencord.store.models import Site, Trial
from tests.store.helpers import add_trial, audit_count, load_trial


def _count(db: Database, model: type[Trial] | type[Site]) -> int:
    with db.transaction(user="reader") as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_committed_work_is_seen_by_the_next_transaction(db: Database) -> None:
    trial_id = add_trial(db)
    assert load_trial(db, trial_id).code == "T1"
    assert audit_count(db) > 0


def test_error_mid_use_case_leaves_nothing_written(db: Database) -> None:
    trial_id = add_trial(db)
    trials, sites, audit = _count(db, Trial), _count(db, Site), audit_count(db)

    with pytest.raises(InvalidInput), unit_of_work(db, user="bob", reason="rework") as session:
        session.add(Trial(code="T2", title="Second"))
        trial = session.get(Trial, trial_id)
        assert trial is not None
        trial.title = "Renamed"
        session.add(Site(trial=trial, code="S1", name="Keio"))
        session.flush()  # rows and their audit rows are written, not yet committed
        assert _count(db, Trial) == trials  # not visible to others meanwhile
        raise invalid("site S1", "name", "Keio", "is not what we meant")

    assert (_count(db, Trial), _count(db, Site), audit_count(db)) == (trials, sites, audit)
    trial = load_trial(db, trial_id)
    assert (trial.title, trial.version) == ("Trial T1", 1)


def test_any_error_rolls_back(db: Database) -> None:
    audit = audit_count(db)
    with pytest.raises(RuntimeError), db.transaction(user="bob") as session:
        session.add(Trial(code="T9", title="Never"))
        session.flush()
        raise RuntimeError("power cut")
    assert _count(db, Trial) == 0
    assert audit_count(db) == audit


def test_database_error_rolls_back_the_whole_unit(db: Database) -> None:
    from sqlalchemy.exc import IntegrityError

    add_trial(db, "T1")
    with pytest.raises(IntegrityError), db.transaction(user="bob") as session:
        session.add(Trial(code="T2", title="Fine"))
        session.flush()
        session.add(Trial(code="T1", title="Duplicate code"))
        session.flush()
    assert _count(db, Trial) == 1
