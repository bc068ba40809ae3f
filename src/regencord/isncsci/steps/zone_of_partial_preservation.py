"""Step 6: zones of partial preservation (ZPP).

International Standards (2019): the ZPP is the most caudal segment with some sensory
(sensory ZPP) or motor (motor ZPP) function below the sensory or motor level on each side.
It is recorded when sacral function is absent: the sensory ZPP when deep anal pressure and
S4-5 light touch and pin prick on that side are absent, the motor ZPP when voluntary anal
contraction is absent (it is applicable in complete and in incomplete injuries since 2019);
otherwise it is NA. With no function below the level, the ZPP is the level itself.
"""

from __future__ import annotations

from regencord.isncsci.cells import AnalFunction
from regencord.isncsci.exam import SideExam
from regencord.isncsci.judgements import (
    Judgement,
    anal_yes,
    any_of,
    motor_present,
    sensory_present,
)
from regencord.isncsci.levels import MYOTOMES, Level, LevelValue, Marker
from regencord.isncsci.possible_values import Explained, PossibleValuesBuilder
from regencord.isncsci.rules import counted_non_key_muscle, more_than_three_below
from regencord.isncsci.walk import WalkResult


def sensory_zpp(side: SideExam, dap: AnalFunction) -> Explained[LevelValue]:
    """Most caudal dermatome with light touch or pin prick above 0, searched from S3 up."""
    builder: PossibleValuesBuilder[LevelValue] = PossibleValuesBuilder()
    live: set[bool] = set()
    sacral = any_of(
        anal_yes(dap),
        sensory_present(side.light_touch[Level.S4_5]),
        sensory_present(side.pin_prick[Level.S4_5]),
    )
    for j in sacral:
        if j.answer:
            builder.add(Marker.NA, why="sacral sensation (DAP or S4-5) is present")
        else:
            # Whether the ZPP applies is never tagged, nor is the search it opens (A7).
            live.add(False)
    for level in reversed(list(Level)[1 : Level.S3 + 1]):
        if not live:
            break
        found = any_of(
            sensory_present(side.light_touch[level]), sensory_present(side.pin_prick[level])
        )
        going_on: set[bool] = set()
        for j in found:
            for tagged in live:
                if j.answer:
                    why = (
                        f"most caudal dermatome with sensation: {level.name} light touch "
                        f"{side.light_touch[level]}, pin prick {side.pin_prick[level]}"
                    )
                    builder.add(level, tagged or j.tagged, why)
                else:
                    going_on.add(tagged or j.tagged)
        live = going_on
    for tagged in live:
        builder.add(Level.C1, tagged, "no sensation from C2 down")
    return Explained.of(builder)


def motor_zpp(
    side: SideExam,
    vac: AnalFunction,
    motor_levels: WalkResult,
    incomplete: frozenset[bool],
) -> Explained[LevelValue]:
    """Most caudal key muscle graded above 0 below the motor level; the motor level itself
    when there is none. The lowest non-key muscle with motor function counts when it makes
    an incomplete injury motor incomplete, i.e. lies more than three levels below the motor
    level (docs/adjudications.md A5), also when it lies below a key muscle with function
    (A15, a divergence from the reference). ``incomplete`` holds whether the injury may be
    incomplete (True) and complete (False) when VAC is absent, i.e. through sacral sensory
    sparing: the motor ZPP only applies when VAC is absent."""
    builder: PossibleValuesBuilder[LevelValue] = PossibleValuesBuilder()
    live_vac: set[bool] = set()
    for j in anal_yes(vac):
        if j.answer:
            builder.add(Marker.NA, why="voluntary anal contraction is present")
        else:
            live_vac.add(j.tagged)
    if not live_vac:
        return Explained.of(builder)
    nkm = counted_non_key_muscle(side.lowest_non_key_muscle)
    for motor_level in motor_levels.outcome:
        if not isinstance(motor_level, Level):
            builder.add(Marker.NA, why="the motor level is intact")
            continue
        live = set(live_vac)
        for level in reversed(_MOTOR_SEGMENTS):
            if level <= motor_level or not live:
                break
            if level == nkm and True in incomplete and more_than_three_below(level, motor_level):
                why = (
                    f"lowest non-key muscle with motor function, {level.name}, is more than "
                    f"three levels below motor level {motor_level.name}"
                )
                for tagged in live:
                    builder.add(level, tagged, why)
                if False not in incomplete:
                    live = set()
                    break
            if level not in _MYOTOME_SET:
                continue
            going_on: set[bool] = set()
            for j in motor_present(side.motor[level]):
                for tagged in live:
                    if j.answer:
                        why = (
                            f"most caudal key muscle with motor function below motor level "
                            f"{motor_level.name}: {level.name} is {side.motor[level]}"
                        )
                        builder.add(level, tagged or j.tagged, why)
                    else:
                        going_on.add(tagged or j.tagged)
            live = going_on
        level_tag = motor_levels.passed_tag.get(motor_level, False) and not _own_function(
            side, motor_level
        )
        for tagged in live:
            why = f"no motor function below motor level {motor_level.name}"
            builder.add(motor_level, tagged or level_tag, why)
    return Explained.of(builder)


def _own_function(side: SideExam, motor_level: Level) -> bool:
    """Whether the key muscle at the motor level has motor function without a tag: then
    the ZPP is that segment whether or not the tags that made it the motor level are
    accepted (a more rostral motor level's ZPP would end there too; T1, A6)."""
    return motor_level in _MYOTOME_SET and Judgement(True, False) in motor_present(
        side.motor[motor_level]
    )


_MOTOR_SEGMENTS = tuple(Level)[Level.C5 : Level.S1 + 1]
_MYOTOME_SET = frozenset(MYOTOMES)
