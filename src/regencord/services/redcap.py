"""Use cases: a REDCap project's ``isncsci_exam`` records into a trial's exams, and the
trial's exams back out in the instrument's layout.

**Events → visits** come from a small YAML file (a REDCap project's events have names
such as ``baseline_arm_1``; a trial's schedule has its own)::

    events:
      baseline_arm_1: baseline          # one visit
      week_12_arm_1: week 12
      follow_up_arm_1: [week 24, week 52]   # a repeating instrument: instance 1, 2, ...
    data_access_groups:                 # optional; default: a site's code, lower-case
      site_a: S01

**Records → participants**: ``record_id`` is the participant's study id. REDCap's
instrument holds no age at injury, sex or injury date, so participants are never created
by an import: every record must be a participant of the trial already (``regencord
participant add``), at the site of its data access group (when the export has groups).

Import validates every row first (the mapping's rules, the events file, the
participants, the sites, one exam per visit, fields regencord does not keep) and stores
the exams through the exam service (classified by the engine, audited) in one
transaction; any problem, named by record, event, instance and field, and nothing is
written. Export writes, per exam, the row the instrument would hold (REDCap's identity
columns, the cells with their tags and reasons, VAC/DAP, non-key muscles, date, examiner,
comments, the stored results, ``isncsci_exam_complete`` = 2), sorted by record, event (in
the events file's order) and instance.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from regencord.interop.redcap.fields import (
    CELL_BY_PATH,
    COMMENTS,
    DAG_FIELD,
    EVENT,
    EXAM_DATE,
    EXAMINER,
    EXPORT_COLUMNS,
    INSTRUMENT,
    RECORD_ID,
    REPEAT_INSTANCE,
    REPEAT_INSTRUMENT,
)
from regencord.interop.redcap.mapping import (
    RedcapExam,
    RowKey,
    complete_field,
    exam_fields,
    is_exam_row,
    read_row,
    result_fields,
    unkept_problems,
)
from regencord.interop.redcap.stream import header_problems, read_header
from regencord.services.errors import FieldProblem, InvalidInput, ServiceError
from regencord.services.exams import results_of, store_exam
from regencord.services.followup import find_scheduled, followup_unit
from regencord.services.trials import find_trial
from regencord.services.unit import read_unit
from regencord.store.db import Database
from regencord.store.models import ExamRecord, Participant, Visit


@dataclass(frozen=True)
class EventMap:
    """REDCap events → the trial's visits, and data access groups → sites."""

    visits: Mapping[str, tuple[str, ...]]
    """Each event's visits: one, or one per repeat instance (1, 2, ...)."""
    groups: Mapping[str, str]
    """Data access group (unique name) → site code; others: the site code lower-cased."""

    @classmethod
    def load(cls, path: Path) -> EventMap:
        record = f"events file {path.name}"
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            problem = FieldProblem(record, "", None, f"cannot be read: {error}")
            raise InvalidInput([problem]) from None
        return cls.parse(data, record)

    @classmethod
    def parse(cls, data: object, record: str = "events file") -> EventMap:
        problems: list[FieldProblem] = []
        if not isinstance(data, dict) or not isinstance(data.get("events"), dict):
            raise InvalidInput(
                [FieldProblem(record, "events", None, "is missing: a mapping of event → visit(s)")]
            )
        visits: dict[str, tuple[str, ...]] = {}
        for event, target in data["events"].items():
            names = [target] if isinstance(target, str) else target
            if (
                not isinstance(names, list)
                or not names
                or not all(isinstance(n, str) and n.strip() for n in names)
            ):
                problems.append(
                    FieldProblem(
                        record, f"events.{event}", target, "is not a visit name or a list of them"
                    )
                )
                continue
            visits[str(event)] = tuple(n.strip() for n in names)
        groups = data.get("data_access_groups") or {}
        if not isinstance(groups, dict):
            problems.append(FieldProblem(record, "data_access_groups", groups, "is not a mapping"))
            groups = {}
        unknown = set(data) - {"events", "data_access_groups"}
        problems += [FieldProblem(record, str(k), None, "is not a known key") for k in unknown]
        if problems:
            raise InvalidInput(problems)
        return cls(visits, {str(k): str(v) for k, v in groups.items()})

    def visit(self, event: str, instance: str) -> str | None:
        """The visit of an event and repeat instance, or ``None``."""
        names = self.visits.get(event)
        if names is None:
            return None
        if len(names) == 1 and instance in ("", "1"):
            return names[0]
        if len(names) > 1 and instance.isdigit() and 1 <= int(instance) <= len(names):
            return names[int(instance) - 1]
        return None

    def group_of(self, site_code: str) -> str:
        for group, code in self.groups.items():
            if code == site_code:
                return group
        return site_code.lower()

    def slot_of(self, visit: str) -> tuple[str, str, str] | None:
        """The event, repeat instrument and instance of a visit, or ``None``."""
        for event, names in self.visits.items():
            for i, name in enumerate(names, 1):
                if name == visit:
                    return (event, INSTRUMENT, str(i)) if len(names) > 1 else (event, "", "")
        return None


