"""Step 6: zones of partial preservation (International Standards 2019).

The ZPP of a side is the most caudal segment with some function (sensory: light touch or
pin prick above 0; motor: a key muscle above 0) below that side's level; with none, the
level itself. The sensory ZPP is NA on a side when DAP is present or that side has S4-5
sensation; the motor ZPP is NA when VAC is present. Since 2019 they are recorded in
incomplete injuries too, whenever the sacral function they stand for is absent.
"""

from __future__ import annotations

import pytest

from tests.isncsci.builders import make_exam, names, run, set_cells


def test_complete_with_nothing_below_the_level() -> None:
    result = run(make_exam(level_right="C5", level_left="C7"))
    assert names(result.right.sensory_zpp) == {"C5"}
    assert names(result.left.sensory_zpp) == {"C7"}
    assert names(result.right.motor_zpp) == {"C5"}
    assert names(result.left.motor_zpp) == {"C7"}


def test_sensory_zpp_is_the_most_caudal_dermatome_with_sensation() -> None:
    exam = make_exam(level_right="C5", level_left="C5")
    set_cells(exam, {"right.lightTouch.C6": "1", "right.lightTouch.C7": "1"})
    set_cells(exam, {"left.pinPrick.C6": "2"})
    result = run(exam)
    assert names(result.right.sensory_zpp) == {"C7"}
    assert names(result.left.sensory_zpp) == {"C6"}


def test_sensory_zpp_need_not_be_continuous() -> None:
    exam = make_exam(level_right="C5", level_left="C5")
    set_cells(exam, {"right.lightTouch.C6": "1", "right.pinPrick.T4": "1"})
    assert names(run(exam).right.sensory_zpp) == {"T4"}


def test_motor_zpp_is_the_most_caudal_key_muscle_with_function() -> None:
    exam = make_exam(level_right="C5", level_left="C5")
    set_cells(exam, {"right.motor.C6": "2", "right.motor.C7": "1", "left.motor.L3": "1"})
    result = run(exam)
    assert names(result.right.motor_zpp) == {"C7"}
    assert names(result.left.motor_zpp) == {"L3"}


@pytest.mark.parametrize(("muscle", "expected"), [(None, "T6"), ("L2", "L2"), ("S1", "S1")])
def test_motor_zpp_below_a_thoracic_motor_level(muscle: str | None, expected: str) -> None:
    exam = make_exam(level_right="T6", level_left="T6")
    if muscle is not None:
        set_cells(exam, {f"right.motor.{muscle}": "1"})
    assert names(run(exam).right.motor_zpp) == {expected}


def test_dap_makes_both_sensory_zpps_na() -> None:
    result = run(make_exam(level_right="C5", level_left="C5", dap="Yes"))
    assert names(result.right.sensory_zpp) == {"NA"}
    assert names(result.left.sensory_zpp) == {"NA"}
    # no VAC: the motor ZPP is recorded (incomplete injury, 2019)
    assert names(result.right.motor_zpp) == {"C5"}


@pytest.mark.parametrize("grid", ["lightTouch", "pinPrick"])
def test_s45_sensation_makes_that_sides_sensory_zpp_na(grid: str) -> None:
    exam = make_exam(level_right="C5", level_left="C5", cells={f"right.{grid}.S4_5": "1"})
    set_cells(exam, {"left.lightTouch.C6": "1"})
    result = run(exam)
    assert names(result.right.sensory_zpp) == {"NA"}
    assert names(result.left.sensory_zpp) == {"C6"}


def test_vac_makes_both_motor_zpps_na() -> None:
    exam = make_exam(level_right="C5", level_left="C5", vac="Yes", motor_below="1")
    result = run(exam)
    assert names(result.right.motor_zpp) == {"NA"}
    assert names(result.left.motor_zpp) == {"NA"}
    # no DAP and no S4-5 sensation: the sensory ZPP is recorded
    assert names(result.right.sensory_zpp) == {"C5"}


def test_non_key_muscle_does_not_extend_the_motor_zpp() -> None:
    # The lowest non-key muscle only decides AIS B versus C.
    exam = make_exam(level_right="C5", level_left="C5", dap="Yes", non_key_right="C8")
    assert names(run(exam).right.motor_zpp) == {"C5"}


def test_sensory_zpp_when_c2_is_impaired() -> None:
    assert names(run(make_exam(level_right="C1", level_left="C1")).right.sensory_zpp) == {"C1"}


def test_nt_vac_gives_na_or_the_zpp() -> None:
    exam = make_exam(level_right="C5", level_left="C5", vac="NT")
    set_cells(exam, {"right.motor.C6": "1"})
    result = run(exam)
    assert names(result.right.motor_zpp) == {"NA", "C6"}
    assert names(result.left.motor_zpp) == {"NA", "C5"}


def test_nt_dap_gives_na_or_the_zpp() -> None:
    result = run(make_exam(level_right="C5", level_left="C5", dap="NT"))
    assert names(result.right.sensory_zpp) == {"NA", "C5"}


def test_nt_dermatome_below_the_level() -> None:
    exam = make_exam(level_right="C5", level_left="C5", cells={"right.pinPrick.T2": "NT"})
    set_cells(exam, {"right.lightTouch.C7": "1"})
    assert names(run(exam).right.sensory_zpp) == {"C7", "T2"}


def test_nt_key_muscle_below_the_level() -> None:
    exam = make_exam(level_right="C5", level_left="C5", cells={"left.motor.L4": "NT"})
    assert names(run(exam).left.motor_zpp) == {"C5", "L4"}
