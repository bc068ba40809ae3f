"""Use cases of the procedure: record a transplant, the immunosuppression around it, and
trace the chain of identity from cell line to participant.

A transplant is recorded only for an enrolled participant, after the injury and on or
after consent, with a lot released (and not rejected) by the transplant date and not
expired on it. The trial's schedule visit named ``transplant`` (anchored to the injury)
gives the allowed window in days after injury; a transplant outside it needs a protocol
deviation note. Recording it sets the participant's status to ``transplanted``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, FiniteFloat
from sqlalchemy import select
from sqlalchemy.orm import Session

from regencord.services.errors import FieldProblem, InvalidInput, NotFound, ReasonNeeded, invalid
from regencord.services.participants import find_participant, mark_transplanted, vertebral_level
from regencord.services.product import (
    Day,
    LineSummary,
    LotSummary,
    Note,
    Person,
    blank_is_none,
    decision_in_force,
    find_lot,
    line_summary,
    lot_summary,
    missing,
    not_after_today,
    number_text,
    raise_problems,
)
from regencord.services.quality import run_checks_for
from regencord.services.unit import unit_of_work
from regencord.services.validation import reason_given, shown, validated
from regencord.store.db import Database
from regencord.store.models import (
    Anchor,
    ImmunosuppressionCourse,
    Lot,
    LotDecision,
    Participant,
    ParticipantStatus,
    Transplant,
    Trial,
)

TRANSPLANT_VISIT = "transplant"
"""The schedule visit whose window (days after injury) the transplant must fall in."""


def _whole_number(value: object) -> object:
    """``2000000``, ``2,000,000``, ``2_000_000`` or ``2e6`` as the integer 2000000."""
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "")
        try:
            return int(text)
        except ValueError:
            try:
                value = float(text)
            except ValueError:
                raise ValueError("is not a whole number") from None
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("is not a whole number")
        return int(value)
    return value


def _sites(value: object) -> object:
    """``"c4,C5"`` as ``"C4, C5"``: each site a vertebral level, the vocabulary of the
    participant's level of injury (:func:`regencord.services.participants.vertebral_level`:
    C1-C7, T1-T12, L1-L5, S1-S5, or a span such as C4-C5), where the cells are injected
    into the cord (the injured segment and the ones next to it). Empty, unknown or repeated
    entries are refused."""
    if isinstance(value, str):
        parts = [p.strip() for p in value.split(",")]
        if not all(parts):
            raise ValueError("has an empty entry (sites are separated by commas)")
        sites = []
        for part in parts:
            try:
                sites.append(vertebral_level(part))
            except ValueError as error:
                raise ValueError(f"has {shown(part)}, which {error}") from None
        if len(set(sites)) < len(sites):
            raise ValueError("names a site twice")
        return ", ".join(sites)
    return value


class TransplantInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    lot: Annotated[str, Field(min_length=1, max_length=40)]
    transplant_date: Day
    dose_cells: Annotated[int, BeforeValidator(_whole_number), Field(gt=0)]
    volume_ul: Annotated[FiniteFloat, Field(gt=0)]
    injection_sites: Annotated[str, BeforeValidator(_sites), Field(min_length=1, max_length=200)]
    surgeon: Person
    protocol_deviation: Annotated[
        Annotated[str, Field(max_length=1000)] | None, BeforeValidator(blank_is_none)
    ] = None


class _StopInput(BaseModel):
    stop_on: Day


class CourseInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    regimen: Annotated[str, Field(min_length=1, max_length=200)]
    start_on: Day
    stop_on: Day | None = None
    note: Note = None


# --- what the use cases return ---------------------------------------------------------------


@dataclass(frozen=True)
class CourseView:
    id: int
    regimen: str
    start_on: date
    stop_on: date | None
    note: str | None

    def __str__(self) -> str:
        stop = self.stop_on.isoformat() if self.stop_on else "ongoing"
        text = f"course {self.id}: {self.regimen}, {self.start_on.isoformat()} to {stop}"
        return f"{text} ({self.note})" if self.note else text


@dataclass(frozen=True)
class TransplantSummary:
    trial: str
    study_id: str
    participant_status: str
    lot_id: str
    transplant_date: date
    injury_date: date
    days_after_injury: int
    window: tuple[int, int] | None
    """Allowed days after injury per the trial's schedule (``None``: no window set)."""
    dose_cells: int
    volume_ul: float
    injection_sites: str
    surgeon: str
    protocol_deviation: str | None
    immunosuppression: tuple[CourseView, ...]

    @property
    def within_window(self) -> bool | None:
        if self.window is None:
            return None
        return self.window[0] <= self.days_after_injury <= self.window[1]

    def lines(self) -> list[str]:
        window = "" if self.window is None else f"; window day {self.window[0]}–{self.window[1]}"
        out = [
            f"transplant: participant {self.study_id} of trial {self.trial} "
            f"({self.participant_status})",
            f"  {self.transplant_date.isoformat()}, day {self.days_after_injury} after injury "
            f"(injury {self.injury_date.isoformat()}{window})",
            f"  lot {self.lot_id}: {self.dose_cells} cells in {number_text(self.volume_ul)} µL "
            f"at {self.injection_sites}; surgeon {self.surgeon}",
        ]
        if self.protocol_deviation:
            out.append(f"  protocol deviation: {self.protocol_deviation}")
        out += [f"  immunosuppression {c}" for c in self.immunosuppression]
        return out


