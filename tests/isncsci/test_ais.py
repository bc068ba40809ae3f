"""Step 5: ASIA Impairment Scale (International Standards 2019).

A: complete. B: sensory incomplete, no VAC and no motor function more than three levels
below the motor level on either side (key or non-key muscle functions, each side judged
against its own motor level). C: motor incomplete (VAC, or sensory incomplete with motor
function more than three levels below a side's motor level) with less than half of the key
muscle functions below the single NLI graded 3 or more. D: half or more (exactly half
counts). E: every sensory and motor level intact.
"""

from __future__ import annotations

import pytest

from regencord.isncsci import MYOTOMES, Completeness
from tests.isncsci.builders import make_exam, names, normal_exam, run, set_cells


def _ais(exam: dict[str, object]) -> set[str]:
    return names(run(exam).ais)


def test_all_normal_is_e() -> None:
    assert _ais(normal_exam()) == {"E"}


@pytest.mark.parametrize("level", ["C4", "C5", "T1", "T6", "L1", "S1"])
def test_complete_is_a(level: str) -> None:
    exam = make_exam(level_right=level, level_left=level)
    result = run(exam)
    assert result.completeness.value is Completeness.COMPLETE
    assert names(result.ais) == {"A"}


def test_complete_with_zones_of_partial_preservation_is_a() -> None:
    exam = make_exam(level_right="C5", level_left="C5", lt_below="1", motor_below="1")
    set_cells(exam, {"both.lightTouch.S4_5": "0"})
    assert _ais(exam) == {"A"}


def test_dap_only_is_b() -> None:
    assert _ais(make_exam(level_right="C5", level_left="C5", dap="Yes")) == {"B"}


def test_s45_sensation_only_is_b() -> None:
    exam = make_exam(level_right="T4", level_left="T4", cells={"left.pinPrick.S4_5": "1"})
    assert _ais(exam) == {"B"}


def test_motor_function_three_levels_below_is_still_b() -> None:
    # Motor level C5; C6-C8 (at most three levels below) have some function.
    exam = make_exam(level_right="C5", level_left="C5", dap="Yes")
    set_cells(exam, {"right.motor.C6": "2", "right.motor.C7": "1", "right.motor.C8": "1"})
    assert names(run(exam).right.motor) == {"C5"}
    assert _ais(exam) == {"B"}


@pytest.mark.parametrize("side", ["right", "left"])
def test_motor_function_four_levels_below_is_c(side: str) -> None:
    # Motor level C5; T1 is four levels below.
    exam = make_exam(level_right="C5", level_left="C5", dap="Yes")
    set_cells(exam, {f"{side}.motor.T1": "1"})
    assert _ais(exam) == {"C"}


@pytest.mark.parametrize(("muscle", "expected"), [("L3", {"B"}), ("L4", {"C"})])
def test_three_levels_counted_through_the_thoracic_segments(
    muscle: str, expected: set[str]
) -> None:
    # Motor level T12: L3 is three levels below, L4 four.
    exam = make_exam(level_right="T12", level_left="T12", dap="Yes")
    set_cells(exam, {f"right.motor.{muscle}": "1"})
    assert _ais(exam) == expected


def test_each_side_is_judged_against_its_own_motor_level() -> None:
    # Right motor level C5, left C8. Left T1 has function: one level below the left
    # motor level (though four below the right one): B.
    exam = make_exam(level_right="C5", level_left="C8", dap="Yes")
    set_cells(exam, {"left.motor.T1": "2"})
    assert _ais(exam) == {"B"}


@pytest.mark.parametrize(("non_key", "expected"), [("C8", {"B"}), ("T1", {"C"}), ("L2", {"C"})])
def test_non_key_muscle_counts_for_b_versus_c(non_key: str, expected: set[str]) -> None:
    exam = make_exam(level_right="C5", level_left="C5", dap="Yes", non_key_left=non_key)
    assert _ais(exam) == expected


@pytest.mark.parametrize("non_key", ["T2", "T6", "L1"])
def test_non_key_muscle_at_a_segment_without_muscle_functions_is_not_used(non_key: str) -> None:
    # The worksheet lists no non-key muscle function for T2-L1 (adjudication A5).
    exam = make_exam(level_right="C5", level_left="C5", dap="Yes", non_key_left=non_key)
    result = run(exam)
    assert names(result.ais) == {"B"}
    assert names(result.left.motor_zpp) == {"C5"}


