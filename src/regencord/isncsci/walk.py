"""The rostral-to-caudal walk shared by the sensory, motor and neurological levels.

Each level step asks whether the segment below may still be included (International
Standards 2019, "Steps in classification", steps 1-3: a level is the most caudal segment
with normal function, provided all rostral segments are normal). The walk follows every
answer NT cells allow, so an ambiguous exam yields every level it could have.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from itertools import product

from regencord.isncsci.judgements import Judgements
from regencord.isncsci.levels import RESULT_LEVELS, Level, LevelOutcome, Marker
from regencord.isncsci.outcome import Outcome, OutcomeBuilder


@dataclass(frozen=True)
class Check:
    """One question asked at a step: ``key`` identifies the cell and question (a cell asked
    twice in one step is answered once), ``what`` describes it for explanations."""

    key: Hashable
    what: str
    judgements: Judgements


StepChecks = Callable[[Level, Level], Sequence[Check]]


@dataclass
class WalkResult:
    outcome: Outcome[LevelOutcome]
    reasons: dict[LevelOutcome, str]


def walk_levels(checks_for: StepChecks) -> WalkResult:
    """Walk from C1 to S3; at each level L ask ``checks_for(L, next)``. The walk stops at L
    when any check fails, and goes on when all pass; passing S3 gives INT.

    A stop is tagged when the branch already rests on a tagged answer or every failing
    check's answer is tagged; going on adds the tags of all answers relied upon.
    """
    builder: OutcomeBuilder[LevelOutcome] = OutcomeBuilder()
    reasons: dict[LevelOutcome, str] = {}
    live: set[bool] = {False}
    for level in RESULT_LEVELS:
        below = Level(level + 1)
        checks = _unique(checks_for(level, below))
        going_on: set[bool] = set()
        for combo in product(*(c.judgements for c in checks)):
            failing = [i for i, j in enumerate(combo) if not j.answer]
            if failing:
                stop_tag = all(combo[i].tagged for i in failing)
                for tagged in live:
                    builder.add(level, tagged or stop_tag)
                reasons.setdefault(level, "; ".join(checks[i].what for i in failing))
            else:
                tag = any(j.tagged for j in combo)
                going_on.update(t or tag for t in live)
        live = going_on
        if not live:
            break
    for tagged in live:
        builder.add(Marker.INT, tagged)
        reasons.setdefault(Marker.INT, "every segment to S4-5 is normal")
    return WalkResult(builder.build(), reasons)


def _unique(checks: Sequence[Check]) -> list[Check]:
    seen: dict[Hashable, Check] = {}
    for check in checks:
        seen.setdefault(check.key, check)
    return list(seen.values())
