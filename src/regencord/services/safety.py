"""Use cases: adverse events (CTCAE grade, seriousness, relatedness to the cells, the
surgery and the immunosuppression), imaging findings, and rehabilitation sessions.

Each is a record of a participant saved and listed the one way
(:mod:`~regencord.services.recording`): its dates follow the rules of every clinical
date (not before the injury, not in the future) and the data-quality checks run after
every save. An adverse event resolves on or after its onset, and its grade, resolution
(``outcome``), seriousness and resolution date agree with each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, Field

from regencord.services import validation
from regencord.services.errors import FieldProblem, NotFound, ReasonNeeded
from regencord.services.followup import followup_unit
from regencord.services.recording import (
    ParticipantRecordKind,
    ParticipantRecordView,
    add_for_participant,
    blank_to_none,
    list_for_participants,
    save,
)
from regencord.services.unit import check_version
from regencord.services.validation import (
    Day,
    InputModel,
    choice_field,
    raise_problems,
    reason_given,
    validated,
)
from regencord.store.db import Database
from regencord.store.models import AdverseEvent, ImagingFinding, Modality, Participant, RehabSession
from regencord.store.models import AeResolution as AeResolution  # re-exported: the CLI's choices
from regencord.store.models import Relatedness as Relatedness  # re-exported: the CLI's choices

RelatednessField = Annotated[Relatedness, choice_field(Relatedness)]


class AdverseEventInput(InputModel):
    term: Annotated[str, Field(min_length=1, max_length=200)]
    meddra_code: Annotated[str | None, Field(pattern=r"^\d{8}$")] = None
    """The MedDRA code of the term (8 digits) as supplied; not looked up."""
    onset_date: Day
    resolution_date: Day | None = None
    ctcae_grade: Annotated[int, Field(ge=1, le=5)]
    serious: bool
    related_to_cells: RelatednessField
    related_to_surgery: RelatednessField
    related_to_immunosuppression: RelatednessField
    outcome: Annotated[AeResolution, choice_field(AeResolution)]
    action_taken: Annotated[str | None, Field(max_length=300)] = None


class ImagingInput(InputModel):
    imaging_date: Day
    modality: Annotated[Modality, choice_field(Modality)]
    finding: Annotated[str, Field(min_length=1, max_length=1000)]
    suspected_mass: bool = False
    syrinx: bool = False
    lesion_length_mm: Annotated[float | None, Field(gt=0, le=1000, allow_inf_nan=False)] = None


class RehabInput(InputModel):
    session_date: Day
    kind: Annotated[str, Field(min_length=1, max_length=60)]
    minutes: Annotated[int, Field(gt=0, le=720)]
    note: Annotated[str | None, Field(max_length=500)] = None


def _no_rules(_value: BaseModel, _record: str, _participant: Participant) -> list[FieldProblem]:
    return []


# --------------------------------------------------------------------------- adverse events

RESOLVED = frozenset({AeResolution.RECOVERED, AeResolution.RECOVERED_WITH_SEQUELAE})
ONGOING = frozenset({AeResolution.RECOVERING, AeResolution.NOT_RECOVERED})


def adverse_event_problems(
    value: AdverseEventInput, record: str, _participant: Participant
) -> list[FieldProblem]:
    """The rules across an adverse event's fields (its onset follows the rules of every
    clinical date besides)."""
    problems = []
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
        elif resolved > validation.today():
            problems.append(
                FieldProblem(record, "resolution_date", resolved.isoformat(), "is in the future")
            )
    grade, outcome = value.ctcae_grade, value.outcome
    if grade == 5 and outcome is not AeResolution.FATAL:
        problems.append(
            FieldProblem(
                record, "outcome", outcome.value, "must be fatal for CTCAE grade 5 (death)"
            )
        )
    if outcome is AeResolution.FATAL and grade != 5:
        problems.append(
            FieldProblem(record, "ctcae_grade", grade, "must be 5 when the outcome is fatal")
        )
    if (grade == 5 or outcome is AeResolution.FATAL) and not value.serious:
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


@dataclass(frozen=True, kw_only=True)
class AdverseEventView(ParticipantRecordView):
    term: str
    meddra_code: str | None
    onset_date: date
    resolution_date: date | None
    ctcae_grade: int
    serious: bool
    related_to_cells: Relatedness
    related_to_surgery: Relatedness
    related_to_immunosuppression: Relatedness
    outcome: AeResolution
    action_taken: str | None


ADVERSE_EVENT = ParticipantRecordKind(
    "adverse event",
    AdverseEvent,
    AdverseEventInput,
    AdverseEventView,
    adverse_event_problems,
    "onset_date",
)

_AE_FIELDS = tuple(AdverseEventInput.model_fields)


def add_adverse_event(
    db: Database, *, user: str, trial_code: str, study_id: str, data: Mapping[str, Any]
) -> AdverseEventView:
    """Record an adverse event of a participant."""
    return add_for_participant(
        db, ADVERSE_EVENT, user=user, trial_code=trial_code, study_id=study_id, data=data
    )


def update_adverse_event(
    db: Database,
    *,
    user: str,
    event_id: int,
    changes: Mapping[str, Any],
    reason: str | None,
    expected_version: int | None = None,
) -> AdverseEventView:
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
        merged = current | blank_to_none(changes)
        value = validated(AdverseEventInput, merged, record)
        raise_problems(ADVERSE_EVENT.dated(value, record, ae.participant))
        new = value.model_dump()
        if new != current and not reason:
            changed = ", ".join(f for f in _AE_FIELDS if new[f] != current[f])
            raise ReasonNeeded(f"{record}: changing {changed} needs a reason")
        for field, v in new.items():
            setattr(ae, field, v)
        return ADVERSE_EVENT.view_of(save(session, ae.participant, ae))


def list_adverse_events(
    db: Database, *, user: str, trial_code: str, study_id: str | None = None
) -> list[AdverseEventView]:
    """Adverse events of a trial (or one participant), by onset."""
    return list_for_participants(
        db, ADVERSE_EVENT, user=user, trial_code=trial_code, study_id=study_id
    )


# --------------------------------------------------------------------------- imaging


@dataclass(frozen=True, kw_only=True)
class ImagingFindingView(ParticipantRecordView):
    imaging_date: Day
    modality: Modality
    finding: str
    suspected_mass: bool
    syrinx: bool
    lesion_length_mm: float | None


IMAGING = ParticipantRecordKind(
    "imaging finding", ImagingFinding, ImagingInput, ImagingFindingView, _no_rules, "imaging_date"
)


def add_imaging_finding(
    db: Database, *, user: str, trial_code: str, study_id: str, data: Mapping[str, Any]
) -> ImagingFindingView:
    """Record an imaging finding (a suspected mass or a syrinx flags a safety signal)."""
    return add_for_participant(
        db, IMAGING, user=user, trial_code=trial_code, study_id=study_id, data=data
    )


def list_imaging_findings(
    db: Database, *, user: str, trial_code: str, study_id: str | None = None
) -> list[ImagingFindingView]:
    """Imaging findings of a trial (or one participant), by date."""
    return list_for_participants(db, IMAGING, user=user, trial_code=trial_code, study_id=study_id)


# --------------------------------------------------------------------------- rehabilitation


@dataclass(frozen=True, kw_only=True)
class RehabSessionView(ParticipantRecordView):
    session_date: Day
    kind: str
    minutes: int
    note: str | None


REHAB = ParticipantRecordKind(
    "rehab session", RehabSession, RehabInput, RehabSessionView, _no_rules, "session_date"
)


def add_rehab_session(
    db: Database, *, user: str, trial_code: str, study_id: str, data: Mapping[str, Any]
) -> RehabSessionView:
    """Record a rehabilitation session: date, kind of therapy, minutes."""
    return add_for_participant(
        db, REHAB, user=user, trial_code=trial_code, study_id=study_id, data=data
    )


def list_rehab_sessions(
    db: Database, *, user: str, trial_code: str, study_id: str | None = None
) -> list[RehabSessionView]:
    """Rehabilitation sessions of a trial (or one participant), by date."""
    return list_for_participants(db, REHAB, user=user, trial_code=trial_code, study_id=study_id)
