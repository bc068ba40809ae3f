"""Use cases of the procedure: record a transplant and correct it, the immunosuppression
around it, and trace the chain of identity from cell line to participant.

A transplant is recorded only for an enrolled participant and when it meets the rules
of :mod:`~regencord.services.transplant_rules` (dates, a released lot not expired, the
trial's window or a protocol deviation note); recording it sets the participant's status
to ``transplanted``. A correction changes fields of the recorded transplant with a
reason, meets the same rules again, and is refused on a locked ``transplant`` visit or
against an older version of the record. Every save runs the participant's data-quality
checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from regencord.services.errors import FieldProblem, InvalidInput, NotFound, ReasonNeeded, invalid
from regencord.services.followup import ensure_unlocked, find_visit, followup_unit
from regencord.services.participants import find_participant, mark_transplanted
from regencord.services.product import find_lot, line_view, lot_view, missing
from regencord.services.quality import run_checks_for
from regencord.services.transplant_rules import TRANSPLANT_VISIT as TRANSPLANT_VISIT
from regencord.services.transplant_rules import (
    CourseInput,
    StopInput,
    TransplantInput,
    check_date,
    check_enrolled,
    check_lot,
    check_window,
)
from regencord.services.transplant_rules import transplant_window as transplant_window
from regencord.services.transplant_views import ChainOfIdentity as ChainOfIdentity
from regencord.services.transplant_views import CourseView as CourseView
from regencord.services.transplant_views import TransplantView as TransplantView
from regencord.services.transplant_views import course_view, transplant_view
from regencord.services.unit import check_version, read_unit, unit_of_work
from regencord.services.validation import (
    not_after_today,
    raise_problems,
    reason_given,
    validated,
)
from regencord.store.db import Database
from regencord.store.models import ImmunosuppressionCourse, Participant, Transplant

# --- finding records --------------------------------------------------------------------------


def transplant_of(session: Session, participant: Participant) -> Transplant | None:
    return session.scalar(
        select(Transplant).where(
            Transplant.participant_id == participant.id, Transplant.deleted_at.is_(None)
        )
    )


def _find_transplant(session: Session, trial_code: str, study_id: str) -> Transplant:
    participant = find_participant(session, trial_code, study_id)
    transplant = transplant_of(session, participant)
    if transplant is None:
        raise NotFound(f"participant {study_id} of trial {trial_code} has no transplant")
    return transplant


def _set_transplanted(session: Session, participant: Participant, reason: str) -> None:
    """Status ``transplanted`` through the participants service's status transition (its
    rules), with ``reason`` in the audit trail."""
    previous = session.info.get("reason")
    session.info["reason"] = reason
    try:
        mark_transplanted(session, participant)
    finally:
        session.info["reason"] = previous


def _ensure_visit_unlocked(session: Session, participant: Participant) -> None:
    """Refuse a change to the transplant while the participant's ``transplant`` visit of
    the schedule is recorded and locked (the lock freezes the visit and its data)."""
    scheduled = next(
        (v for v in participant.trial.schedule if v.name == TRANSPLANT_VISIT and not v.deleted),
        None,
    )
    visit = None if scheduled is None else find_visit(session, participant, scheduled)
    if visit is not None:
        ensure_unlocked(visit, f"visit {TRANSPLANT_VISIT} of {participant.study_id}")


# --- use cases --------------------------------------------------------------------------------


def record_transplant(
    db: Database,
    *,
    user: str,
    trial_code: str,
    study_id: str,
    data: Mapping[str, Any] | TransplantInput,
) -> TransplantView:
    """Record the transplant of a released lot into an enrolled participant. Nothing is
    written if any rule is broken."""
    record = f"transplant of {study_id} (trial {trial_code})"
    value = validated(TransplantInput, data, record)
    with unit_of_work(db, user=user) as session:
        participant = find_participant(session, trial_code, study_id)
        existing = transplant_of(session, participant)
        if existing is not None:
            raise invalid(
                record,
                "participant",
                study_id,
                f"already has a transplant (on {existing.transplant_date.isoformat()})",
            )
        check_enrolled(record, participant)
        check_date(record, participant, value.transplant_date)
        lot = find_lot(session, value.lot)
        check_lot(record, lot, value.transplant_date)
        check_window(record, participant.trial, participant, value)
        transplant = Transplant(
            participant=participant,
            lot=lot,
            transplant_date=value.transplant_date,
            dose_cells=value.dose_cells,
            volume_ul=value.volume_ul,
            injection_sites=value.injection_sites,
            surgeon=value.surgeon,
            protocol_deviation=value.protocol_deviation,
        )
        session.add(transplant)
        session.flush()
        _set_transplanted(
            session,
            participant,
            f"transplanted on {value.transplant_date.isoformat()} with lot {lot.lot_id}",
        )
        run_checks_for(session, participant)
        return transplant_view(transplant)


def _as_input(transplant: Transplant) -> dict[str, Any]:
    """The recorded transplant as :class:`TransplantInput` fields."""
    return {
        "lot": transplant.lot.lot_id,
        "transplant_date": transplant.transplant_date,
        "dose_cells": transplant.dose_cells,
        "volume_ul": transplant.volume_ul,
        "injection_sites": transplant.injection_sites,
        "surgeon": transplant.surgeon,
        "protocol_deviation": transplant.protocol_deviation,
    }


def correct_transplant(
    db: Database,
    *,
    user: str,
    trial_code: str,
    study_id: str,
    changes: Mapping[str, Any],
    reason: str | None,
    expected_version: int | None = None,
) -> TransplantView:
    """Correct fields of a recorded transplant (``changes``: any of the fields of
    :class:`TransplantInput`), with a reason in the audit trail.

    The corrected record is validated whole and meets the rules of a new transplant
    (dates, lot released and not expired on the date, window or deviation note), except
    that the participant is no longer enrolled but transplanted. Refused without a
    reason, when nothing changes, while the participant's ``transplant`` visit is locked,
    and when the record is no longer at ``expected_version``.
    """
    record = f"transplant of {study_id} (trial {trial_code})"
    reason = reason_given(reason, record)
    with followup_unit(db, user=user, reason=reason) as session:
        transplant = _find_transplant(session, trial_code, study_id)
        participant = transplant.participant
        _ensure_visit_unlocked(session, participant)
        check_version(record, transplant.version, expected_version)
        current = _as_input(transplant)
        value = validated(TransplantInput, current | dict(changes), record)
        new = value.model_dump()
        changed = [f for f in new if new[f] != current[f]]
        if not changed:
            raise invalid(record, "changes", None, "change no field: every value is as recorded")
        if not reason:
            raise ReasonNeeded(f"{record}: changing {', '.join(changed)} needs a reason")
        check_date(record, participant, value.transplant_date)
        lot = find_lot(session, value.lot)
        check_lot(record, lot, value.transplant_date)
        check_window(record, participant.trial, participant, value)
        transplant.lot = lot
        for field in changed:
            if field != "lot":
                setattr(transplant, field, new[field])
        session.flush()
        run_checks_for(session, participant)
        return transplant_view(transplant)


def add_immunosuppression(
    db: Database,
    *,
    user: str,
    trial_code: str,
    study_id: str,
    data: dict[str, Any] | CourseInput,
) -> CourseView:
    """Record a course of immunosuppression given around a participant's transplant."""
    record = f"immunosuppression of {study_id} (trial {trial_code})"
    value = validated(CourseInput, data, record)
    problems = [not_after_today(record, "start_on", value.start_on)]
    if value.stop_on is not None:
        problems.append(not_after_today(record, "stop_on", value.stop_on))
        if value.stop_on < value.start_on:
            problems.append(
                FieldProblem(
                    record,
                    "stop_on",
                    value.stop_on.isoformat(),
                    f"is before start_on {value.start_on.isoformat()}",
                )
            )
    raise_problems(problems)
    with unit_of_work(db, user=user) as session:
        transplant = _find_transplant(session, trial_code, study_id)
        consent = transplant.participant.consent_date
        if consent is not None and value.start_on < consent:
            raise invalid(
                record,
                "start_on",
                value.start_on.isoformat(),
                f"is before consent ({consent.isoformat()})",
            )
        course = ImmunosuppressionCourse(transplant=transplant, **value.model_dump())
        session.add(course)
        session.flush()
        run_checks_for(session, transplant.participant)
        return course_view(course)


