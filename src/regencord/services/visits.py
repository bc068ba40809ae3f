"""Use cases: record a visit of the schedule as done or missed, see each visit's window
status, lock a visit (with its exams and measures) against changes, and delete a visit
recorded by mistake.

A participant has one visit record per visit of the schedule. Deleting it is a soft
deletion with a reason (with the visit's exams and measures when asked); recording the
visit again later (done, missed, or by recording an exam or measure at it) brings the
same record back with a reason, its version counting on, so the audit trail of that one
record tells the whole story; the exams and measures deleted with it stay deleted.

A visit's window and its status follow :mod:`~regencord.services.windows`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from regencord.services import validation
from regencord.services.errors import ReasonNeeded, invalid
from regencord.services.followup import (
    TRANSPLANT_VISIT,
    anchor_date,
    date_problems,
    ensure_unlocked,
    find_participant,
    find_scheduled,
    find_visit,
    find_visit_to_write,
    followup_unit,
    record_again,
    visit_label,
)
from regencord.services.quality import run_checks_for
from regencord.services.recording import live_at_visit
from regencord.services.unit import check_version, read_unit
from regencord.services.validation import parse_date, raise_problems, reason_given
from regencord.services.windows import Window as Window
from regencord.services.windows import WindowStatus as WindowStatus
from regencord.services.windows import window_of as window_of
from regencord.services.windows import window_status as window_status
from regencord.store.db import Database
from regencord.store.models import (
    Anchor,
    AuditEntry,
    ExamRecord,
    FunctionalMeasure,
    Participant,
    ScheduledVisit,
    Visit,
)
from regencord.store.models.base import utcnow

LOCK_REASON = "visit locked"


@dataclass(frozen=True)
class VisitView:
    """One scheduled visit of a participant, done or not, against its window."""

    trial: str
    participant: str
    visit: str
    anchor: Anchor
    target_day: int
    window_before: int
    window_after: int
    anchor_date: date | None
    window: Window | None
    status: WindowStatus
    recorded: bool
    actual_date: date | None
    by_transplant: bool
    """The visit of the transplant itself, dated by the recorded transplant."""
    days_from_target: int | None
    missed: bool
    missed_reason: str | None
    locked: bool
    locked_by: str | None
    locked_at: datetime | None
    exams: int
    measures: int
    version: int | None
    """The visit record's version (``None`` when not recorded)."""


def _status(
    session: Session,
    participant: Participant,
    scheduled: ScheduledVisit,
    visit: Visit | None,
    anchors: dict[Anchor, date | None] | None = None,
) -> VisitView:
    if anchors is not None and scheduled.anchor in anchors:
        anchor = anchors[scheduled.anchor]
    else:
        anchor = anchor_date(session, participant, scheduled.anchor)
    window = window_of(scheduled, anchor)
    actual = visit.actual_date if visit is not None else None
    by_transplant = False
    if visit is None and scheduled.name == TRANSPLANT_VISIT:
        if anchors is not None and Anchor.TRANSPLANT in anchors:
            actual = anchors[Anchor.TRANSPLANT]
        else:
            actual = anchor_date(session, participant, Anchor.TRANSPLANT)
        by_transplant = actual is not None
    missed = visit.missed if visit is not None else False
    exams = measures = 0
    if visit is not None and visit.id is not None:
        exams = _count(session, ExamRecord, visit.id)
        measures = _count(session, FunctionalMeasure, visit.id)
    return VisitView(
        trial=participant.trial.code,
        participant=participant.study_id,
        visit=scheduled.name,
        anchor=scheduled.anchor,
        target_day=scheduled.target_day,
        window_before=scheduled.window_before,
        window_after=scheduled.window_after,
        anchor_date=anchor,
        window=window,
        status=window_status(window, actual, missed, validation.today()),
        recorded=visit is not None,
        actual_date=actual,
        by_transplant=by_transplant,
        days_from_target=(actual - window.target).days if actual and window else None,
        missed=missed,
        missed_reason=visit.missed_reason if visit is not None else None,
        locked=visit.locked if visit is not None else False,
        locked_by=visit.locked_by if visit is not None else None,
        locked_at=visit.locked_at if visit is not None else None,
        exams=exams,
        measures=measures,
        version=visit.version if visit is not None else None,
    )


