"""The audit trail: one row per changed field, reasons for changes, no hard deletes, and a
table the database itself keeps append-only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from regencord.services.errors import ReasonNeeded
from regencord.services.unit import unit_of_work
from regencord.store.audit import ReasonRequired, text_of
from regencord.store.db import Database
from regencord.store.models import Participant, ParticipantStatus, Sex, Site, Trial
from regencord.store.models.base import utcnow
from tests.store.helpers import add_trial, as_utc, audit_count, audit_rows, load_trial


def _recent(moment: datetime, since: datetime) -> bool:
    return since - timedelta(seconds=1) <= as_utc(moment) <= utcnow() + timedelta(seconds=1)


def test_insert_writes_one_row_per_given_field(db: Database) -> None:
    since = utcnow()
    trial_id = add_trial(db, "T1", user="alice")

    rows = audit_rows(db, table="trial", record_id=trial_id)
    assert {r.field: r.new_value for r in rows} == {
        "code": "T1",
        "title": "Trial T1",
        "phase": "1/2",
        "synthetic": "False",  # the column's default, saved with the record
    }
    for row in rows:
        assert row.user == "alice"
        assert row.action == "insert"
        assert row.table == "trial"
        assert row.record_id == trial_id
        assert row.old_value is None
        assert row.reason is None
        assert _recent(row.at, since)
    # Fields left empty, and the bookkeeping columns, are not written.
    assert not {"registry_id", "sponsor", "id", "version", "created_at"} & {r.field for r in rows}


def test_audit_time_is_utc(db: Database) -> None:
    add_trial(db)
    row = audit_rows(db)[0]
    if row.at.tzinfo is not None:  # PostgreSQL: timestamptz, an aware time
        assert row.at.utcoffset() is not None
    # Either way the instant is now in UTC, not local time read as UTC.
    assert abs(as_utc(row.at) - datetime.now(UTC)) < timedelta(minutes=1)


def test_update_writes_old_new_and_reason(db: Database) -> None:
    trial_id = add_trial(db)
    before = audit_count(db)
    since = utcnow()
    with db.transaction(user="bob", reason="title per protocol v2") as session:
        trial = session.get(Trial, trial_id)
        assert trial is not None
        trial.title = "New title"
        trial.sponsor = "Keio"

    rows = audit_rows(db)[before:]
    assert sorted((r.field or "", r.old_value, r.new_value) for r in rows) == [
        ("sponsor", None, "Keio"),
        ("title", "Trial T1", "New title"),
    ]
    for row in rows:
        assert (row.user, row.action, row.table, row.record_id) == (
            "bob",
            "update",
            "trial",
            trial_id,
        )
        assert row.reason == "title per protocol v2"
        assert _recent(row.at, since)
    assert load_trial(db, trial_id).version == 2


def test_values_are_written_as_text(db: Database) -> None:
    trial_id = add_trial(db)
    with db.transaction(user="alice") as session:
        trial = session.get(Trial, trial_id)
        site = Site(trial=trial, code="S1", name="Keio")
        participant = Participant(
            trial=trial,
            site=site,
            study_id="P-001",
            age_at_injury=34,
            sex=Sex.MALE,
            injury_date=date(2025, 1, 10),
        )
        session.add(participant)
        session.flush()
        participant_id = participant.id
    values = {r.field: r.new_value for r in audit_rows(db, table="participant")}
    assert values["sex"] == "male"
    assert values["status"] == ParticipantStatus.SCREENING.value
    assert values["injury_date"] == "2025-01-10"
    assert values["age_at_injury"] == "34"
    assert values["trial_id"] == str(trial_id)
    assert participant_id == audit_rows(db, table="participant")[0].record_id
    assert text_of(True) == "True" and text_of(None) is None


def test_change_without_reason_is_refused_and_nothing_written(db: Database) -> None:
    trial_id = add_trial(db)
    before = audit_count(db)
    with pytest.raises(ReasonRequired, match="title"), db.transaction(user="bob") as session:
        trial = session.get(Trial, trial_id)
        assert trial is not None
        trial.title = "Changed quietly"
    assert load_trial(db, trial_id).title == "Trial T1"
    assert load_trial(db, trial_id).version == 1
    assert audit_count(db) == before


def test_blank_reason_is_no_reason(db: Database) -> None:
    trial_id = add_trial(db)
    with pytest.raises(ReasonRequired), db.transaction(user="bob", reason="") as session:
        trial = session.get(Trial, trial_id)
        assert trial is not None
        trial.phase = "2"


def test_unit_of_work_reports_a_missing_reason_as_a_service_error(db: Database) -> None:
    trial_id = add_trial(db)
    with pytest.raises(ReasonNeeded, match="phase"), unit_of_work(db, user="bob") as session:
        trial = session.get(Trial, trial_id)
        assert trial is not None
        trial.phase = "3"
    assert load_trial(db, trial_id).phase == "1/2"


def test_setting_the_same_value_is_no_change(db: Database) -> None:
    trial_id = add_trial(db)
    before = audit_count(db)
    with db.transaction(user="bob") as session:
        trial = session.get(Trial, trial_id)
        assert trial is not None
        trial.title = "Trial T1"
    assert audit_count(db) == before
    assert load_trial(db, trial_id).version == 1


def test_soft_delete_is_audited_as_delete(db: Database) -> None:
    trial_id = add_trial(db)
    before = audit_count(db)
    with db.transaction(user="carol", reason="entered twice") as session:
        trial = session.get(Trial, trial_id)
        assert trial is not None
        trial.deleted_at = utcnow()
        trial.deleted_reason = "entered twice"

    rows = audit_rows(db)[before:]
    assert {r.field for r in rows} == {"deleted_at", "deleted_reason"}
    assert {(r.action, r.user, r.reason, r.record_id) for r in rows} == {
        ("delete", "carol", "entered twice", trial_id)
    }
    deleted_at = next(r for r in rows if r.field == "deleted_at")
    assert deleted_at.old_value is None and deleted_at.new_value is not None
    trial = load_trial(db, trial_id)
    assert trial.deleted and trial.deleted_reason == "entered twice"


def test_soft_delete_needs_a_reason(db: Database) -> None:
    trial_id = add_trial(db)
    with pytest.raises(ReasonRequired), db.transaction(user="carol") as session:
        trial = session.get(Trial, trial_id)
        assert trial is not None
        trial.deleted_at = utcnow()
    assert not load_trial(db, trial_id).deleted


def test_hard_delete_is_refused(db: Database) -> None:
    trial_id = add_trial(db)
    before = audit_count(db)
    with (
        pytest.raises(ValueError, match="never deleted"),
        db.transaction(user="carol", reason="gone") as session,
    ):
        trial = session.get(Trial, trial_id)
        session.delete(trial)
    assert load_trial(db, trial_id).title == "Trial T1"
    assert audit_count(db) == before


def _raw(db: Database, statement: str) -> None:
    with db.engine.begin() as connection:
        connection.execute(text(statement))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET new_value = 'forged'",
        "UPDATE audit_log SET reason = 'after the fact' WHERE field = 'title'",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE field = 'code'",
    ],
)
def test_database_refuses_to_change_the_audit_trail(db: Database, statement: str) -> None:
    trial_id = add_trial(db)
    before = [(r.id, r.field, r.new_value, r.reason) for r in audit_rows(db)]
    with pytest.raises(DBAPIError, match="append-only"):
        _raw(db, statement)
    assert [(r.id, r.field, r.new_value, r.reason) for r in audit_rows(db)] == before
    assert audit_rows(db, table="trial", record_id=trial_id)


def test_database_accepts_appending_to_the_audit_trail(db: Database) -> None:
    _raw(
        db,
        "INSERT INTO audit_log (at, user_name, action, table_name, record_id) "
        "VALUES (CURRENT_TIMESTAMP, 'dba', 'lock', 'trial', 1)",
    )
    assert [(r.user, r.action) for r in audit_rows(db)] == [("dba", "lock")]


def test_old_value_of_an_attribute_set_while_not_loaded(db: Database) -> None:
    """An expired attribute (e.g. after a savepoint rollback) still gets its true old value."""
    trial_id = add_trial(db)
    with db.transaction(user="bob", reason="retitled") as session:
        trial = session.get(Trial, trial_id)
        assert trial is not None
        session.expire(trial, ["title", "phase"])
        trial.title = "New title"
        trial.phase = "1/2"  # the saved value: no change
    rows = audit_rows(db, table="trial")
    assert [(r.field, r.old_value, r.new_value) for r in rows if r.action == "update"] == [
        ("title", "Trial T1", "New title")
    ]


def test_failed_flush_in_a_savepoint_leaves_no_audit_rows_behind(db: Database) -> None:
    from sqlalchemy.exc import IntegrityError

    first = add_trial(db, "T1")
    with db.transaction(user="bob", reason="fix") as session:
        with pytest.raises(IntegrityError), session.begin_nested():
            session.add(Trial(code="T1", title="Duplicate code"))
            session.flush()
        trial = session.get(Trial, first)
        assert trial is not None
        trial.title = "Renamed"  # expired by the savepoint rollback
        session.add(Trial(code="T2", title="Second"))
    rows = [(r.action, r.field, r.old_value, r.new_value) for r in audit_rows(db)]
    assert ("update", "title", "Trial T1", "Renamed") in rows
    assert ("insert", "code", None, "T2") in rows
    assert ("insert", "title", None, "Duplicate code") not in rows
    assert None not in {r.record_id for r in audit_rows(db)}
