"""Use cases: enrol participants, record their eligibility, move them through the trial.

Participants are pseudonymous: a study id, age at injury and sex; no names, birth dates
or contact data are stored anywhere. Status follows

    screening → enrolled → transplanted → completed,   and any status → withdrawn (final)

``screening → enrolled`` needs a consent date and every recorded eligibility criterion
met; ``enrolled → transplanted`` is done by the transplant use case through
:func:`mark_transplanted`; withdrawal needs a reason. A status change is a step of the
trial, so it needs no reason of its own (the audit trail then records the transition as
the reason); every other change of a saved value does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    Field,
    ValidationInfo,
    field_validator,
)
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from regencord.services.errors import FieldProblem, InvalidInput, NotFound, ReasonNeeded, invalid
from regencord.services.trials import find_trial
from regencord.services.unit import check_version, read_unit, unit_of_work
from regencord.services.validation import (
    InputModel,
    PastDay,
    Reason,
    choice,
    reason_given,
    validated,
)
from regencord.store.db import Database
from regencord.store.models import (
    AuditEntry,
    EligibilityAnswer,
    Participant,
    ParticipantStatus,
    Sex,
    Site,
    Trial,
)

STUDY_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"

_SEGMENTS = {"C": 7, "T": 12, "L": 5, "S": 5}
_REGIONS = "CTLS"
_LEVEL = r"(C[1-7]|T(?:1[0-2]|[1-9])|L[1-5]|S[1-5])"
_LEVEL_RE = re.compile(rf"^{_LEVEL}(?:-{_LEVEL})?$")

TRANSITIONS: dict[ParticipantStatus, frozenset[ParticipantStatus]] = {
    ParticipantStatus.SCREENING: frozenset(
        {ParticipantStatus.ENROLLED, ParticipantStatus.WITHDRAWN}
    ),
    ParticipantStatus.ENROLLED: frozenset(
        {ParticipantStatus.TRANSPLANTED, ParticipantStatus.WITHDRAWN}
    ),
    ParticipantStatus.TRANSPLANTED: frozenset(
        {ParticipantStatus.COMPLETED, ParticipantStatus.WITHDRAWN}
    ),
    ParticipantStatus.COMPLETED: frozenset({ParticipantStatus.WITHDRAWN}),
    ParticipantStatus.WITHDRAWN: frozenset(),
}
"""The allowed next statuses of each status; withdrawal is final."""

EDITABLE = ("age_at_injury", "sex", "injury_date", "mechanism", "vertebral_level", "consent_date")
"""Fields of a participant that :func:`update_participant` corrects (with a reason)."""


# ---------------------------------------------------------------------------- validation


def level_index(level: str) -> int:
    """Position of a vertebra from the top (C1 = 0) for ordering a range."""
    region = level[0]
    before = sum(_SEGMENTS[r] for r in _REGIONS[: _REGIONS.index(region)])
    return before + int(level[1:]) - 1


def vertebral_level(value: str) -> str:
    """``value`` as a vertebral level (``C4``) or span (``C4-C5``), upper case; else
    :class:`ValueError` saying what is expected."""
    text = value.strip().upper()
    match = _LEVEL_RE.match(text)
    if match is None:
        raise ValueError("is not a vertebral level like C4 or C4-C5 (C1-C7, T1-T12, L1-L5, S1-S5)")
    upper, lower = match.group(1), match.group(2)
    if lower is not None and level_index(lower) <= level_index(upper):
        raise ValueError("must run from the upper to a lower vertebra, e.g. C4-C5")
    return text


StudyId = Annotated[str, Field(min_length=1, max_length=40, pattern=STUDY_ID_PATTERN)]
VertebralLevel = Annotated[str, Field(max_length=20), AfterValidator(vertebral_level)]


class ParticipantInput(InputModel):
    """A participant as entered: pseudonymous, no names, birth dates or contact data."""

    study_id: StudyId
    age_at_injury: Annotated[int, Field(ge=0, le=120)]
    sex: Sex
    injury_date: PastDay
    mechanism: Annotated[str | None, Field(min_length=1, max_length=100)] = None
    vertebral_level: VertebralLevel | None = None
    consent_date: PastDay | None = None

    @field_validator("consent_date")
    @classmethod
    def _consent_after_injury(cls, value: date | None, info: ValidationInfo) -> date | None:
        injury = info.data.get("injury_date")
        if value is not None and injury is not None and value < injury:
            raise ValueError(f"is before the injury date {injury.isoformat()}")
        return value


class EligibilityInput(InputModel):
    criterion: Annotated[str, Field(min_length=1, max_length=200)]
    met: bool
    note: Annotated[str | None, Field(max_length=500)] = None


class _Reason(InputModel):
    reason: Reason


# ------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class StatusChangeEntry:
    """One step of a participant's status history, read from the audit trail."""

    at: datetime
    user: str
    old: str | None
    new: str
    reason: str | None


