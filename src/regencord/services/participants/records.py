"""Finding a participant and its site, and enrolling, correcting and screening one (the
use cases outside the status machine)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from regencord.services.errors import InvalidInput, NotFound, ReasonNeeded, invalid
from regencord.services.participants.inputs import (
    EDITABLE,
    EligibilityInput,
    ParticipantInput,
)
from regencord.services.participants.views import (
    ParticipantView,
    participant_view,
    status_history,
)
from regencord.services.trials import find_trial
from regencord.services.unit import check_version, read_unit, unit_of_work
from regencord.services.validation import (
    choice,
    reason_given,
    validated,
)
from regencord.store.db import Database
from regencord.store.models import (
    EligibilityAnswer,
    Participant,
    ParticipantStatus,
    Site,
    Trial,
)

# ------------------------------------------------------------------------------- lookups


def participant_label(study_id: str) -> str:
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


def participant_values(participant: Participant) -> dict[str, Any]:
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
    value = validated(ParticipantInput, data, participant_label(str(study or "(new)")))
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
        return participant_view(participant, status_history(session, participant))


def _study_id_taken(study_id: str, trial_code: str) -> InvalidInput:
    return invalid(
        participant_label(study_id), "study_id", study_id, f"is already used in trial {trial_code}"
    )


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
        raise invalid(
            participant_label(study_id), unknown[0], changes[unknown[0]], "cannot be changed"
        )
    reason = reason_given(reason, participant_label(study_id))
    with unit_of_work(db, user=user, reason=reason) as session:
        participant = find_participant(session, trial_code, study_id)
        check_version(participant_label(study_id), participant.version, expected_version)
        current = participant_values(participant)
        value = validated(ParticipantInput, current | dict(changes), participant_label(study_id))
        new = value.model_dump()
        changed = [f for f in EDITABLE if new[f] != current[f]]
        if changed and not reason:
            raise ReasonNeeded(
                f"{participant_label(study_id)}: changing {', '.join(changed)} needs a reason"
            )
        for field in changed:
            setattr(participant, field, new[field])
        session.flush()
        return participant_view(participant, status_history(session, participant))


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
    value = validated(EligibilityInput, data, f"eligibility of {participant_label(study_id)}")
    reason = reason_given(reason, participant_label(study_id))
    with unit_of_work(db, user=user, reason=reason) as session:
        participant = find_participant(session, trial_code, study_id)
        answer = next((a for a in participant.eligibility if a.criterion == value.criterion), None)
        record = f"eligibility of {participant_label(study_id)}"
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
        return participant_view(participant, status_history(session, participant))


def show_participant(db: Database, *, user: str, trial_code: str, study_id: str) -> ParticipantView:
    """A participant's profile, eligibility answers and status history."""
    with read_unit(db, user=user) as session:
        participant = find_participant(session, trial_code, study_id)
        return participant_view(participant, status_history(session, participant))


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
        return [participant_view(p) for p in session.scalars(query.order_by(Participant.study_id))]
