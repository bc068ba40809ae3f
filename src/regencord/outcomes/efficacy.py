"""Efficacy judged against natural history: AIS conversion counts compared with matched
benchmark rates (exact binomial), and each participant's motor-score change placed in the
natural-history distribution.

A cohort is the participants sharing a determined baseline AIS grade; its level group is
the one all of them share (else ``all``) and its baseline day the latest baseline exam day
among them, so a benchmark row's baseline window must contain every member
(docs/adjudications.md O3). Conversion is judged at each participant's last exam. A
motor-score change is placed against the rows matching the participant's own level group
and baseline day (a cervical participant of a mixed cohort against a cervical row).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from regencord.isncsci import Level
from regencord.outcomes.events import ConversionTarget, Verdict
from regencord.outcomes.natural_history import (
    BenchmarkMatch,
    BenchmarkRow,
    NaturalHistoryOutcome,
    compare_with_row,
    level_group_of,
    screen_benchmarks,
)
from regencord.outcomes.responders import AisConversionRule, ResponderCount, count_responders
from regencord.outcomes.statistics import BinomialComparison, Position, position_in_distribution
from regencord.outcomes.trajectory import Metric, Trajectory, TrajectoryPoint

CONVERSIONS = (
    (NaturalHistoryOutcome.ANY_CONVERSION, ConversionTarget.ANY),
    (NaturalHistoryOutcome.TO_MOTOR_INCOMPLETE, ConversionTarget.MOTOR_INCOMPLETE),
    (NaturalHistoryOutcome.TO_D, ConversionTarget.D),
)
MOTOR_CHANGES = (
    (NaturalHistoryOutcome.DELTA_UEMS, Metric.UEMS),
    (NaturalHistoryOutcome.DELTA_LEMS, Metric.LEMS),
)


@dataclass(frozen=True)
class Cohort:
    baseline_ais: str
    level_group: str
    baseline_day: int | None
    members: tuple[Trajectory, ...]

    def describe(self) -> str:
        groups: dict[str, int] = {}
        for t in self.members:
            group = level_group(t.baseline) or "level not determined"
            groups[group] = groups.get(group, 0) + 1
        parts = ", ".join(f"{n} {g}" for g, n in sorted(groups.items()))
        days = [t.baseline.day for t in self.members if t.baseline is not None]
        n = len(self.members)
        return (
            f"{n} participant{'s' if n != 1 else ''} with AIS {self.baseline_ais} at baseline "
            f"({parts}); baseline exam {min(days)}–{max(days)} days after injury"
        )


@dataclass(frozen=True)
class ConversionComparison:
    outcome: NaturalHistoryOutcome
    count: ResponderCount
    screened: tuple[BenchmarkMatch, ...]
    """Every candidate row, kept or excluded, with its reason."""
    comparisons: tuple[tuple[BenchmarkRow, BinomialComparison], ...]

    @property
    def k(self) -> int:
        return self.count.responders

    @property
    def n(self) -> int:
        return self.count.evaluable


@dataclass(frozen=True)
class MotorPosition:
    study_id: str
    metric: Metric
    row: BenchmarkRow
    position: Position


@dataclass(frozen=True)
class CohortEfficacy:
    cohort: Cohort
    conversions: tuple[ConversionComparison, ...]
    motor: tuple[MotorPosition, ...]
    motor_screened: tuple[BenchmarkMatch, ...]


def level_group(point: TrajectoryPoint | None) -> str | None:
    """The level group (cervical, thoracic, lumbosacral) of the exam's NLI; ``None`` when the
    NLI is INT or NT leaves levels of different groups possible."""
    if point is None or point.exam is None:
        return None
    groups = set()
    for level in point.exam.result.neurological_level:
        if not isinstance(level, Level):
            return None
        groups.add(level_group_of(level.name))
    return groups.pop() if len(groups) == 1 else None


def cohorts(trajectories: Sequence[Trajectory]) -> tuple[list[Cohort], list[str]]:
    """Cohorts by determined baseline grade, and the study ids left out (no exam, or a
    baseline grade NT leaves open)."""
    groups: dict[str, list[Trajectory]] = {}
    left_out = []
    for t in trajectories:
        base = t.baseline
        if base is None or len(base.ais) != 1:
            left_out.append(t.study_id)
            continue
        groups.setdefault(base.ais_text, []).append(t)
    out = []
    for grade in sorted(groups):
        members = groups[grade]
        level_groups = {level_group(t.baseline) for t in members}
        shared = level_groups.pop() if len(level_groups) == 1 else None
        days = [t.baseline.day for t in members if t.baseline]
        out.append(
            Cohort(
                baseline_ais=grade,
                level_group=shared or "all",
                baseline_day=max(days) if days else None,
                members=tuple(members),
            )
        )
    return out, left_out


def _screen(
    rows: Sequence[BenchmarkRow], cohort: Cohort, outcome: NaturalHistoryOutcome
) -> list[BenchmarkMatch]:
    return screen_benchmarks(
        rows,
        outcome=outcome,
        baseline_ais=cohort.baseline_ais,
        level_group=cohort.level_group,
        baseline_day=cohort.baseline_day,
    )


def cohort_efficacy(cohort: Cohort, rows: Sequence[BenchmarkRow]) -> CohortEfficacy:
    conversions = []
    for outcome, target in CONVERSIONS:
        rule = AisConversionRule(name=outcome.phrase, event="ais_conversion", to=target, visit=None)
        count = count_responders(rule, cohort.members)
        screened = _screen(rows, cohort, outcome)
        comparisons = tuple(
            (m.row, compare_with_row(count.responders, count.evaluable, m.row))
            for m in screened
            if m.included and m.row.rate is not None and count.evaluable > 0
        )
        conversions.append(ConversionComparison(outcome, count, tuple(screened), comparisons))
    motor: list[MotorPosition] = []
    motor_screened: dict[str, BenchmarkMatch] = {}
    for outcome, metric in MOTOR_CHANGES:
        for t in cohort.members:
            base, latest, group = t.baseline, t.latest, level_group(t.baseline)
            change = t.change(metric, latest) if latest is not None else None
            if base is None or latest is None or latest is base or change is None or not group:
                continue
            screened = screen_benchmarks(
                rows,
                outcome=outcome,
                baseline_ais=cohort.baseline_ais,
                level_group=group,
                baseline_day=base.day,
            )
            for m in screened:
                if m.included or m.row.id not in motor_screened:
                    motor_screened[m.row.id] = m
            kept = [m.row for m in screened if m.included and m.row.mean is not None]
            if not kept or kept[0].sd is None or kept[0].mean is None:
                continue
            row = kept[0]
            assert row.mean is not None and row.sd is not None
            position = position_in_distribution(change, row.mean, row.sd, source=row.label)
            motor.append(MotorPosition(t.study_id, metric, row, position))
    return CohortEfficacy(cohort, tuple(conversions), tuple(motor), tuple(motor_screened.values()))


def undetermined_ids(comparison: ConversionComparison) -> list[str]:
    return [
        j.study_id
        for j in comparison.count.judgements
        if j.verdict in (Verdict.UNDETERMINED, Verdict.NO_DATA)
    ]
