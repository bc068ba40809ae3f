"""Step 3: neurological level of injury (NLI).

International Standards (2019), step 3: the NLI is the most caudal segment of the cord
with intact sensation and antigravity (3 or more) muscle function strength, provided that
there is normal (intact) sensory and motor function rostrally; that is, the most rostral
of the sensory and motor levels of steps 1 and 2.

- The possible NLIs come from one walk over both sides, so that an NT cell is answered the
  same way for every level it bears on.
- Voluntary anal contraction is not asked: an exam normal in every dermatome and key
  muscle has an intact NLI whatever VAC is (docs/adjudications.md, A3).
- A possible NLI carries the non-SCI tag of the levels it rests on: of the motor levels
  when a motor level is determined at it, else of the sensory levels; and, when the walk
  reached it through a tagged answer, the tag of any level that can only be caudal to it
  through a tag (A4).
"""

from __future__ import annotations

from regencord.isncsci.exam import SIDES, Exam
from regencord.isncsci.levels import Level, LevelValue, outcome_sort_key
from regencord.isncsci.possible_values import PossibleValues, PossibleValuesBuilder
from regencord.isncsci.steps.motor_level import motor_level
from regencord.isncsci.steps.questions import motor_checks, sensory_intact
from regencord.isncsci.walk import Question, Questions, WalkResult, walk_levels


def neurological_level(exam: Exam, sensory_levels: list[PossibleValues[LevelValue]]) -> WalkResult:
    """The possible NLIs of the exam, given both sides' sensory levels."""

    def step(level: Level, below: Level) -> Questions:
        checks: list[Question] = []
        for side in SIDES:
            checks.extend(sensory_intact(side, exam.side(side), below))
            checks.extend(motor_checks(side, exam.side(side), level, below))
        return Questions(checks)

    walk = walk_levels(step)
    motor = [motor_level(side, exam.side(side), None).outcome for side in SIDES]
    builder: PossibleValuesBuilder[LevelValue] = PossibleValuesBuilder()
    for nli in walk.outcome:
        builder.add(nli, _tagged(nli, motor, sensory_levels, walk.outcome.is_tagged(nli)))
    return WalkResult(builder.build(), walk.passed_tag, walk.reasons)


def _tagged(
    nli: LevelValue,
    motor: list[PossibleValues[LevelValue]],
    sensory: list[PossibleValues[LevelValue]],
    walked_with_tag: bool,
) -> bool:
    if any(m.determined and m.value == nli for m in motor):
        sources = motor
    elif any(nli in s for s in sensory):
        sources = sensory
    else:
        sources = motor
    if any(s.is_tagged(nli) for s in sources if nli in s):
        return True
    levels = (*sensory, *motor)
    return walked_with_tag and any(_only_tagged_below(level, nli) for level in levels)


def _only_tagged_below(level: PossibleValues[LevelValue], nli: LevelValue) -> bool:
    """Whether ``level`` cannot be ``nli`` and is caudal to it only through a non-SCI tag:
    the NLI is the most rostral level, so it rests on that tag too (A4)."""
    key = outcome_sort_key(nli)
    below = [v for v in level if outcome_sort_key(v) > key]
    return nli not in level and bool(below) and all(level.is_tagged(v) for v in below)