@dataclass(frozen=True)
class RedcapImportResult:
    trial: str
    exams: int
    participants: int
    skipped_rows: int
    """Rows without an exam (other instruments, events without the exam)."""


def _read_rows(path: Path) -> list[dict[str, str]]:
    problems = header_problems(read_header(path), path.name)
    if problems:
        raise InvalidInput(problems)
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [{k: v or "" for k, v in row.items() if k is not None} for row in csv.DictReader(f)]


def _field_of(problem: FieldProblem) -> str:
    """The instrument field a service problem names (``right.motor.C5`` → its ``_value``)."""
    path = problem.field.removeprefix("impairments.")
    for suffix in (".reason", ".other"):
        path = path.removesuffix(suffix)
    cell = CELL_BY_PATH.get(path)
    if cell is None:
        return {"exam_date": EXAM_DATE, "examiner": EXAMINER}.get(problem.field, problem.field)
    return cell.value if problem.field == path else cell.impairment


def import_records(
    db: Database, *, user: str, trial_code: str, path: Path, events: EventMap
) -> RedcapImportResult:
    """Store every exam of a REDCap export in the trial (see the module documentation)."""
    try:
        rows = _read_rows(path)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise InvalidInput(
            [FieldProblem(f"file {path.name}", "", None, f"cannot be read: {error}")]
        ) from None
    reason = f"REDCap import from {path.name}"
    problems: list[FieldProblem] = []
    stored = skipped = 0
    with followup_unit(db, user=user, reason=reason) as session:
        trial = find_trial(session, trial_code)
        participants = {
            p.study_id: p
            for p in session.scalars(
                select(Participant).where(
                    Participant.trial_id == trial.id, Participant.deleted_at.is_(None)
                )
            )
        }
        seen: dict[tuple[str, str], str] = {}
        valid: list[tuple[RedcapExam, Participant, str]] = []
        for row in rows:
            if not is_exam_row(row):
                skipped += 1
                continue
            found, row_problems = read_row(row)
            row_problems += unkept_problems(row)
            participant = participants.get(row.get(RECORD_ID, "").strip())
            visit = events.visit(row.get(EVENT, "").strip(), row.get(REPEAT_INSTANCE, "").strip())
            row_problems += _row_problems(row, trial.code, participant, visit, events, seen)
            if found is not None and found.exam_date is None:
                row_problems.append(FieldProblem(str(found.key), EXAM_DATE, None, "is empty"))
            problems += row_problems
            if not row_problems and found is not None and participant is not None and visit:
                valid.append((found, participant, visit))
        for found, participant, visit in valid if not problems else []:
            try:
                scheduled = find_scheduled(session, trial, visit)
                store_exam(
                    session,
                    participant,
                    scheduled,
                    exam=found.exam,
                    exam_date=found.exam_date,
                    examiner=found.examiner,
                    impairments=found.impairments,
                    comments=found.comments,
                )
                stored += 1
            except InvalidInput as error:
                label = str(found.key)
                problems += [
                    FieldProblem(label, _field_of(p), p.value, p.message) for p in error.problems
                ]
            except ServiceError as error:
                problems.append(FieldProblem(str(found.key), "(record)", None, str(error)))
        if problems:
            raise InvalidInput(problems)  # the unit of work rolls back: nothing written
        return RedcapImportResult(
            trial=trial.code,
            exams=stored,
            participants=len({p.study_id for _, p, _ in valid}),
            skipped_rows=skipped,
        )