def test_non_key_muscle_does_not_matter_with_a_complete_injury() -> None:
    exam = make_exam(level_right="C5", level_left="C5", non_key_right="L2")
    assert _ais(exam) == {"A"}


def test_vac_makes_it_motor_incomplete() -> None:
    # VAC present, nothing below C5 at grade 3 or more: C.
    assert _ais(make_exam(level_right="C5", level_left="C5", vac="Yes")) == {"C"}


def _c5_motor_incomplete(antigravity: int) -> dict[str, object]:
    """NLI C5 (C5 = 4 on both sides, C6 = 2, sensation 1 below C5), VAC present, and
    ``antigravity`` of the 16 key muscles C7-S1 of both sides graded 3 (the others 1).
    Of the 18 key muscles below the NLI, half is 9."""
    exam = make_exam(level_right="C5", level_left="C5", lt_below="1", pp_below="1", vac="Yes")
    set_cells(exam, {"both.motor.C5": "4", "both.motor.C6": "2"})
    slots = [f"{side}.motor.{m.name}" for side in ("right", "left") for m in MYOTOMES[2:]]
    assert len(slots) == 16
    set_cells(exam, {path: "3" if i < antigravity else "1" for i, path in enumerate(slots)})
    return exam


@pytest.mark.parametrize(("antigravity", "expected"), [(0, "C"), (8, "C"), (9, "D"), (16, "D")])
def test_half_of_key_muscles_below_the_nli_separates_c_from_d(
    antigravity: int, expected: str
) -> None:
    exam = _c5_motor_incomplete(antigravity)
    result = run(exam)
    assert names(result.neurological_level) == {"C5"}
    assert names(result.ais) == {expected}


def test_d_counts_below_the_single_nli_not_each_motor_level() -> None:
    # NLI C5 (right); left motor level C8, so left C6-C8 (5) count below the NLI.
    exam = make_exam(level_right="C5", level_left="C8", vac="Yes", dap="Yes")
    result = run(exam)
    assert names(result.neurological_level) == {"C5"}
    assert names(result.ais) == {"C"}  # 3 of 18
    set_cells(exam, {f"left.motor.{m}": "3" for m in ("L2", "L3", "L4", "L5", "S1")})
    assert _ais(exam) == {"C"}  # 8 of 18
    set_cells(exam, {"right.motor.L2": "3"})
    assert _ais(exam) == {"D"}  # 9 of 18


def test_motor_incomplete_through_function_below_then_c_or_d() -> None:
    # No VAC, DAP present, motor function far below the motor level: C or D by count.
    exam = make_exam(level_right="T6", level_left="T6", dap="Yes", motor_below="1")
    assert _ais(exam) == {"C"}
    set_cells(exam, {f"right.motor.{m}": "4" for m in ("L2", "L3", "L4", "L5", "S1")})
    assert _ais(exam) == {"D"}  # 5 of the 10 key muscles below T6


def test_normal_exam_without_vac_is_not_e() -> None:
    # Motor levels S3 (no VAC): sensory incomplete, no motor function below S3: B.
    exam = normal_exam()
    exam["voluntaryAnalContraction"] = "No"
    result = run(exam)
    assert names(result.right.motor) == {"S3"}
    assert names(result.ais) == {"B"}


def test_nt_vac_with_no_other_sparing_is_a_or_c() -> None:
    # VAC NT, DAP No, no S4-5 sensation: VAC No -> complete (A); VAC Yes -> motor
    # incomplete with no antigravity muscle below C5 (C). B is not possible.
    exam = make_exam(level_right="C5", level_left="C5", vac="NT")
    assert _ais(exam) == {"A", "C"}


def test_nt_dap_only_is_a_or_b() -> None:
    assert _ais(make_exam(level_right="C5", level_left="C5", dap="NT")) == {"A", "B"}


def test_nt_key_muscle_below_the_nli_opens_c_and_d() -> None:
    exam = _c5_motor_incomplete(8)
    set_cells(exam, {"left.motor.S1": "NT"})  # the 16th slot: graded 1 before
    assert _ais(exam) == {"C", "D"}