@dataclass(frozen=True)
class EligibilityEntry:
    criterion: str
    met: bool
    note: str | None


@dataclass(frozen=True)
class ParticipantView:
    trial: str
    site: str
    study_id: str
    age_at_injury: int
    sex: Sex
    injury_date: date
    mechanism: str | None
    vertebral_level: str | None
    consent_date: date | None
    status: ParticipantStatus
    withdrawal_reason: str | None
    version: int
    eligibility: tuple[EligibilityEntry, ...]
    history: tuple[StatusChangeEntry, ...] = ()


def _summary(
    participant: Participant, history: tuple[StatusChangeEntry, ...] = ()
) -> ParticipantView:
    return ParticipantView(
        trial=participant.trial.code,
        site=participant.site.code,
        study_id=participant.study_id,
        age_at_injury=participant.age_at_injury,
        sex=participant.sex,
        injury_date=participant.injury_date,
        mechanism=participant.mechanism,
        vertebral_level=participant.vertebral_level,
        consent_date=participant.consent_date,
        status=participant.status,
        withdrawal_reason=participant.withdrawal_reason,
        version=participant.version,
        eligibility=tuple(
            EligibilityEntry(a.criterion, a.met, a.note)
            for a in participant.eligibility
            if not a.deleted
        ),
        history=history,
    )


def _as_utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; the audit trail writes UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def status_history(session: Session, participant: Participant) -> tuple[StatusChangeEntry, ...]:
    """Every status the participant had, oldest first, from the audit trail."""
    rows = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.table == Participant.__tablename__,
            AuditEntry.record_id == participant.id,
            AuditEntry.field == "status",
        )
        .order_by(AuditEntry.id)
    )
    return tuple(
        StatusChangeEntry(_as_utc(r.at), r.user, r.old_value, r.new_value or "", r.reason)
        for r in rows
    )


# ------------------------------------------------------------------------------- lookups


def _label(study_id: str) -> str:
    return f"participant {study_id}"


def find_site(session: Session, trial: Trial, code: str) -> Site:
    site = session.scalar(
        select(Site).where(Site.trial_id == trial.id, Site.code == code, Site.deleted_at.is_(None))
    )
    if site is None:
        raise NotFound(f"site {code!r} is not a site of trial {trial.code}")
    return site


def find_participant(session: Session, trial_code: str, study_id: str) -> Participant:
    """The participant ``study_id`` of trial ``trial_code`` (not soft-deleted)."""
    trial = find_trial(session, trial_code)
    participant = session.scalar(
        select(Participant).where(
            Participant.trial_id == trial.id,
            Participant.study_id == study_id,
            Participant.deleted_at.is_(None),
        )
    )
    if participant is None:
        raise NotFound(f"participant {study_id!r} is not in trial {trial_code}")
    return participant


# ----------------------------------------------------------------------------- use cases


def _values(participant: Participant) -> dict[str, Any]:
    return {"study_id": participant.study_id} | {f: getattr(participant, f) for f in EDITABLE}


def enrol(
    db: Database,
    *,
    user: str,
    trial_code: str,
    site_code: str,
    data: Mapping[str, Any] | ParticipantInput,
) -> ParticipantView:
    """Register a participant at a site of a trial, in screening."""
    study = data.get("study_id") if isinstance(data, Mapping) else data.study_id
    value = validated(ParticipantInput, data, _label(str(study or "(new)")))
    with unit_of_work(db, user=user) as session:
        trial = find_trial(session, trial_code)
        site = find_site(session, trial, site_code)
        taken = select(Participant.id).where(
            Participant.trial_id == trial.id, Participant.study_id == value.study_id
        )
        if session.scalar(taken) is not None:
            raise _study_id_taken(value.study_id, trial_code)
        participant = Participant(
            trial=trial, site=site, status=ParticipantStatus.SCREENING, **value.model_dump()
        )
        session.add(participant)
        try:
            session.flush()
        except IntegrityError:  # enrolled by someone else meanwhile
            raise _study_id_taken(value.study_id, trial_code) from None
        return _summary(participant, status_history(session, participant))


def _study_id_taken(study_id: str, trial_code: str) -> InvalidInput:
    return invalid(_label(study_id), "study_id", study_id, f"is already used in trial {trial_code}")


