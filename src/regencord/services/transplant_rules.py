"""The rules of a transplant record: its input (lot, date, dose, volume, injection
sites, surgeon, protocol deviation), the immunosuppression course's input, and the rules
across records that a transplant must meet when recorded and when corrected.

Rules: the transplant date is after the injury, on or after consent and not in the
future; the lot was released (and not rejected) by the transplant date and had not
expired on it; the trial's schedule visit named ``transplant`` (anchored to the injury)
gives the allowed window in days after injury, and a transplant outside it needs a
protocol deviation note. Only an enrolled participant can be transplanted.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, Field, FiniteFloat

from regencord.services.errors import FieldProblem, invalid
from regencord.services.participants import vertebral_level
from regencord.services.product import Note, Person, decision_in_force, missing
from regencord.services.validation import (
    Day,
    InputModel,
    blank_is_none,
    not_after_today,
    raise_problems,
    shown,
)
from regencord.store.models import Anchor, Lot, LotDecision, Participant, ParticipantStatus, Trial

TRANSPLANT_VISIT = "transplant"
"""The schedule visit whose window (days after injury) the transplant must fall in."""


def whole_number(value: object) -> object:
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


def injection_sites(value: object) -> object:
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


class TransplantInput(InputModel):
    lot: Annotated[str, Field(min_length=1, max_length=40)]
    transplant_date: Day
    dose_cells: Annotated[int, BeforeValidator(whole_number), Field(gt=0)]
    volume_ul: Annotated[FiniteFloat, Field(gt=0)]
    injection_sites: Annotated[
        str, BeforeValidator(injection_sites), Field(min_length=1, max_length=200)
    ]
    surgeon: Person
    protocol_deviation: Annotated[
        Annotated[str, Field(max_length=1000)] | None, BeforeValidator(blank_is_none)
    ] = None


class StopInput(BaseModel):
    stop_on: Day


class CourseInput(InputModel):
    regimen: Annotated[str, Field(min_length=1, max_length=200)]
    start_on: Day
    stop_on: Day | None = None
    note: Note = None


def transplant_window(trial: Trial) -> tuple[int, int] | None:
    """Allowed days after injury for the transplant, from the trial's ``transplant`` visit."""
    for visit in trial.schedule:
        if visit.name == TRANSPLANT_VISIT and not visit.deleted:
            if visit.anchor is not Anchor.INJURY:
                return None
            return visit.target_day - visit.window_before, visit.target_day + visit.window_after
    return None


# --- rules ------------------------------------------------------------------------------------


def check_enrolled(record: str, participant: Participant) -> None:
    """Only an enrolled participant can be transplanted."""
    if participant.status is not ParticipantStatus.ENROLLED:
        raise invalid(
            record,
            "participant status",
            participant.status.value,
            "is not enrolled: only an enrolled participant can be transplanted",
        )


def check_date(record: str, participant: Participant, day: date) -> None:
    """The transplant date is not in the future, after the injury and on or after consent."""
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


def check_lot(record: str, lot: Lot, day: date) -> None:
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


def check_window(
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
