"""Per-participant trajectories: the classified exams and functional measures of each visit,
and change from baseline.

A trajectory has one point per visit with an exam or a measure, in time order. The AIS is
kept as the engine's set of possible grades (several when NT cells leave it open); scores
the engine cannot determine are ``None`` and never count as 0.

Baseline: the last exam on or before the transplant day (the pre-treatment exam), else
the first exam. A metric's baseline value is its last value recorded on or before that day
(else its first value); change at a visit is the value there minus the baseline value,
``None`` when either is missing (docs/adjudications.md O1).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import cached_property

from regencord.isncsci import AIS, Level, LevelValue, Marker, PossibleValues, Totals
from regencord.isncsci.classification import level_notation
from regencord.outcomes.model import ExamPoint, MeasurePoint, ParticipantData

TEN_METRES = 10.0


class Metric(Enum):
    """A number followed over visits, with its label for tables and figures."""

    UEMS = "UEMS"
    LEMS = "LEMS"
    MOTOR_TOTAL = "total motor"
    LIGHT_TOUCH = "light touch"
    PIN_PRICK = "pin prick"
    WISCI = "WISCI II"
    SCIM = "SCIM III"
    TEN_MWT_SPEED = "10MWT speed (m/s)"

    @property
    def from_exam(self) -> bool:
        return self in _EXAM_METRICS


_EXAM_METRICS = {Metric.UEMS, Metric.LEMS, Metric.MOTOR_TOTAL, Metric.LIGHT_TOUCH, Metric.PIN_PRICK}

_EXAM_VALUE: dict[Metric, Callable[[Totals], int | None]] = {
    Metric.UEMS: lambda t: t.upper_extremity,
    Metric.LEMS: lambda t: t.lower_extremity,
    Metric.MOTOR_TOTAL: lambda t: t.motor,
    Metric.LIGHT_TOUCH: lambda t: t.light_touch,
    Metric.PIN_PRICK: lambda t: t.pin_prick,
}


def score_text(value: float | None) -> str:
    """A score or measure for text: ``26``, ``0.21``; ``ND`` when not determinable."""
    return "ND" if value is None else f"{value:g}"


def level_rank(level: LevelValue) -> int:
    """Position of a level from C1 (0) to S4-5 (28); INT (intact) ranks below S4-5."""
    return len(Level) if isinstance(level, Marker) else int(level)


@dataclass(frozen=True)
class TrajectoryPoint:
    visit: str
    day: int
    """Days after injury (the exam's date when there is an exam, else the first measure's)."""
    exam: ExamPoint | None
    measures: tuple[MeasurePoint, ...]

    @property
    def ais(self) -> frozenset[AIS]:
        """The possible AIS grades (empty without an exam)."""
        return frozenset(self.exam.result.ais) if self.exam else frozenset()

    @property
    def ais_text(self) -> str:
        """Praxis notation of the grade (``A``, ``A,B``), ``-`` without an exam."""
        if self.exam is None:
            return "-"
        return self.exam.result.ais.notation(lambda a: a.value, str)

    @property
    def nli(self) -> str:
        return level_notation(self.exam.result.neurological_level) if self.exam else "-"

    def motor_level(self, side: str) -> PossibleValues[LevelValue] | None:
        if self.exam is None:
            return None
        return (self.exam.result.right if side == "right" else self.exam.result.left).motor

    def value(self, metric: Metric) -> float | None:
        if metric.from_exam:
            return None if self.exam is None else _EXAM_VALUE[metric](self.exam.result.totals)
        return _measure_value(metric, self.measures)

    def scim_indoor_mobility(self) -> int | None:
        """SCIM III item 12 (mobility indoors, 0-8) when its items were recorded."""
        for m in self.measures:
            if m.kind == "scim" and m.scim_items and "mobility_indoors" in m.scim_items:
                return int(m.scim_items["mobility_indoors"])
        return None

    def measure(self, kind: str) -> MeasurePoint | None:
        return next((m for m in self.measures if m.kind == kind), None)


def _measure_value(metric: Metric, measures: tuple[MeasurePoint, ...]) -> float | None:
    kind = {
        Metric.WISCI: "wisci",
        Metric.SCIM: "scim",
        Metric.TEN_MWT_SPEED: "ten_metre_walk",
    }[metric]
    m = next((m for m in measures if m.kind == kind), None)
    if m is None:
        return None
    if metric is Metric.TEN_MWT_SPEED:
        return TEN_METRES / m.value  # the test records seconds for 10 m
    return m.value


@dataclass(frozen=True)
class Trajectory:
    participant: ParticipantData
    points: tuple[TrajectoryPoint, ...]

    @property
    def study_id(self) -> str:
        return self.participant.study_id

    @cached_property
    def baseline(self) -> TrajectoryPoint | None:
        """The pre-treatment exam: the last on or before the transplant day, else the first."""
        exams = [p for p in self.points if p.exam is not None]
        transplant = self.participant.transplant
        before = [p for p in exams if transplant is not None and p.day <= transplant.day]
        if before:
            return before[-1]
        return exams[0] if exams else None

    @property
    def latest(self) -> TrajectoryPoint | None:
        """The last point with an exam."""
        return next((p for p in reversed(self.points) if p.exam is not None), None)

    def baseline_value(self, metric: Metric) -> float | None:
        """The metric's last value on or before the baseline exam's day, else its first."""
        return self._baseline_values[metric]

    @cached_property
    def _baseline_values(self) -> dict[Metric, float | None]:
        base = self.baseline
        out: dict[Metric, float | None] = {}
        for metric in Metric:
            recorded = [(p.day, v) for p in self.points if (v := p.value(metric)) is not None]
            before = [v for day, v in recorded if base is not None and day <= base.day]
            out[metric] = before[-1] if before else recorded[0][1] if recorded else None
        return out

    def latest_value(self, metric: Metric) -> float | None:
        return next((v for p in reversed(self.points) if (v := p.value(metric)) is not None), None)

    def change(self, metric: Metric, point: TrajectoryPoint) -> float | None:
        """Value at ``point`` minus the baseline value; ``None`` if either is missing."""
        base, value = self.baseline_value(metric), point.value(metric)
        return None if base is None or value is None else value - base

    def series(self, metric: Metric) -> list[tuple[int, float]]:
        """(day, value) of every point where the metric was recorded."""
        return [(p.day, v) for p in self.points if (v := p.value(metric)) is not None]

    def at(self, visit: str) -> TrajectoryPoint | None:
        return next((p for p in self.points if p.visit == visit), None)


def trajectory(participant: ParticipantData) -> Trajectory:
    """The participant's points, one per visit with an exam or measure, in time order."""
    visits: dict[str, tuple[list[ExamPoint], list[MeasurePoint]]] = {}
    for e in participant.exams:
        visits.setdefault(e.visit, ([], []))[0].append(e)
    for m in participant.measures:
        visits.setdefault(m.visit, ([], []))[1].append(m)
    points = []
    for visit, (exams, measures) in visits.items():
        exam = max(exams, key=lambda e: e.exam_date) if exams else None
        day = exam.day if exam else min(m.day for m in measures)
        points.append(TrajectoryPoint(visit, day, exam, tuple(measures)))
    points.sort(key=lambda p: p.day)
    return Trajectory(participant, tuple(points))
