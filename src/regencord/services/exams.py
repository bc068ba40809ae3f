"""Use cases: record an ISNCSCI exam at a visit, classified by the engine, and re-run the
engine on every stored exam after it changes.

An exam is stored only when the engine accepts it: every problem it finds is reported at
once (naming the cell, e.g. ``right.motor.C5``) and nothing is written. What is stored:
the exam in the Praxis shape, its classification (:meth:`Classification.to_praxis`), the
engine version, and summary columns for queries; with it, what the examiner noted: the
reason of each non-SCI impairment tag (:class:`~regencord.store.models.exam.ImpairmentReason`,
per tagged cell) and free-text comments.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from regencord.isncsci import ENGINE_VERSION, Exam, InvalidExam, classify
from regencord.isncsci.cells import Tag
from regencord.isncsci.io import RESULT_COLUMNS, FileFormat, format_of, read_exams
from regencord.services.errors import (
    FieldProblem,
    InvalidInput,
    NotFound,
    ReasonNeeded,
    invalid,
    invalid_file,
)
from regencord.services.followup import (
    NO_VISIT_DATE,
    date_problems,
    find_participant,
    find_scheduled,
    find_visit,
    followup_unit,
    parse_date,
    raise_problems,
    visit_for_data,
)
from regencord.services.quality import run_checks_for
from regencord.services.validation import reason_given
from regencord.store.db import Database
from regencord.store.models import ExamRecord, Participant, ScheduledVisit
from regencord.store.models.base import utcnow
from regencord.store.models.exam import ImpairmentReason

OTHER_TEXT_MAX = 200
"""Longest description of an impairment of reason ``other``."""

RESULT_FIELDS: tuple[str, ...] = tuple(name for name, _ in RESULT_COLUMNS)
"""The classification results by name (``ais``, ``nli``, ``right_motor_zpp``, ``uems`` …),
as in the result CSV files of ``regencord classify``."""


@dataclass(frozen=True)
class ExamProblem(FieldProblem):
    """A problem the engine found in an exam; its message already quotes the value."""

    def __str__(self) -> str:
        return f"{self.record}: {self.field}: {self.message}"


@dataclass(frozen=True)
class ExamSummary:
    id: int
    version: int
    trial: str
    participant: str
    visit: str
    exam_date: date
    examiner: str | None
    engine_version: str
    results: Mapping[str, str]
    """Each of :data:`RESULT_FIELDS` in Praxis notation."""
    raw: Mapping[str, Any]
    classification: Mapping[str, Any]
    replaced: tuple[int, ...] = ()
    """Exams of the same visit this one replaced (soft-deleted)."""
    locked: bool = False
    impairments: Mapping[str, Mapping[str, str | None]] = field(default_factory=dict)
    """Reason of each tagged cell that has one, by cell path (``right.motor.C5``):
    ``{"reason": ..., "other": ...}``."""
    comments: str | None = None


def _lookup(data: object, path: str) -> object:
    value = data
    for key in path.split("."):
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def _engine_problems(error: InvalidExam, record: str, raw: object) -> list[FieldProblem]:
    return [ExamProblem(record, p.field, _lookup(raw, p.field), p.message) for p in error.problems]


def load_exam_file(path: Path) -> dict[str, Any]:
    """The one exam of a JSON file (an object, or an array of one) or CSV file (one row),
    in the Praxis shape. The exam itself is validated when it is recorded."""
    record = f"exam file {path}"
    fmt = format_of(path)
    if fmt is None:
        raise invalid_file(record, "is not a .json or .csv file")
    if fmt is FileFormat.CSV:
        try:
            exams = read_exams(path, FileFormat.CSV)
        except InvalidExam as error:
            raise InvalidInput(
                [
                    ExamProblem(f"{record}, {p.exam}", p.field, None, p.message)
                    for p in error.problems
                ]
            ) from None
        except (OSError, UnicodeDecodeError) as error:
            raise invalid_file(record, f"cannot be read: {error}") from None
        if len(exams) != 1:
            raise invalid_file(record, f"has {len(exams)} exams; one expected")
        return exams[0].to_praxis()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise invalid_file(record, f"cannot be read: {error}") from None
    except json.JSONDecodeError as error:
        raise invalid_file(record, f"is not valid JSON: {error}") from None
    if isinstance(data, list):
        if len(data) != 1:
            raise invalid_file(record, f"has {len(data)} exams; one expected")
        data = data[0]
    if not isinstance(data, dict):
        raise invalid_file(record, "does not hold an exam object")
    return data


def results_of(classification: Mapping[str, Any]) -> dict[str, str]:
    """The named results of a stored classification (missing ones as ``""``)."""
    out = {}
    for name, path in RESULT_COLUMNS:
        value = _lookup(classification, ".".join(path))
        out[name] = "" if value is None else str(value)
    return out


def _score(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def summary_columns(classification: Mapping[str, Any]) -> dict[str, Any]:
    """The summary columns of :class:`ExamRecord` from a classification."""
    r = results_of(classification)
    right, left = _score(r["right_motor_total"]), _score(r["left_motor_total"])
    return {
        "ais": r["ais"],
        "nli": r["nli"],
        "injury_complete": r["injury_complete"],
        "uems": _score(r["uems"]),
        "lems": _score(r["lems"]),
        "right_motor": right,
        "left_motor": left,
        "motor_total": None if right is None or left is None else right + left,
        "light_touch": _score(r["light_touch"]),
        "pin_prick": _score(r["pin_prick"]),
    }


def _classification(exam: Exam) -> dict[str, Any]:
    out = classify(exam).to_praxis()
    out.pop("id", None)
    return out


def _raw(exam: Exam) -> dict[str, Any]:
    out = exam.to_praxis()
    out.pop("id", None)
    return out


def _summary(record: ExamRecord, replaced: tuple[int, ...] = ()) -> ExamSummary:
    participant = record.visit.participant
    return ExamSummary(
        id=record.id,
        version=record.version,
        trial=participant.trial.code,
        participant=participant.study_id,
        visit=record.visit.scheduled.name,
        exam_date=record.exam_date,
        examiner=record.examiner,
        engine_version=record.engine_version,
        results=results_of(record.classification),
        raw=record.raw,
        classification=record.classification,
        replaced=replaced,
        locked=record.visit.locked,
        impairments=record.impairments or {},
        comments=record.comments,
    )


def exam_label(participant: Participant, scheduled: ScheduledVisit) -> str:
    return f"exam of {participant.study_id} at {scheduled.name}"


def record_exam(
    db: Database,
    *,
    user: str,
    trial_code: str,
    study_id: str,
    visit: str,
    exam: Mapping[str, Any] | Exam,
    exam_date: date | str | None = None,
    examiner: str | None = None,
    replace: bool = False,
    reason: str | None = None,
    impairments: Mapping[str, Mapping[str, Any]] | None = None,
    comments: str | None = None,
) -> ExamSummary:
    """Validate, classify and store an exam taken at a visit.

    ``exam_date`` defaults to the visit's date; a visit not yet recorded is recorded as
    done on the exam date. A visit holds one exam: ``replace`` (with a ``reason``)
    soft-deletes the one stored before. ``impairments`` gives the reason of tagged cells
    (see :func:`impairment_problems`); ``comments`` is free text.
    """
    reason = reason_given(reason, "exam")
    with followup_unit(db, user=user, reason=reason) as session:
        participant = find_participant(session, trial_code, study_id)
        scheduled = find_scheduled(session, participant.trial, visit)
        return store_exam(
            session,
            participant,
            scheduled,
            exam=exam,
            exam_date=exam_date,
            examiner=examiner,
            replace=replace,
            reason=reason,
            impairments=impairments,
            comments=comments,
        )


def store_exam(
    session: Session,
    participant: Participant,
    scheduled: ScheduledVisit,
    *,
    exam: Mapping[str, Any] | Exam,
    exam_date: date | str | None = None,
    examiner: str | None = None,
    replace: bool = False,
    reason: str | None = None,
    impairments: Mapping[str, Mapping[str, Any]] | None = None,
    comments: str | None = None,
) -> ExamSummary:
    """:func:`record_exam` inside an open unit of work (for use cases that store many
    exams in one transaction); raises :class:`InvalidInput` with every problem."""
    label = exam_label(participant, scheduled)
    problems: list[FieldProblem] = []
    parsed: Exam | None = None
    if isinstance(exam, Exam):
        parsed = exam
    else:
        try:
            parsed = Exam.from_praxis(exam)
        except InvalidExam as error:
            problems += _engine_problems(error, label, exam)
    when: date | None = None
    if exam_date is not None:
        when = parse_date(label, "exam_date", exam_date)
    else:
        current = find_visit(session, participant, scheduled)
        when = current.actual_date if current is not None else None
        if when is None:
            problems.append(FieldProblem(label, "exam_date", None, NO_VISIT_DATE))
    if when is not None:
        problems += date_problems(label, "exam_date", when, participant)
    examiner = (examiner or "").strip() or None
    if examiner is not None and len(examiner) > 100:
        problems.append(FieldProblem(label, "examiner", examiner, "is longer than 100"))
    reasons: dict[str, dict[str, str | None]] = {}
    if parsed is not None:
        reasons, found = normalised_impairments(label, parsed, impairments or {})
        problems += found
    comments = (comments or "").strip() or None
    raise_problems(problems)
    assert parsed is not None and when is not None
    record_visit = visit_for_data(session, participant, scheduled, when)
    replaced = _replace(session, record_visit.id, label, replace, reason)
    classification = _classification(parsed)
    record = ExamRecord(
        visit=record_visit,
        examiner=examiner,
        exam_date=when,
        raw=_raw(parsed),
        classification=classification,
        engine_version=ENGINE_VERSION,
        impairments=reasons or None,
        comments=comments,
        **summary_columns(classification),
    )
    session.add(record)
    session.flush()
    run_checks_for(session, participant)
    return _summary(record, replaced)


def tagged_cells(exam: Exam) -> list[str]:
    """The paths (``right.motor.C5``) of the cells tagged as non-SCI impairment."""
    out = []
    for name, side in (("right", exam.right), ("left", exam.left)):
        for grid, cells in (
            ("motor", side.motor),
            ("lightTouch", side.light_touch),
            ("pinPrick", side.pin_prick),
        ):
            out += [f"{name}.{grid}.{lv.name}" for lv, c in cells.items() if c.tag is not Tag.NONE]
    return out


def normalised_impairments(
    label: str, exam: Exam, impairments: Mapping[str, Mapping[str, Any]]
) -> tuple[dict[str, dict[str, str | None]], list[FieldProblem]]:
    """The impairment reasons to store, and the problems of ``impairments``.

    Rules: a reason belongs to a cell tagged ``*`` or ``**`` (by its path,
    ``right.motor.C5``); the reason is one of :class:`ImpairmentReason`; a description
    (``other``, at most :data:`OTHER_TEXT_MAX` characters) is given only with reason
    ``other``, where it may also be left out."""
    tagged = set(tagged_cells(exam))
    out: dict[str, dict[str, str | None]] = {}
    problems: list[FieldProblem] = []
    for path, given in impairments.items():
        where = f"impairments.{path}"
        if path not in tagged:
            problems.append(
                FieldProblem(label, where, None, "is given for a cell not tagged * or **")
            )
            continue
        reason = given.get("reason")
        other = given.get("other")
        other = other.strip() or None if isinstance(other, str) else other
        try:
            parsed = ImpairmentReason(str(reason))
        except ValueError:
            allowed = ", ".join(r.value for r in ImpairmentReason)
            problems.append(FieldProblem(label, f"{where}.reason", reason, f"is not {allowed}"))
            continue
        if other is not None and not isinstance(other, str):
            problems.append(FieldProblem(label, f"{where}.other", other, "is not text"))
        elif other is not None and parsed is not ImpairmentReason.OTHER:
            problems.append(
                FieldProblem(label, f"{where}.other", other, "is given but the reason is not other")
            )
        elif other is not None and len(other) > OTHER_TEXT_MAX:
            problems.append(
                FieldProblem(label, f"{where}.other", other, f"is longer than {OTHER_TEXT_MAX}")
            )
        else:
            out[path] = {"reason": parsed.value, "other": other}
    return dict(sorted(out.items())), problems


def _replace(
    session: Session, visit_id: int | None, label: str, replace: bool, reason: str | None
) -> tuple[int, ...]:
    if visit_id is None:
        return ()
    stored = _exams_of(session, visit_id)
    if not stored:
        return ()
    ids = ", ".join(str(e.id) for e in stored)
    if not replace:
        raise invalid(
            label,
            "visit",
            stored[0].visit.scheduled.name,
            f"already has exam {ids}; to replace it, pass --replace with a --reason",
        )
    if not reason:
        raise ReasonNeeded(f"{label}: replacing exam {ids} needs a reason (--reason)")
    for old in stored:
        old.deleted_at, old.deleted_reason = utcnow(), reason
    return tuple(e.id for e in stored)


def _exams_of(session: Session, visit_id: int) -> list[ExamRecord]:
    query = (
        select(ExamRecord)
        .where(ExamRecord.visit_id == visit_id, ExamRecord.deleted_at.is_(None))
        .order_by(ExamRecord.id)
    )
    return list(session.scalars(query))


def list_exams(
    db: Database, *, trial_code: str, study_id: str, visit: str | None = None
) -> list[ExamSummary]:
    """A participant's stored exams in schedule order, or those of one visit."""
    with followup_unit(db, user="(read)") as session:
        participant = find_participant(session, trial_code, study_id)
        wanted = [v for v in participant.trial.schedule if not v.deleted]
        if visit is not None:
            wanted = [find_scheduled(session, participant.trial, visit)]
        out = []
        for scheduled in wanted:
            record = find_visit(session, participant, scheduled)
            if record is not None:
                out += [_summary(e) for e in _exams_of(session, record.id)]
        return out


