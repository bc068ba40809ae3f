"""One REDCap ``isncsci_exam`` row ↔ one exam in the Praxis shape, with its impairment
reasons, date, examiner and comments; and a classification → the instrument's result fields.

The rules of the mapping (also in ``docs/interop.md``):

* A cell ``_value`` of ``0``–``5`` (sensory ``0``–``2``) is that score, ``nt`` is NT
  (either case); ``ab-N`` / ``ab-nt`` is the score or NT tagged as non-SCI impairment:
  ``**`` (consider normal) when ``_considernormal`` is ``1``, ``*`` (consider not normal)
  when it is ``2`` or empty. A normal score (5, sensory 2) cannot be tagged.
* ``_impairment`` (``1`` plexopathy, ``2`` peripheral neuropathy, ``3`` pre-existing
  myoneuronal disease, ``6`` other) and ``_impairmentother`` are the reason of a tagged
  cell. The instrument shows ``_considernormal`` and ``_impairment`` only beside an
  ``ab-*`` value, and ``_impairmentother`` only for reason 6: a value left in a field the
  instrument hides is ignored, as REDCap's branching logic ignores it.
* ``voluntary_anal_contraction`` / ``deep_anal_pressure``: ``Yes``, ``No``, ``NT``.
  ``lowest_non_key_muscle_with_motor_function_{right,left}``: a level or empty (none).
* A row whose 132 cell values are all empty holds no exam (another instrument's row, an
  event without an exam): it is skipped.

Every problem names the row (record, event, repeat instance), the field and the value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from regencord.interop.redcap.fields import (
    CELLS,
    COMMENTS,
    COMPLETE,
    COMPLETE_FIELD,
    CONSIDER_NORMAL,
    CONSIDER_NOT_NORMAL,
    DAG_FIELD,
    DAP,
    EVENT,
    EXAM_DATE,
    EXAMINER,
    IMPAIRMENT_CODE_OF,
    IMPAIRMENT_CODES,
    INSTRUMENT,
    NKM,
    NON_KEY_MUSCLE_CHOICES,
    RECORD_ID,
    REPEAT_INSTANCE,
    REPEAT_INSTRUMENT,
    RESULT_FIELDS,
    UNKEPT_FIELDS,
    VAC,
    CellField,
)
from regencord.isncsci.cells import AnalFunction, ImpairmentReason
from regencord.isncsci.exam import NKM_KEY, parse_non_key_muscle
from regencord.isncsci.levels import Level
from regencord.problems import FieldProblem

Row = Mapping[str, str]

_VALUE_RE = re.compile(r"^(ab-)?(nt|[0-5])$", re.IGNORECASE)
_LABEL_VALUE_RE = re.compile(r"^(nt|[0-5])\*{1,2}$", re.IGNORECASE)

MOTOR_VALUES = "0-5, nt, ab-0 to ab-4 or ab-nt"
SENSORY_VALUES = "0-2, nt, ab-0, ab-1 or ab-nt"


@dataclass(frozen=True)
class RowKey:
    """Which row of the project: record, event, repeat instance (and its group)."""

    record_id: str
    event: str = ""
    repeat_instance: str = ""
    data_access_group: str = ""

    @classmethod
    def of(cls, row: Row) -> RowKey:
        return cls(
            record_id=_text(row, RECORD_ID),
            event=_text(row, EVENT),
            repeat_instance=_text(row, REPEAT_INSTANCE),
            data_access_group=_text(row, DAG_FIELD),
        )

    def __str__(self) -> str:
        return row_label(self.record_id, self.event, self.repeat_instance)


def row_label(record_id: str, event: str = "", instance: str = "") -> str:
    """``record 1001, event baseline_arm_1, instance 2`` (parts left out when empty)."""
    out = f"record {record_id or '(empty)'}"
    if event:
        out += f", event {event}"
    if instance:
        out += f", instance {instance}"
    return out


@dataclass(frozen=True)
class RedcapExam:
    """What one instrument row holds that regencord keeps."""

    key: RowKey
    exam: dict[str, Any]
    """The exam in the Praxis shape (cells as worksheet text: ``3``, ``NT``, ``0*``, ``2**``)."""
    impairments: dict[str, dict[str, str | None]]
    """Reason of each tagged cell that has one, by path (as the exam service takes it)."""
    exam_date: date | None
    examiner: str | None
    comments: str | None


def _text(row: Row, field: str) -> str:
    value = row.get(field)
    return "" if value is None else value.strip()


def is_exam_row(row: Row) -> bool:
    """Whether the row holds an exam (some cell value filled) and is not another repeating
    instrument's row."""
    instrument = _text(row, REPEAT_INSTRUMENT)
    if instrument and instrument != INSTRUMENT:
        return False
    return any(_text(row, c.value) for c in CELLS)


def cell_text(value: str, consider_normal: str, cell: CellField) -> str | None:
    """The worksheet text of a cell (``3``, ``NT``, ``2*``, ``NT**``), or ``None`` when the
    instrument's values do not allow it."""
    match = _VALUE_RE.match(value.strip())
    if match is None:
        return None
    tagged, score = match.group(1) is not None, match.group(2).upper()
    normal = 5 if cell.is_motor else 2
    if (score != "NT" and int(score) > normal) or (tagged and score == str(normal)):
        return None
    if not tagged:
        return score
    return score + ("**" if consider_normal.strip() == CONSIDER_NORMAL else "*")


def value_message(value: str, cell: CellField) -> str:
    """Why ``value`` is no value of the cell (a worksheet-style ``0*`` or ``NT*`` is what a
    label export writes)."""
    allowed = MOTOR_VALUES if cell.is_motor else SENSORY_VALUES
    hint = " (a label export? export raw codes)" if _LABEL_VALUE_RE.match(value) else ""
    return f"is not {allowed}{hint}"


