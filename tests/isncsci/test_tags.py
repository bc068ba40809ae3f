"""Non-SCI tags on results (docs/adjudications.md T1-T7, A7, A11): a value reached both with
and without a tagged cell is untagged; a value that needs the tag is tagged. Each example is
checked on the scalar engine and, for parity, on the batch engine."""

from __future__ import annotations

from typing import Any

from tests.isncsci.batch.test_parity import check_batch
from tests.isncsci.builders import make_exam, names, run, set_cells, tagged_names


def _both_engines(exam: dict[str, Any]) -> Any:
    check_batch([exam])
    return run(exam)


def test_grade_that_holds_whether_or_not_a_tagged_muscle_counts_is_untagged() -> None:
    # Issue 9: NLI L1, DAP Yes, VAC No; key muscles below L1 at grade >= 3: right L4, left
    # L4, and left S1 1** (counts only if the tag is accepted). 2 or 3 of 10: C either way.
    exam = make_exam(
        level_right="L1",
        level_left="L1",
        dap="Yes",
        cells={"right.motor.L4": "3", "left.motor.L4": "3", "left.motor.S1": "1**"},
    )
    result = _both_engines(exam)
    assert names(result.neurological_level) == {"L1"}
    assert names(result.ais) == {"C"}
    assert tagged_names(result.ais) == set()
    why = [line for line in result.explain() if line.startswith("AIS = C")]
    assert why and "whether or not the non-SCI tag of left S1 1** is accepted" in why[0]


def test_grade_that_needs_a_tagged_muscle_is_tagged() -> None:
    # Four at grade >= 3 plus left S1 1**: 5 of 10 (D) only if the tag is accepted.
    cells = {f"right.motor.{m}": "3" for m in ("L2", "L3", "L4", "L5")}
    exam = make_exam(
        level_right="L1", level_left="L1", dap="Yes", cells={**cells, "left.motor.S1": "1**"}
    )
    result = _both_engines(exam)
    assert names(result.ais) == {"D"}
    assert tagged_names(result.ais) == {"D"}
    assert any("rests on the non-SCI tag of left S1 1**" in x for x in result.explain())


def test_sacral_0_star_does_not_tag_the_sensory_zpp_search() -> None:
    # Whether the sensory ZPP applies is never tagged (A7): S4-5 0* gives NA or the search's
    # own result, C5 untagged (before: C5*). The completeness keeps the tags (T4).
    exam = make_exam(level_right="C5", level_left="C5", cells={"left.lightTouch.S4_5": "0*"})
    result = _both_engines(exam)
    assert names(result.left.sensory_zpp) == {"NA", "C5"}
    assert tagged_names(result.left.sensory_zpp) == set()
    assert tagged_names(result.completeness) == {"C", "I"}


def test_sensory_zpp_at_a_0_double_star_dermatome_is_tagged() -> None:
    # A 0** counts as sensation present only through its tag (T4; case 100: I*), so a ZPP
    # found there rests on it (adjudication T8: the reference leaves it untagged).
    exam = make_exam(level_right="C5", level_left="C5", cells={"left.lightTouch.T8": "0**"})
    result = _both_engines(exam)
    assert names(result.left.sensory_zpp) == {"T8"}
    assert tagged_names(result.left.sensory_zpp) == {"T8"}


def _issue_example_2(vac: str) -> dict[str, Any]:
    # Right sensory levels T4/T12/S2/INT (plain NT at T5, L1, S3); left T2 (NT at T3) or
    # S2*, past T9 only through light touch NT** there; every key muscle 5, DAP Yes.
    exam = make_exam(vac=vac, dap="Yes")
    cells = {
        "right.lightTouch.T5": "NT",
        "right.lightTouch.L1": "NT",
        "right.lightTouch.S3": "NT",
        "left.lightTouch.T3": "NT",
        "left.lightTouch.T9": "NT**",
        "left.lightTouch.S3": "0",
    }
    for path, value in cells.items():
        side, grid, level = path.split(".")
        exam[side][grid][level] = value
    return exam


def test_nli_that_needs_the_other_side_past_a_tag_is_tagged() -> None:
    # NLI T12 needs the left side past T9 (NT**); T4 does not (A4).
    result = _both_engines(_issue_example_2("No"))
    assert names(result.left.sensory) == {"T2", "S2"}
    assert names(result.neurological_level) == {"T2", "T4", "T12", "S2"}
    assert tagged_names(result.neurological_level) == {"T12", "S2"}


def test_grade_that_holds_at_an_untagged_nli_is_untagged() -> None:
    # VAC Yes: D at every NLI, among them untagged ones, so D holds whether or not the
    # tagged NLIs' tags are accepted (A11, T1).
    result = _both_engines(_issue_example_2("Yes"))
    assert names(result.ais) == {"D"}
    assert tagged_names(result.ais) == set()


