"""Loading a participant's timeline in a fixed, small number of queries (see
:mod:`regencord.services.timeline`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, load_only, selectinload

from regencord.services import followup, validation
from regencord.services.errors import NotFound
from regencord.services.followup import TRANSPLANT_VISIT
from regencord.services.product import decision_in_force
from regencord.services.timeline.entries import (
    AdverseEventEntry,
    CourseEntry,
    ExamEntry,
    ImagingEntry,
    LotEntry,
    MeasureEntry,
    RehabEntry,
    Timeline,
    TransplantEntry,
    VisitEntry,
)
from regencord.services.unit import read_unit
from regencord.services.visits import window_of, window_status
from regencord.store.db import Database
from regencord.store.models import (
    AdverseEvent,
    Anchor,
    ExamRecord,
    FunctionalMeasure,
    ImagingFinding,
    Lot,
    Participant,
    RehabSession,
    Transplant,
    Trial,
    Visit,
)

_EXAM_COLUMNS = (
    ExamRecord.id,
    ExamRecord.visit_id,
    ExamRecord.exam_date,
    ExamRecord.examiner,
    ExamRecord.engine_version,
    ExamRecord.ais,
    ExamRecord.nli,
    ExamRecord.injury_complete,
    ExamRecord.uems,
    ExamRecord.lems,
    ExamRecord.motor_total,
    ExamRecord.light_touch,
    ExamRecord.pin_prick,
)


def _load_participant(session: Session, trial_code: str, study_id: str) -> Participant:
    query = (
        select(Participant)
        .join(Trial, Participant.trial_id == Trial.id)
        .where(
            Trial.code == trial_code,
            Trial.deleted_at.is_(None),
            Participant.study_id == study_id,
            Participant.deleted_at.is_(None),
        )
        .options(
            joinedload(Participant.site),
            joinedload(Participant.trial).selectinload(Trial.schedule),
        )
    )
    participant = session.scalar(query)
    if participant is None:
        # The services' lookup, for its messages (unknown trial or participant).
        followup.find_participant(session, trial_code, study_id)
        raise NotFound(f"participant {study_id!r} is not in trial {trial_code}")
    return participant


R = TypeVar("R", AdverseEvent, ImagingFinding, RehabSession)


def _live(session: Session, model: type[R], participant_id: int, order: Sequence[Any]) -> list[R]:
    query = (
        select(model)
        .where(model.participant_id == participant_id, model.deleted_at.is_(None))
        .order_by(*order)
    )
    return list(session.scalars(query))


def _transplant(session: Session, participant: Participant) -> TransplantEntry | None:
    query = (
        select(Transplant)
        .where(Transplant.participant_id == participant.id, Transplant.deleted_at.is_(None))
        .order_by(Transplant.transplant_date, Transplant.id)
        .options(
            joinedload(Transplant.lot).options(joinedload(Lot.line), selectinload(Lot.decisions)),
            selectinload(Transplant.immunosuppression),
        )
        .limit(1)
    )
    t = session.scalar(query)
    if t is None:
        return None
    decision = decision_in_force(t.lot, t.transplant_date)
    return TransplantEntry(
        id=t.id,
        transplant_date=t.transplant_date,
        days_after_injury=(t.transplant_date - participant.injury_date).days,
        dose_cells=t.dose_cells,
        volume_ul=t.volume_ul,
        injection_sites=t.injection_sites,
        surgeon=t.surgeon,
        protocol_deviation=t.protocol_deviation,
        lot=LotEntry(
            lot_id=t.lot.lot_id,
            cell_line=t.lot.line.line_id,
            passage=t.lot.passage,
            manufactured_on=t.lot.manufactured_on,
            expires_on=t.lot.expires_on,
            decision=decision.decision.value if decision is not None else None,
        ),
        immunosuppression=tuple(
            CourseEntry(c.regimen, c.start_on, c.stop_on)
            for c in t.immunosuppression
            if not c.deleted
        ),
    )


def load_timeline(session: Session, trial_code: str, study_id: str) -> Timeline:
    """The participant's timeline read in ``session`` (see :func:`show_timeline`)."""
    participant = _load_participant(session, trial_code, study_id)
    transplant = _transplant(session, participant)
    anchors = {
        Anchor.INJURY: participant.injury_date,
        Anchor.TRANSPLANT: transplant.transplant_date if transplant is not None else None,
    }
    visits = {
        v.scheduled_visit_id: v
        for v in session.scalars(
            select(Visit).where(Visit.participant_id == participant.id, Visit.deleted_at.is_(None))
        )
    }
    visit_ids = [v.id for v in visits.values()]
    exams: dict[int, list[ExamEntry]] = {}
    measures: dict[int, list[MeasureEntry]] = {}
    if visit_ids:
        exam_query = (
            select(ExamRecord)
            .options(load_only(*_EXAM_COLUMNS))
            .where(ExamRecord.visit_id.in_(visit_ids), ExamRecord.deleted_at.is_(None))
            .order_by(ExamRecord.exam_date, ExamRecord.id)
        )
        for e in session.scalars(exam_query):
            exams.setdefault(e.visit_id, []).append(
                ExamEntry(
                    id=e.id,
                    exam_date=e.exam_date,
                    examiner=e.examiner,
                    engine_version=e.engine_version,
                    ais=e.ais,
                    nli=e.nli,
                    injury_complete=e.injury_complete,
                    uems=e.uems,
                    lems=e.lems,
                    motor_total=e.motor_total,
                    light_touch=e.light_touch,
                    pin_prick=e.pin_prick,
                )
            )
        measure_query = (
            select(FunctionalMeasure)
            .options(load_only(*_MEASURE_COLUMNS))  # not the SCIM items
            .where(
                FunctionalMeasure.visit_id.in_(visit_ids),
                FunctionalMeasure.deleted_at.is_(None),
            )
            .order_by(FunctionalMeasure.measure_date, FunctionalMeasure.id)
        )
        for m in session.scalars(measure_query):
            measures.setdefault(m.visit_id, []).append(
                MeasureEntry(m.id, m.kind.value, m.name, m.measure_date, m.value, m.unit, m.aid)
            )
    on = validation.today()
    entries = []
    for scheduled in participant.trial.schedule:
        if scheduled.deleted:
            continue
        visit = visits.get(scheduled.id)
        window = window_of(scheduled, anchors[scheduled.anchor])
        actual = visit.actual_date if visit is not None else None
        if visit is None and scheduled.name == TRANSPLANT_VISIT:
            actual = anchors[Anchor.TRANSPLANT]
        missed = visit.missed if visit is not None else False
        entries.append(
            VisitEntry(
                name=scheduled.name,
                order=scheduled.order,
                anchor=scheduled.anchor,
                target_day=scheduled.target_day,
                window=window,
                status=window_status(window, actual, missed, on),
                actual_date=actual,
                missed_reason=visit.missed_reason if visit is not None else None,
                locked=visit.locked if visit is not None else False,
                recorded=visit is not None,
                exams=tuple(exams.get(visit.id, ())) if visit is not None else (),
                measures=tuple(measures.get(visit.id, ())) if visit is not None else (),
            )
        )
    pid = participant.id
    return Timeline(
        trial=participant.trial.code,
        study_id=participant.study_id,
        site=participant.site.code,
        status=participant.status.value,
        sex=participant.sex.value,
        age_at_injury=participant.age_at_injury,
        injury_date=participant.injury_date,
        vertebral_level=participant.vertebral_level,
        consent_date=participant.consent_date,
        as_of=on,
        transplant=transplant,
        visits=tuple(entries),
        adverse_events=tuple(
            AdverseEventEntry(
                a.id,
                a.term,
                a.onset_date,
                a.resolution_date,
                a.ctcae_grade,
                a.serious,
                a.related_to_cells.value,
                a.outcome.value,
            )
            for a in _live(session, AdverseEvent, pid, (AdverseEvent.onset_date, AdverseEvent.id))
        ),
        imaging=tuple(
            ImagingEntry(
                f.id,
                f.imaging_date,
                f.modality.value,
                f.finding,
                f.suspected_mass,
                f.syrinx,
                f.lesion_length_mm,
            )
            for f in _live(
                session, ImagingFinding, pid, (ImagingFinding.imaging_date, ImagingFinding.id)
            )
        ),
        rehab=tuple(
            RehabEntry(r.id, r.session_date, r.kind, r.minutes)
            for r in _live(session, RehabSession, pid, (RehabSession.session_date, RehabSession.id))
        ),
    )


_MEASURE_COLUMNS = (
    FunctionalMeasure.id,
    FunctionalMeasure.visit_id,
    FunctionalMeasure.kind,
    FunctionalMeasure.name,
    FunctionalMeasure.measure_date,
    FunctionalMeasure.value,
    FunctionalMeasure.unit,
    FunctionalMeasure.aid,
)


def show_timeline(db: Database, trial_code: str, study_id: str, *, user: str) -> Timeline:
    """Everything about one participant in visit order (see the module's docstring)."""
    with read_unit(db, user=user) as session:
        return load_timeline(session, trial_code, study_id)