def get_exam(db: Database, exam_id: int) -> ExamSummary:
    with followup_unit(db, user="(read)") as session:
        record = session.get(ExamRecord, exam_id)
        if record is None or record.deleted:
            raise NotFound(f"exam {exam_id} does not exist")
        return _summary(record)


@dataclass(frozen=True)
class ClassificationChange:
    exam_id: int
    field: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"exam {self.exam_id}: {self.field}: {self.old} -> {self.new}"


@dataclass(frozen=True)
class ReclassifyReport:
    engine_version: str
    checked: int
    """Stored exams the engine re-ran on."""
    updated: tuple[int, ...]
    """Exams whose classification changed (new classification and version stored)."""
    restamped: tuple[int, ...]
    """Exams whose classification is unchanged but was made by another engine version."""
    changes: tuple[ClassificationChange, ...]
    locked: tuple[int, ...]
    """Exams of locked visits that would change; left as they are."""
    locked_changes: tuple[ClassificationChange, ...]
    failed: tuple[tuple[int, str], ...]
    """Exams the engine no longer accepts, with its first problem; left as they are."""


def _compact(data: Mapping[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def _differences(
    exam_id: int, old: Mapping[str, Any], new: Mapping[str, Any]
) -> list[ClassificationChange]:
    before, after = results_of(old), results_of(new)
    out = [
        ClassificationChange(exam_id, f, before[f] or "(none)", after[f])
        for f in RESULT_FIELDS
        if before[f] != after[f]
    ]
    if not out and dict(old) != dict(new):
        out.append(ClassificationChange(exam_id, "classification", _compact(old), _compact(new)))
    return out


def reclassify_all(db: Database, *, user: str) -> ReclassifyReport:
    """Re-run the engine on every stored exam; store what changed, with the engine
    version, in one transaction (audited, reason "engine upgrade to …").

    Exams of locked visits are not changed: they are reported, to be unlocked and
    reclassified deliberately.
    """
    updated: list[int] = []
    restamped: list[int] = []
    changes: list[ClassificationChange] = []
    locked: list[int] = []
    locked_changes: list[ClassificationChange] = []
    failed: list[tuple[int, str]] = []
    with followup_unit(db, user=user, reason=f"engine upgrade to {ENGINE_VERSION}") as session:
        records = list(
            session.scalars(
                select(ExamRecord)
                .where(ExamRecord.deleted_at.is_(None))
                .options(selectinload(ExamRecord.visit))
                .order_by(ExamRecord.id)
            )
        )
        valid: list[tuple[ExamRecord, Exam]] = []
        for record in records:
            try:
                valid.append((record, Exam.from_praxis(record.raw)))
            except InvalidExam as error:
                first = error.problems[0] if error.problems else None
                failed.append(
                    (record.id, f"{first.field}: {first.message}" if first else str(error))
                )
        # The vectorized engine gives the scalar engine's results (parity-tested), faster.
        from regencord.isncsci.batch import ExamBatch, classify_batch  # NumPy: only here

        results = classify_batch(ExamBatch.from_exams([exam for _, exam in valid])).to_praxis()
        for (record, _), new in zip(valid, results, strict=True):
            new.pop("id", None)
            found = _differences(record.id, record.classification, new)
            if not found and record.engine_version == ENGINE_VERSION:
                continue
            if record.visit.locked:
                locked.append(record.id)
                locked_changes += found
                continue
            record.classification = new
            record.engine_version = ENGINE_VERSION
            for column, value in summary_columns(new).items():
                setattr(record, column, value)
            (updated if found else restamped).append(record.id)
            changes += found
        session.flush()
    return ReclassifyReport(
        engine_version=ENGINE_VERSION,
        checked=len(records),
        updated=tuple(updated),
        restamped=tuple(restamped),
        changes=tuple(changes),
        locked=tuple(locked),
        locked_changes=tuple(locked_changes),
        failed=tuple(failed),
    )