def _row_problems(
    row: Mapping[str, str],
    trial_code: str,
    participant: Participant | None,
    visit: str | None,
    events: EventMap,
    seen: dict[tuple[str, str], str],
) -> list[FieldProblem]:
    """A row's problems with the trial: its record, event and group (``seen``: the first
    row of each participant's visit, filled)."""
    label = str(RowKey.of(row))
    out: list[FieldProblem] = []

    def add(field: str, value: str | None, message: str) -> None:
        out.append(FieldProblem(label, field, value or None, message))

    record = row.get(RECORD_ID, "").strip()
    event = row.get(EVENT, "").strip()
    if participant is None and record:
        add(RECORD_ID, record, f"is not a participant of trial {trial_code}; add it first")
    if visit is None:
        if event in events.visits:
            add(REPEAT_INSTANCE, row.get(REPEAT_INSTANCE, "").strip(), "has no visit of the event")
        else:
            add(EVENT, event, "has no visit in the events file")
    group = row.get(DAG_FIELD, "").strip()
    if participant is not None and group:
        site = participant.site.code
        if group != events.group_of(site):
            add(DAG_FIELD, group, f"is not the group of {participant.study_id}'s site {site}")
    if participant is not None and visit is not None:
        key = (participant.study_id, visit)
        if key in seen:
            add(EVENT, event, f"holds a second exam of visit {visit} (first: {seen[key]})")
        seen.setdefault(key, label)
    return out


def export_rows(
    db: Database, *, user: str, trial_code: str, events: EventMap
) -> list[dict[str, str]]:
    """One instrument row per stored exam of the trial (see the module documentation);
    :class:`InvalidInput` when an exam cannot be represented (its visit has no event, a
    lowest non-key muscle at T2–L1)."""
    order = {event: i for i, event in enumerate(events.visits)}
    rows: list[tuple[tuple[Any, ...], dict[str, str]]] = []
    problems: list[FieldProblem] = []
    with read_unit(db, user=user) as session:
        trial = find_trial(session, trial_code)
        for record in _exams(session, trial.id):
            visit = record.visit
            participant = visit.participant
            label = f"exam of {participant.study_id} at {visit.scheduled.name}"
            slot = events.slot_of(visit.scheduled.name)
            if slot is None:
                problems.append(
                    FieldProblem(
                        label, "visit", visit.scheduled.name, "has no event in the events file"
                    )
                )
                continue
            fields, found = exam_fields(label, record.raw, record.impairments or {})
            problems += found
            row = dict.fromkeys(EXPORT_COLUMNS, "")
            row |= {
                RECORD_ID: participant.study_id,
                EVENT: slot[0],
                REPEAT_INSTRUMENT: slot[1],
                REPEAT_INSTANCE: slot[2],
                DAG_FIELD: events.group_of(participant.site.code),
                EXAM_DATE: record.exam_date.isoformat(),
                EXAMINER: record.examiner or "",
                COMMENTS: record.comments or "",
            }
            row |= fields | result_fields(results_of(record.classification)) | complete_field()
            key = (participant.study_id, order[slot[0]], int(slot[2] or 0))
            rows.append((key, row))
    if problems:
        raise InvalidInput(problems)
    return [row for _, row in sorted(rows, key=lambda item: item[0])]


def _exams(session: Session, trial_id: int) -> list[ExamRecord]:
    query = (
        select(ExamRecord)
        .join(Visit, ExamRecord.visit_id == Visit.id)
        .join(Participant, Visit.participant_id == Participant.id)
        .where(
            Participant.trial_id == trial_id,
            Participant.deleted_at.is_(None),
            ExamRecord.deleted_at.is_(None),
        )
        .options(selectinload(ExamRecord.visit))
        .order_by(ExamRecord.id)
    )
    return list(session.scalars(query))


def write_rows(rows: list[dict[str, str]], stream: TextIO) -> None:
    """The rows as a REDCap import CSV (the export's header; ``\\n`` line ends)."""
    writer = csv.DictWriter(stream, fieldnames=list(EXPORT_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
