"""Recording follow-up data: the one path every exam, measure, adverse event, imaging
finding and rehabilitation session takes.

Rules:

- A record taken at a visit (exam, measure) is dated by the date given, else by the
  visit's date; a visit never recorded has no date, so the date is then required
  (regencord does not assume today, so that a record entered later keeps the day it was
  taken). The date follows the rules of every clinical date
  (:func:`~regencord.services.followup.date_problems`).
- The record goes to the participant's visit of the schedule; a visit not yet recorded is
  recorded as done on the record's date; a missed or locked visit takes no data
  (:func:`~regencord.services.followup.visit_for_data`).
- A visit holds one record of a kind: a second one is refused unless it replaces the
  stored one, with a reason; the stored one is then soft-deleted with that reason.
- Every saved record runs the participant's data-quality checks in the same transaction
  (:func:`~regencord.services.quality.run_checks_for`).
- A participant's records at visits are read in one query, in schedule order (then by
  id); records of deleted schedule visits or deleted visits are not listed.
- A record of a participant not taken at a visit (adverse event, imaging finding,
  rehabilitation session: a :class:`ParticipantRecordKind`) is validated whole by its
  input model, then by the rules across its fields, and saved the same way; the records of
  a participant or of a whole trial are read in one query, ordered by their date.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, contains_eager

from regencord.services.errors import FieldProblem, InvalidInput, ReasonNeeded
from regencord.services.followup import (
    NO_VISIT_DATE,
    date_problems,
    find_participant,
    find_visit,
    followup_unit,
)
from regencord.services.quality import run_checks_for
from regencord.services.trials import find_trial
from regencord.services.unit import read_unit
from regencord.services.validation import blank_is_none, parse_date, raise_problems, validated
from regencord.store.db import Database
from regencord.store.models import (
    AdverseEvent,
    ExamRecord,
    FunctionalMeasure,
    ImagingFinding,
    Participant,
    RehabSession,
    ScheduledVisit,
    Visit,
)
from regencord.store.models.base import Record, utcnow

AtVisit = TypeVar("AtVisit", ExamRecord, FunctionalMeasure)
"""A record taken at a visit."""

R = TypeVar("R", bound=Record)


class _Deletable(Protocol):
    id: int
    deleted_at: Any
    deleted_reason: str | None


@dataclass(frozen=True, kw_only=True)
class AtVisitView:
    """What every record taken at a visit shows: which record, whose, where, whether its
    visit is locked, and which records of the visit it replaced."""

    id: int
    version: int
    trial: str
    participant: str
    visit: str
    replaced: tuple[int, ...] = ()
    """Records of the same visit and kind this one replaced (soft-deleted)."""
    locked: bool = False


def header_of(
    record: ExamRecord | FunctionalMeasure, replaced: tuple[int, ...] = ()
) -> dict[str, Any]:
    """The :class:`AtVisitView` fields of a stored record."""
    visit = record.visit
    participant = visit.participant
    return {
        "id": record.id,
        "version": record.version,
        "trial": participant.trial.code,
        "participant": participant.study_id,
        "visit": visit.scheduled.name,
        "replaced": replaced,
        "locked": visit.locked,
    }


REPLACE_HOW = "{}; to replace it, give replace with a reason"
"""How a record of a kind the visit already holds gets saved: replacing the stored one."""


@dataclass(frozen=True)
class ReplaceNeeded(FieldProblem):
    """The visit already holds a record of this kind (``held``: ``already has exam 3``);
    the new one is saved only by replacing it, with the fields ``replace`` and
    ``reason``."""

    held: str = ""


def data_date(
    session: Session,
    participant: Participant,
    scheduled: ScheduledVisit,
    label: str,
    field: str,
    given: date | str | None,
) -> tuple[date | None, list[FieldProblem]]:
    """The date of a record at a visit (``given``, else the visit's), with its problems."""
    when: date | None
    if given is not None:
        when = parse_date(label, field, given)
    else:
        current = find_visit(session, participant, scheduled)
        when = current.actual_date if current is not None else None
        if when is None:
            return None, [FieldProblem(label, field, None, NO_VISIT_DATE)]
    return when, date_problems(label, field, when, participant)


def replace_stored(
    stored: Sequence[_Deletable],
    *,
    label: str,
    what: str,
    field: str,
    value: object,
    held: str,
    replace: bool,
    reason: str | None,
) -> tuple[int, ...]:
    """Soft-delete ``stored`` (the visit's records of the new one's kind) with ``reason``
    when ``replace`` is asked; refuse otherwise. ``what`` names the records (``exam``),
    ``held`` says what the visit already has (``already has exam 3``)."""
    if not stored:
        return ()
    ids = ", ".join(str(r.id) for r in stored)
    if not replace:
        raise InvalidInput([ReplaceNeeded(label, field, value, REPLACE_HOW.format(held), held)])
    if not reason:
        raise ReasonNeeded(f"{label}: replacing {what} {ids} needs a reason")
    now = utcnow()
    for old in stored:
        old.deleted_at, old.deleted_reason = now, reason
    return tuple(r.id for r in stored)


def save(session: Session, participant: Participant, record: R) -> R:
    """Add ``record``, write it, and run the participant's data-quality checks."""
    session.add(record)
    session.flush()
    run_checks_for(session, participant)
    return record


def live_at_visit(session: Session, model: type[AtVisit], visit: Visit) -> list[AtVisit]:
    """The live records of ``model`` at one visit, by id (none at a visit not yet saved)."""
    if visit.id is None:
        return []
    query = (
        select(model)
        .where(model.visit_id == visit.id, model.deleted_at.is_(None))
        .order_by(model.id)
    )
    return list(session.scalars(query))


def at_visits_query(
    model: type[AtVisit], participant: Participant, scheduled: ScheduledVisit | None = None
) -> Select[Any]:
    """One query for a participant's live records of ``model`` (or one visit's), with
    their visit and schedule visit loaded, in schedule order then by id."""
    query = (
        select(model)
        .join(model.visit)
        .join(Visit.scheduled)
        .where(
            Visit.participant_id == participant.id,
            Visit.deleted_at.is_(None),
            ScheduledVisit.deleted_at.is_(None),
            model.deleted_at.is_(None),
        )
        .options(contains_eager(model.visit).contains_eager(Visit.scheduled))
        .order_by(ScheduledVisit.order, ScheduledVisit.id, model.id)
    )
    if scheduled is not None:
        query = query.where(ScheduledVisit.id == scheduled.id)
    return query


def at_visits(
    session: Session,
    model: type[AtVisit],
    participant: Participant,
    scheduled: ScheduledVisit | None = None,
) -> list[AtVisit]:
    """:func:`at_visits_query`, run."""
    return list(session.scalars(at_visits_query(model, participant, scheduled)))


# --------------------------------------------------------------------------- of a participant

OfParticipant = TypeVar("OfParticipant", AdverseEvent, ImagingFinding, RehabSession)
"""A record of a participant not taken at a visit."""

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, kw_only=True)
class ParticipantRecordView:
    """What every record of a participant shows: which record, whose."""

    id: int
    version: int
    trial: str
    participant: str


