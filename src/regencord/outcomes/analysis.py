"""The whole analysis of one trial, as the report shows it: flow, trajectories, responders,
efficacy against natural history, walking prognosis against what was observed, safety."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from regencord.outcomes.efficacy import CohortEfficacy, cohort_efficacy, cohorts
from regencord.outcomes.flow import Flow, participant_flow
from regencord.outcomes.model import TrialData
from regencord.outcomes.natural_history import BenchmarkRow, load_benchmarks
from regencord.outcomes.prognosis import (
    PrognosisModel,
    WalkingPrognosis,
    independent_walking,
    walking_prognosis,
)
from regencord.outcomes.responders import PRESETS, ResponderCount, Rule, count_responders
from regencord.outcomes.safety import SafetySummary, safety_summary
from regencord.outcomes.trajectory import Metric, Trajectory, TrajectoryPoint, trajectory

PROGNOSIS_MODELS = (PrognosisModel.VAN_MIDDENDORP_2011, PrognosisModel.HICKS_2017)


@dataclass(frozen=True)
class WalkingOutcome:
    """Walking predicted from the baseline exam against walking observed at the last visit
    with a WISCI II or SCIM III."""

    study_id: str
    predictions: tuple[WalkingPrognosis, ...]
    observed: bool | None
    observed_visit: str | None
    observed_detail: str


@dataclass(frozen=True)
class TrialAnalysis:
    trial: TrialData
    trajectories: tuple[Trajectory, ...]
    flow: Flow
    responders: tuple[ResponderCount, ...]
    efficacy: tuple[CohortEfficacy, ...]
    left_out_of_cohorts: tuple[str, ...]
    walking: tuple[WalkingOutcome, ...]
    safety: SafetySummary
    benchmarks: tuple[BenchmarkRow, ...]


def _observed(t: Trajectory) -> tuple[bool | None, str | None, str]:
    for p in reversed(t.points):
        wisci, scim_indoor = p.value(Metric.WISCI), p.scim_indoor_mobility()
        if wisci is None and scim_indoor is None:
            continue
        walks = independent_walking(wisci, scim_indoor)
        parts = []
        if scim_indoor is not None:
            parts.append(f"SCIM III item 12 = {scim_indoor}")
        if wisci is not None:
            parts.append(f"WISCI II = {wisci:g}")
        return walks, p.visit, ", ".join(parts)
    return None, None, "no WISCI II or SCIM III recorded"


def _walking(t: Trajectory) -> WalkingOutcome:
    base: TrajectoryPoint | None = t.baseline
    predictions: tuple[WalkingPrognosis, ...] = ()
    if base is not None and base.exam is not None:
        age = t.participant.age_at_injury
        predictions = tuple(walking_prognosis(base.exam.exam, age, m) for m in PROGNOSIS_MODELS)
    observed, visit, detail = _observed(t)
    return WalkingOutcome(t.study_id, predictions, observed, visit, detail)


def analyse(trial: TrialData, rules: Sequence[Rule] = PRESETS) -> TrialAnalysis:
    """Every number of the report, from the trial's data and its responder rules."""
    trajectories = tuple(trajectory(p) for p in trial.participants)
    treated = [t for t in trajectories if t.participant.transplant is not None]
    benchmarks = load_benchmarks()
    groups, left_out = cohorts(treated)
    return TrialAnalysis(
        trial=trial,
        trajectories=trajectories,
        flow=participant_flow(trial.participants),
        responders=tuple(count_responders(r, treated) for r in rules),
        efficacy=tuple(cohort_efficacy(c, benchmarks) for c in groups),
        left_out_of_cohorts=tuple(left_out),
        walking=tuple(_walking(t) for t in treated),
        safety=safety_summary(trial.participants),
        benchmarks=benchmarks,
    )
