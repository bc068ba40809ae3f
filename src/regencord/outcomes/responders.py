"""Responder definitions: a small declarative spec per trial, with the usual ones as presets.

A spec file (YAML) lists responders; each names one event and its threshold, judged at a
named visit or, without one, at the participant's last visit with the data::

    responders:
      - {name: motor incomplete by week 52, event: ais_conversion, to: motor_incomplete,
         visit: week 52}
      - {name: motor level +2, event: motor_level_gain, min_levels: 2, side: either}
      - {name: SCIM III +10, event: score_gain, metric: scim, min_gain: 10}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from regencord.outcomes.events import (
    ConversionTarget,
    Verdict,
    ais_conversion,
    motor_level_verdict,
    score_gain_verdict,
)
from regencord.outcomes.trajectory import Metric, Trajectory, TrajectoryPoint, score_text

_METRICS = {
    "uems": Metric.UEMS,
    "lems": Metric.LEMS,
    "motor_total": Metric.MOTOR_TOTAL,
    "light_touch": Metric.LIGHT_TOUCH,
    "pin_prick": Metric.PIN_PRICK,
    "wisci": Metric.WISCI,
    "scim": Metric.SCIM,
    "ten_mwt_speed": Metric.TEN_MWT_SPEED,
}


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(min_length=1, max_length=80)]
    visit: str | None = None
    """Judge at this visit; without one, at the last visit with the data."""
    source: str | None = None
    """Where the threshold comes from (shown in the report)."""


class AisConversionRule(_Rule):
    event: Literal["ais_conversion"]
    to: ConversionTarget = ConversionTarget.ANY


class MotorLevelGainRule(_Rule):
    event: Literal["motor_level_gain"]
    min_levels: Annotated[int, Field(ge=1, le=28)] = 2
    side: Literal["either", "both", "right", "left"] = "either"


class ScoreGainRule(_Rule):
    event: Literal["score_gain"]
    metric: Literal[
        "uems", "lems", "motor_total", "light_touch", "pin_prick", "wisci", "scim", "ten_mwt_speed"
    ]
    min_gain: float = Field(gt=0)


Rule = Annotated[
    AisConversionRule | MotorLevelGainRule | ScoreGainRule, Field(discriminator="event")
]


class ResponderSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    responders: Annotated[list[Rule], Field(min_length=1)]


PRESETS: tuple[Rule, ...] = (
    AisConversionRule(
        name="AIS improved (any grade)", event="ais_conversion", to=ConversionTarget.ANY
    ),
    AisConversionRule(
        name="AIS to motor incomplete (C/D)",
        event="ais_conversion",
        to=ConversionTarget.MOTOR_INCOMPLETE,
    ),
    AisConversionRule(name="AIS to D", event="ais_conversion", to=ConversionTarget.D),
    MotorLevelGainRule(
        name="Motor level +2 (either side)",
        event="motor_level_gain",
        min_levels=2,
        source="Kramer et al. 2012: a 2-level gain is clinically meaningful",
    ),
    ScoreGainRule(
        name="SCIM III +4 (small)",
        event="score_gain",
        metric="scim",
        min_gain=4,
        source="Scivoletto et al. 2013: 4 points, small meaningful change",
    ),
    ScoreGainRule(
        name="SCIM III +10 (substantial)",
        event="score_gain",
        metric="scim",
        min_gain=10,
        source="Scivoletto et al. 2013: 10 points, substantial change",
    ),
    ScoreGainRule(
        name="WISCI II gain (any)",
        event="score_gain",
        metric="wisci",
        min_gain=1,
    ),
)
"""The responder definitions used when a trial gives none."""


class InvalidSpec(ValueError):
    """A responder spec file that cannot be used; the message names file, field and value."""


def load_spec(path: Path) -> tuple[Rule, ...]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise InvalidSpec(f"{path}: cannot read the responder spec: {error}") from error
    return parse_spec(data, str(path))


def parse_spec(data: Any, label: str = "responder spec") -> tuple[Rule, ...]:
    try:
        return tuple(ResponderSpec.model_validate(data).responders)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']} (value {e.get('input')!r})"
            for e in error.errors()
        )
        raise InvalidSpec(f"{label}: {problems}") from error


@dataclass(frozen=True)
class Judgement:
    """One participant judged against one responder rule."""

    study_id: str
    verdict: Verdict
    visit: str | None
    detail: str


def _point(trajectory: Trajectory, rule: Rule) -> TrajectoryPoint | None:
    if rule.visit is not None:
        return trajectory.at(rule.visit)
    if isinstance(rule, ScoreGainRule):
        metric = _METRICS[rule.metric]
        return next((p for p in reversed(trajectory.points) if p.value(metric) is not None), None)
    return trajectory.latest


def judge(rule: Rule, trajectory: Trajectory) -> Judgement:
    """Whether the participant responded under ``rule``, with the values behind it."""
    point, base = _point(trajectory, rule), trajectory.baseline
    sid = trajectory.study_id
    if point is None or base is None or point is base:
        where = f"at {rule.visit}" if rule.visit else "after baseline"
        return Judgement(sid, Verdict.NO_DATA, rule.visit, f"no follow-up data {where}")
    if isinstance(rule, AisConversionRule):
        verdict = ais_conversion(base.ais, point.ais, rule.to)
        detail = f"AIS {base.ais_text} → {point.ais_text}"
    elif isinstance(rule, MotorLevelGainRule):
        verdict = motor_level_verdict(base, point, min_levels=rule.min_levels, side=rule.side)
        detail = _levels_detail(base, point)
    else:
        metric = _METRICS[rule.metric]
        verdict = score_gain_verdict(trajectory, metric, point, rule.min_gain)
        before, after = trajectory.baseline_value(metric), point.value(metric)
        detail = f"{metric.value} {score_text(before)} → {score_text(after)}"
    return Judgement(sid, verdict, point.visit, detail)


def _levels_detail(base: TrajectoryPoint, point: TrajectoryPoint) -> str:
    def text(p: TrajectoryPoint) -> str:
        assert p.exam is not None
        praxis = p.exam.result.to_praxis()["classification"]["neurologicalLevels"]
        return f"R {praxis['motorRight']} / L {praxis['motorLeft']}"

    return f"motor level {text(base)} → {text(point)}"


@dataclass(frozen=True)
class ResponderCount:
    rule: Rule
    judgements: tuple[Judgement, ...]

    def count(self, verdict: Verdict) -> int:
        return sum(j.verdict is verdict for j in self.judgements)

    @property
    def responders(self) -> int:
        return self.count(Verdict.YES)

    @property
    def evaluable(self) -> int:
        """Participants judged yes or no (undetermined and no-data left out)."""
        return self.count(Verdict.YES) + self.count(Verdict.NO)


def count_responders(rule: Rule, trajectories: Sequence[Trajectory]) -> ResponderCount:
    return ResponderCount(rule, tuple(judge(rule, t) for t in trajectories))


def rules_by_name(rules: Sequence[Rule]) -> Mapping[str, Rule]:
    return {r.name: r for r in rules}
