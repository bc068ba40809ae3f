"""Step 3: neurological level of injury (International Standards 2019).

The NLI is the most caudal segment with normal sensation and antigravity motor function
on both sides, all rostral segments being normal: the most rostral of the four sensory and
motor levels of steps 1 and 2, a single level for the whole exam.
"""

from __future__ import annotations

import pytest

from regencord.isncsci import Level
from tests.isncsci.builders import make_exam, names, normal_exam, run, set_cells


@pytest.mark.parametrize(
    ("sensory_right", "sensory_left", "motor_right", "motor_left", "nli"),
    [
        ("C6", "C6", "C6", "C6", "C6"),
        ("C6", "C7", "C5", "C6", "C5"),
        ("C5", "C6", "C7", "C8", "C5"),
        ("C7", "C5", "C7", "C7", "C5"),
        ("C8", "C8", "C8", "C6", "C6"),
        ("T4", "T6", "C8", "T6", "C8"),
        ("L3", "L2", "L4", "L3", "L2"),
        ("T10", "T10", "T10", "T10", "T10"),
        ("T12", "L1", "T12", "L1", "T12"),
        ("C3", "C4", "C3", "C4", "C3"),
        ("C1", "C4", "C1", "C4", "C1"),
        ("S2", "S1", "S2", "S1", "S1"),
    ],
)
def test_most_rostral_of_the_four_levels(
    sensory_right: str, sensory_left: str, motor_right: str, motor_left: str, nli: str
) -> None:
    exam = make_exam(
        sensory_right=sensory_right,
        sensory_left=sensory_left,
        motor_right=motor_right,
        motor_left=motor_left,
    )
    result = run(exam)
    # The exam has the intended levels...
    assert names(result.right.sensory) == {sensory_right}
    assert names(result.left.sensory) == {sensory_left}
    assert names(result.right.motor) == {motor_right}
    assert names(result.left.motor) == {motor_left}
    # ...and the NLI is the most rostral of them.
    assert names(result.neurological_level) == {nli}
    assert min(Level.parse(x) for x in (sensory_right, sensory_left, motor_right, motor_left)) == (
        Level.parse(nli)
    )


def test_all_normal_with_vac_is_int() -> None:
    assert names(run(normal_exam()).neurological_level) == {"INT"}


def test_motor_more_rostral_than_sensory() -> None:
    # Sensation intact to T4 on both sides, but right C7 is only 2.
    exam = make_exam(level_right="T4", level_left="T4", cells={"right.motor.C7": "2"})
    result = run(exam)
    assert names(result.right.motor) == {"C6"}
    assert names(result.neurological_level) == {"C6"}


def test_nt_dermatome_above_the_level_opens_the_nli() -> None:
    exam = make_exam(level_right="T4", level_left="T4", cells={"left.lightTouch.C6": "NT"})
    result = run(exam)
    assert names(result.left.sensory) == {"C5", "T4"}
    assert names(result.neurological_level) == {"C5", "T4"}


def test_nt_key_muscle_above_the_level_opens_the_nli() -> None:
    exam = make_exam(level_right="T4", level_left="T4", cells={"right.motor.C7": "NT"})
    result = run(exam)
    # C7 could be 0-2 (level C6), 3-4 (level C7) or 5 (level T4).
    assert names(result.right.motor) == {"C6", "C7", "T4"}
    assert names(result.neurological_level) == {"C6", "C7", "T4"}


def test_nt_below_the_level_leaves_the_nli_determined() -> None:
    exam = make_exam(level_right="C5", level_left="C5", cells={"both.motor.L3": "NT"})
    set_cells(exam, {"both.lightTouch.T8": "NT"})
    assert names(run(exam).neurological_level) == {"C5"}
