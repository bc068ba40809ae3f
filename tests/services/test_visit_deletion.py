"""Deleting a visit recorded by mistake, and recording it again afterwards: the same visit
record comes back with a reason (no clash with the unique key), on SQLite and PostgreSQL,
and its audit trail tells the whole story."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from regencord.services import audit, exams, measures, visits
from regencord.services.errors import Conflict, InvalidInput, Locked, ReasonNeeded
from regencord.store.db import Database
from regencord.store.models import ExamRecord, FunctionalMeasure, Visit
from tests.exam_files import c5_complete_exam
from tests.services.followup_data import TRIAL, USER, audit_rows, count, setup_trial

AT: dict[str, Any] = {"trial_code": TRIAL, "study_id": "P01", "visit": "baseline"}


def record(db: Database, when: str = "2024-01-10", **kw: Any) -> visits.VisitView:
    return visits.record_visit(db, user=USER, actual_date=when, **AT, **kw)


def delete(db: Database, reason: str | None = "wrong participant", **kw: Any) -> Any:
    return visits.delete_visit(db, user="dr.manager", reason=reason, **AT, **kw)


def visit_rows(db: Database) -> list[Visit]:
    with db.transaction(user="reader") as session:
        return list(session.scalars(select(Visit)))


def test_a_deleted_visit_is_recorded_again_in_the_same_record(db: Database) -> None:
    setup_trial(db)
    first = record(db)
    gone = delete(db)
    assert (gone.visit.recorded, gone.exams, gone.measures) == (False, (), ())
    assert count(db, Visit, live=True) == 0

    # Again, on another day: a reason is needed, then the same record comes back.
    with pytest.raises(ReasonNeeded, match=r"was deleted \(wrong participant\); recording it"):
        record(db, "2024-01-12")
    again = record(db, "2024-01-12", reason="entered for P01 after all")
    assert again.recorded and again.actual_date == date(2024, 1, 12)
    assert again.version == (first.version or 0) + 2
    [row] = visit_rows(db)
    assert (row.deleted_at, row.deleted_reason) == (None, None)

    # The record's trail: inserted, deleted with its reason, recorded again with its reason.
    rows = audit_rows(db, "visit", row.id)
    assert [r.action for r in rows if r.field == "deleted_at"] == ["delete", "update"]
    assert [r.reason for r in rows if r.field == "deleted_reason"] == [
        "wrong participant",
        "entered for P01 after all",
    ]
    dated = [(r.old_value, r.new_value, r.reason) for r in rows if r.field == "actual_date"]
    assert dated[-1] == ("2024-01-10", "2024-01-12", "entered for P01 after all")
    assert audit.verify_audit(db, user=USER).problem is None


def test_a_deleted_visit_can_be_marked_missed(db: Database) -> None:
    setup_trial(db)
    record(db)
    delete(db)
    missed = visits.mark_missed(db, user=USER, missed_reason="participant unwell", **AT)
    assert (missed.missed, missed.recorded) == (True, True)
    assert len(visit_rows(db)) == 1


def test_an_exam_at_a_deleted_visit_brings_it_back_with_a_reason(db: Database) -> None:
    setup_trial(db)
    first = exams.record_exam(db, user=USER, exam=c5_complete_exam(None), exam_date="2024-01-10",
                              **AT)  # fmt: skip
    # With its exam: only when asked.
    with pytest.raises(InvalidInput, match=r"the visit has 1 exam\(s\) and 0 measure\(s\)"):
        delete(db)
    gone = delete(db, with_records=True)
    assert gone.exams == (first.id,)
    assert count(db, ExamRecord, live=True) == 0
    # The deleted visit has no date to lend: the exam's own date is required.
    with pytest.raises(InvalidInput, match="exam_date: is required"):
        exams.record_exam(db, user=USER, exam=c5_complete_exam(None), **AT)
    with pytest.raises(ReasonNeeded, match="recording it again needs a reason"):
        exams.record_exam(db, user=USER, exam=c5_complete_exam(None), exam_date="2024-01-11",
                          **AT)  # fmt: skip
    again = exams.record_exam(db, user=USER, exam=c5_complete_exam(None), exam_date="2024-01-11",
                              reason="re-entered", **AT)  # fmt: skip
    assert again.replaced == ()  # the exam deleted with the visit stays deleted
    assert [e.id for e in exams.list_exams(db, trial_code=TRIAL, study_id="P01", user=USER)] == [
        again.id
    ]
    assert len(visit_rows(db)) == 1


def test_a_measure_at_a_deleted_visit_brings_it_back(db: Database) -> None:
    setup_trial(db)
    record(db)
    delete(db)
    m = measures.add_measure(db, user=USER, kind="wisci", data={"value": 8},
                             measure_date="2024-01-11", reason="re-entered", **AT)  # fmt: skip
    assert m.visit == "baseline" and count(db, FunctionalMeasure, live=True) == 1
    assert len(visit_rows(db)) == 1


def test_deleting_needs_a_reason_an_unlocked_recorded_visit_and_its_version(db: Database) -> None:
    setup_trial(db)
    with pytest.raises(InvalidInput, match="is not recorded: nothing to delete"):
        delete(db)
    first = record(db)
    with pytest.raises(ReasonNeeded, match="deleting it needs a reason"):
        delete(db, reason=None)
    with pytest.raises(InvalidInput, match="reason: '' must not be blank"):
        delete(db, reason="")
    with pytest.raises(Conflict, match="not 99"):
        delete(db, expected_version=99)
    visits.lock_visit(db, user=USER, **AT)
    with pytest.raises(Locked, match="is locked"):
        delete(db)
    assert count(db, Visit, live=True) == 1
    visits.unlock_visit(db, user=USER, reason="delete it", **AT)
    assert delete(db, expected_version=(first.version or 0) + 2).visit.recorded is False
