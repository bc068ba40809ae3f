"""What a participant's timeline holds: its entries (visits, exams, measures, safety
records, the transplant) and the timeline as plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from regencord.services.visits import Window, WindowStatus
from regencord.store.models import (
    Anchor,
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
