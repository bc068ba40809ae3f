"""Use cases: adverse events (CTCAE grade, seriousness, relatedness to the cells, the
surgery and the immunosuppression), imaging findings, and rehabilitation sessions.

Dates follow the rules of every clinical date (not before the injury, not in the
future); an adverse event resolves on or after its onset, and its grade, outcome,
seriousness and resolution date agree with each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from regencord.services import followup
from regencord.services.errors import FieldProblem, NotFound, ReasonNeeded
from regencord.services.followup import (
    date_problems,
    find_participant,
    followup_unit,
    raise_problems,
)
from regencord.services.quality import run_checks_for
from regencord.services.trials import find_trial
from regencord.services.unit import check_version
from regencord.services.validation import reason_given, validated
from regencord.store.db import Database
from regencord.store.models import (
    AdverseEvent,
    AeOutcome,
    ImagingFinding,
    Modality,
    Participant,
    RehabSession,
    Relatedness,
)

E = TypeVar("E", bound=Enum)


def choices_of(enum: type[Enum], quote: str = "") -> str:
    """The values of ``enum`` as the command line spells them (``not-recovered``), listed:
    ``a, b or c``."""
    values = [f"{quote}{str(member.value).replace('_', '-')}{quote}" for member in enum]
    return ", ".join(values[:-1]) + " or " + values[-1]


def _choice(enum: type[E]) -> BeforeValidator:
    """Accept an enum member by value or name, ignoring case, ``-`` for ``_``; refuse any
    other text listing the values as the command line spells them."""

    def parse(raw: object) -> object:
        if isinstance(raw, str):
            wanted = raw.strip().lower().replace("-", "_").replace(" ", "_")
            for member in enum:
                names = {str(member.value).lower().replace("-", "_"), member.name.lower()}
                if wanted in names:
                    return member
            raise ValueError(f"input should be {choices_of(enum, quote=chr(39))}")
        return raw

    return BeforeValidator(parse)


RelatednessField = Annotated[Relatedness, _choice(Relatedness)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AdverseEventInput(_Input):
    term: Annotated[str, Field(min_length=1, max_length=200)]
    meddra_code: Annotated[str | None, Field(pattern=r"^\d{8}$")] = None
    """The MedDRA code of the term (8 digits) as supplied; not looked up."""
    onset_date: date
    resolution_date: date | None = None
    ctcae_grade: Annotated[int, Field(ge=1, le=5)]
    serious: bool
    related_to_cells: RelatednessField
    related_to_surgery: RelatednessField
    related_to_immunosuppression: RelatednessField
    outcome: Annotated[AeOutcome, _choice(AeOutcome)]
    action_taken: Annotated[str | None, Field(max_length=300)] = None


class ImagingInput(_Input):
    imaging_date: date
    modality: Annotated[Modality, _choice(Modality)]
    finding: Annotated[str, Field(min_length=1, max_length=1000)]
    suspected_mass: bool = False
    syrinx: bool = False
    lesion_length_mm: Annotated[float | None, Field(gt=0, le=1000, allow_inf_nan=False)] = None


class RehabInput(_Input):
    session_date: date
    kind: Annotated[str, Field(min_length=1, max_length=60)]
    minutes: Annotated[int, Field(gt=0, le=720)]
    note: Annotated[str | None, Field(max_length=500)] = None


def _empty_to_none(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (None if isinstance(v, str) and not v.strip() else v) for k, v in data.items()}


# --------------------------------------------------------------------------- adverse events

RESOLVED = frozenset({AeOutcome.RECOVERED, AeOutcome.RECOVERED_WITH_SEQUELAE})
ONGOING = frozenset({AeOutcome.RECOVERING, AeOutcome.NOT_RECOVERED})


def adverse_event_problems(
    value: AdverseEventInput, record: str, participant: Participant
) -> list[FieldProblem]:
    """The rules across an adverse event's fields."""
    problems = date_problems(record, "onset_date", value.onset_date, participant)
    resolved = value.resolution_date
    if resolved is not None:
        if resolved < value.onset_date:
            onset = value.onset_date.isoformat()
            problems.append(
                FieldProblem(
                    record,
                    "resolution_date",
                    resolved.isoformat(),
                    f"is before the onset ({onset})",
                )
            )
        elif resolved > followup.today():
            problems.append(
                FieldProblem(record, "resolution_date", resolved.isoformat(), "is in the future")
            )
    grade, outcome = value.ctcae_grade, value.outcome
    if grade == 5 and outcome is not AeOutcome.FATAL:
        problems.append(
            FieldProblem(
                record, "outcome", outcome.value, "must be fatal for CTCAE grade 5 (death)"
            )
        )
    if outcome is AeOutcome.FATAL and grade != 5:
        problems.append(
            FieldProblem(record, "ctcae_grade", grade, "must be 5 when the outcome is fatal")
        )
    if (grade == 5 or outcome is AeOutcome.FATAL) and not value.serious:
        problems.append(FieldProblem(record, "serious", False, "must be true for a fatal event"))
    if outcome in RESOLVED and resolved is None:
        problems.append(
            FieldProblem(
                record, "resolution_date", None, f"is required when the outcome is {outcome.value}"
            )
        )
    if outcome in ONGOING and resolved is not None:
        problems.append(
            FieldProblem(
                record,
                "resolution_date",
                resolved.isoformat(),
                f"must be empty while the outcome is {outcome.value}",
            )
        )
    return problems