def _count(
    session: Session, model: type[ExamRecord] | type[FunctionalMeasure], visit_id: int
) -> int:
    query = select(func.count()).where(model.visit_id == visit_id, model.deleted_at.is_(None))
    return session.scalar(query) or 0


def record_visit(
    db: Database,
    *,
    user: str,
    trial_code: str,
    study_id: str,
    visit: str,
    actual_date: date | str,
    reason: str | None = None,
    expected_version: int | None = None,
) -> VisitView:
    """Record that a scheduled visit took place on ``actual_date``. Changing a recorded
    visit (its date, or a visit marked missed) needs a reason."""
    with followup_unit(db, user=user, reason=reason) as session:
        participant = find_participant(session, trial_code, study_id)
        scheduled = find_scheduled(session, participant.trial, visit)
        label = visit_label(participant, scheduled)
        when = parse_date(label, "actual_date", actual_date)
        raise_problems(date_problems(label, "actual_date", when, participant))
        record = find_visit_to_write(session, participant, scheduled)
        if record is None:
            record = Visit(participant=participant, scheduled=scheduled, actual_date=when)
            session.add(record)
        elif record.deleted:
            check_version(label, record.version, expected_version)
            record_again(record, label, reason)
            record.actual_date, record.missed, record.missed_reason = when, False, None
        else:
            ensure_unlocked(record, label)
            check_version(label, record.version, expected_version)
            if not reason and (record.missed or record.actual_date != when):
                was = "marked missed" if record.missed else f"recorded on {record.actual_date}"
                raise ReasonNeeded(f"{label} was {was}; changing it needs a reason")
            record.actual_date, record.missed, record.missed_reason = when, False, None
        session.flush()
        run_checks_for(session, participant)
        return _status(session, participant, scheduled, record)


def mark_missed(
    db: Database,
    *,
    user: str,
    trial_code: str,
    study_id: str,
    visit: str,
    missed_reason: str,
    expected_version: int | None = None,
) -> VisitView:
    """Record that a scheduled visit did not take place, and why (the reason also explains
    the change when the visit was recorded as done before)."""
    missed_reason = (missed_reason or "").strip()
    with followup_unit(db, user=user, reason=missed_reason or None) as session:
        participant = find_participant(session, trial_code, study_id)
        scheduled = find_scheduled(session, participant.trial, visit)
        label = visit_label(participant, scheduled)
        if not missed_reason:
            raise invalid(label, "missed_reason", missed_reason, "is required")
        if len(missed_reason) > 500:
            raise invalid(label, "missed_reason", missed_reason[:40] + "…", "is too long (500)")
        record = find_visit_to_write(session, participant, scheduled)
        if record is None:
            record = Visit(
                participant=participant,
                scheduled=scheduled,
                missed=True,
                missed_reason=missed_reason,
            )
            session.add(record)
        elif record.deleted:
            check_version(label, record.version, expected_version)
            record_again(record, label, missed_reason)
            record.actual_date, record.missed, record.missed_reason = None, True, missed_reason
        else:
            ensure_unlocked(record, label)
            check_version(label, record.version, expected_version)
            exams = _count(session, ExamRecord, record.id)
            measures = _count(session, FunctionalMeasure, record.id)
            if exams or measures:
                raise invalid(
                    label,
                    "missed",
                    True,
                    f"cannot be set: the visit has {exams} exam(s) and {measures} measure(s); "
                    "delete them first",
                )
            record.actual_date, record.missed, record.missed_reason = None, True, missed_reason
        session.flush()
        run_checks_for(session, participant)
        return _status(session, participant, scheduled, record)


def lock_visit(
    db: Database,
    *,
    user: str,
    trial_code: str,
    study_id: str,
    visit: str,
    reason: str | None = None,
) -> VisitView:
    """Lock a recorded visit, and with it its exams and measures, recording who locked it.

    Any user may lock for now; the user is stored with the lock.
    """
    why = reason or LOCK_REASON
    with followup_unit(db, user=user, reason=why) as session:
        participant = find_participant(session, trial_code, study_id)
        scheduled = find_scheduled(session, participant.trial, visit)
        label = visit_label(participant, scheduled)
        record = find_visit(session, participant, scheduled)
        if record is None:
            raise invalid(label, "locked", True, "cannot be set: the visit is not recorded yet")
        if record.locked:
            ensure_unlocked(record, label)
        record.locked, record.locked_by, record.locked_at = True, user, utcnow()
        session.flush()
        session.add(_lock_entry("lock", user, record, why))
        return _status(session, participant, scheduled, record)


