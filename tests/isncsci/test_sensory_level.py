"""Step 1: sensory levels (International Standards 2019).

The sensory level of a side is the most caudal dermatome intact (2) for both light touch
and pin prick, all rostral dermatomes being intact: the dermatome above the first one with
light touch or pin prick other than 2; C1 when C2 is impaired; INT when all 28 are intact.
"""

from __future__ import annotations

import itertools

import pytest

from regencord.isncsci import DERMATOMES, Level, Side
from tests.isncsci.builders import make_exam, names, normal_exam, run, set_cells, tagged_names

UNTAGGED = ("0", "1", "2", "NT")


def test_all_intact_is_int() -> None:
    result = run(normal_exam())
    assert names(result.right.sensory) == {"INT"}
    assert names(result.left.sensory) == {"INT"}


@pytest.mark.parametrize("dermatome", [d.name for d in DERMATOMES])
@pytest.mark.parametrize("grid", ["lightTouch", "pinPrick"])
def test_level_is_the_dermatome_above_the_first_impaired(dermatome: str, grid: str) -> None:
    exam = set_cells(normal_exam(), {f"right.{grid}.{dermatome}": "1"})
    result = run(exam)
    above = Level(Level.parse(dermatome) - 1)
    assert names(result.right.sensory) == {above.name}
    assert names(result.left.sensory) == {"INT"}


@pytest.mark.parametrize("value", ["0", "1"])
def test_c2_impaired_gives_c1(value: str) -> None:
    exam = set_cells(normal_exam(), {"left.pinPrick.C2": value})
    assert names(run(exam).left.sensory) == {"C1"}


def test_only_the_first_impairment_counts() -> None:
    # C6 impaired, C7 and below intact again: the level is still C5.
    exam = set_cells(normal_exam(), {"right.lightTouch.C6": "1", "right.pinPrick.T4": "0"})
    assert names(run(exam).right.sensory) == {"C5"}


def test_sides_are_independent() -> None:
    result = run(make_exam(level_right="C5", level_left="T10"))
    assert names(result.right.sensory) == {"C5"}
    assert names(result.left.sensory) == {"T10"}


def test_motor_grades_do_not_change_the_sensory_level() -> None:
    exam = make_exam(sensory_right=None, sensory_left=None, motor_right="C5", motor_left="C5")
    result = run(exam)
    assert names(result.right.sensory) == {"INT"}
    assert names(result.left.sensory) == {"INT"}


def test_s4_5_impaired_gives_s3() -> None:
    exam = set_cells(normal_exam(), {"both.lightTouch.S4_5": "1", "both.pinPrick.S4_5": "0"})
    result = run(exam)
    assert names(result.right.sensory) == {"S3"}
    assert names(result.left.sensory) == {"S3"}


def _expected_t6_pair(lt: str, pp: str) -> set[str]:
    """Sensory level when only T6's light touch and pin prick vary: T5 if either may be
    below 2, INT if both may be 2."""
    may_be_normal = {"2", "NT"}
    may_be_impaired = {"0", "1", "NT"}
    out = set()
    if lt in may_be_normal and pp in may_be_normal:
        out.add("INT")
    if lt in may_be_impaired or pp in may_be_impaired:
        out.add("T5")
    return out


@pytest.mark.parametrize(("lt", "pp"), list(itertools.product(UNTAGGED, UNTAGGED)))
@pytest.mark.parametrize("side", ["right", "left"])
def test_every_light_touch_pin_prick_pair_at_one_dermatome(lt: str, pp: str, side: str) -> None:
    exam = set_cells(normal_exam(), {f"{side}.lightTouch.T6": lt, f"{side}.pinPrick.T6": pp})
    result = run(exam)
    other = "left" if side == "right" else "right"
    assert names(result.side(Side(side)).sensory) == _expected_t6_pair(lt, pp)
    assert names(result.side(Side(other)).sensory) == {"INT"}
    assert not result.side(Side(side)).sensory.tagged


def test_nt_opens_every_level_it_could_stop_at() -> None:
    exam = set_cells(normal_exam(), {"right.lightTouch.C6": "NT", "right.pinPrick.C8": "0"})
    assert names(run(exam).right.sensory) == {"C5", "C7"}


def test_nt_at_c2_gives_c1_or_later() -> None:
    exam = make_exam(level_right="T4", level_left="T4", cells={"right.lightTouch.C2": "NT"})
    assert names(run(exam).right.sensory) == {"C1", "T4"}


def test_consecutive_nt_cells_give_every_level_between() -> None:
    exam = make_exam(
        level_right="T8",
        level_left="T8",
        cells={f"right.pinPrick.{d}": "NT" for d in ("T2", "T3", "T4")},
    )
    # T2..T4 pin prick untestable; T9 is impaired whatever they are.
    assert names(run(exam).right.sensory) == {"T1", "T2", "T3", "T8"}


def test_double_star_counts_as_normal_and_marks_the_result() -> None:
    exam = set_cells(normal_exam(), {"right.lightTouch.C6": "1**"})
    result = run(exam)
    assert names(result.right.sensory) == {"INT"}
    assert tagged_names(result.right.sensory) == {"INT"}


def test_single_star_counts_as_not_normal() -> None:
    exam = set_cells(normal_exam(), {"right.lightTouch.C6": "1*"})
    assert names(run(exam).right.sensory) == {"C5"}
