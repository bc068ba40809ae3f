"""Motor and sensory scores (International Standards 2019).

UEMS: C5-T1 key muscles, 25 per side, 50 in all; LEMS: L2-S1, 25 per side, 50 in all;
light touch and pin prick: C2-S4-5, 56 per side, 112 in all. A sum over an NT cell is not
determinable (ND); a tagged score counts as its score.
"""

from __future__ import annotations

from regencord.isncsci import Exam, classify
from tests.isncsci.builders import make_exam, normal_exam, run, set_cells


def test_all_normal() -> None:
    t = run(normal_exam()).totals
    for side in (t.right, t.left):
        assert (side.upper_extremity, side.lower_extremity) == (25, 25)
        assert (side.light_touch, side.pin_prick) == (56, 56)
        assert side.motor == 50
    assert (t.upper_extremity, t.lower_extremity, t.light_touch, t.pin_prick) == (50, 50, 112, 112)


def test_all_absent() -> None:
    t = run(make_exam(level_right="C1", level_left="C1", motor_right="C4", motor_left="C4")).totals
    assert (t.upper_extremity, t.lower_extremity, t.light_touch, t.pin_prick) == (0, 0, 0, 0)


def test_c5_complete_sums() -> None:
    # Right: C5 level (C5 = 5), C6 = 3; left: C6 level (C5, C6 = 5).
    exam = make_exam(level_right="C5", level_left="C6", cells={"right.motor.C6": "3"})
    t = run(exam).totals
    assert t.right.upper_extremity == 8
    assert t.left.upper_extremity == 10
    assert t.upper_extremity == 18
    assert t.lower_extremity == 0
    # Sensation: C2-C5 = 4 dermatomes x 2 on the right, C2-C6 = 5 x 2 on the left.
    assert (t.right.light_touch, t.left.light_touch) == (8, 10)
    assert (t.right.pin_prick, t.left.pin_prick) == (8, 10)
    assert (t.light_touch, t.pin_prick) == (18, 18)


def test_partial_scores() -> None:
    exam = make_exam(level_right="T10", level_left="T10", lt_below="1", motor_below="2")
    t = run(exam).totals
    # C2-T10 is 17 intact dermatomes, T11-S4-5 the 11 below: 17 x 2 + 11 x 1 per side.
    assert t.right.light_touch == 17 * 2 + 11 * 1
    assert t.right.pin_prick == 17 * 2
    assert (t.right.upper_extremity, t.right.lower_extremity) == (25, 10)
    assert (t.upper_extremity, t.lower_extremity) == (50, 20)


def test_nt_makes_its_sums_nd() -> None:
    exam = set_cells(normal_exam(), {"right.motor.C7": "NT", "left.pinPrick.L3": "NT"})
    result = run(exam)
    t = result.totals
    assert t.right.upper_extremity is None
    assert t.right.motor is None
    assert t.upper_extremity is None
    assert t.right.lower_extremity == 25
    assert t.left.upper_extremity == 25
    assert t.lower_extremity == 50
    assert t.left.pin_prick is None
    assert t.pin_prick is None
    assert t.right.pin_prick == 56
    assert t.light_touch == 112
    praxis = result.to_praxis()["totals"]
    assert praxis["upperExtremity"] == "ND"
    assert praxis["right"]["upperExtremity"] == "ND"
    assert praxis["right"]["motor"] == "ND"
    assert praxis["left"]["pinPrick"] == "ND"
    assert praxis["lowerExtremity"] == "50"
    assert praxis["lightTouch"] == "112"


def test_tagged_scores_count_as_recorded() -> None:
    exam = set_cells(normal_exam(), {"right.motor.C6": "3*", "left.motor.L4": "0**"})
    set_cells(exam, {"right.lightTouch.T2": "1*", "left.pinPrick.T3": "0**"})
    t = run(exam).totals
    assert t.right.upper_extremity == 23
    assert t.left.lower_extremity == 20
    assert t.right.light_touch == 55
    assert t.left.pin_prick == 54


def test_tagged_nt_is_nd() -> None:
    exam = set_cells(normal_exam(), {"left.motor.S1": "NT*", "right.lightTouch.C4": "NT**"})
    t = run(exam).totals
    assert t.left.lower_extremity is None
    assert t.right.light_touch is None
    assert t.right.lower_extremity == 25


def test_totals_are_independent_of_classification_inputs() -> None:
    # VAC, DAP and the non-key muscle do not enter the scores.
    a = classify(Exam.from_praxis(make_exam(level_right="C6", level_left="C6"))).totals
    b = classify(
        Exam.from_praxis(
            make_exam(level_right="C6", level_left="C6", vac="Yes", dap="NT", non_key_left="L2")
        )
    ).totals
    assert a == b
