"""Step 2: motor levels.

International Standards (2019), step 2: the motor level on each side is the lowest key
muscle function with a grade of at least 3, provided the key muscle functions above it are
normal (5). In regions with no myotome to test (C1-C4, T2-L1, S2-S5) the motor level is
presumed to be the sensory level, if testable motor function above it is also normal.
INT also requires voluntary anal contraction.
"""

from __future__ import annotations

from regencord.isncsci.cells import AnalFunction
from regencord.isncsci.exam import Side, SideExam
from regencord.isncsci.steps.questions import motor_step
from regencord.isncsci.walk import WalkResult, walk_levels


def motor_level(side: Side, exam: SideExam, vac: AnalFunction | None) -> WalkResult:
    """The possible motor levels of one side (``vac=None``: VAC not asked, for the NLI)."""
    return walk_levels(lambda level, below: motor_step(side, exam, level, below, vac))