def stop_immunosuppression(
    db: Database,
    *,
    user: str,
    trial_code: str,
    study_id: str,
    course_id: int,
    stop_on: date | str,
    reason: str | None = None,
) -> CourseView:
    """Record the stop date of an ongoing course. Changing a stop date already recorded
    needs a reason."""
    record = f"immunosuppression course {course_id} of {study_id} (trial {trial_code})"
    day = validated(StopInput, {"stop_on": stop_on}, record).stop_on
    raise_problems([not_after_today(record, "stop_on", day)])
    reason = reason_given(reason, "immunosuppression course")
    audit_reason = reason or "immunosuppression course stopped"
    with unit_of_work(db, user=user, reason=audit_reason) as session:
        transplant = _find_transplant(session, trial_code, study_id)
        course = next(
            (c for c in transplant.immunosuppression if c.id == course_id and not c.deleted),
            None,
        )
        if course is None:
            raise NotFound(f"{record} does not exist")
        if course.stop_on is not None and not reason:
            raise ReasonNeeded(
                f"{record} was stopped on {course.stop_on.isoformat()}; changing its stop date "
                "needs a reason"
            )
        if day < course.start_on:
            raise invalid(
                record,
                "stop_on",
                day.isoformat(),
                f"is before start_on {course.start_on.isoformat()}",
            )
        course.stop_on = day
        session.flush()
        run_checks_for(session, transplant.participant)
        return course_view(course)


def show_transplant(db: Database, *, user: str, trial_code: str, study_id: str) -> TransplantView:
    """A participant's transplant with its immunosuppression; :class:`NotFound` without one."""
    with read_unit(db, user=user) as session:
        return transplant_view(_find_transplant(session, trial_code, study_id))


def show_chain_of_identity(
    db: Database,
    *,
    user: str,
    trial_code: str | None = None,
    study_id: str | None = None,
    lot_id: str | None = None,
) -> ChainOfIdentity:
    """The chain of identity of a participant's transplant (``trial_code`` and
    ``study_id``) or of a lot (``lot_id``: every participant transplanted with it):
    cell line → lot with its QC and release decisions → transplant(s)."""
    by_participant = trial_code is not None and study_id is not None
    if by_participant == (lot_id is not None) or (lot_id is not None and (trial_code or study_id)):
        raise InvalidInput(
            [
                missing(
                    "chain of identity", "start", "give either a trial and a participant, or a lot"
                )
            ]
        )
    with read_unit(db, user=user) as session:
        if lot_id is not None:
            lot = find_lot(session, lot_id)
            transplants = list(
                session.scalars(
                    select(Transplant)
                    .where(Transplant.lot_id == lot.id, Transplant.deleted_at.is_(None))
                    .order_by(Transplant.transplant_date, Transplant.id)
                )
            )
        else:
            assert trial_code is not None and study_id is not None
            transplant = _find_transplant(session, trial_code, study_id)
            lot, transplants = transplant.lot, [transplant]
        return ChainOfIdentity(
            line=line_view(lot.line),
            lot=lot_view(lot),
            transplants=tuple(transplant_view(t) for t in transplants),
        )
