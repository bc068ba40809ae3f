"""Outcome events between the baseline and a later visit, each judged yes / no /
undetermined.

NT cells can leave the AIS or a level open (the engine's sets of possible values). An event
is *yes* only if it holds for every possible value, *no* only if it holds for none, and
otherwise *undetermined*; undetermined participants are never counted as responders
(docs/adjudications.md O2).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from regencord.isncsci import AIS
from regencord.outcomes.trajectory import Metric, Trajectory, TrajectoryPoint, level_rank

AIS_RANK = {AIS.A: 0, AIS.B: 1, AIS.C: 2, AIS.D: 3, AIS.E: 4}


class Verdict(Enum):
    YES = "yes"
    NO = "no"
    UNDETERMINED = "undetermined"
    NO_DATA = "no data"


class ConversionTarget(Enum):
    """AIS conversion: ``any`` grade better than baseline; ``motor_incomplete`` (C or D,
    from A or B); ``d`` (D or better)."""

    ANY = "any"
    MOTOR_INCOMPLETE = "motor_incomplete"
    D = "d"


def _verdict(outcomes: Iterable[bool]) -> Verdict:
    values = set(outcomes)
    if not values:
        return Verdict.NO_DATA
    if values == {True}:
        return Verdict.YES
    if values == {False}:
        return Verdict.NO
    return Verdict.UNDETERMINED


def ais_conversion(
    baseline: frozenset[AIS], later: frozenset[AIS], target: ConversionTarget
) -> Verdict:
    """Did the grade improve from ``baseline`` to ``later``, over every possible pair?

    ``motor_incomplete`` and ``d`` count from a baseline below the target only (a C at
    baseline cannot "convert to motor incomplete"); such a pair counts as no.
    """
    if not baseline or not later:
        return Verdict.NO_DATA
    pairs = [(AIS_RANK[b], AIS_RANK[a]) for b in baseline for a in later]
    if target is ConversionTarget.ANY:
        return _verdict(a > b for b, a in pairs)
    floor = AIS_RANK[AIS.C] if target is ConversionTarget.MOTOR_INCOMPLETE else AIS_RANK[AIS.D]
    return _verdict(b < floor <= a for b, a in pairs)


def motor_level_gain(baseline: TrajectoryPoint, later: TrajectoryPoint, side: str) -> set[int]:
    """Possible numbers of levels the motor level moved caudally on ``side`` (negative:
    moved up). Kramer et al. 2012 count a gain of 2 levels as clinically meaningful."""
    before, after = baseline.motor_level(side), later.motor_level(side)
    if before is None or after is None:
        return set()
    return {level_rank(a) - level_rank(b) for b in before for a in after}


def motor_level_verdict(
    baseline: TrajectoryPoint, later: TrajectoryPoint, *, min_levels: int, side: str
) -> Verdict:
    """Gain of at least ``min_levels`` on ``side`` (``right``, ``left``), on ``either`` side
    or on ``both``."""
    sides = ("right", "left") if side in ("either", "both") else (side,)
    verdicts = [
        _verdict(g >= min_levels for g in motor_level_gain(baseline, later, s)) for s in sides
    ]
    if Verdict.NO_DATA in verdicts:
        return Verdict.NO_DATA
    if side == "both":
        return _combine_all(verdicts)
    return _combine_any(verdicts)


def _combine_any(verdicts: list[Verdict]) -> Verdict:
    if Verdict.YES in verdicts:
        return Verdict.YES
    return Verdict.UNDETERMINED if Verdict.UNDETERMINED in verdicts else Verdict.NO


def _combine_all(verdicts: list[Verdict]) -> Verdict:
    if Verdict.NO in verdicts:
        return Verdict.NO
    return Verdict.UNDETERMINED if Verdict.UNDETERMINED in verdicts else Verdict.YES


def score_gain_verdict(
    trajectory: Trajectory, metric: Metric, point: TrajectoryPoint, min_gain: float
) -> Verdict:
    """Gain of ``metric`` from its baseline to ``point`` of at least ``min_gain``."""
    gain = trajectory.change(metric, point)
    if gain is None:
        return Verdict.NO_DATA
    return Verdict.YES if gain >= min_gain else Verdict.NO
