"""``regencord redcap import|export``: REDCap records into a trial's exams (events →
visits, groups → sites, record ids → existing participants) in one audited transaction,
every bad row named and nothing written; and the exams back out, without loss."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from regencord.interop.redcap.fields import CELLS, EXPORT_COLUMNS
from regencord.services import exams, trials
from regencord.services.errors import InvalidInput
from regencord.services.redcap import (
    EventMap,
    RedcapImportResult,
    export_rows,
    import_records,
    write_rows,
)
from regencord.services.trials import find_trial
from regencord.store.db import Database
from regencord.store.models import AuditEntry, ExamRecord, Participant, ParticipantStatus, Sex
from tests.interop.redcap.exports import HEADER, exam_rows, with_noise, write_export
from tests.services.test_transfer import fresh  # noqa: F401  (fixture)

USER = "dr.redcap"
TRIAL = "REDCAP-01"
EVENTS = EventMap.parse(
    {
        "events": {
            "baseline_arm_1": "baseline",
            "week_12_arm_1": "week 12",
            "follow_up_arm_1": ["week 24", "week 52"],
        },
        "data_access_groups": {"site_a": "S01", "site_b": "S02"},
    }
)
SCHEDULE = {
    "visits": [
        {"name": name, "anchor": "injury", "day": day, "window_before": 400, "window_after": 400}
        for name, day in (("baseline", 7), ("week 12", 84), ("week 24", 168), ("week 52", 364))
    ]
}


def setup(db: Database, records: int) -> None:
    """The trial, two sites, the schedule, participants 1001... (even at S01, odd at S02)."""
    trials.create_trial(db, user=USER, data={"code": TRIAL, "title": "REDCap test trial"})
    for code in ("S01", "S02"):
        trials.add_site(db, user=USER, trial_code=TRIAL, data={"code": code, "name": code})
    trials.set_schedule(db, user=USER, trial_code=TRIAL, schedule=SCHEDULE)
    with db.transaction(user=USER) as session:
        trial = find_trial(session, TRIAL)
        sites = {s.code: s for s in trial.sites}
        for record in range(1001, 1001 + records):
            session.add(
                Participant(
                    trial=trial,
                    site=sites["S01" if record % 2 == 0 else "S02"],
                    study_id=str(record),
                    age_at_injury=40,
                    sex=Sex.MALE,
                    injury_date=date(2024, 1, 1),
                    consent_date=date(2024, 1, 1) + timedelta(days=2),
                    status=ParticipantStatus.ENROLLED,
                )
            )


def _import(db: Database, path: Path) -> RedcapImportResult:
    return import_records(db, user=USER, trial_code=TRIAL, path=path, events=EVENTS)


def _exam_count(db: Database) -> int:
    with db.transaction(user="reader") as session:
        return session.scalar(select(func.count()).select_from(ExamRecord)) or 0


def _normalised(row: dict[str, str]) -> dict[str, str]:
    """A row as export writes it: an ab-* value's empty _considernormal as 2 (both mean
    "consider not normal")."""
    out = {c: row.get(c, "") for c in EXPORT_COLUMNS}
    for cell in CELLS:
        if out[cell.value].startswith("ab-") and not out[cell.consider_normal]:
            out[cell.consider_normal] = "2"
    return out


def test_import_stores_every_exam_and_export_gives_the_rows_back(
    db: Database, tmp_path: Path
) -> None:
    rows = exam_rows(3)
    setup(db, 3)
    report = _import(db, write_export(tmp_path / "records.csv", with_noise(rows)))
    assert report == RedcapImportResult(trial=TRIAL, exams=12, participants=3, skipped_rows=2)
    assert _exam_count(db) == 12
    stored = exams.list_exams(db, trial_code=TRIAL, study_id="1001", user=USER)
    assert [e.visit for e in stored] == ["baseline", "week 12", "week 24", "week 52"]
    assert (
        any(e.impairments for e in stored)
        and stored[0].comments == "spasticity, limited exam\nsecond line"
    )
    exported = export_rows(db, trial_code=TRIAL, events=EVENTS, user="reader")
    assert exported == [_normalised(r) for r in rows]
    # the import is audited: who created each exam
    with db.transaction(user="reader") as session:
        created = session.scalars(
            select(AuditEntry.record_id).where(
                AuditEntry.table == "exam", AuditEntry.action == "insert", AuditEntry.user == USER
            )
        )
        assert len(set(created)) == 12


def test_export_then_import_into_a_fresh_database_then_export_is_identical(
    db: Database,
    fresh: Database,  # noqa: F811
    tmp_path: Path,
) -> None:
    setup(db, 4)
    _import(db, write_export(tmp_path / "records.csv", exam_rows(4, seed=11)))
    first = tmp_path / "first.csv"
    with first.open("w", newline="", encoding="utf-8") as f:
        write_rows(export_rows(db, trial_code=TRIAL, events=EVENTS, user="reader"), f)
    from regencord.store.migrate import upgrade

    upgrade(fresh.engine)
    setup(fresh, 4)
    _import(fresh, first)
    second = tmp_path / "second.csv"
    with second.open("w", newline="", encoding="utf-8") as f:
        write_rows(export_rows(fresh, trial_code=TRIAL, events=EVENTS, user="reader"), f)
    assert second.read_bytes() == first.read_bytes()
    text = first.read_text()
    assert "ab-" in text and ",nt," in text and "burn" not in text


def test_every_bad_row_is_reported_and_nothing_is_written(db: Database, tmp_path: Path) -> None:
    rows = exam_rows(2)
    setup(db, 1)  # 1002 is not a participant
    rows[0]["redcap_data_access_group"] = "site_a"  # 1001 is at S02 (site_b)
    rows[1]["redcap_event_name"] = "screening_arm_1"
    rows[2]["redcap_repeat_instance"] = "3"
    rows[3]["exam_time"] = "09:30"
    rows[3]["right_motor_c5_value"] = "x"
    extra = dict(rows[3], redcap_repeat_instance="2")
    header = (*HEADER, "exam_time")
    source = write_export(tmp_path / "records.csv", [*rows[:4], extra, *rows[4:]], header)
    with pytest.raises(InvalidInput) as caught:
        _import(db, source)
    lines = [str(p) for p in caught.value.problems]
    assert lines == [
        "record 1001, event baseline_arm_1: redcap_data_access_group: 'site_a' is not the group "
        "of 1001's site S02",
        "record 1001, event screening_arm_1: redcap_event_name: 'screening_arm_1' has no visit "
        "in the events file",
        "record 1001, event follow_up_arm_1, instance 3: redcap_repeat_instance: '3' has no "
        "visit of the event",
        "record 1001, event follow_up_arm_1, instance 2: right_motor_c5_value: 'x' is not 0-5, "
        "nt, ab-0 to ab-4 or ab-nt",
        "record 1001, event follow_up_arm_1, instance 2: exam_time: '09:30' is not kept by "
        "regencord; clear it to import",
        "record 1001, event follow_up_arm_1, instance 2: right_motor_c5_value: 'x' is not 0-5, "
        "nt, ab-0 to ab-4 or ab-nt",
        "record 1001, event follow_up_arm_1, instance 2: exam_time: '09:30' is not kept by "
        "regencord; clear it to import",
        "record 1001, event follow_up_arm_1, instance 2: redcap_event_name: 'follow_up_arm_1' "
        "holds a second exam of visit week 52 (first: record 1001, event follow_up_arm_1, "
        "instance 2)",
        *(
            f"record 1002, event {event}: record_id: '1002' is not a participant of trial "
            "REDCAP-01; add it first"
            for event in (
                "baseline_arm_1",
                "week_12_arm_1",
                "follow_up_arm_1, instance 1",
                "follow_up_arm_1, instance 2",
            )
        ),
    ]
    assert _exam_count(db) == 0


def test_service_problems_are_named_by_row_and_instrument_field(
    db: Database, tmp_path: Path
) -> None:
    rows = exam_rows(1)
    setup(db, 1)
    rows[1]["exam_date"] = "2023-06-01"  # before the injury
    with pytest.raises(InvalidInput) as caught:
        _import(db, write_export(tmp_path / "records.csv", rows))
    assert [(p.record, p.field) for p in caught.value.problems] == [
        ("record 1001, event week_12_arm_1", "exam_date")
    ]
    assert _exam_count(db) == 0


def test_export_refuses_what_the_instrument_cannot_hold(db: Database) -> None:
    setup(db, 1)
    exam = exam_rows(1)[0]
    from regencord.interop.redcap.mapping import read_row

    read, _ = read_row(exam)
    assert read is not None
    read.exam["left"]["lowestNonKeyMuscleWithMotorFunction"] = "T8"
    exams.record_exam(db, user=USER, trial_code=TRIAL, study_id="1001", visit="baseline",
                      exam=read.exam, exam_date="2024-01-10")  # fmt: skip
    unmapped = EventMap.parse({"events": {"week_12_arm_1": "week 12"}})
    with pytest.raises(InvalidInput) as caught:
        export_rows(db, trial_code=TRIAL, events=unmapped, user="reader")
    assert [str(p) for p in caught.value.problems] == [
        "exam of 1001 at baseline: visit: 'baseline' has no event in the events file"
    ]
    with pytest.raises(InvalidInput) as caught:
        export_rows(db, trial_code=TRIAL, events=EVENTS, user="reader")
    assert [p.field for p in caught.value.problems] == [
        "lowest_non_key_muscle_with_motor_function_left"
    ]


def test_a_bad_events_file_is_reported() -> None:
    with pytest.raises(InvalidInput) as caught:
        EventMap.parse({"events": {"a": 3, "b": []}, "groups": {}})
    assert [p.field for p in caught.value.problems] == ["events.a", "events.b", "groups"]
