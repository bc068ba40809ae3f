"""Step 4: complete or incomplete (International Standards 2019).

Incomplete when there is sacral sparing: voluntary anal contraction (VAC), deep anal
pressure (DAP), or any light touch or pin prick at S4-5 on either side; complete otherwise.
"""

from __future__ import annotations

import itertools

import pytest

from regencord.isncsci import Completeness
from tests.isncsci.builders import make_exam, names, run, set_cells

ANAL = ("Yes", "No", "NT")
SENSORY = ("0", "1", "2", "NT")


def _anal_expected(vac: str, dap: str) -> set[str]:
    if "Yes" in (vac, dap):
        return {"I"}
    if "NT" in (vac, dap):
        return {"C", "I"}
    return {"C"}


@pytest.mark.parametrize(("vac", "dap"), list(itertools.product(ANAL, ANAL)))
def test_every_vac_dap_combination(vac: str, dap: str) -> None:
    # C5 complete pattern: no S4-5 sensation on either side.
    exam = make_exam(level_right="C5", level_left="C5", vac=vac, dap=dap)
    assert names(run(exam).completeness) == _anal_expected(vac, dap)


def _s45_expected(lt: str, pp: str) -> set[str]:
    present = {"1", "2"}
    out = set()
    if lt in present or pp in present or "NT" in (lt, pp):
        out.add("I")
    if lt in ("0", "NT") and pp in ("0", "NT"):
        out.add("C")
    return out


@pytest.mark.parametrize(("lt", "pp"), list(itertools.product(SENSORY, SENSORY)))
@pytest.mark.parametrize("side", ["right", "left"])
def test_every_s45_light_touch_pin_prick_pair(lt: str, pp: str, side: str) -> None:
    exam = make_exam(level_right="T6", level_left="T6")
    set_cells(exam, {f"{side}.lightTouch.S4_5": lt, f"{side}.pinPrick.S4_5": pp})
    assert names(run(exam).completeness) == _s45_expected(lt, pp)


def test_complete_without_any_sacral_sparing() -> None:
    result = run(make_exam(level_right="C4", level_left="C6"))
    assert result.completeness.value is Completeness.COMPLETE


def test_sensation_elsewhere_below_the_level_does_not_make_it_incomplete() -> None:
    # Partial preservation down to L2, nothing at S4-5: still complete.
    exam = make_exam(level_right="T6", level_left="T6", lt_below="1", pp_below="1")
    set_cells(exam, {"both.lightTouch.S4_5": "0", "both.pinPrick.S4_5": "0"})
    assert result_value(exam) is Completeness.COMPLETE


def test_motor_function_below_the_level_does_not_make_it_incomplete() -> None:
    exam = make_exam(level_right="T6", level_left="T6", motor_below="2")
    assert result_value(exam) is Completeness.COMPLETE


@pytest.mark.parametrize(
    "cells",
    [
        {"left.pinPrick.S4_5": "1"},
        {"right.lightTouch.S4_5": "2"},
        {"right.pinPrick.S4_5": "2", "left.lightTouch.S4_5": "1"},
    ],
)
def test_any_s45_sensation_makes_it_incomplete(cells: dict[str, str]) -> None:
    exam = make_exam(level_right="C5", level_left="C5", cells=cells)
    assert result_value(exam) is Completeness.INCOMPLETE


def test_nt_vac_with_s45_sensation_is_incomplete() -> None:
    exam = make_exam(level_right="C5", level_left="C5", vac="NT", dap="NT")
    set_cells(exam, {"right.lightTouch.S4_5": "1"})
    assert result_value(exam) is Completeness.INCOMPLETE


def result_value(exam: dict[str, object]) -> Completeness:
    return run(exam).completeness.value