def update_participant(
    db: Database,
    *,
    user: str,
    trial_code: str,
    study_id: str,
    changes: Mapping[str, Any],
    reason: str | None = None,
    expected_version: int | None = None,
) -> ParticipantView:
    """Correct saved values of a participant (``changes``: fields of :data:`EDITABLE`).

    Every change needs a reason; unchanged values are ignored."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise invalid(_label(study_id), unknown[0], changes[unknown[0]], "cannot be changed")
    reason = reason_given(reason, _label(study_id))
    with unit_of_work(db, user=user, reason=reason) as session:
        participant = find_participant(session, trial_code, study_id)
        check_version(_label(study_id), participant.version, expected_version)
        current = _values(participant)
        value = validated(ParticipantInput, current | dict(changes), _label(study_id))
        new = value.model_dump()
        changed = [f for f in EDITABLE if new[f] != current[f]]
        if changed and not reason:
            raise ReasonNeeded(f"{_label(study_id)}: changing {', '.join(changed)} needs a reason")
        for field in changed:
            setattr(participant, field, new[field])
        session.flush()
        return _summary(participant, status_history(session, participant))


def record_eligibility(
    db: Database,
    *,
    user: str,
    trial_code: str,
    study_id: str,
    data: Mapping[str, Any] | EligibilityInput,
    reason: str | None = None,
) -> ParticipantView:
    """Answer one criterion of the eligibility checklist (met or not, with a note).

    Answering a criterion again replaces the answer; its note is kept unless a new one
    is given (``""`` clears it). Changing an answer, or answering once the participant is
    past screening, needs a reason."""
    value = validated(EligibilityInput, data, f"eligibility of {_label(study_id)}")
    reason = reason_given(reason, _label(study_id))
    with unit_of_work(db, user=user, reason=reason) as session:
        participant = find_participant(session, trial_code, study_id)
        answer = next((a for a in participant.eligibility if a.criterion == value.criterion), None)
        record = f"eligibility of {_label(study_id)}"
        if participant.status is not ParticipantStatus.SCREENING and not reason:
            raise ReasonNeeded(
                f"{record}: {study_id} is {participant.status.value}, no longer in screening; "
                "changing the eligibility checklist needs a reason"
            )
        if answer is None:
            session.info["insert_reason"] = reason  # an answer added late says why
            answer = EligibilityAnswer(
                participant=participant,
                criterion=value.criterion,
                met=value.met,
                note=value.note or None,
            )
            session.add(answer)
        else:
            note = answer.note if value.note is None else value.note or None
            changed = [
                f for f, new in (("met", value.met), ("note", note)) if getattr(answer, f) != new
            ]
            if changed and not reason:
                raise ReasonNeeded(
                    f"{record}: criterion {value.criterion!r} is answered; changing "
                    f"{', '.join(changed)} needs a reason"
                )
            answer.met, answer.note = value.met, note
            if answer.deleted:
                answer.deleted_at, answer.deleted_reason = None, None
        session.flush()
        session.refresh(participant, ["eligibility"])
        return _summary(participant, status_history(session, participant))


@contextmanager
def _transition_reason(session: Session, text: str) -> Iterator[None]:
    """Within the block, the session's reason is the caller's or else ``text``.

    Pending changes are flushed first, so that they still need the caller's reason."""
    previous = session.info.get("reason")
    session.flush()
    if not previous:
        session.info["reason"] = text
    try:
        yield
        session.flush()
    finally:
        session.info["reason"] = previous


def transition_text(old: ParticipantStatus | str, new: ParticipantStatus | str) -> str:
    """What the audit trail gives as the reason of a status change made without one."""
    return f"status {ParticipantStatus(old).value} → {ParticipantStatus(new).value}"


def _check_transition(participant: Participant, new: ParticipantStatus) -> None:
    old = participant.status
    if new is old:
        raise invalid(_label(participant.study_id), "status", new.value, "is already the status")
    allowed = TRANSITIONS[old]
    if new not in allowed:
        nexts = ", ".join(sorted(s.value for s in allowed)) or "none (withdrawal is final)"
        raise invalid(
            _label(participant.study_id),
            "status",
            new.value,
            f"cannot follow {old.value}; allowed next: {nexts}",
        )


def _move(
    session: Session, participant: Participant, new: ParticipantStatus, **fields: object
) -> None:
    """Change the status (and ``fields`` with it) if the transition is allowed."""
    _check_transition(participant, new)
    with _transition_reason(session, transition_text(participant.status, new)):
        participant.status = new
        for name, value in fields.items():
            setattr(participant, name, value)


def _enrolment_problems(participant: Participant, consent_date: date | None) -> list[FieldProblem]:
    record = _label(participant.study_id)
    problems = []
    if consent_date is None:
        problems.append(FieldProblem(record, "consent_date", None, "is required to enrol"))
    answers = [a for a in participant.eligibility if not a.deleted]
    if not answers:
        problems.append(
            FieldProblem(
                record, "eligibility", None, "has no answered criteria; record the checklist first"
            )
        )
    for answer in answers:
        if not answer.met:
            problems.append(
                FieldProblem(record, f"eligibility[{answer.criterion}]", "no", "is not met")
            )
    return problems


