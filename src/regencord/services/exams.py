"""Use cases: record an ISNCSCI exam at a visit, classified by the engine, and read the
stored exams.

An exam is stored only when the engine accepts it: every problem it finds is reported at
once (naming the cell, e.g. ``right.motor.C5``) and nothing is written. What is stored:
the exam in the Praxis shape, its classification (:meth:`Classification.to_praxis`), the
engine version, and summary columns for queries (:mod:`~regencord.services.exam_results`);
with it, what the examiner noted: the reason of each non-SCI impairment tag
(:mod:`~regencord.services.impairments`) and free-text comments. Dating, the visit,
replacing and the data-quality checks follow :mod:`~regencord.services.recording`: a visit
holds one exam.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from regencord.isncsci import ENGINE_VERSION, Exam, InvalidExam, classify
from regencord.services.errors import FieldProblem, NotFound
from regencord.services.exam_files import ExamProblem as ExamProblem
from regencord.services.exam_files import engine_problems
from regencord.services.exam_files import load_exam_file as load_exam_file
from regencord.services.exam_results import RESULT_FIELDS as RESULT_FIELDS
from regencord.services.exam_results import results_of as results_of
from regencord.services.exam_results import summary_columns as summary_columns
from regencord.services.followup import (
    find_participant,
    find_scheduled,
    followup_unit,
    visit_for_data,
)
from regencord.services.impairments import normalised_impairments
from regencord.services.impairments import tagged_cells as tagged_cells
from regencord.services.reclassify import ClassificationChangeEntry as ClassificationChangeEntry
from regencord.services.reclassify import ReclassifyResult as ReclassifyResult
from regencord.services.reclassify import reclassify_all as reclassify_all
from regencord.services.recording import (
    AtVisitView,
    at_visits,
    data_date,
    header_of,
    live_at_visit,
    replace_stored,
    save,
)
from regencord.services.unit import read_unit
from regencord.services.validation import raise_problems, reason_given
from regencord.store.db import Database
from regencord.store.models import ExamRecord, Participant, ScheduledVisit


@dataclass(frozen=True, kw_only=True)
class ExamView(AtVisitView):
    exam_date: date
    examiner: str | None
    engine_version: str
    results: Mapping[str, str]
    """Each of :data:`RESULT_FIELDS` in Praxis notation."""
    raw: Mapping[str, Any]
    classification: Mapping[str, Any]
    impairments: Mapping[str, Mapping[str, str | None]] = field(default_factory=dict)
    """Reason of each tagged cell that has one, by cell path (``right.motor.C5``):
    ``{"reason": ..., "other": ...}``."""
    comments: str | None = None


def _classification(exam: Exam) -> dict[str, Any]:
    out = classify(exam).to_praxis()
    out.pop("id", None)
    return out


def _raw(exam: Exam) -> dict[str, Any]:
    out = exam.to_praxis()
    out.pop("id", None)
    return out


def _summary(record: ExamRecord, replaced: tuple[int, ...] = ()) -> ExamView:
    return ExamView(
        **header_of(record, replaced),
        exam_date=record.exam_date,
        examiner=record.examiner,
        engine_version=record.engine_version,
        results=results_of(record.classification),
        raw=record.raw,
        classification=record.classification,
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
) -> ExamView:
    """Validate, classify and store an exam taken at a visit.

    ``exam_date`` defaults to the visit's date; a visit not yet recorded is recorded as
    done on the exam date. A visit holds one exam: ``replace`` (with a ``reason``)
    soft-deletes the one stored before. ``impairments`` gives the reason of tagged cells
    (see :func:`~regencord.services.impairments.normalised_impairments`); ``comments`` is
    free text.
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
) -> ExamView:
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
            problems += engine_problems(error, label, exam)
    when, found = data_date(session, participant, scheduled, label, "exam_date", exam_date)
    problems += found
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
    record_visit = visit_for_data(session, participant, scheduled, when, reason)
    stored = live_at_visit(session, ExamRecord, record_visit)
    replaced = replace_stored(
        stored,
        label=label,
        what="exam",
        field="visit",
        value=scheduled.name,
        held=f"already has exam {', '.join(str(e.id) for e in stored)}",
        replace=replace,
        reason=reason,
    )
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
    return _summary(save(session, participant, record), replaced)


def list_exams(
    db: Database, *, user: str, trial_code: str, study_id: str, visit: str | None = None
) -> list[ExamView]:
    """A participant's stored exams in schedule order, or those of one visit."""
    with read_unit(db, user=user) as session:
        participant = find_participant(session, trial_code, study_id)
        scheduled = None if visit is None else find_scheduled(session, participant.trial, visit)
        return [_summary(e) for e in at_visits(session, ExamRecord, participant, scheduled)]


def show_exam(db: Database, exam_id: int, *, user: str) -> ExamView:
    """One stored exam; :class:`NotFound` when there is none (or it was replaced)."""
    with read_unit(db, user=user) as session:
        record = session.get(ExamRecord, exam_id)
        if record is None or record.deleted:
            raise NotFound(f"exam {exam_id} does not exist")
        return _summary(record)