V = TypeVar("V", bound=ParticipantRecordView)


@dataclass(frozen=True)
class ParticipantRecordKind(Generic[OfParticipant, M, V]):
    """One kind of record of a participant: its name in messages (``adverse event``), its
    model, its input model (whose fields are the model's and the view's), its view, the
    rules across its fields, and the date it is listed by."""

    what: str
    model: type[OfParticipant]
    schema: type[M]
    view: type[V]
    rules: Callable[[M, str, Participant], list[FieldProblem]]
    date_field: str

    def view_of(self, record: OfParticipant) -> V:
        return self.view(
            id=record.id,
            version=record.version,
            trial=record.participant.trial.code,
            participant=record.participant.study_id,
            **{f: getattr(record, f) for f in self.schema.model_fields},
        )

    def dated(self, value: M, label: str, participant: Participant) -> list[FieldProblem]:
        """The rules of every clinical date, on the kind's date, then the kind's rules."""
        day: date = getattr(value, self.date_field)
        return [
            *date_problems(label, self.date_field, day, participant),
            *self.rules(value, label, participant),
        ]


def blank_to_none(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with blank text as ``None`` (not given; :func:`blank_is_none`)."""
    return {k: blank_is_none(v) for k, v in data.items()}


def add_for_participant(
    db: Database,
    kind: ParticipantRecordKind[OfParticipant, M, V],
    *,
    user: str,
    trial_code: str,
    study_id: str,
    data: Mapping[str, Any],
) -> V:
    """Validate and save a record of ``kind`` for a participant; its checks run."""
    with followup_unit(db, user=user) as session:
        participant = find_participant(session, trial_code, study_id)
        label = f"{kind.what} of {study_id}"
        value = validated(kind.schema, blank_to_none(data), label)
        raise_problems(kind.dated(value, label, participant))
        record = kind.model(participant=participant, **value.model_dump())
        return kind.view_of(save(session, participant, record))


def list_for_participants(
    db: Database,
    kind: ParticipantRecordKind[OfParticipant, M, V],
    *,
    user: str,
    trial_code: str,
    study_id: str | None = None,
) -> list[V]:
    """The live records of ``kind`` of a trial (or one participant), by date then id, in
    one query."""
    with read_unit(db, user=user) as session:
        model = kind.model
        if study_id is not None:
            where = [Participant.id == find_participant(session, trial_code, study_id).id]
        else:
            where = [Participant.trial_id == find_trial(session, trial_code).id]
        query = (
            select(model)
            .join(model.participant)
            .where(*where, model.deleted_at.is_(None))
            .options(contains_eager(model.participant))
            .order_by(getattr(model, kind.date_field), model.id)
        )
        return [kind.view_of(r) for r in session.scalars(query)]
