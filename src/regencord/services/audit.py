"""Use cases: read the audit trail, filtered by trial, record and user; and verify it.

A row belongs to a trial when its record does: the trial itself, its sites, schedule,
check settings and queries, its participants and everything recorded about them (visits,
exams, measures, safety, transplants, immunosuppression), and the lots transplanted into
them with their QC results and release decisions. Cell lines and lots not (yet) used in
the trial belong to no trial: a trial filter leaves them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, or_, select
from sqlalchemy.orm import Session

from regencord.services.errors import invalid
from regencord.services.trials import find_trial
from regencord.services.unit import read_unit
from regencord.store.chain import check_chain
from regencord.store.db import Database
from regencord.store.models import (
    AdverseEvent,
    AuditEntry,
    CheckSetting,
    EligibilityAnswer,
    ExamRecord,
    FunctionalMeasure,
    ImagingFinding,
    ImmunosuppressionCourse,
    Participant,
    QcResult,
    Query,
    QueryStep,
    RehabSession,
    ReleaseDecision,
    ScheduledVisit,
    Site,
    Transplant,
    Trial,
    Visit,
)
from regencord.store.trail import check_values

DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class AuditRowView:
    id: int
    at: datetime
    user: str
    action: str
    table: str
    record_id: int
    field: str | None
    old: str | None
    new: str | None
    reason: str | None


def _trial_records(trial_id: int) -> dict[str, Select[Any]]:
    """For each audited table, the ids of its records that belong to the trial."""
    participants = select(Participant.id).where(Participant.trial_id == trial_id)
    visits = select(Visit.id).where(Visit.participant_id.in_(participants))
    transplants = select(Transplant.id).where(Transplant.participant_id.in_(participants))
    lots = select(Transplant.lot_id).where(Transplant.participant_id.in_(participants))
    queries = select(Query.id).where(Query.trial_id == trial_id)
    return {
        "site": select(Site.id).where(Site.trial_id == trial_id),
        "scheduled_visit": select(ScheduledVisit.id).where(ScheduledVisit.trial_id == trial_id),
        "check_setting": select(CheckSetting.id).where(CheckSetting.trial_id == trial_id),
        "data_query": queries,
        "data_query_step": select(QueryStep.id).where(QueryStep.query_id.in_(queries)),
        "participant": participants,
        "eligibility_answer": select(EligibilityAnswer.id).where(
            EligibilityAnswer.participant_id.in_(participants)
        ),
        "visit": visits,
        "exam": select(ExamRecord.id).where(ExamRecord.visit_id.in_(visits)),
        "functional_measure": select(FunctionalMeasure.id).where(
            FunctionalMeasure.visit_id.in_(visits)
        ),
        "adverse_event": select(AdverseEvent.id).where(
            AdverseEvent.participant_id.in_(participants)
        ),
        "imaging_finding": select(ImagingFinding.id).where(
            ImagingFinding.participant_id.in_(participants)
        ),
        "rehab_session": select(RehabSession.id).where(
            RehabSession.participant_id.in_(participants)
        ),
        "transplant": transplants,
        "immunosuppression_course": select(ImmunosuppressionCourse.id).where(
            ImmunosuppressionCourse.transplant_id.in_(transplants)
        ),
        "lot": lots,
        "qc_result": select(QcResult.id).where(QcResult.lot_id.in_(lots)),
        "release_decision": select(ReleaseDecision.id).where(ReleaseDecision.lot_id.in_(lots)),
    }


def _of_trial(session: Session, trial_code: str) -> ColumnElement[bool]:
    trial = find_trial(session, trial_code)
    parts: list[ColumnElement[bool]] = [
        and_(AuditEntry.table == "trial", AuditEntry.record_id == trial.id)
    ]
    for table, ids in _trial_records(trial.id).items():
        parts.append(and_(AuditEntry.table == table, AuditEntry.record_id.in_(ids)))
    return or_(false(), *parts)


def show_audit_trail(
    db: Database,
    *,
    user: str,
    trial_code: str | None = None,
    table: str | None = None,
    record_id: int | None = None,
    made_by: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[AuditRowView]:
    """The latest ``limit`` audit rows that match every filter (``made_by``: rows of that
    user), oldest first. ``user`` is who reads, as in every use case."""
    if record_id is not None and table is None:
        raise invalid("audit", "table", None, f"is required with a record id ({record_id})")
    if limit < 1:
        raise invalid("audit", "limit", limit, "is not a positive number")
    with read_unit(db, user=user) as session:
        query = select(AuditEntry)
        if trial_code is not None:
            query = query.where(_of_trial(session, trial_code))
        if table is not None:
            query = query.where(AuditEntry.table == table)
        if record_id is not None:
            query = query.where(AuditEntry.record_id == record_id)
        if made_by is not None:
            query = query.where(AuditEntry.user == made_by)
        rows = list(session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit)))
        return [
            AuditRowView(
                id=r.id,
                at=r.at,
                user=r.user,
                action=r.action,
                table=r.table,
                record_id=r.record_id,
                field=r.field,
                old=r.old_value,
                new=r.new_value,
                reason=r.reason,
            )
            for r in reversed(rows)
        ]


@dataclass(frozen=True)
class VerificationResult:
    """What ``verify_audit`` found: the rows of the chain walked, the records compared
    with their audit trail, and the first problem (``None``: all is as recorded)."""

    rows: int
    records: int
    problem: str | None

    @property
    def intact(self) -> bool:
        return self.problem is None


def verify_audit(db: Database, *, user: str, trial_code: str | None = None) -> VerificationResult:
    """Check the hash chain of the whole audit trail, then that every audited field of
    every record (of the trial, with ``trial_code``) holds the value its audit trail last
    recorded. Read in one snapshot, so that writers meanwhile cannot cause a false alarm.
    """
    with read_unit(db, user=user) as session:  # one snapshot: see read_unit
        connection = session.connection()
        scope = None
        if trial_code is not None:
            trial = find_trial(session, trial_code)
            scope = {
                "trial": select(Trial.id).where(Trial.id == trial.id),
                **_trial_records(trial.id),
            }
        chain = check_chain(connection)
        if chain.problem:
            return VerificationResult(chain.rows, 0, chain.problem)
        values = check_values(connection, scope)
        return VerificationResult(chain.rows, values.records, values.problem)
