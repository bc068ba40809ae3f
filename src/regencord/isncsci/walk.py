"""The rostral-to-caudal walk shared by the sensory, motor and neurological levels.

Each level step asks whether the segment below may still be included (International
Standards 2019, "Steps in classification", steps 1-3: a level is the most caudal segment
with normal function, provided all rostral segments are normal). The walk follows every
answer NT cells allow, so an ambiguous exam yields every level it could have.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import NamedTuple

from regencord.isncsci.judgements import Judgement, Judgements
from regencord.isncsci.levels import RESULT_LEVELS, Level, LevelValue, Marker
from regencord.isncsci.possible_values import PossibleValues, PossibleValuesBuilder


@dataclass(frozen=True)
class Question:
    """One question asked of one cell at a step (each cell at most once per step), and
    what it found, for explanations."""

    what: object
    """Worded by ``str()``, only when an explanation needs it."""
    judgements: Judgements


@dataclass(frozen=True)
class Questions:
    """The questions of one step. ``checks`` must all pass for the walk to go on.
    ``tracked`` questions are remembered instead (the motor level tracks whether sensation
    is still intact from C2 down); ``needs_tracked`` makes the remembered answer a
    condition for going on from this step."""

    checks: Sequence[Question]
    tracked: Sequence[Question] = field(default=())
    needs_tracked: bool = False


class _Branch(NamedTuple):
    tagged: bool
    tracked_ok: bool
    tracked_tag: bool


QuestionsFor = Callable[[Level, Level], Questions]


@dataclass
class WalkResult:
    outcome: PossibleValues[LevelValue]
    passed_tag: dict[LevelValue, bool]
    """Per level: whether every branch reaching it went on through a tagged answer."""
    reasons: dict[LevelValue, str]


def walk_levels(step_for: QuestionsFor) -> WalkResult:
    """Walk from C1 to S3; at each level L ask ``step_for(L, next)``. The walk stops at L
    when any check fails, and goes on when all pass; passing S3 gives INT.

    A stop is tagged when the branch already rests on a tagged answer or every failing
    check's answer is tagged; going on adds the tags of all answers relied upon.
    """
    builder: PossibleValuesBuilder[LevelValue] = PossibleValuesBuilder()
    passed: PossibleValuesBuilder[LevelValue] = PossibleValuesBuilder()
    reasons: dict[LevelValue, str] = {}
    live: set[_Branch] = {_Branch(False, True, False)}
    for level in RESULT_LEVELS:
        step = step_for(level, Level(level + 1))
        checks = step.checks
        options = [c.judgements for c in checks] + [c.judgements for c in step.tracked]
        going_on: set[_Branch] = set()
        for branch in live:
            for combo in product(*options):
                answers, track_answers = combo[: len(checks)], combo[len(checks) :]
                track = _track(branch, track_answers)
                failing = [j for j in answers if not j.answer]
                relied_tag = any(j.tagged for j in answers)
                sensation_failed = False
                if step.needs_tracked:
                    if track.tracked_ok:
                        relied_tag = relied_tag or track.tracked_tag
                    else:
                        failing.append(Judgement(False, track.tracked_tag))
                        sensation_failed = True
                if not failing:
                    going_on.add(_Branch(branch.tagged or relied_tag, *track[1:]))
                    continue
                builder.add(level, branch.tagged or all(j.tagged for j in failing))
                passed.add(level, branch.tagged)
                if level not in reasons:
                    why = [str(checks[i].what) for i, j in enumerate(answers) if not j.answer]
                    reasons[level] = "; ".join(why + [_SENSATION_ABOVE] * sensation_failed)
        live = going_on
        if not live:
            break
    for branch in live:
        builder.add(Marker.INT, branch.tagged)
        passed.add(Marker.INT, branch.tagged)
        reasons.setdefault(Marker.INT, "every segment to S4-5 is normal")
    passed_out = passed.build()
    return WalkResult(
        builder.build(), {v: passed_out.is_tagged(v) for v in passed_out.values}, reasons
    )


_SENSATION_ABOVE = "sensation not intact down to this segment (the motor level follows it here)"


def _track(branch: _Branch, answers: Sequence[Judgement]) -> _Branch:
    if not branch.tracked_ok or not answers:
        return branch
    failing = [j for j in answers if not j.answer]
    if failing:
        return branch._replace(tracked_ok=False, tracked_tag=all(j.tagged for j in failing))
    return branch._replace(tracked_tag=branch.tracked_tag or any(j.tagged for j in answers))