@dataclass(frozen=True)
class ChainOfIdentity:
    """From the cell line through the lot (its QC and release) to the participants
    transplanted with it."""

    line: LineSummary
    lot: LotSummary
    transplants: tuple[TransplantSummary, ...]

    def lines(self) -> list[str]:
        line = self.line
        out = [
            f"chain of identity of lot {self.lot.lot_id}",
            f"cell line {line.line_id}: {line.source}",
            f"  donor HLA {line.donor_hla or '-'}; "
            f"reprogramming {line.reprogramming_method or '-'}",
        ]
        out += self.lot.lines()
        if not self.transplants:
            out.append("no transplant with this lot")
        for t in self.transplants:
            out += t.lines()
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def _course_view(c: ImmunosuppressionCourse) -> CourseView:
    return CourseView(c.id, c.regimen, c.start_on, c.stop_on, c.note)


def transplant_window(trial: Trial) -> tuple[int, int] | None:
    """Allowed days after injury for the transplant, from the trial's ``transplant`` visit."""
    for visit in trial.schedule:
        if visit.name == TRANSPLANT_VISIT and not visit.deleted:
            if visit.anchor is not Anchor.INJURY:
                return None
            return visit.target_day - visit.window_before, visit.target_day + visit.window_after
    return None


def _summary(t: Transplant) -> TransplantSummary:
    p = t.participant
    return TransplantSummary(
        trial=p.trial.code,
        study_id=p.study_id,
        participant_status=p.status.value,
        lot_id=t.lot.lot_id,
        transplant_date=t.transplant_date,
        injury_date=p.injury_date,
        days_after_injury=t.days_after_injury,
        window=transplant_window(p.trial),
        dose_cells=t.dose_cells,
        volume_ul=t.volume_ul,
        injection_sites=t.injection_sites,
        surgeon=t.surgeon,
        protocol_deviation=t.protocol_deviation,
        immunosuppression=tuple(_course_view(c) for c in t.immunosuppression if not c.deleted),
    )


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


# --- rules ------------------------------------------------------------------------------------


