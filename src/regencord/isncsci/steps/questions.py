"""The questions the level steps ask of one side at one segment."""

from __future__ import annotations

from dataclasses import dataclass

from regencord.isncsci.cells import AnalFunction
from regencord.isncsci.exam import Side, SideExam
from regencord.isncsci.judgements import anal_yes, dermatome_intact, motor_antigravity, motor_normal
from regencord.isncsci.levels import Level, is_myotome
from regencord.isncsci.walk import Question, Questions


@dataclass(frozen=True, slots=True)
class Reason:
    """What a failed check found, worded for ``explain()`` only when asked."""

    side: Side | None
    level: Level | None
    text: str
    cells: tuple[object, ...] = ()

    def __str__(self) -> str:
        where = " ".join(
            x for x in (self.side and self.side.value, self.level and self.level.name) if x
        )
        return f"{where} {self.text.format(*self.cells)}".strip()


def sensory_intact(side: Side, exam: SideExam, level: Level) -> list[Question]:
    """Light touch and pin prick both normal (2) at ``level``'s dermatome."""
    lt, pp = exam.light_touch[level], exam.pin_prick[level]
    return [
        Question(
            Reason(side, level, "light touch {}, pin prick {} (not both normal)", (lt, pp)),
            dermatome_intact(lt, pp),
        )
    ]


def motor_checks(side: Side, exam: SideExam, level: Level, below: Level) -> list[Question]:
    """Key muscle questions for passing from ``level`` to ``below``: a key muscle at
    ``level`` must be normal (5), a key muscle at ``below`` at least 3."""
    checks: list[Question] = []
    if is_myotome(level):
        cell = exam.motor[level]
        checks.append(
            Question(
                Reason(side, level, "motor {} (not 5)", (cell,)),
                motor_normal(cell),
            )
        )
    if is_myotome(below):
        cell = exam.motor[below]
        checks.append(
            Question(
                Reason(side, below, "motor {} (below 3)", (cell,)),
                motor_antigravity(cell),
            )
        )
    return checks


def vac_check(vac: AnalFunction) -> Question:
    what = Reason(None, None, "voluntary anal contraction {} (needed for INT)", (vac.value,))
    return Question(what, anal_yes(vac))


def motor_step(
    side: Side, exam: SideExam, level: Level, below: Level, vac: AnalFunction | None
) -> Questions:
    """Whether the motor level may pass from ``level`` to ``below`` (International Standards
    2019, step 2): a key muscle at ``level`` must be normal (5); a key muscle at ``below``
    must be at least 3; where ``below`` has no key muscle, the motor level follows the
    sensory level, so sensation must be intact from C2 down to ``below``. INT also needs
    voluntary anal contraction (the motor function of S4-5), unless ``vac`` is None."""
    checks = motor_checks(side, exam, level, below)
    if below is Level.S4_5 and vac is not None:
        checks.append(vac_check(vac))
    return Questions(
        checks=checks,
        tracked=sensory_intact(side, exam, below),
        needs_tracked=not is_myotome(below),
    )
