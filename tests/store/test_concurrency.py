"""Optimistic concurrency: a save against a stale version fails and changes nothing."""

from __future__ import annotations

import pytest

from regencord.services.errors import Conflict
from regencord.services.unit import check_version, unit_of_work
from regencord.store.db import Database
from regencord.store.models import Trial
from tests.store.helpers import add_trial, audit_rows, load_trial


def test_version_counts_the_saves(db: Database) -> None:
    trial_id = add_trial(db)
    assert load_trial(db, trial_id).version == 1
    for number, title in enumerate(["Second", "Third"], start=2):
        with unit_of_work(db, user="bob", reason="retitled") as session:
            trial = session.get(Trial, trial_id)
            assert trial is not None
            trial.title = title
        assert load_trial(db, trial_id).version == number


def test_second_save_of_the_same_version_is_a_conflict(db: Database) -> None:
    trial_id = add_trial(db)
    before = len(audit_rows(db))

    with pytest.raises(Conflict, match="changed by someone else"):  # noqa: SIM117
        with unit_of_work(db, user="alice", reason="alice's fix") as first:
            mine = first.get(Trial, trial_id)
            assert mine is not None and mine.version == 1

            with unit_of_work(db, user="bob", reason="bob's fix") as second:
                theirs = second.get(Trial, trial_id)
                assert theirs is not None and theirs.version == 1
                theirs.title = "Bob's title"
            # Bob has saved version 2; Alice still holds version 1.
            mine.title = "Alice's title"

    trial = load_trial(db, trial_id)
    assert (trial.title, trial.version) == ("Bob's title", 2)
    changes = audit_rows(db)[before:]
    assert [(r.user, r.field, r.new_value) for r in changes] == [("bob", "title", "Bob's title")]


def test_stale_record_from_an_earlier_read_is_a_conflict(db: Database) -> None:
    """A record read in one unit of work and saved in another (as a web form would)."""
    trial_id = add_trial(db)
    stale = load_trial(db, trial_id)
    with unit_of_work(db, user="bob", reason="first") as session:
        trial = session.get(Trial, trial_id)
        assert trial is not None
        trial.phase = "2"
    with pytest.raises(Conflict), unit_of_work(db, user="alice", reason="second") as session:
        stale = session.merge(stale, load=False)
        stale.phase = "3"
    trial = load_trial(db, trial_id)
    assert (trial.phase, trial.version) == ("2", 2)


def test_check_version() -> None:
    check_version("trial T1", 3, None)
    check_version("trial T1", 3, 3)
    with pytest.raises(Conflict, match="trial T1 is at version 3, not 2"):
        check_version("trial T1", 3, 2)
