"""Exams: validated and classified by the engine, stored with the engine version, and
reclassified when the engine changes."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from regencord.isncsci import ENGINE_VERSION
from regencord.services import exams, visits
from regencord.services.errors import InvalidInput, Locked, ReasonNeeded
from regencord.services.exams import ClassificationChangeEntry
from regencord.store.db import Database
from regencord.store.models import AuditEntry, ExamRecord, Visit
from tests.exam_files import (
    EXPECTED,
    c5_complete_exam,
    c5_incomplete_exam,
    normal_exam,
    write_csv,
    write_json,
)
from tests.services.followup_data import TRIAL, USER, audit_rows, count, setup_trial

OLD_ENGINE = "regencord-isncsci 2018.0"


def add(db: Database, exam: dict[str, Any], visit: str = "baseline", **kw: Any) -> exams.ExamView:
    kw.setdefault("exam_date", "2024-01-10")
    return exams.record_exam(
        db, user=USER, trial_code=TRIAL, study_id="P01", visit=visit, exam=exam, **kw
    )


def test_exam_is_classified_and_stored(db: Database) -> None:
    setup_trial(db)
    stored = add(db, c5_incomplete_exam(None), examiner="Dr. Exam")
    assert stored.results == EXPECTED["C5-D"]
    assert stored.engine_version == ENGINE_VERSION
    assert stored.visit == "baseline" and stored.exam_date == date(2024, 1, 10)
    with db.transaction(user="reader") as session:
        record = session.get(ExamRecord, stored.id)
        assert record is not None
        # The worksheet as examined: 2 x (10 + 28 + 28) cells, VAC and DAP.
        cells = sum(len(record.raw[s][g]) for s in ("right", "left")
                    for g in ("motor", "lightTouch", "pinPrick"))  # fmt: skip
        assert cells == 132
        assert record.raw["voluntaryAnalContraction"] == "Yes"
        assert record.raw == {k: v for k, v in c5_incomplete_exam(None).items()}
        assert record.classification["classification"]["ASIAImpairmentScale"] == "D"
        assert (record.ais, record.nli, record.injury_complete) == ("D", "C5", "I")
        assert (record.uems, record.lems, record.motor_total) == (42, 40, 82)
        assert (record.right_motor, record.left_motor) == (41, 41)
        assert (record.light_touch, record.pin_prick) == (64, 64)
        assert record.examiner == "Dr. Exam"
        # Recording the exam recorded the visit, on the exam date.
        visit = session.scalar(select(Visit))
        assert visit is not None and visit.actual_date == date(2024, 1, 10)
    inserted = {a.field: a.new_value for a in audit_rows(db, "exam", stored.id, "insert")}
    assert inserted["engine_version"] == ENGINE_VERSION
    assert inserted["ais"] == "D" and inserted["examiner"] == "Dr. Exam"


def test_nt_and_tags_are_kept(db: Database) -> None:
    setup_trial(db)
    exam = c5_complete_exam(None)
    exam["right"]["motor"]["C6"] = "NT"
    exam["left"]["lightTouch"]["C6"] = "1*"
    exam["right"]["lowestNonKeyMuscleWithMotorFunction"] = "C8"
    stored = add(db, exam)
    assert stored.raw["right"]["motor"]["C6"] == "NT"
    assert stored.raw["left"]["lightTouch"]["C6"] == "1*"
    assert stored.raw["right"]["lowestNonKeyMuscleWithMotorFunction"] == "C8"
    assert stored.results["uems"] == "ND"
    with db.transaction(user="reader") as session:
        record = session.get(ExamRecord, stored.id)
        assert record is not None and record.uems is None and record.motor_total is None


def test_invalid_exam_stores_nothing_and_names_the_cells(db: Database) -> None:
    setup_trial(db)
    exam = c5_complete_exam(None)
    exam["right"]["motor"]["C5"] = "7"
    del exam["left"]["pinPrick"]["T4"]
    exam["deepAnalPressure"] = "maybe"
    before = count(db, AuditEntry)
    with pytest.raises(InvalidInput) as caught:
        add(db, exam)
    problems = {p.field: p for p in caught.value.problems}
    assert set(problems) == {"right.motor.C5", "left.pinPrick.T4", "deepAnalPressure"}
    assert problems["right.motor.C5"].value == "7"
    lines = str(caught.value).splitlines()
    assert "exam of P01 at baseline: right.motor.C5: '7' is not a motor score" in lines[0]
    assert count(db, ExamRecord) == 0
    assert count(db, Visit) == 0
    assert count(db, AuditEntry) == before


def test_exam_date_rules(db: Database) -> None:
    setup_trial(db)
    with pytest.raises(InvalidInput, match=r"exam_date: '2023-12-30' is before the injury"):
        add(db, normal_exam(None), exam_date="2023-12-30")
    future = (date.today() + timedelta(days=3)).isoformat()
    with pytest.raises(InvalidInput, match=r"exam_date: '.*' is in the future"):
        add(db, normal_exam(None), exam_date=future)
    with pytest.raises(InvalidInput, match=r"exam_date: is required"):
        add(db, normal_exam(None), exam_date=None)
    # With the visit recorded, the exam takes its date.
    visits.record_visit(
        db, user=USER, trial_code=TRIAL, study_id="P01", visit="week 12", actual_date="2024-03-20"
    )
    assert add(db, normal_exam(None), "week 12", exam_date=None).exam_date == date(2024, 3, 20)
    assert count(db, ExamRecord) == 1


def test_invalid_exam_and_date_reported_together(db: Database) -> None:
    setup_trial(db)
    exam = normal_exam(None)
    exam["left"]["motor"]["S1"] = "six"
    with pytest.raises(InvalidInput) as caught:
        add(db, exam, exam_date="2023-01-01")
    assert [p.field for p in caught.value.problems] == ["left.motor.S1", "exam_date"]


def test_one_exam_per_visit_unless_replaced(db: Database) -> None:
    setup_trial(db)
    first = add(db, c5_complete_exam(None))
    with pytest.raises(InvalidInput, match=f"already has exam {first.id}; to replace it"):
        add(db, c5_incomplete_exam(None))
    with pytest.raises(ReasonNeeded, match="replacing exam"):
        add(db, c5_incomplete_exam(None), replace=True)
    second = add(db, c5_incomplete_exam(None), replace=True, reason="wrong worksheet entered")
    assert second.replaced == (first.id,)
    assert [e.id for e in exams.list_exams(db, trial_code=TRIAL, study_id="P01", user=USER)] == [
        second.id
    ]
    deleted = audit_rows(db, "exam", first.id, "delete")
    assert {a.field for a in deleted} == {"deleted_at", "deleted_reason"}
    assert {a.reason for a in deleted} == {"wrong worksheet entered"}


def test_exam_at_a_missed_visit_is_refused(db: Database) -> None:
    setup_trial(db)
    visits.mark_missed(
        db, user=USER, trial_code=TRIAL, study_id="P01", visit="baseline", missed_reason="ICU"
    )
    with pytest.raises(InvalidInput, match="the visit is marked missed"):
        add(db, normal_exam(None))


def test_list_and_show(db: Database) -> None:
    setup_trial(db)
    a = add(db, c5_complete_exam(None))
    b = add(db, c5_incomplete_exam(None), "week 12", exam_date="2024-03-25")
    assert [e.id for e in exams.list_exams(db, trial_code=TRIAL, study_id="P01", user=USER)] == [
        a.id,
        b.id,
    ]
    only = exams.list_exams(db, trial_code=TRIAL, study_id="P01", visit="week 12", user=USER)
    assert [e.results["ais"] for e in only] == ["D"]
    assert exams.show_exam(db, a.id, user=USER).results["ais"] == "A"


# --------------------------------------------------------------------------- files


def test_load_exam_file(tmp_path: Path) -> None:
    one = write_json(tmp_path / "one.json", c5_complete_exam())
    assert exams.load_exam_file(one)["voluntaryAnalContraction"] == "No"
    listed = write_json(tmp_path / "listed.json", [c5_complete_exam()])
    assert exams.load_exam_file(listed)["right"]["motor"]["C5"] == "5"
    csv_file = write_csv(tmp_path / "one.csv", [c5_incomplete_exam()])
    assert exams.load_exam_file(csv_file)["right"]["motor"]["C6"] == "4"
    two = write_json(tmp_path / "two.json", [c5_complete_exam(), normal_exam()])
    with pytest.raises(InvalidInput, match="has 2 exams; one expected"):
        exams.load_exam_file(two)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InvalidInput, match="is not valid JSON"):
        exams.load_exam_file(bad)
    with pytest.raises(InvalidInput, match=r"is not a \.json or \.csv file"):
        exams.load_exam_file(tmp_path / "exam.txt")
    with pytest.raises(InvalidInput, match="cannot be read"):
        exams.load_exam_file(tmp_path / "missing.json")
    broken = c5_incomplete_exam()
    broken["left"]["motor"]["C7"] = "9"
    bad_csv = write_csv(tmp_path / "bad.csv", [broken])
    with pytest.raises(InvalidInput, match="left_motor_C7"):
        exams.load_exam_file(bad_csv)


# --------------------------------------------------------------------------- reclassify


def simulate_older_engine(db: Database, exam_id: int, **results: str) -> None:
    """Make a stored exam look classified by an older engine that got other results."""
    with db.transaction(user="migration", reason="simulate an older engine") as session:
        record = session.get(ExamRecord, exam_id)
        assert record is not None
        old = json.loads(json.dumps(record.classification))
        if "ais" in results:
            old["classification"]["ASIAImpairmentScale"] = results["ais"]
            record.ais = results["ais"]
        if "nli" in results:
            old["classification"]["neurologicalLevelOfInjury"] = results["nli"]
            record.nli = results["nli"]
        record.classification = old
        record.engine_version = OLD_ENGINE


def test_reclassify_reports_and_stores_changes(db: Database) -> None:
    setup_trial(db)
    a = add(db, c5_complete_exam(None))
    b = add(db, c5_incomplete_exam(None), "week 12", exam_date="2024-03-25")
    simulate_older_engine(db, a.id, ais="B", nli="C4")
    report = exams.reclassify_all(db, user="dr.engine")
    assert report.checked == 2
    assert report.updated == (a.id,) and report.restamped == ()
    assert report.changes == (
        ClassificationChangeEntry(a.id, "ais", "B", "A"),
        ClassificationChangeEntry(a.id, "nli", "C4", "C5"),
    )
    assert str(report.changes[0]) == f"exam {a.id}: ais: B -> A"
    stored = exams.show_exam(db, a.id, user=USER)
    assert stored.engine_version == ENGINE_VERSION and stored.results == EXPECTED["C5-A"]
    with db.transaction(user="reader") as session:
        record = session.get(ExamRecord, a.id)
        assert record is not None and (record.ais, record.nli) == ("A", "C5")
    updates = audit_rows(db, "exam", a.id, "update")
    reclassified = [u for u in updates if u.user == "dr.engine"]
    assert {u.reason for u in reclassified} == {f"engine upgrade to {ENGINE_VERSION}"}
    assert {u.field for u in reclassified} == {"classification", "engine_version", "ais", "nli"}
    version = next(u for u in reclassified if u.field == "engine_version")
    assert (version.old_value, version.new_value) == (OLD_ENGINE, ENGINE_VERSION)
    assert audit_rows(db, "exam", b.id, "update") == []
    # Nothing left to change.
    again = exams.reclassify_all(db, user="dr.engine")
    assert (again.updated, again.restamped, again.changes) == ((), (), ())


def test_reclassify_restamps_unchanged_results(db: Database) -> None:
    setup_trial(db)
    a = add(db, normal_exam(None))
    simulate_older_engine(db, a.id)
    report = exams.reclassify_all(db, user=USER)
    assert report.restamped == (a.id,) and report.updated == () and report.changes == ()
    assert exams.show_exam(db, a.id, user=USER).engine_version == ENGINE_VERSION


def test_reclassify_leaves_locked_visits_alone(db: Database) -> None:
    setup_trial(db)
    a = add(db, c5_complete_exam(None))
    simulate_older_engine(db, a.id, ais="C")
    visits.lock_visit(db, user="dr.lock", trial_code=TRIAL, study_id="P01", visit="baseline")
    report = exams.reclassify_all(db, user=USER)
    assert report.locked == (a.id,) and report.updated == ()
    assert report.locked_changes == (ClassificationChangeEntry(a.id, "ais", "C", "A"),)
    assert exams.show_exam(db, a.id, user=USER).engine_version == OLD_ENGINE
    with pytest.raises(Locked):
        add(db, c5_complete_exam(None), replace=True, reason="x")


def test_reclassify_reports_exams_the_engine_rejects(db: Database) -> None:
    setup_trial(db)
    a = add(db, c5_complete_exam(None))
    with db.transaction(user="migration", reason="simulate a stricter engine") as session:
        record = session.get(ExamRecord, a.id)
        assert record is not None
        raw = json.loads(json.dumps(record.raw))
        raw["right"]["motor"]["C5"] = "6"
        record.raw = raw
    report = exams.reclassify_all(db, user=USER)
    assert report.failed == ((a.id, "right.motor.C5: '6' is not a motor score (0-5 or NT; "
                              "0-4 and NT optionally tagged * or **)"),)  # fmt: skip
    assert report.updated == ()