@dataclass(frozen=True)
class AdverseEventSummary:
    id: int
    version: int
    trial: str
    participant: str
    term: str
    meddra_code: str | None
    onset_date: date
    resolution_date: date | None
    ctcae_grade: int
    serious: bool
    related_to_cells: Relatedness
    related_to_surgery: Relatedness
    related_to_immunosuppression: Relatedness
    outcome: AeOutcome
    action_taken: str | None


_AE_FIELDS = tuple(AdverseEventInput.model_fields)


def _ae_summary(ae: AdverseEvent) -> AdverseEventSummary:
    return AdverseEventSummary(
        id=ae.id,
        version=ae.version,
        trial=ae.participant.trial.code,
        participant=ae.participant.study_id,
        **{f: getattr(ae, f) for f in _AE_FIELDS},
    )


def add_adverse_event(
    db: Database, *, user: str, trial_code: str, study_id: str, data: Mapping[str, Any]
) -> AdverseEventSummary:
    """Record an adverse event of a participant."""
    with followup_unit(db, user=user) as session:
        participant = find_participant(session, trial_code, study_id)
        record = f"adverse event of {study_id}"
        value = validated(AdverseEventInput, _empty_to_none(data), record)
        raise_problems(adverse_event_problems(value, record, participant))
        ae = AdverseEvent(participant=participant, **value.model_dump())
        session.add(ae)
        session.flush()
        run_checks_for(session, participant)
        return _ae_summary(ae)


def update_adverse_event(
    db: Database,
    *,
    user: str,
    event_id: int,
    changes: Mapping[str, Any],
    reason: str | None,
    expected_version: int | None = None,
) -> AdverseEventSummary:
    """Change fields of a recorded adverse event (e.g. its resolution and outcome); the
    whole event is validated again. Needs a reason."""
    reason = reason_given(reason, f"adverse event {event_id}")
    with followup_unit(db, user=user, reason=reason) as session:
        ae = session.get(AdverseEvent, event_id)
        if ae is None or ae.deleted:
            raise NotFound(f"adverse event {event_id} does not exist")
        record = f"adverse event {event_id}"
        check_version(record, ae.version, expected_version)
        current = {f: getattr(ae, f) for f in _AE_FIELDS}
        merged = current | _empty_to_none(changes)
        value = validated(AdverseEventInput, merged, record)
        raise_problems(adverse_event_problems(value, record, ae.participant))
        new = value.model_dump()
        if new != current and not reason:
            changed = ", ".join(f for f in _AE_FIELDS if new[f] != current[f])
            raise ReasonNeeded(f"{record}: changing {changed} needs a reason (--reason)")
        for field, v in new.items():
            setattr(ae, field, v)
        session.flush()
        run_checks_for(session, ae.participant)
        return _ae_summary(ae)


