"""What the participant use cases return: a participant, its eligibility answers and the
history of its status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from regencord.store.models import (
    AuditEntry,
    Participant,
    ParticipantStatus,
    Sex,
)

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


def participant_view(
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
