"""Step 1: sensory levels.

International Standards (2019), step 1: the sensory level on each side is the most caudal,
intact dermatome for both pin prick and light touch sensation (score 2), all rostral
dermatomes being intact. C1 when C2 is impaired; INT when every dermatome to S4-5 is intact.
"""

from __future__ import annotations

from regencord.isncsci.exam import Side, SideExam
from regencord.isncsci.steps.questions import sensory_intact
from regencord.isncsci.walk import Questions, WalkResult, walk_levels


def sensory_level(side: Side, exam: SideExam) -> WalkResult:
    """The possible sensory levels of one side."""
    return walk_levels(lambda _level, below: Questions(sensory_intact(side, exam, below)))