def list_adverse_events(
    db: Database, *, trial_code: str, study_id: str | None = None
) -> list[AdverseEventSummary]:
    """Adverse events of a trial (or one participant), by onset."""
    with followup_unit(db, user="(read)") as session:
        query = _of_trial(session, AdverseEvent, trial_code, study_id)
        query = query.order_by(AdverseEvent.onset_date, AdverseEvent.id)
        return [_ae_summary(ae) for ae in session.scalars(query)]


R = TypeVar("R", AdverseEvent, ImagingFinding, RehabSession)


def _of_trial(session: Session, model: type[R], trial_code: str, study_id: str | None) -> Any:
    if study_id is not None:
        participant = find_participant(session, trial_code, study_id)
        where = [model.participant_id == participant.id]
    else:
        trial = find_trial(session, trial_code)
        ids = select(Participant.id).where(Participant.trial_id == trial.id)
        where = [model.participant_id.in_(ids)]
    return select(model).where(*where, model.deleted_at.is_(None))


# --------------------------------------------------------------------------- imaging


@dataclass(frozen=True)
class ImagingSummary:
    id: int
    trial: str
    participant: str
    imaging_date: date
    modality: Modality
    finding: str
    suspected_mass: bool
    syrinx: bool
    lesion_length_mm: float | None


def _imaging_summary(f: ImagingFinding) -> ImagingSummary:
    return ImagingSummary(
        id=f.id,
        trial=f.participant.trial.code,
        participant=f.participant.study_id,
        **{k: getattr(f, k) for k in ImagingInput.model_fields},
    )


def add_imaging_finding(
    db: Database, *, user: str, trial_code: str, study_id: str, data: Mapping[str, Any]
) -> ImagingSummary:
    """Record an imaging finding (a suspected mass or a syrinx flags a safety signal)."""
    with followup_unit(db, user=user) as session:
        participant = find_participant(session, trial_code, study_id)
        record = f"imaging finding of {study_id}"
        value = validated(ImagingInput, _empty_to_none(data), record)
        raise_problems(date_problems(record, "imaging_date", value.imaging_date, participant))
        finding = ImagingFinding(participant=participant, **value.model_dump())
        session.add(finding)
        session.flush()
        return _imaging_summary(finding)


def list_imaging_findings(
    db: Database, *, trial_code: str, study_id: str | None = None
) -> list[ImagingSummary]:
    with followup_unit(db, user="(read)") as session:
        query = _of_trial(session, ImagingFinding, trial_code, study_id)
        query = query.order_by(ImagingFinding.imaging_date, ImagingFinding.id)
        return [_imaging_summary(f) for f in session.scalars(query)]


# --------------------------------------------------------------------------- rehabilitation


@dataclass(frozen=True)
class RehabSummary:
    id: int
    trial: str
    participant: str
    session_date: date
    kind: str
    minutes: int
    note: str | None


def _rehab_summary(r: RehabSession) -> RehabSummary:
    return RehabSummary(
        id=r.id,
        trial=r.participant.trial.code,
        participant=r.participant.study_id,
        **{k: getattr(r, k) for k in RehabInput.model_fields},
    )


def add_rehab_session(
    db: Database, *, user: str, trial_code: str, study_id: str, data: Mapping[str, Any]
) -> RehabSummary:
    """Record a rehabilitation session: date, kind of therapy, minutes."""
    with followup_unit(db, user=user) as session:
        participant = find_participant(session, trial_code, study_id)
        record = f"rehab session of {study_id}"
        value = validated(RehabInput, _empty_to_none(data), record)
        raise_problems(date_problems(record, "session_date", value.session_date, participant))
        rehab = RehabSession(participant=participant, **value.model_dump())
        session.add(rehab)
        session.flush()
        return _rehab_summary(rehab)


def list_rehab_sessions(
    db: Database, *, trial_code: str, study_id: str | None = None
) -> list[RehabSummary]:
    with followup_unit(db, user="(read)") as session:
        query = _of_trial(session, RehabSession, trial_code, study_id)
        query = query.order_by(RehabSession.session_date, RehabSession.id)
        return [_rehab_summary(r) for r in session.scalars(query)]
