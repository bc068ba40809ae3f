"""Step 3: neurological level of injury (NLI).

International Standards (2019), step 3: the NLI is the most caudal segment of the cord
with intact sensation and antigravity (3 or more) muscle function strength, provided that
there is normal (intact) sensory and motor function rostrally; that is, the most rostral
of the sensory and motor levels of steps 1 and 2. Walked jointly over both sides so that
NT cells are answered consistently. Voluntary anal contraction is not asked: it bears on
the motor levels and the AIS, and an exam normal in every dermatome and key muscle has an
intact NLI (docs/adjudications.md, A3).
"""

from __future__ import annotations

from regencord.isncsci.exam import SIDES, Exam
from regencord.isncsci.levels import Level
from regencord.isncsci.steps.checks import motor_checks, sensory_intact
from regencord.isncsci.walk import Check, Step, WalkResult, walk_levels


def neurological_level(exam: Exam) -> WalkResult:
    """The possible NLIs of the exam."""

    def step(level: Level, below: Level) -> Step:
        checks: list[Check] = []
        for side in SIDES:
            checks.extend(sensory_intact(side, exam.side(side), below))
            checks.extend(motor_checks(side, exam.side(side), level, below))
        return Step(checks)

    return walk_levels(step)
