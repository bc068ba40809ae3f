"""The one recording path (services/recording.py): a participant's records are read in one
query however many visits hold them, and every saved record runs the data-quality checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import event

from regencord.services import exams, measures, quality, safety
from regencord.store.db import Database
from tests.exam_files import c5_complete_exam, c5_incomplete_exam
from tests.services.followup_data import TRIAL, USER, add_transplant, setup_trial


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """Every SQL statement sent to the database inside the block."""
    seen: list[str] = []

    def note(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def _reading(sql: list[str], table: str) -> list[str]:
    """The statements reading ``table`` (its rows, or joined to others)."""
    return [
        s
        for s in sql
        if s.lstrip().upper().startswith("SELECT")
        and (f"FROM {table} " in s + " " or f"JOIN {table} " in s)
    ]


def _measure(db: Database, visit: str, day: str, value: int) -> None:
    measures.add_measure(db, user=USER, trial_code=TRIAL, study_id="P01", visit=visit,
                         kind="wisci", data={"value": value}, measure_date=day)  # fmt: skip


def _exam(db: Database, visit: str, day: str, exam: dict[str, Any]) -> None:
    exams.record_exam(db, user=USER, trial_code=TRIAL, study_id="P01", visit=visit,
                      exam=exam, exam_date=day)  # fmt: skip


def _count_listing(db: Database, listing: Callable[[], list[Any]]) -> tuple[int, int, int]:
    """(records listed, statements, statements reading the record tables)."""
    with statements(db) as sql:
        found = listing()
    records = len(_reading(sql, "exam")) + len(_reading(sql, "functional_measure"))
    return len(found), len(sql), records


def test_listing_a_participants_records_is_one_query_however_many_visits(db: Database) -> None:
    setup_trial(db)
    add_transplant(db, "P01", date(2024, 1, 20))

    def list_exams() -> list[exams.ExamView]:
        return exams.list_exams(db, trial_code=TRIAL, study_id="P01", user=USER)

    def list_measures() -> list[measures.MeasureView]:
        return measures.list_measures(db, trial_code=TRIAL, study_id="P01", user=USER)

    _exam(db, "baseline", "2024-01-10", c5_complete_exam(None))
    _measure(db, "baseline", "2024-01-10", 0)
    one_exam, exam_statements, exam_reads = _count_listing(db, list_exams)
    one_measure, measure_statements, measure_reads = _count_listing(db, list_measures)
    assert (one_exam, exam_reads) == (1, 1)
    assert (one_measure, measure_reads) == (1, 1)

    # Two more visits with records: the same number of statements, one reading the records.
    _exam(db, "week 12", "2024-03-25", c5_incomplete_exam(None))
    _exam(db, "month 1 post", "2024-02-19", c5_incomplete_exam(None))
    _measure(db, "week 12", "2024-03-25", 8)
    _measure(db, "month 1 post", "2024-02-19", 4)
    assert _count_listing(db, list_exams) == (3, exam_statements, 1)
    assert _count_listing(db, list_measures) == (3, measure_statements, 1)

    # In schedule order (baseline, week 12, month 1 post), whatever the order of entry.
    assert [e.visit for e in list_exams()] == ["baseline", "week 12", "month 1 post"]
    assert [m.value for m in list_measures()] == [0, 8, 4]
    one = exams.list_exams(db, trial_code=TRIAL, study_id="P01", visit="week 12", user=USER)
    assert [e.visit for e in one] == ["week 12"]


def test_listing_safety_records_is_one_query(db: Database) -> None:
    setup_trial(db, ("P01", "P02"))
    for study_id in ("P01", "P02"):
        for day in ("2024-02-01", "2024-03-01"):
            data = {"imaging_date": day, "modality": "MRI", "finding": "stable"}
            safety.add_imaging_finding(
                db, user=USER, trial_code=TRIAL, study_id=study_id, data=data
            )
    with statements(db) as sql:
        found = safety.list_imaging_findings(db, trial_code=TRIAL, user=USER)
    assert [(f.participant, f.imaging_date.isoformat()) for f in found] == [
        ("P01", "2024-02-01"),
        ("P02", "2024-02-01"),
        ("P01", "2024-03-01"),
        ("P02", "2024-03-01"),
    ]
    # One statement reads the findings; the participants come with them (no query per row).
    assert len(_reading(sql, "imaging_finding")) == 1
    assert len(_reading(sql, "participant")) == 1


def _open_queries(db: Database) -> list[str]:
    return [q.check for q in quality.list_queries(db, trial_code=TRIAL, user=USER)]


def test_every_saved_record_runs_the_checks(db: Database) -> None:
    # A transplant written past the services (its lot has no release decision): no check
    # has run yet, so no query is open.
    setup_trial(db)
    add_transplant(db, "P01", date(2024, 1, 20))
    assert _open_queries(db) == []
    # Saving an imaging finding runs the participant's checks: the lot's query opens.
    data = {"imaging_date": "2024-02-01", "modality": "MRI", "finding": "no mass"}
    safety.add_imaging_finding(db, user=USER, trial_code=TRIAL, study_id="P01", data=data)
    assert "lot_release" in _open_queries(db)


def test_a_rehab_session_runs_the_checks(db: Database) -> None:
    setup_trial(db)
    add_transplant(db, "P01", date(2024, 1, 20))
    data = {"session_date": "2024-02-01", "kind": "locomotor training", "minutes": 45}
    safety.add_rehab_session(db, user=USER, trial_code=TRIAL, study_id="P01", data=data)
    assert "lot_release" in _open_queries(db)
