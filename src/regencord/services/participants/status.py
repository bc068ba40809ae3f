"""The status machine of a participant:

    screening → enrolled → transplanted → completed,   and any status → withdrawn (final)

``screening → enrolled`` needs a consent date and every recorded eligibility criterion
met; ``enrolled → transplanted`` is done by the transplant use case through
:func:`mark_transplanted`; withdrawal needs a reason. A status change is a step of the
trial, so it needs no reason of its own (the audit trail then records the transition as
the reason)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy.orm import Session

from regencord.services.errors import FieldProblem, InvalidInput, ReasonNeeded, invalid
from regencord.services.participants.inputs import ParticipantInput, ReasonInput
from regencord.services.participants.records import (
    find_participant,
    participant_label,
    participant_values,
)
from regencord.services.participants.views import (
    ParticipantView,
    participant_view,
    status_history,
)
from regencord.services.unit import check_version, unit_of_work
from regencord.services.validation import (
    choice,
    reason_given,
    validated,
)
from regencord.store.db import Database
from regencord.store.models import (
    Participant,
    ParticipantStatus,
)

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
        raise invalid(
            participant_label(participant.study_id), "status", new.value, "is already the status"
        )
    allowed = TRANSITIONS[old]
    if new not in allowed:
        nexts = ", ".join(sorted(s.value for s in allowed)) or "none (withdrawal is final)"
        raise invalid(
            participant_label(participant.study_id),
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
    record = participant_label(participant.study_id)
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
    label = participant_label(study_id)
    new = choice(ParticipantStatus, status, record=label, field="status", what="status")
    if new is ParticipantStatus.TRANSPLANTED:
        raise invalid(label, "status", new.value, "is set by recording the transplant")
    if new is ParticipantStatus.WITHDRAWN:
        raise invalid(label, "status", new.value, "is set by withdrawing (with a reason)")
    reason = reason_given(reason, participant_label(study_id))
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
        return participant_view(participant, status_history(session, participant))


def _consent(participant: Participant, consent_date: date | str) -> date | None:
    """``consent_date`` validated against the participant; a recorded one is kept."""
    label = participant_label(participant.study_id)
    value = validated(
        ParticipantInput, participant_values(participant) | {"consent_date": consent_date}, label
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
    label = participant_label(study_id)
    if not reason or not reason.strip():
        raise ReasonNeeded(f"{label}: withdrawing needs a reason")
    text = validated(ReasonInput, {"reason": reason}, label).reason
    with unit_of_work(db, user=user, reason=text) as session:
        participant = find_participant(session, trial_code, study_id)
        check_version(label, participant.version, expected_version)
        _move(session, participant, ParticipantStatus.WITHDRAWN, withdrawal_reason=text)
        return participant_view(participant, status_history(session, participant))


def mark_transplanted(session: Session, participant: Participant) -> None:
    """``enrolled → transplanted``, inside the transplant use case's transaction.

    Raises :class:`InvalidInput` unless the participant is enrolled. The session's reason,
    if any, is recorded; otherwise the transition itself is."""
    if participant.status is not ParticipantStatus.ENROLLED:
        raise invalid(
            participant_label(participant.study_id),
            "status",
            participant.status.value,
            "is not enrolled; only enrolled participants can be transplanted",
        )
    _move(session, participant, ParticipantStatus.TRANSPLANTED)
