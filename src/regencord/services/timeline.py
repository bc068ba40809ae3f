"""Use case: everything about one participant, in visit order, in one read.

The timeline holds the participant, their transplant (with lot, cell line, release decision
and immunosuppression), every visit of the schedule with its window status, the exams
(classification summary) and measures taken at it, and the adverse events, imaging findings
and rehabilitation sessions, all as plain dataclasses. Soft-deleted records are left out.

It is loaded with a fixed, small number of queries whatever the participant's history
(one per kind of record, ``selectinload`` for the relations), and without the exams' raw
worksheets and full classifications (only their summary columns are read).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, load_only, selectinload

from regencord.services import followup, validation
from regencord.services.errors import NotFound
from regencord.services.followup import TRANSPLANT_VISIT
from regencord.services.product import decision_in_force
from regencord.services.unit import read_unit
from regencord.services.visits import Window, WindowStatus, window_of, window_status
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


@dataclass(frozen=True)
class ExamEntry:
    """An exam's classification summary (Praxis notation; scores ``None`` when not
    determinable)."""

    id: int
    exam_date: date
    examiner: str | None
    engine_version: str
    ais: str
    nli: str
    injury_complete: str
    uems: int | None
    lems: int | None
    motor_total: int | None
    light_touch: int | None
    pin_prick: int | None

    def __str__(self) -> str:
        def n(v: int | None) -> str:
            return "ND" if v is None else str(v)

        return (
            f"exam {self.id} ({self.exam_date.isoformat()}): AIS {self.ais}, NLI {self.nli}, "
            f"{self.injury_complete}; UEMS {n(self.uems)}, LEMS {n(self.lems)}, "
            f"motor {n(self.motor_total)}, LT {n(self.light_touch)}, PP {n(self.pin_prick)}"
        )


@dataclass(frozen=True)
class MeasureEntry:
    id: int
    kind: str
    name: str | None
    measure_date: date
    value: float
    unit: str | None
    aid: str | None

    def __str__(self) -> str:
        label = self.name if self.kind == "custom" and self.name else self.kind
        unit = f" {self.unit}" if self.unit else ""
        aid = f" (aid: {self.aid})" if self.aid else ""
        return f"{label} {self.value:g}{unit}{aid} ({self.measure_date.isoformat()})"


@dataclass(frozen=True)
class VisitEntry:
    """One visit of the schedule, done or not, against its window, with its data."""

    name: str
    order: int
    anchor: Anchor
    target_day: int
    window: Window | None
    status: WindowStatus
    actual_date: date | None
    missed_reason: str | None
    locked: bool
    recorded: bool
    exams: tuple[ExamEntry, ...]
    measures: tuple[MeasureEntry, ...]

    @property
    def when(self) -> date | None:
        """The date the visit took place, else its target date (for ordering)."""
        if self.actual_date is not None:
            return self.actual_date
        return self.window.target if self.window is not None else None


@dataclass(frozen=True)
class AdverseEventEntry:
    id: int
    term: str
    onset_date: date
    resolution_date: date | None
    ctcae_grade: int
    serious: bool
    related_to_cells: str
    outcome: str

    def __str__(self) -> str:
        serious = ", serious" if self.serious else ""
        return (
            f"AE {self.id}: {self.term}, grade {self.ctcae_grade}{serious}, "
            f"cells {self.related_to_cells}, {self.outcome}"
        )


@dataclass(frozen=True)
class ImagingEntry:
    id: int
    imaging_date: date
    modality: str
    finding: str
    suspected_mass: bool
    syrinx: bool
    lesion_length_mm: float | None

    def __str__(self) -> str:
        marks = (("suspected mass", self.suspected_mass), ("syrinx", self.syrinx))
        flags = [name for name, on in marks if on]
        length = f", lesion {self.lesion_length_mm:g} mm" if self.lesion_length_mm else ""
        extra = f" [{', '.join(flags)}]" if flags else ""
        return f"imaging {self.id} ({self.modality}): {self.finding}{length}{extra}"


@dataclass(frozen=True)
class RehabEntry:
    id: int
    session_date: date
    kind: str
    minutes: int

    def __str__(self) -> str:
        return f"rehab {self.id}: {self.kind}, {self.minutes} min"


@dataclass(frozen=True)
class LotEntry:
    lot_id: str
    cell_line: str
    passage: int
    manufactured_on: date
    expires_on: date
    decision: str | None
    """The release decision in force on the transplant day (``released``/``rejected``)."""


@dataclass(frozen=True)
class CourseEntry:
    regimen: str
    start_on: date
    stop_on: date | None


@dataclass(frozen=True)
class TransplantEntry:
    id: int
    transplant_date: date
    days_after_injury: int
    dose_cells: int
    volume_ul: float
    injection_sites: str
    surgeon: str
    protocol_deviation: str | None
    lot: LotEntry
    immunosuppression: tuple[CourseEntry, ...]

    def __str__(self) -> str:
        lot = self.lot
        decision = f", {lot.decision}" if lot.decision else ", no release decision"
        return (
            f"transplant {self.id}: day {self.days_after_injury} after injury, "
            f"{self.dose_cells} cells in {self.volume_ul:g} µL at {self.injection_sites}; "
            f"lot {lot.lot_id} (line {lot.cell_line}, passage {lot.passage}{decision})"
        )


@dataclass(frozen=True)
class Event:
    """One dated line of the timeline (see :meth:`Timeline.events`)."""

    when: date | None
    kind: str
    """``visit``, ``transplant``, ``ae``, ``imaging``, ``rehab``."""
    text: str
    detail: tuple[str, ...] = ()


@dataclass(frozen=True)
class Timeline:
    trial: str
    study_id: str
    site: str
    status: str
    sex: str
    age_at_injury: int
    injury_date: date
    vertebral_level: str | None
    consent_date: date | None
    as_of: date
    """The day the window statuses are judged on."""
    transplant: TransplantEntry | None
    visits: tuple[VisitEntry, ...]
    """Every visit of the schedule, in schedule order."""
    adverse_events: tuple[AdverseEventEntry, ...]
    imaging: tuple[ImagingEntry, ...]
    rehab: tuple[RehabEntry, ...]

    def events(self) -> list[Event]:
        """Everything in date order; a visit not done yet sorts at its target date, one
        without a known target at the end. Ties keep schedule order, visits first."""
        out: list[tuple[tuple[int, date, int, int], Event]] = []

        def add(when: date | None, rank: int, event: Event) -> None:
            key = (0, when, rank, len(out)) if when else (1, date.max, rank, len(out))
            out.append((key, event))

        for v in self.visits:
            detail = [str(e) for e in v.exams] + [str(m) for m in v.measures]
            if v.missed_reason:
                detail.insert(0, f"missed: {v.missed_reason}")
            add(v.when, 0, Event(v.when, "visit", _visit_text(v), tuple(detail)))
        if self.transplant is not None:
            t = self.transplant
            courses = tuple(
                f"immunosuppression {c.regimen}, {c.start_on} to {c.stop_on or 'ongoing'}"
                for c in t.immunosuppression
            )
            add(t.transplant_date, 1, Event(t.transplant_date, "transplant", str(t), courses))
        for ae in self.adverse_events:
            add(ae.onset_date, 2, Event(ae.onset_date, "ae", str(ae)))
        for f in self.imaging:
            add(f.imaging_date, 3, Event(f.imaging_date, "imaging", str(f)))
        for r in self.rehab:
            add(r.session_date, 4, Event(r.session_date, "rehab", str(r)))
        return [event for _, event in sorted(out, key=lambda item: item[0])]


def _visit_text(v: VisitEntry) -> str:
    where = v.status.value
    if v.window is not None and v.actual_date is not None:
        where += f", day {(v.actual_date - v.window.target).days:+d} from target"
    elif v.window is not None:
        where += f", window {v.window.opens} to {v.window.closes}"
    lock = ", locked" if v.locked else ""
    return f"visit {v.name}: {where}{lock}"


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
