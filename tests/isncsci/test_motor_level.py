"""Step 2: motor levels (International Standards 2019).

The motor level of a side is the lowest key muscle function graded 3 or more, all key
muscle functions above it being normal (5). Where no key muscle can be tested (C1-C4,
T2-L1, S2-S5) the motor level is presumed to be the sensory level, provided the testable
motor function above it is normal too. INT (all segments normal, S4-5 included) needs
voluntary anal contraction.
"""

from __future__ import annotations

import itertools

import pytest

from tests.isncsci.builders import make_exam, names, normal_exam, run, set_cells

GRADES = ("0", "1", "2", "3", "4", "5", "NT")


def _concrete(grade: str) -> list[int]:
    return list(range(6)) if grade == "NT" else [int(grade)]


@pytest.mark.parametrize(
    ("vac", "expected"), [("Yes", {"INT"}), ("No", {"S3"}), ("NT", {"S3", "INT"})]
)
def test_int_only_with_voluntary_anal_contraction(vac: str, expected: set[str]) -> None:
    exam = normal_exam()
    exam["voluntaryAnalContraction"] = vac
    result = run(exam)
    assert names(result.right.motor) == expected
    assert names(result.left.motor) == expected


@pytest.mark.parametrize("level", ["C5", "C6", "C7", "C8", "T1", "L2", "L3", "L4", "L5", "S1"])
def test_lowest_normal_key_muscle_before_an_absent_one(level: str) -> None:
    # Everything normal down to the level, 0 below: the motor level is the level.
    result = run(make_exam(level_right=level, level_left=level))
    assert names(result.right.motor) == {level}
    assert names(result.left.motor) == {level}


def test_antigravity_muscle_below_normal_ones_is_the_level() -> None:
    exam = make_exam(sensory_right=None, motor_right="C6", cells={"right.motor.C7": "3"})
    assert names(run(exam).right.motor) == {"C7"}


def test_grade_2_does_not_make_the_level() -> None:
    exam = make_exam(sensory_right=None, motor_right="C6", cells={"right.motor.C7": "2"})
    assert names(run(exam).right.motor) == {"C6"}


def test_muscle_above_must_be_normal() -> None:
    # C5 = 4, C6 = 3: C6 cannot be the level because C5 is not 5.
    exam = make_exam(
        sensory_right=None, motor_right="C6", cells={"right.motor.C5": "4", "right.motor.C6": "3"}
    )
    assert names(run(exam).right.motor) == {"C5"}


@pytest.mark.parametrize("level", ["C1", "C2", "C3", "C4"])
def test_high_cervical_follows_the_sensory_level(level: str) -> None:
    # No key muscle in C1-C4: with C5 below 3 the motor level is the sensory level.
    result = run(make_exam(level_right=level, level_left=level))
    assert names(result.right.motor) == {level}


def test_sensory_c4_and_c5_antigravity_gives_c5() -> None:
    exam = make_exam(level_right="C4", level_left="C4", cells={"both.motor.C5": "3"})
    result = run(exam)
    assert names(result.right.motor) == {"C5"}
    assert names(result.left.motor) == {"C5"}


def test_c5_strong_but_c4_dermatome_impaired_gives_the_sensory_level() -> None:
    # Sensory level C3: C4 is presumed impaired, so a strong C5 cannot be the motor level.
    exam = make_exam(sensory_right="C3", motor_right="C6")
    assert names(run(exam).right.motor) == {"C3"}


@pytest.mark.parametrize("level", ["T2", "T3", "T6", "T9", "T12", "L1"])
def test_thoracic_follows_the_sensory_level(level: str) -> None:
    result = run(make_exam(level_right=level, level_left=level))
    assert names(result.right.motor) == {level}
    assert names(result.left.motor) == {level}


def test_thoracic_needs_normal_t1() -> None:
    # Sensory level T8 but T1 only 4: the motor level is T1.
    exam = make_exam(level_right="T8", level_left="T8", cells={"right.motor.T1": "4"})
    result = run(exam)
    assert names(result.right.motor) == {"T1"}
    assert names(result.left.motor) == {"T8"}


def test_thoracic_with_weak_c8_stops_at_c8() -> None:
    exam = make_exam(level_right="T8", level_left="T8", cells={"left.motor.C8": "3"})
    assert names(run(exam).left.motor) == {"C8"}


def test_thoracic_sensory_level_with_normal_legs() -> None:
    # Sensory level T12, every key muscle 5: L1 is presumed impaired, the motor level is T12.
    exam = make_exam(sensory_right="T12", motor_right=None, sensory_left="T12", motor_left=None)
    result = run(exam)
    assert names(result.right.motor) == {"T12"}


def test_l1_then_antigravity_l2_gives_l2() -> None:
    exam = make_exam(level_right="L1", level_left="L1", cells={"right.motor.L2": "3"})
    result = run(exam)
    assert names(result.right.motor) == {"L2"}
    assert names(result.left.motor) == {"L1"}


@pytest.mark.parametrize("level", ["S2", "S3"])
def test_sacral_follows_the_sensory_level(level: str) -> None:
    result = run(make_exam(level_right=level, level_left=level))
    assert names(result.right.motor) == {level}


def test_weak_s1_under_a_sacral_sensory_level() -> None:
    exam = make_exam(level_right="S2", level_left="S2", cells={"right.motor.S1": "4"})
    result = run(exam)
    assert names(result.right.motor) == {"S1"}
    assert names(result.left.motor) == {"S2"}


def test_sides_are_independent() -> None:
    result = run(make_exam(level_right="C5", level_left="C8"))
    assert names(result.right.motor) == {"C5"}
    assert names(result.left.motor) == {"C8"}


def _cervical_pair_level(c6: int, c7: int) -> str:
    """C5 = 5, C8 = 0, sensation intact: the motor level for C6 and C7 grades."""
    if c6 < 3:
        return "C5"
    if c6 < 5 or c7 < 3:
        return "C6"
    return "C7"


@pytest.mark.parametrize(("c6", "c7"), list(itertools.product(GRADES, GRADES)))
def test_every_grade_pair_at_c6_c7(c6: str, c7: str) -> None:
    exam = make_exam(sensory_right=None, motor_right="C5", vac="Yes", dap="Yes")
    set_cells(exam, {"right.motor.C6": c6, "right.motor.C7": c7})
    expected = {_cervical_pair_level(a, b) for a in _concrete(c6) for b in _concrete(c7)}
    assert names(run(exam).right.motor) == expected


def _lumbosacral_pair_level(l5: int, s1: int) -> str:
    """L2-L4 = 5, sensation intact, VAC Yes: the motor level for L5 and S1 grades."""
    if l5 < 3:
        return "L4"
    if l5 < 5 or s1 < 3:
        return "L5"
    if s1 < 5:
        return "S1"
    return "INT"


@pytest.mark.parametrize(("l5", "s1"), list(itertools.product(GRADES, GRADES)))
def test_every_grade_pair_at_l5_s1(l5: str, s1: str) -> None:
    exam = set_cells(normal_exam(), {"left.motor.L5": l5, "left.motor.S1": s1})
    expected = {_lumbosacral_pair_level(a, b) for a in _concrete(l5) for b in _concrete(s1)}
    result = run(exam)
    assert names(result.left.motor) == expected
    assert names(result.right.motor) == {"INT"}
