"""What the follow-up use cases share (visits, exams, measures, safety): finding a
participant and a visit of the schedule, the anchor dates visits count from, the rules
every clinical date follows, and the visit lock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from regencord.services import validation
from regencord.services.errors import FieldProblem, Locked, ReasonNeeded, invalid
from regencord.services.participants import find_participant as find_participant
from regencord.services.unit import unit_of_work
from regencord.services.validation import parse_date as parse_date
from regencord.services.validation import raise_problems as raise_problems
from regencord.services.validation import reason_given
from regencord.store.chain import lock_writers
from regencord.store.db import Database
from regencord.store.models import Anchor, Base, Participant, ScheduledVisit, Trial, Visit
from regencord.store.models.visit import RecordLocked

TRANSPLANT_VISIT = "transplant"
"""The schedule visit of the transplant itself (as :mod:`regencord.services.transplants`
names it): done on the recorded transplant date, without a visit record of its own."""


NO_VISIT_DATE = "is required: the visit has no date yet (or record the visit with its date)"
"""Why an exam or measure at a visit never recorded needs its date: regencord does not
assume today, so that a record entered later keeps the day it was taken."""


def today() -> date:
    """:func:`regencord.services.validation.today` (the one "today"), under the name the
    visit, exam, measure and safety use cases still call; patch ``validation.today``."""
    return validation.today()


@contextmanager
def followup_unit(db: Database, *, user: str, reason: str | None = None) -> Iterator[Session]:
    """:func:`unit_of_work`, with the store's lock guard reported as :class:`Locked`; a
    blank ``reason`` is refused (:func:`~regencord.services.validation.reason_given`)."""
    reason = reason_given(reason)
    try:
        with unit_of_work(db, user=user, reason=reason) as session:
            yield session
    except RecordLocked as error:
        raise Locked(str(error)) from None


def find_scheduled(session: Session, trial: Trial, name: str) -> ScheduledVisit:
    """The visit ``name`` of the trial's schedule (exact, else ignoring case and spaces)."""
    schedule = [v for v in trial.schedule if not v.deleted]
    for wanted in (lambda v: v.name == name, lambda v: _plain(v.name) == _plain(name)):
        found = [v for v in schedule if wanted(v)]
        if len(found) == 1:
            return found[0]
    names = ", ".join(v.name for v in schedule) or "none: set the schedule first"
    raise invalid(f"trial {trial.code}", "visit", name, f"is not a visit of the schedule ({names})")


def _plain(name: str) -> str:
    return "".join(name.split()).lower()


def find_visit(
    session: Session, participant: Participant, scheduled: ScheduledVisit
) -> Visit | None:
    return session.scalar(
        select(Visit).where(
            Visit.participant_id == participant.id,
            Visit.scheduled_visit_id == scheduled.id,
            Visit.deleted_at.is_(None),
        )
    )


def find_visit_to_write(
    session: Session, participant: Participant, scheduled: ScheduledVisit
) -> Visit | None:
    """:func:`find_visit`, for a use case that creates the visit when there is none.

    Get-or-create under concurrency: when no visit is found, take the writer lock (held
    to the commit) and look again, so a visit another writer created meanwhile is used
    instead of inserting a second one (which the unique key would refuse).

    A participant has one visit record per visit of the schedule (the unique key), live
    or soft-deleted: a soft-deleted one is returned too (``visit.deleted``), to be recorded
    again in place (:func:`record_again`), so that its whole life, recorded, deleted and
    recorded again, stays in one record's audit trail.
    """
    visit = _visit_record(session, participant, scheduled)
    if visit is None:
        lock_writers(session)
        visit = _visit_record(session, participant, scheduled)
    return visit


def _visit_record(
    session: Session, participant: Participant, scheduled: ScheduledVisit
) -> Visit | None:
    return session.scalar(
        select(Visit).where(
            Visit.participant_id == participant.id, Visit.scheduled_visit_id == scheduled.id
        )
    )


def record_again(visit: Visit, label: str, reason: str | None) -> None:
    """Bring a soft-deleted visit back (not locked; the caller sets it done or missed).
    Needs a reason, which the audit trail records with the change; the records deleted
    with the visit stay deleted."""
    if not reason:
        raise ReasonNeeded(
            f"{label} was deleted ({visit.deleted_reason}); recording it again needs a reason"
        )
    visit.deleted_at, visit.deleted_reason = None, None
    visit.locked, visit.locked_by, visit.locked_at = False, None, None


def visit_label(participant: Participant, scheduled: ScheduledVisit) -> str:
    return f"visit {scheduled.name} of {participant.study_id}"


def transplant_date(session: Session, participant_id: int) -> date | None:
    """The participant's (first) transplant date, or ``None`` when not transplanted.

    Read from the ``transplant`` table through the metadata, so that this module does not
    depend on the procedure models' classes; ``None`` when that table is not defined.
    """
    table = Base.metadata.tables.get("transplant")
    if not isinstance(table, Table) or "participant_id" not in table.c:
        return None
    column = next(
        (table.c[n] for n in ("transplant_date", "performed_on", "date") if n in table.c), None
    )
    if column is None:
        return None
    query = select(func.min(column)).where(table.c.participant_id == participant_id)
    if "deleted_at" in table.c:
        query = query.where(table.c.deleted_at.is_(None))
    found: Any = session.scalar(query)
    return found if isinstance(found, date) else None


def anchor_date(session: Session, participant: Participant, anchor: Anchor) -> date | None:
    """The date a visit's target day counts from; ``None`` while unknown."""
    if anchor is Anchor.INJURY:
        return participant.injury_date
    return transplant_date(session, participant.id)


def date_problems(
    record: str, field: str, value: date, participant: Participant
) -> list[FieldProblem]:
    """A clinical date is not before the injury and not in the future."""
    if value < participant.injury_date:
        injury = participant.injury_date.isoformat()
        return [FieldProblem(record, field, value.isoformat(), f"is before the injury ({injury})")]
    if value > validation.today():
        return [FieldProblem(record, field, value.isoformat(), "is in the future")]
    return []


def ensure_unlocked(visit: Visit, label: str) -> None:
    """Refuse a change under a locked visit."""
    if visit.locked:
        when = f" on {visit.locked_at:%Y-%m-%d}" if visit.locked_at else ""
        raise Locked(
            f"{label} is locked (by {visit.locked_by}{when}); unlock it with a reason to change it"
        )


def visit_for_data(
    session: Session,
    participant: Participant,
    scheduled: ScheduledVisit,
    data_date: date,
    reason: str | None = None,
) -> Visit:
    """The visit an exam or measure is recorded at; a visit not yet recorded is recorded
    as done on the date of its first data (a deleted one again, with ``reason``). Refused
    for a missed or locked visit."""
    label = visit_label(participant, scheduled)
    visit = find_visit_to_write(session, participant, scheduled)
    if visit is None:
        visit = Visit(participant=participant, scheduled=scheduled, actual_date=data_date)
        session.add(visit)
        return visit
    if visit.deleted:
        record_again(visit, label, reason)
        visit.actual_date, visit.missed, visit.missed_reason = data_date, False, None
        return visit
    ensure_unlocked(visit, label)
    if visit.missed:
        raise invalid(
            label,
            "missed",
            True,
            f"the visit is marked missed ({visit.missed_reason}); record it as done first",
        )
    return visit
