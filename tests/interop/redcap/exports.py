"""REDCap ``isncsci_exam`` flat CSV exports generated for the tests: a longitudinal
project with three events (one with a repeating instrument), two data access groups,
tags with both ``_considernormal`` values (and the empty one), NT, non-key muscles,
impairment reasons, comments with commas, quotes and line breaks, stored results (some as
an older calculator left them), a row of another repeating instrument and an event row
without an exam."""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

from regencord.interop.redcap.fields import (
    CELLS,
    COMMENTS,
    DAG_FIELD,
    EVENT,
    EXAM_DATE,
    EXAMINER,
    EXPORT_COLUMNS,
    INSTRUMENT,
    NON_KEY_MUSCLE_CHOICES,
    RECORD_ID,
    REPEAT_INSTANCE,
    REPEAT_INSTRUMENT,
)
from regencord.interop.redcap.mapping import complete_field, exam_fields, result_fields
from regencord.isncsci import Exam, classify
from regencord.isncsci.exam import NKM_KEY
from regencord.isncsci.io import result_row
from regencord.isncsci.levels import Level
from regencord.isncsci.synthetic import generate_exams

EVENTS = ("baseline_arm_1", "week_12_arm_1", "follow_up_arm_1")
"""The follow-up event repeats the instrument (instances 1 and 2)."""
SLOTS = (
    ("baseline_arm_1", ""),
    ("week_12_arm_1", ""),
    ("follow_up_arm_1", "1"),
    ("follow_up_arm_1", "2"),
)
DAGS = ("site_a", "site_b")
OTHER_FIELD = "demographics_note"
"""A field of another instrument, as a project's export has."""
HEADER = (*EXPORT_COLUMNS[:5], OTHER_FIELD, *EXPORT_COLUMNS[5:])


def _keep_instrument_levels(exam: dict[str, Any]) -> None:
    for side in ("right", "left"):
        level = exam[side].get(NKM_KEY)
        if level is not None and Level.parse(level) not in NON_KEY_MUSCLE_CHOICES:
            del exam[side][NKM_KEY]


def exam_rows(participants: int, *, seed: int = 7) -> list[dict[str, str]]:
    """Four exams per participant (record ``1001`` …), one per slot of :data:`SLOTS`."""
    rng = random.Random(seed)
    exams = generate_exams(
        participants * len(SLOTS), seed=seed, nt_rate=0.04, tag_rate=0.06, non_key_rate=0.4
    )
    rows = []
    for i, exam in enumerate(exams):
        exam.pop("id", None)
        _keep_instrument_levels(exam)
        record = str(1001 + i // len(SLOTS))
        event, instance = SLOTS[i % len(SLOTS)]
        reasons: dict[str, dict[str, str | None]] = {}
        for cell in CELLS:
            if "*" in exam[cell.side][cell.grid][cell.level.name]:
                pick = rng.randrange(5)
                if pick < 3:
                    reason = (
                        "plexopathy",
                        "peripheral neuropathy",
                        "pre-existing myoneuronal disease",
                    )[pick]
                    reasons[cell.path] = {"reason": reason, "other": None}
                elif pick == 3:
                    reasons[cell.path] = {"reason": "other", "other": 'old "fracture", left'}
        fields, problems = exam_fields(record, exam, reasons)
        assert not problems
        for cell in CELLS:  # the instrument leaves "consider not normal" empty at times
            if fields[cell.consider_normal] == "2" and rng.random() < 0.3:
                fields[cell.consider_normal] = ""
        row = {c: "" for c in HEADER}
        row |= {
            RECORD_ID: record,
            EVENT: event,
            REPEAT_INSTRUMENT: INSTRUMENT if instance else "",
            REPEAT_INSTANCE: instance,
            DAG_FIELD: DAGS[int(record) % 2],
            EXAM_DATE: f"2024-0{1 + i % len(SLOTS) * 2}-1{i % 9}",
            EXAMINER: "Dr. A. Examiner" if i % 2 else "",
            COMMENTS: "spasticity, limited exam\nsecond line" if i % 5 == 0 else "",
        }
        row |= fields
        row |= result_fields(result_row(classify(Exam.from_praxis(exam))))
        row |= complete_field()
        rows.append(row)
    return rows


def with_noise(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """``rows`` with a row of another repeating instrument and an event row without an
    exam (both to be skipped), as a real project's export has."""
    blank = {c: "" for c in HEADER}
    other = blank | {
        RECORD_ID: rows[0][RECORD_ID],
        EVENT: EVENTS[0],
        REPEAT_INSTRUMENT: "adverse_events",
        REPEAT_INSTANCE: "1",
        OTHER_FIELD: "not an exam",
    }
    no_exam = blank | {RECORD_ID: rows[0][RECORD_ID], EVENT: "screening_arm_1"}
    return [no_exam, *rows[:2], other, *rows[2:]]


def write_export(path: Path, rows: list[dict[str, str]], header: tuple[str, ...] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(header), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path