def test_motor_zpp_at_a_motor_level_reached_through_its_own_tagged_muscle() -> None:
    # Right C5 2**: motor level C5 only through the tag (C5*), nothing below C5. Without the
    # tag the motor level is C4 and the ZPP still ends at C5 (grade 2): C5 untagged (A6).
    exam = make_exam(level_right="C4", level_left="C4", cells={"right.motor.C5": "2**"})
    result = _both_engines(exam)
    assert names(result.right.motor) == {"C5"}
    assert tagged_names(result.right.motor) == {"C5"}
    assert names(result.right.motor_zpp) == {"C5"}
    assert tagged_names(result.right.motor_zpp) == set()


def test_grade_that_holds_with_every_tag_rejected_is_untagged() -> None:
    # VAC Yes; the NLI is C4* only through right C4 pin prick 0** (C3 without the tag), and
    # no key muscle works: C at C4* and at C3, so C holds whether or not the tag is accepted
    # (T1, A11; the reference: C). Before: C*.
    exam = make_exam(level_right="C4", level_left="C4", vac="Yes", dap="Yes")
    exam = set_cells(exam, {"right.pinPrick.C4": "0**"})
    result = _both_engines(exam)
    assert names(result.neurological_level) == {"C4"}
    assert tagged_names(result.neurological_level) == {"C4"}
    assert names(result.ais) == {"C"}
    assert tagged_names(result.ais) == set()
    assert any("tags the NLI rests on are accepted" in x for x in result.explain())


def test_grade_counting_a_star_muscle_as_antigravity_is_untagged() -> None:
    # T7, T12: NLI L1, DAP Yes, VAC No, right S1 1 (motor incomplete); at grade >= 3 below
    # L1: right L3, L4, L5 and left L3, and left L2 2*. D (5 of 10) counts the strength the
    # tag says the SCI may have spared: untagged; C takes the recorded 2: tagged. The
    # reference: C*,D*.
    cells = {f"right.motor.{m}": "3" for m in ("L3", "L4", "L5")}
    cells |= {"right.motor.S1": "1", "left.motor.L3": "3", "left.motor.L2": "2*"}
    exam = make_exam(level_right="L1", level_left="L1", dap="Yes", cells=cells)
    result = _both_engines(exam)
    assert names(result.neurological_level) == {"L1"}
    assert names(result.ais) == {"C", "D"}
    assert tagged_names(result.ais) == {"C"}


def test_motor_zpp_follows_both_readings_of_a_tagged_sacral_sensation() -> None:
    # A16: left S4-5 light touch 0* makes the injury complete or incomplete (T4); the
    # non-key muscle L3 is the ZPP only when incomplete (A5), C5 when complete.
    exam = make_exam(
        level_right="C5", level_left="C5", non_key_left="L3", cells={"left.lightTouch.S4_5": "0*"}
    )
    result = _both_engines(exam)
    assert tagged_names(result.completeness) == {"C", "I"}
    assert names(result.left.motor_zpp) == {"C5", "L3"}
    assert names(result.right.motor_zpp) == {"C5"}


def test_incompleteness_on_0_double_star_beside_0_star_is_tagged() -> None:
    # T13: S4-5 sensation present only through right light touch 0** (and left 0*).
    cells = {"right.lightTouch.S4_5": "0**", "left.pinPrick.S4_5": "0*"}
    result = _both_engines(make_exam(level_right="C5", level_left="C5", cells=cells))
    assert names(result.completeness) == {"I"}
    assert tagged_names(result.completeness) == {"I"}


def test_sensory_zpp_c1_past_a_0_star_is_tagged() -> None:
    # T14: the search passes right T5 0* only by taking the recorded 0 (T4, case 88).
    exam = make_exam(level_right="C1", level_left="C1", cells={"right.lightTouch.T5": "0*"})
    result = _both_engines(exam)
    assert names(result.right.sensory_zpp) == {"C1", "T5"}
    assert tagged_names(result.right.sensory_zpp) == {"C1", "T5"}


def test_motor_zpp_at_the_non_key_muscle_is_untagged_beside_a_tagged_key_muscle() -> None:
    # A17: right L5 0*, right lowest non-key muscle L5 (counted: incomplete, > 3 below T1).
    exam = make_exam(
        level_right="T1",
        level_left="T1",
        dap="Yes",
        non_key_right="L5",
        cells={"right.motor.L5": "0*"},
    )
    result = _both_engines(exam)
    assert names(result.right.motor_zpp) == {"L5"}
    assert tagged_names(result.right.motor_zpp) == set()
    assert names(result.ais) == {"C"}
