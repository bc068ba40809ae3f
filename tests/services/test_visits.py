"""Visits: done or missed, window status from the anchor date, and the lock."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from regencord.services import exams, measures, trials, visits
from regencord.services.errors import Conflict, InvalidInput, Locked, NotFound, ReasonNeeded
from regencord.services.visits import Window, WindowStatus, window_status
from regencord.store.db import Database
from regencord.store.models import ExamRecord, Visit
from regencord.store.models.visit import RecordLocked
from tests.exam_files import c5_complete_exam
from tests.services.followup_data import (
    SCHEDULE,
    TRIAL,
    USER,
    add_participant,
    add_transplant,
    audit_rows,
    count,
    setup_trial,
)


def record(db: Database, visit: str, when: str, **kw: Any) -> visits.VisitView:
    return visits.record_visit(
        db, user=USER, trial_code=TRIAL, study_id="P01", visit=visit, actual_date=when, **kw
    )


def by_name(db: Database, study_id: str = "P01") -> dict[str, visits.VisitView]:
    return {
        v.visit: v for v in visits.list_visits(db, trial_code=TRIAL, study_id=study_id, user=USER)
    }


# --------------------------------------------------------------------------- windows


WINDOW = Window(target=date(2024, 3, 25), opens=date(2024, 3, 18), closes=date(2024, 4, 8))


@pytest.mark.parametrize(
    ("actual", "missed", "on", "expected"),
    [
        (date(2024, 3, 18), False, date(2025, 1, 1), WindowStatus.IN_WINDOW),
        (date(2024, 4, 8), False, date(2025, 1, 1), WindowStatus.IN_WINDOW),
        (date(2024, 3, 17), False, date(2025, 1, 1), WindowStatus.EARLY),
        (date(2024, 4, 9), False, date(2025, 1, 1), WindowStatus.LATE),
        (None, True, date(2025, 1, 1), WindowStatus.MISSED),
        (None, False, date(2024, 4, 8), WindowStatus.PENDING),
        (None, False, date(2024, 4, 9), WindowStatus.OVERDUE),
    ],
)
def test_window_status(actual: date | None, missed: bool, on: date, expected: WindowStatus) -> None:
    assert window_status(WINDOW, actual, missed, on) is expected


def test_window_status_without_anchor() -> None:
    assert window_status(None, date(2024, 3, 1), False, date(2025, 1, 1)) is WindowStatus.UNKNOWN
    assert window_status(None, None, False, date(2025, 1, 1)) is WindowStatus.PENDING


def test_visit_in_and_out_of_window(db: Database) -> None:
    setup_trial(db)
    # baseline: day 7 after injury (2024-01-08), window -7/+7.
    done = record(db, "baseline", "2024-01-15")
    assert done.status is WindowStatus.IN_WINDOW
    assert done.window == Window(date(2024, 1, 8), date(2024, 1, 1), date(2024, 1, 15))
    assert done.days_from_target == 7
    # week 12: day 84 (2024-03-25), window -7/+14: a day late.
    late = record(db, "week 12", "2024-04-09")
    assert late.status is WindowStatus.LATE
    assert late.days_from_target == 15


def test_early_visit(db: Database) -> None:
    setup_trial(db)
    assert record(db, "week 12", "2024-03-17").status is WindowStatus.EARLY


def test_transplant_anchor_unknown_until_transplant(db: Database) -> None:
    setup_trial(db)
    status = by_name(db)["month 1 post"]
    assert status.anchor_date is None and status.window is None
    assert status.status is WindowStatus.PENDING
    done = record(db, "month 1 post", "2024-03-01")
    assert done.status is WindowStatus.UNKNOWN
    add_transplant(db, "P01", date(2024, 1, 30))  # target 2024-02-29, window -3/+7
    status = by_name(db)["month 1 post"]
    assert status.anchor_date == date(2024, 1, 30)
    assert status.window == Window(date(2024, 2, 29), date(2024, 2, 26), date(2024, 3, 7))
    assert status.status is WindowStatus.IN_WINDOW
    assert status.days_from_target == 1


def test_list_visits_pending_and_overdue(db: Database) -> None:
    setup_trial(db)
    recent = date.today() - timedelta(days=20)
    add_participant(db, "P02", injury=recent)
    old = by_name(db, "P01")
    assert [v for v in old] == ["baseline", "week 12", "month 1 post"]
    assert old["baseline"].status is WindowStatus.OVERDUE
    assert not old["baseline"].recorded
    new = by_name(db, "P02")
    assert new["baseline"].status is WindowStatus.OVERDUE  # window closed day 14
    assert new["week 12"].status is WindowStatus.PENDING


def test_visit_dates_are_checked(db: Database) -> None:
    setup_trial(db)
    with pytest.raises(InvalidInput) as caught:
        record(db, "baseline", "2023-12-31")
    assert str(caught.value) == (
        "visit baseline of P01: actual_date: '2023-12-31' is before the injury (2024-01-01)"
    )
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    with pytest.raises(InvalidInput, match=r"actual_date: '.*' is in the future"):
        record(db, "baseline", tomorrow)
    with pytest.raises(InvalidInput, match=r"actual_date: '2024-02-30' is not a valid date"):
        record(db, "baseline", "2024-02-30")
    assert count(db, Visit) == 0


def test_unknown_visit_participant_trial(db: Database) -> None:
    setup_trial(db)
    with pytest.raises(InvalidInput, match=r"visit: 'week 13' is not a visit of the schedule"):
        record(db, "week 13", "2024-01-10")
    assert record(db, "Week12", "2024-03-25").visit == "week 12"  # case and spaces ignored
    with pytest.raises(NotFound, match="participant 'P99'"):
        visits.record_visit(
            db,
            user=USER,
            trial_code=TRIAL,
            study_id="P99",
            visit="baseline",
            actual_date="2024-01-10",
        )
    with pytest.raises(NotFound, match="trial 'NOPE'"):
        visits.list_visits(db, trial_code="NOPE", study_id="P01", user=USER)


def test_changing_a_visit_date_needs_a_reason_and_is_audited(db: Database) -> None:
    setup_trial(db)
    first = record(db, "baseline", "2024-01-10")
    assert first.version is not None
    assert record(db, "baseline", "2024-01-10").version == first.version  # no change
    with pytest.raises(ReasonNeeded, match="baseline of P01 was recorded on 2024-01-10"):
        record(db, "baseline", "2024-01-11")
    with pytest.raises(Conflict):
        record(db, "baseline", "2024-01-11", reason="typo", expected_version=first.version + 5)
    changed = record(db, "baseline", "2024-01-11", reason="typo in date")
    assert changed.actual_date == date(2024, 1, 11)
    assert changed.version == first.version + 1
    updates = audit_rows(db, "visit", action="update")
    assert [(a.field, a.old_value, a.new_value, a.reason, a.user) for a in updates] == [
        ("actual_date", "2024-01-10", "2024-01-11", "typo in date", USER)
    ]
    inserted = {a.field: a.new_value for a in audit_rows(db, "visit", action="insert")}
    assert inserted["actual_date"] == "2024-01-10"


def test_missed_visit(db: Database) -> None:
    setup_trial(db)
    with pytest.raises(InvalidInput, match="missed_reason: '' is required"):
        visits.mark_missed(
            db, user=USER, trial_code=TRIAL, study_id="P01", visit="week 12", missed_reason=" "
        )
    missed = visits.mark_missed(
        db, user=USER, trial_code=TRIAL, study_id="P01", visit="week 12", missed_reason="admitted"
    )
    assert missed.status is WindowStatus.MISSED and missed.missed_reason == "admitted"
    # A missed visit done after all: a change, so a reason.
    with pytest.raises(ReasonNeeded, match="was marked missed"):
        record(db, "week 12", "2024-03-25")
    done = record(db, "week 12", "2024-03-25", reason="visit took place at another site")
    assert done.status is WindowStatus.IN_WINDOW and not done.missed
    assert done.missed_reason is None


def test_a_visit_with_data_cannot_be_missed(db: Database) -> None:
    setup_trial(db)
    exams.record_exam(
        db, user=USER, trial_code=TRIAL, study_id="P01", visit="baseline",
        exam=c5_complete_exam(None), exam_date="2024-01-09",
    )  # fmt: skip
    with pytest.raises(InvalidInput, match="the visit has 1 exam"):
        visits.mark_missed(
            db, user=USER, trial_code=TRIAL, study_id="P01", visit="baseline", missed_reason="x"
        )


def lock(db: Database, visit: str = "baseline", user: str = "dr.lock") -> visits.VisitView:
    return visits.lock_visit(db, user=user, trial_code=TRIAL, study_id="P01", visit=visit)


def unlock(db: Database, reason: str | None, visit: str = "baseline") -> visits.VisitView:
    return visits.unlock_visit(
        db, user="dr.lock", trial_code=TRIAL, study_id="P01", visit=visit, reason=reason
    )


def test_lock_refuses_edits_until_unlocked(db: Database) -> None:
    setup_trial(db)
    with pytest.raises(InvalidInput, match="not recorded yet"):
        lock(db)
    record(db, "baseline", "2024-01-10")
    exam = exams.record_exam(
        db, user=USER, trial_code=TRIAL, study_id="P01", visit="baseline",
        exam=c5_complete_exam(None),
    )  # fmt: skip
    locked = lock(db)
    assert locked.locked and locked.locked_by == "dr.lock" and locked.locked_at is not None
    with pytest.raises(Locked, match=r"visit baseline of P01 is locked \(by dr.lock"):
        lock(db)
    with pytest.raises(Locked):
        record(db, "baseline", "2024-01-11", reason="typo")
    with pytest.raises(Locked):
        visits.mark_missed(
            db, user=USER, trial_code=TRIAL, study_id="P01", visit="baseline", missed_reason="x"
        )
    with pytest.raises(Locked):
        exams.record_exam(
            db, user=USER, trial_code=TRIAL, study_id="P01", visit="baseline",
            exam=c5_complete_exam(None), replace=True, reason="re-examined",
        )  # fmt: skip
    with pytest.raises(Locked):
        measures.add_measure(
            db, user=USER, trial_code=TRIAL, study_id="P01", visit="baseline",
            kind="wisci", data={"value": 3},
        )  # fmt: skip
    assert exams.show_exam(db, exam.id, user=USER).locked
    # Unlocking needs a reason; then edits go through again.
    with pytest.raises(ReasonNeeded, match="unlocking needs a reason"):
        unlock(db, None)
    unlocked = unlock(db, "correct the visit date")
    assert not unlocked.locked and unlocked.locked_by is None
    with pytest.raises(InvalidInput, match="is not locked"):
        unlock(db, "again")
    assert record(db, "baseline", "2024-01-11", reason="typo").actual_date == date(2024, 1, 11)


def test_lock_and_unlock_are_audited(db: Database) -> None:
    setup_trial(db)
    record(db, "baseline", "2024-01-10")
    visit_id = _visit_id(db)
    lock(db)
    unlock(db, "late lab result")
    events = audit_rows(db, "visit", visit_id)
    assert [(a.action, a.user, a.reason) for a in events if a.action in ("lock", "unlock")] == [
        ("lock", "dr.lock", visits.LOCK_REASON),
        ("unlock", "dr.lock", "late lab result"),
    ]
    fields = [(a.field, a.new_value, a.reason) for a in events if a.action == "update"]
    assert ("locked", "True", visits.LOCK_REASON) in fields
    assert ("locked_by", "dr.lock", visits.LOCK_REASON) in fields
    assert ("locked", "False", "late lab result") in fields


def _visit_id(db: Database) -> int:
    with db.transaction(user="reader") as session:
        visit_id = session.scalar(select(Visit.id))
        assert visit_id is not None
        return int(visit_id)


def test_store_refuses_changes_under_a_lock(db: Database) -> None:
    """The services check the lock; the store refuses what slips past them."""
    setup_trial(db)
    exams.record_exam(
        db, user=USER, trial_code=TRIAL, study_id="P01", visit="baseline",
        exam=c5_complete_exam(None), exam_date="2024-01-10",
    )  # fmt: skip
    lock(db)
    with pytest.raises(RecordLocked), db.transaction(user=USER, reason="sneaky") as session:
        exam = session.scalar(select(ExamRecord))
        assert exam is not None
        exam.examiner = "someone else"
    with pytest.raises(RecordLocked), db.transaction(user=USER, reason="sneaky") as session:
        visit = session.scalar(select(Visit))
        assert visit is not None
        visit.actual_date = date(2024, 1, 12)
    with db.transaction(user="reader") as session:
        exam = session.scalar(select(ExamRecord))
        assert exam is not None and exam.examiner is None


def test_the_transplant_visit_is_dated_by_the_transplant(db: Database) -> None:
    setup_trial(db)
    schedule = {
        "visits": [
            {"name": "transplant", "anchor": "injury", "day": 28, "window_before": 7,
             "window_after": 14},
            *SCHEDULE["visits"],
        ]
    }  # fmt: skip
    trials.set_schedule(
        db, user=USER, trial_code=TRIAL, schedule=schedule, reason="add the transplant window"
    )
    assert by_name(db)["transplant"].status is WindowStatus.OVERDUE
    add_transplant(db, "P01", date(2024, 2, 5))  # day 35 after injury
    status = by_name(db)["transplant"]
    assert status.actual_date == date(2024, 2, 5) and status.by_transplant
    assert not status.recorded
    assert status.status is WindowStatus.IN_WINDOW and status.days_from_target == 7
