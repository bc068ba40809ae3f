"""Use case: read one whole trial for analysis and reporting, as
:class:`regencord.outcomes.model.TrialData`.

One query per kind of record for the whole trial, whatever its size (not one per
participant). Stored classifications are read back, not recomputed: the report shows what
the database holds; exams classified by another engine version are counted so the report
can say so (``regencord reclassify`` brings them up to date).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from regencord.isncsci import ENGINE_VERSION, Exam
from regencord.isncsci.stored import classification_from_praxis
from regencord.outcomes.analysis import TrialAnalysis, analyse
from regencord.outcomes.model import (
    AdverseEventPoint,
    ExamPoint,
    ImagingPoint,
    LotInfo,
    MeasurePoint,
    ParticipantData,
    QcPoint,
    TransplantInfo,
    TrialData,
)
from regencord.outcomes.responders import PRESETS, InvalidSpec, load_spec
from regencord.reports.html import QueryLine, render_report
from regencord.reports.pdf import html_to_pdf
from regencord.services.errors import invalid_file
from regencord.services.files import write_atomically
from regencord.services.product import decision_in_force, qc_view
from regencord.services.quality import list_queries
from regencord.services.trials import find_trial
from regencord.services.unit import read_unit
from regencord.store.db import Database
from regencord.store.models import (
    AdverseEvent,
    AuditEntry,
    ExamRecord,
    FunctionalMeasure,
    ImagingFinding,
    Lot,
    Participant,
    QueryState,
    Transplant,
    Visit,
)
from regencord.store.models.base import Record

R = TypeVar("R", bound=Record)


@dataclass(frozen=True)
class TrialDataView:
    data: TrialData
    stale_exams: int
    """Exams whose stored classification came from another engine version."""


def _by_participant(rows: Iterable[Any], key: str = "participant_id") -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        out[getattr(row, key)].append(row)
    return out


def _qc(lot: Lot) -> tuple[QcPoint, ...]:
    live = (r for r in lot.qc_results if not r.deleted)
    results = sorted(live, key=lambda r: (r.tested_on, r.id))
    return tuple(
        QcPoint(v.assay, v.result_text, v.specification_text, v.passed, v.tested_on)
        for v in map(qc_view, results)
    )


def _transplant(t: Transplant, injury: date) -> TransplantInfo:
    lot = t.lot
    release = decision_in_force(lot, t.transplant_date)
    released = release is not None and release.decision.value == "released"
    return TransplantInfo(
        transplant_date=t.transplant_date,
        day=(t.transplant_date - injury).days,
        dose_cells=t.dose_cells,
        volume_ul=t.volume_ul,
        injection_sites=t.injection_sites,
        lot=LotInfo(
            lot_id=lot.lot_id,
            cell_line=lot.line.line_id,
            line_source=lot.line.source,
            donor_hla=lot.line.donor_hla,
            passage=lot.passage,
            manufactured_on=lot.manufactured_on,
            expires_on=lot.expires_on,
            released_on=release.decided_on if released and release else None,
            released_by=release.decided_by if released and release else None,
            qc=_qc(lot),
        ),
        immunosuppression=tuple(
            f"{c.regimen} ({c.start_on.isoformat()} to "
            f"{c.stop_on.isoformat() if c.stop_on else 'ongoing'})"
            for c in t.immunosuppression
            if not c.deleted
        ),
        protocol_deviation=t.protocol_deviation,
    )


def _exam_point(e: ExamRecord, visit: str, injury: date) -> ExamPoint:
    return ExamPoint(
        visit=visit,
        day=(e.exam_date - injury).days,
        exam_date=e.exam_date,
        exam=Exam.from_praxis(e.raw),
        result=classification_from_praxis(e.classification),
        impairments=e.impairments or {},
        comments=e.comments,
    )


def _measure_point(m: FunctionalMeasure, visit: str, injury: date) -> MeasurePoint:
    return MeasurePoint(
        visit=visit,
        day=(m.measure_date - injury).days,
        measure_date=m.measure_date,
        kind=m.kind.value,
        value=m.value,
        name=m.name,
        aid=m.aid,
        scim_items=m.scim_items,
    )


def _ae_point(a: AdverseEvent, injury: date) -> AdverseEventPoint:
    return AdverseEventPoint(
        term=a.term,
        onset_day=(a.onset_date - injury).days,
        onset_date=a.onset_date,
        resolution_date=a.resolution_date,
        ctcae_grade=a.ctcae_grade,
        serious=a.serious,
        related_to_cells=a.related_to_cells.value,
        related_to_surgery=a.related_to_surgery.value,
        related_to_immunosuppression=a.related_to_immunosuppression.value,
        outcome=a.outcome.value,
    )


def _imaging_point(i: ImagingFinding, injury: date) -> ImagingPoint:
    return ImagingPoint(
        day=(i.imaging_date - injury).days,
        imaging_date=i.imaging_date,
        modality=i.modality.value,
        finding=i.finding,
        suspected_mass=i.suspected_mass,
        syrinx=i.syrinx,
        lesion_length_mm=i.lesion_length_mm,
    )


def _live(session: Session, model: type[R], ids: Any, *order: Any) -> list[R]:
    query = select(model).where(model.participant_id.in_(ids), model.deleted_at.is_(None))  # type: ignore[attr-defined]
    return list(session.scalars(query.order_by(*order)))


def show_trial_data(db: Database, trial_code: str, *, user: str) -> TrialDataView:
    """The whole trial (live records only) for analysis; ``NotFound`` if no such trial."""
    with read_unit(db, user=user) as session:
        trial = find_trial(session, trial_code)
        schedule = [v for v in trial.schedule if not v.deleted]
        participants = list(
            session.scalars(
                select(Participant)
                .where(Participant.trial_id == trial.id, Participant.deleted_at.is_(None))
                .options(joinedload(Participant.site))
                .order_by(Participant.study_id)
            )
        )
        ids = (
            select(Participant.id)
            .where(Participant.trial_id == trial.id, Participant.deleted_at.is_(None))
            .scalar_subquery()
        )
        visit_ids = (
            select(Visit.id)
            .where(Visit.participant_id.in_(ids), Visit.deleted_at.is_(None))
            .scalar_subquery()
        )
        visits = {
            v.id: v
            for v in session.scalars(
                select(Visit)
                .where(Visit.participant_id.in_(ids), Visit.deleted_at.is_(None))
                .options(joinedload(Visit.scheduled))
            )
        }
        transplants = _by_participant(
            session.scalars(
                select(Transplant)
                .where(Transplant.participant_id.in_(ids), Transplant.deleted_at.is_(None))
                .order_by(Transplant.transplant_date, Transplant.id)
                .options(
                    joinedload(Transplant.lot).options(
                        joinedload(Lot.line),
                        selectinload(Lot.decisions),
                        selectinload(Lot.qc_results),
                    ),
                    selectinload(Transplant.immunosuppression),
                )
            ).unique()
        )
        exams = list(
            session.scalars(
                select(ExamRecord)
                .where(ExamRecord.visit_id.in_(visit_ids), ExamRecord.deleted_at.is_(None))
                .order_by(ExamRecord.exam_date, ExamRecord.id)
            )
        )
        measures = list(
            session.scalars(
                select(FunctionalMeasure)
                .where(
                    FunctionalMeasure.visit_id.in_(visit_ids),
                    FunctionalMeasure.deleted_at.is_(None),
                )
                .order_by(FunctionalMeasure.measure_date, FunctionalMeasure.id)
            )
        )
        aes = _by_participant(
            _live(session, AdverseEvent, ids, AdverseEvent.onset_date, AdverseEvent.id)
        )
        imaging = _by_participant(
            _live(session, ImagingFinding, ids, ImagingFinding.imaging_date, ImagingFinding.id)
        )

        by_visit_participant = {vid: v.participant_id for vid, v in visits.items()}
        exams_of: dict[int, list[ExamRecord]] = defaultdict(list)
        for e in exams:
            exams_of[by_visit_participant[e.visit_id]].append(e)
        measures_of: dict[int, list[FunctionalMeasure]] = defaultdict(list)
        for m in measures:
            measures_of[by_visit_participant[m.visit_id]].append(m)

        statuses: dict[int, list[str]] = defaultdict(list)
        for record_id, status in session.execute(
            select(AuditEntry.record_id, AuditEntry.new_value)
            .where(
                AuditEntry.table == Participant.__tablename__,
                AuditEntry.record_id.in_(ids),
                AuditEntry.field == "status",
            )
            .order_by(AuditEntry.id)
        ):
            if status is not None:
                statuses[record_id].append(status)

        stale = sum(e.engine_version != ENGINE_VERSION for e in exams)
        out = []
        for p in participants:
            injury = p.injury_date
            t = transplants.get(p.id)
            out.append(
                ParticipantData(
                    study_id=p.study_id,
                    site=p.site.code,
                    age_at_injury=p.age_at_injury,
                    sex=p.sex.value,
                    injury_date=injury,
                    status=p.status.value,
                    vertebral_level=p.vertebral_level,
                    withdrawal_reason=p.withdrawal_reason,
                    statuses=tuple(statuses.get(p.id, [])) or (p.status.value,),
                    transplant=_transplant(t[0], injury) if t else None,
                    exams=tuple(
                        _exam_point(e, visits[e.visit_id].scheduled.name, injury)
                        for e in exams_of[p.id]
                    ),
                    measures=tuple(
                        _measure_point(m, visits[m.visit_id].scheduled.name, injury)
                        for m in measures_of[p.id]
                    ),
                    adverse_events=tuple(_ae_point(a, injury) for a in aes.get(p.id, [])),
                    imaging=tuple(_imaging_point(i, injury) for i in imaging.get(p.id, [])),
                )
            )
        data = TrialData(
            code=trial.code,
            title=trial.title,
            phase=trial.phase,
            registry_id=trial.registry_id,
            sponsor=trial.sponsor,
            synthetic=trial.synthetic,
            visits=tuple(v.name for v in schedule),
            participants=tuple(out),
        )
        return TrialDataView(data, stale)


@dataclass(frozen=True)
class ReportResult:
    trial: str
    participants: int
    html: Path
    pdf: Path | None
    analysis: TrialAnalysis
    stale_exams: int


def _unresolved_queries(db: Database, trial_code: str, *, user: str) -> list[QueryLine]:
    """The trial's open and answered data queries, for the report's query section."""
    return [
        QueryLine(
            q.id,
            q.participant,
            f"{q.table} {q.record_id}",
            q.check,
            q.message,
            q.state.value,
            q.passing,
        )
        for q in list_queries(db, user=user, trial_code=trial_code)
        if q.state is not QueryState.CLOSED
    ]


def write_report(
    db: Database,
    trial_code: str,
    *,
    user: str,
    html: Path,
    pdf: Path | None = None,
    responders: Path | None = None,
) -> ReportResult:
    """Analyse the trial and write its report (HTML, and PDF when asked).

    ``responders`` is a responder spec file (:mod:`regencord.outcomes.responders`);
    without one the presets apply. A bad spec is refused before anything is written.
    """
    rules = PRESETS
    if responders is not None:
        try:
            rules = load_spec(responders)
        except InvalidSpec as error:
            # The spec's message starts with the file's name, which the record names.
            message = str(error).removeprefix(f"{responders}: ")
            raise invalid_file(f"responder spec {responders}", message) from error
    loaded = show_trial_data(db, trial_code, user=user)
    analysis = analyse(loaded.data, rules)
    page = render_report(
        analysis,
        stale_exams=loaded.stale_exams,
        queries=_unresolved_queries(db, trial_code, user=user),
    )
    write_atomically(html, page.encode("utf-8"))
    if pdf is not None:
        write_atomically(pdf, html_to_pdf(page))
    return ReportResult(
        trial=trial_code,
        participants=len(loaded.data.participants),
        html=html,
        pdf=pdf,
        analysis=analysis,
        stale_exams=loaded.stale_exams,
    )