def _check_participant(record: str, participant: Participant, day: date) -> None:
    if participant.status is not ParticipantStatus.ENROLLED:
        raise invalid(
            record,
            "participant status",
            participant.status.value,
            "is not enrolled: only an enrolled participant can be transplanted",
        )
    problems: list[FieldProblem | None] = [not_after_today(record, "transplant_date", day)]
    if day <= participant.injury_date:
        problems.append(
            FieldProblem(
                record,
                "transplant_date",
                day.isoformat(),
                f"is not after the injury ({participant.injury_date.isoformat()})",
            )
        )
    if participant.consent_date is None:
        problems.append(
            missing(f"participant {participant.study_id}", "consent_date", "consent comes first")
        )
    elif day < participant.consent_date:
        problems.append(
            FieldProblem(
                record,
                "transplant_date",
                day.isoformat(),
                f"is before consent ({participant.consent_date.isoformat()})",
            )
        )
    raise_problems(problems)


def _check_lot(record: str, lot: Lot, day: date) -> None:
    """The lot was released, and not rejected, by ``day``, and has not expired on it."""
    in_force = decision_in_force(lot, day)
    unusable = "it cannot be used in a transplant"
    if in_force is None or in_force.decision is LotDecision.REJECTED:
        if in_force is not None:
            why = f"decision: rejected by {in_force.decided_by} on {in_force.decided_on}"
        else:
            later = decision_in_force(lot)
            why = (
                "no release decision"
                if later is None
                else f"{later.decision.value} by {later.decided_by} on {later.decided_on}, "
                "after the transplant date"
            )
        raise invalid(record, "lot", lot.lot_id, f"was not released ({why}): {unusable}")
    if day > lot.expires_on:
        raise invalid(
            record,
            "lot",
            lot.lot_id,
            f"expired on {lot.expires_on.isoformat()}, before the transplant date "
            f"{day.isoformat()}: {unusable}",
        )


def _check_window(
    record: str, trial: Trial, participant: Participant, value: TransplantInput
) -> None:
    visit = next((v for v in trial.schedule if v.name == TRANSPLANT_VISIT and not v.deleted), None)
    if visit is None or visit.anchor is not Anchor.INJURY:
        problem = (
            "is not in its schedule"
            if visit is None
            else "is anchored to the transplant, not to the injury"
        )
        raise invalid(
            f"trial {trial.code}",
            "schedule visit",
            TRANSPLANT_VISIT,
            f"{problem}: the transplant window (days after injury) is not set",
        )
    earliest, latest = transplant_window(trial) or (0, 0)
    days = (value.transplant_date - participant.injury_date).days
    if not earliest <= days <= latest and value.protocol_deviation is None:
        raise invalid(
            record,
            "transplant_date",
            value.transplant_date.isoformat(),
            f"is day {days} after injury, outside the transplant window (day {earliest}–"
            f"{latest}): it can only be saved with a protocol deviation note",
        )


def _set_transplanted(session: Session, participant: Participant, reason: str) -> None:
    """Status ``transplanted`` through the participants service's status transition (its
    rules), with ``reason`` in the audit trail."""
    previous = session.info.get("reason")
    session.info["reason"] = reason
    try:
        mark_transplanted(session, participant)
    finally:
        session.info["reason"] = previous


# --- use cases --------------------------------------------------------------------------------


def record_transplant(
    db: Database,
    *,
    user: str,
    trial_code: str,
    study_id: str,
    data: dict[str, Any] | TransplantInput,
) -> TransplantSummary:
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
        _check_participant(record, participant, value.transplant_date)
        lot = find_lot(session, value.lot)
        _check_lot(record, lot, value.transplant_date)
        _check_window(record, participant.trial, participant, value)
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
        return _summary(transplant)


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
        return _course_view(course)


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
    day = validated(_StopInput, {"stop_on": stop_on}, record).stop_on
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
                "needs a reason (--reason)"
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
        return _course_view(course)


def show_transplant(db: Database, *, trial_code: str, study_id: str) -> TransplantSummary:
    with unit_of_work(db, user="(read)") as session:
        return _summary(_find_transplant(session, trial_code, study_id))


def chain_of_identity(
    db: Database,
    *,
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
    with unit_of_work(db, user="(read)") as session:
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
            line=line_summary(lot.line),
            lot=lot_summary(lot),
            transplants=tuple(_summary(t) for t in transplants),
        )