CONSIDER_MESSAGE = "is not 1 (consider normal), 2 or empty"
ANAL_MESSAGE = "is not Yes, No or NT"
MUSCLE_MESSAGE = "is not a level C5 to S1"


def read_row(row: Row) -> tuple[RedcapExam | None, list[FieldProblem]]:
    """The exam of one instrument row, or the row's problems (every one)."""
    key = RowKey.of(row)
    label = str(key)
    problems: list[FieldProblem] = []

    def problem(field: str, value: str | None, message: str) -> None:
        problems.append(FieldProblem(label, field, value, message))

    if not key.record_id:
        problem(RECORD_ID, None, "is empty")
    exam: dict[str, Any] = {"right": {}, "left": {}}
    for side in ("right", "left"):
        exam[side] = {"motor": {}, "lightTouch": {}, "pinPrick": {}}
    impairments: dict[str, dict[str, str | None]] = {}
    for cell in CELLS:
        value = _text(row, cell.value)
        if not value:
            problem(cell.value, None, "is empty")
            continue
        consider = _text(row, cell.consider_normal)
        text = cell_text(value, consider, cell)
        if text is None:
            problem(cell.value, value, value_message(value, cell))
            continue
        exam[cell.side][cell.grid][cell.level.name] = text
        if "*" not in text:
            continue  # the instrument hides the other fields
        if consider not in ("", CONSIDER_NORMAL, CONSIDER_NOT_NORMAL):
            problem(cell.consider_normal, consider, CONSIDER_MESSAGE)
        code = _text(row, cell.impairment)
        if not code:
            continue
        reason = IMPAIRMENT_CODES.get(code)
        if reason is None:
            problem(cell.impairment, code, "is not 1, 2, 3, 6 or empty")
            continue
        other = _text(row, cell.impairment_other) if reason is ImpairmentReason.OTHER else ""
        impairments[cell.path] = {"reason": reason.value, "other": other or None}
    for field, key_name in ((VAC, "voluntaryAnalContraction"), (DAP, "deepAnalPressure")):
        value = _text(row, field)
        anal = AnalFunction.parse(value)
        if anal is None:
            problem(field, value or None, "is empty" if not value else ANAL_MESSAGE)
        else:
            exam[key_name] = anal.value
    for side in ("right", "left"):
        field = NKM.format(side=side)
        value = _text(row, field)
        if value:
            level = parse_non_key_muscle(value)
            if level is None:
                problem(field, value, MUSCLE_MESSAGE)
            else:
                exam[side][NKM_KEY] = level.name
    when: date | None = None
    raw_date = _text(row, EXAM_DATE)
    if raw_date:
        try:
            when = date.fromisoformat(raw_date)
        except ValueError:
            problem(EXAM_DATE, raw_date, "is not a date YYYY-MM-DD")
    if problems:
        return None, problems
    return (
        RedcapExam(
            key=key,
            exam=exam,
            impairments=impairments,
            exam_date=when,
            examiner=_text(row, EXAMINER) or None,
            comments=(row.get(COMMENTS) or "").strip() or None,
        ),
        [],
    )


def unkept_problems(row: Row) -> list[FieldProblem]:
    """A problem for each filled instrument field that regencord does not keep."""
    label = str(RowKey.of(row))
    return [
        FieldProblem(label, f, _text(row, f), "is not kept by regencord; clear it to import")
        for f in UNKEPT_FIELDS
        if _text(row, f)
    ]


# --------------------------------------------------------------------------- writing


def _redcap_value(text: str) -> tuple[str, str]:
    """A worksheet cell's ``_value`` and ``_considernormal``."""
    score = text.rstrip("*")
    stars = len(text) - len(score)
    value = score.lower()
    if not stars:
        return value, ""
    return f"ab-{value}", CONSIDER_NORMAL if stars == 2 else CONSIDER_NOT_NORMAL


def exam_fields(
    label: str,
    exam: Mapping[str, Any],
    impairments: Mapping[str, Mapping[str, str | None]],
) -> tuple[dict[str, str], list[FieldProblem]]:
    """The instrument's cell, VAC/DAP and non-key muscle fields of a Praxis exam; a
    problem for a lowest non-key muscle the instrument cannot hold (T2–L1)."""
    out: dict[str, str] = {}
    problems: list[FieldProblem] = []
    for cell in CELLS:
        text = str(exam[cell.side][cell.grid][cell.level.name])
        value, consider = _redcap_value(text)
        out[cell.value] = value
        out[cell.consider_normal] = consider
        reason = impairments.get(cell.path)
        if reason is None:
            out[cell.impairment] = out[cell.impairment_other] = ""
        else:
            out[cell.impairment] = IMPAIRMENT_CODE_OF[ImpairmentReason(str(reason["reason"]))]
            out[cell.impairment_other] = reason.get("other") or ""
    out[VAC] = str(exam["voluntaryAnalContraction"])
    out[DAP] = str(exam["deepAnalPressure"])
    for side in ("right", "left"):
        field = NKM.format(side=side)
        level = exam[side].get(NKM_KEY)
        out[field] = ""
        if level is None:
            continue
        if Level.parse(str(level)) not in NON_KEY_MUSCLE_CHOICES:
            problems.append(
                FieldProblem(
                    label,
                    field,
                    level,
                    "cannot be represented: the instrument offers C5-T1 and L2-S1 only",
                )
            )
        out[field] = str(level)
    return out, problems


def result_fields(results: Mapping[str, str]) -> dict[str, str]:
    """The instrument's result fields from regencord's named results (``ais`` …)."""
    return {field: results[name] for name, field in RESULT_FIELDS}


def complete_field() -> dict[str, str]:
    return {COMPLETE_FIELD: COMPLETE}