def change_status(
    db: Database,
    *,
    user: str,
    trial_code: str,
    study_id: str,
    status: str | ParticipantStatus,
    reason: str | None = None,
    consent_date: date | str | None = None,
    expected_version: int | None = None,
) -> ParticipantView:
    """Move a participant to ``enrolled`` or ``completed``.

    Enrolling needs a consent date (recorded now with ``consent_date`` if not yet) and
    every answered eligibility criterion met. ``transplanted`` is set by recording the
    transplant, ``withdrawn`` by :func:`withdraw`."""
    label = _label(study_id)
    new = choice(ParticipantStatus, status, record=label, field="status", what="status")
    if new is ParticipantStatus.TRANSPLANTED:
        raise invalid(label, "status", new.value, "is set by recording the transplant")
    if new is ParticipantStatus.WITHDRAWN:
        raise invalid(label, "status", new.value, "is set by withdrawing (with a reason)")
    reason = reason_given(reason, _label(study_id))
    with unit_of_work(db, user=user, reason=reason) as session:
        participant = find_participant(session, trial_code, study_id)
        check_version(label, participant.version, expected_version)
        fields: dict[str, object] = {}
        if new is ParticipantStatus.ENROLLED:
            _check_transition(participant, new)
            consent = participant.consent_date
            if consent_date is not None:
                consent = _consent(participant, consent_date)
                if participant.consent_date is None:
                    fields["consent_date"] = consent
            problems = _enrolment_problems(participant, consent)
            if problems:
                raise InvalidInput(problems)
        _move(session, participant, new, **fields)
        return _summary(participant, status_history(session, participant))


def _consent(participant: Participant, consent_date: date | str) -> date | None:
    """``consent_date`` validated against the participant; a recorded one is kept."""
    label = _label(participant.study_id)
    value = validated(
        ParticipantInput, _values(participant) | {"consent_date": consent_date}, label
    )
    recorded = participant.consent_date
    if recorded is not None and recorded != value.consent_date:
        raise invalid(
            label,
            "consent_date",
            str(consent_date),
            f"differs from the recorded {recorded.isoformat()}; "
            "correct it by updating the participant's consent_date with a reason",
        )
    return value.consent_date


def withdraw(
    db: Database,
    *,
    user: str,
    trial_code: str,
    study_id: str,
    reason: str | None,
    expected_version: int | None = None,
) -> ParticipantView:
    """Withdraw a participant from the trial, for a reason. Withdrawal is final."""
    label = _label(study_id)
    if not reason or not reason.strip():
        raise ReasonNeeded(f"{label}: withdrawing needs a reason")
    text = validated(_Reason, {"reason": reason}, label).reason
    with unit_of_work(db, user=user, reason=text) as session:
        participant = find_participant(session, trial_code, study_id)
        check_version(label, participant.version, expected_version)
        _move(session, participant, ParticipantStatus.WITHDRAWN, withdrawal_reason=text)
        return _summary(participant, status_history(session, participant))


def mark_transplanted(session: Session, participant: Participant) -> None:
    """``enrolled → transplanted``, inside the transplant use case's transaction.

    Raises :class:`InvalidInput` unless the participant is enrolled. The session's reason,
    if any, is recorded; otherwise the transition itself is."""
    if participant.status is not ParticipantStatus.ENROLLED:
        raise invalid(
            _label(participant.study_id),
            "status",
            participant.status.value,
            "is not enrolled; only enrolled participants can be transplanted",
        )
    _move(session, participant, ParticipantStatus.TRANSPLANTED)


def show_participant(db: Database, *, user: str, trial_code: str, study_id: str) -> ParticipantView:
    """A participant's profile, eligibility answers and status history."""
    with read_unit(db, user=user) as session:
        participant = find_participant(session, trial_code, study_id)
        return _summary(participant, status_history(session, participant))


def list_participants(
    db: Database,
    *,
    trial_code: str,
    site_code: str | None = None,
    status: str | ParticipantStatus | None = None,
    user: str,
) -> list[ParticipantView]:
    """The participants of a trial, by study id; optionally of one site or one status."""
    wanted: ParticipantStatus | None = None
    if status is not None:
        record = f"participants of trial {trial_code}"
        wanted = choice(ParticipantStatus, status, record=record, field="status", what="status")
    with read_unit(db, user=user) as session:
        trial = find_trial(session, trial_code)
        query = select(Participant).where(
            Participant.trial_id == trial.id, Participant.deleted_at.is_(None)
        )
        if site_code is not None:
            query = query.where(Participant.site_id == find_site(session, trial, site_code).id)
        if wanted is not None:
            query = query.where(Participant.status == wanted)
        return [_summary(p) for p in session.scalars(query.order_by(Participant.study_id))]