def unlock_visit(
    db: Database,
    *,
    user: str,
    trial_code: str,
    study_id: str,
    visit: str,
    reason: str | None,
) -> VisitView:
    """Unlock a locked visit so that it, its exams and measures can be changed again."""
    reason = (reason or "").strip() or None
    with followup_unit(db, user=user, reason=reason) as session:
        participant = find_participant(session, trial_code, study_id)
        scheduled = find_scheduled(session, participant.trial, visit)
        label = visit_label(participant, scheduled)
        record = find_visit(session, participant, scheduled)
        if record is None or not record.locked:
            raise invalid(label, "locked", False, "is not locked")
        if reason is None:
            raise ReasonNeeded(f"{label}: unlocking needs a reason")
        record.locked, record.locked_by, record.locked_at = False, None, None
        session.flush()
        session.add(_lock_entry("unlock", user, record, reason))
        return _status(session, participant, scheduled, record)


def _lock_entry(action: str, user: str, visit: Visit, reason: str) -> AuditEntry:
    """The audit row naming the lock event itself (the changed fields get their own)."""
    return AuditEntry(
        user=user, action=action, table=Visit.__tablename__, record_id=visit.id, reason=reason
    )


def list_visits(db: Database, *, user: str, trial_code: str, study_id: str) -> list[VisitView]:
    """Every visit of the schedule for one participant, in schedule order, with its status."""
    with read_unit(db, user=user) as session:
        participant = find_participant(session, trial_code, study_id)
        anchors = {a: anchor_date(session, participant, a) for a in Anchor}
        out = []
        for scheduled in participant.trial.schedule:
            if scheduled.deleted:
                continue
            record = find_visit(session, participant, scheduled)
            out.append(_status(session, participant, scheduled, record, anchors))
        return out


@dataclass(frozen=True)
class VisitDeletionResult:
    """A visit deleted, and the records deleted with it."""

    visit: VisitView
    """The visit as it now stands (not recorded)."""
    exams: tuple[int, ...]
    measures: tuple[int, ...]


def delete_visit(
    db: Database,
    *,
    user: str,
    trial_code: str,
    study_id: str,
    visit: str,
    reason: str | None,
    with_records: bool = False,
    expected_version: int | None = None,
) -> VisitDeletionResult:
    """Delete (soft) a recorded visit, e.g. recorded for the wrong participant; needs a
    reason. A visit holding exams or measures is deleted only ``with_records``: they are
    deleted with it, with the same reason. Refused on a locked visit."""
    reason = reason_given(reason, "visit")
    with followup_unit(db, user=user, reason=reason) as session:
        participant = find_participant(session, trial_code, study_id)
        scheduled = find_scheduled(session, participant.trial, visit)
        label = visit_label(participant, scheduled)
        record = find_visit(session, participant, scheduled)
        if record is None:
            raise invalid(label, "visit", scheduled.name, "is not recorded: nothing to delete")
        ensure_unlocked(record, label)
        check_version(label, record.version, expected_version)
        if not reason:
            raise ReasonNeeded(f"{label}: deleting it needs a reason")
        exams = live_at_visit(session, ExamRecord, record)
        measures = live_at_visit(session, FunctionalMeasure, record)
        if (exams or measures) and not with_records:
            raise invalid(
                label,
                "with_records",
                None,
                f"the visit has {len(exams)} exam(s) and {len(measures)} measure(s): delete "
                "them with it or not at all",
            )
        now = utcnow()
        for gone in (*exams, *measures, record):
            gone.deleted_at, gone.deleted_reason = now, reason
        session.flush()
        run_checks_for(session, participant)
        return VisitDeletionResult(
            visit=_status(session, participant, scheduled, None),
            exams=tuple(e.id for e in exams),
            measures=tuple(m.id for m in measures),
        )
