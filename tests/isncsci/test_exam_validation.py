"""Validating Praxis-shaped exams: every problem, with its exact field path and value,
reported at once."""

from __future__ import annotations

from typing import Any

import pytest

from regencord.isncsci import Exam, InvalidExam, Problem
from regencord.isncsci.levels import Level
from tests.isncsci.builders import make_exam, normal_exam, set_cells


def problems(exam: object, index: int | None = None) -> list[Problem]:
    with pytest.raises(InvalidExam) as info:
        Exam.from_praxis(exam, index=index)
    assert info.value.problems, "InvalidExam without problems"
    return info.value.problems


def only_problem(exam: object) -> Problem:
    found = problems(exam)
    assert len(found) == 1, found
    return found[0]


def test_a_valid_exam_is_accepted() -> None:
    exam = Exam.from_praxis(make_exam(level_right="C5", level_left="C6", non_key_left="T2"))
    assert exam.left.lowest_non_key_muscle is not None
    assert exam.left.lowest_non_key_muscle.name == "T2"


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("right.motor.C5", "6"),
        ("left.motor.S1", "5*"),
        ("right.motor.L2", "5**"),
        ("right.motor.T1", "-1"),
        ("left.motor.C7", "abc"),
        ("right.lightTouch.C2", "3"),
        ("left.lightTouch.S4_5", "2*"),
        ("right.pinPrick.T7", "2**"),
        ("left.pinPrick.L1", "5"),
        ("right.pinPrick.T12", ""),
    ],
)
def test_bad_cell_value(path: str, value: str) -> None:
    exam = set_cells(normal_exam(), {path: value})
    p = only_problem(exam)
    assert p.field == path
    assert repr(value) in p.message


@pytest.mark.parametrize("value", [None, 3.5, True, [], {"score": 3}])
def test_cell_of_wrong_type(value: object) -> None:
    exam = normal_exam()
    exam["left"]["motor"]["L4"] = value
    p = only_problem(exam)
    assert p.field == "left.motor.L4"
    assert repr(value) in p.message


@pytest.mark.parametrize(
    "path",
    ["right.motor.C5", "left.motor.S1", "right.lightTouch.S4_5", "left.pinPrick.C2"],
)
def test_missing_cell(path: str) -> None:
    exam = normal_exam()
    side, grid, level = path.split(".")
    del exam[side][grid][level]
    p = only_problem(exam)
    assert p.field == path
    assert "missing" in p.message


@pytest.mark.parametrize(
    ("key", "field"),
    [
        (("right", "motor", "C4"), "right.motor.C4"),
        (("left", "lightTouch", "C1"), "left.lightTouch.C1"),
        (("right", "pinPrick", "S4"), "right.pinPrick.S4"),
        (("left", "reflexes"), "left.reflexes"),
        (("notes",), "notes"),
    ],
)
def test_unknown_key(key: tuple[str, ...], field: str) -> None:
    exam: dict[str, Any] = normal_exam()
    target = exam
    for part in key[:-1]:
        target = target[part]
    target[key[-1]] = "5"
    p = only_problem(exam)
    assert p.field == field
    assert "unknown" in p.message


@pytest.mark.parametrize(
    ("path", "value", "what"),
    [
        (("right",), [], "list"),
        (("left",), "normal", "str"),
        (("right", "motor"), ["5"] * 10, "list"),
        (("left", "pinPrick"), 2, "int"),
    ],
)
def test_part_of_wrong_type(path: tuple[str, ...], value: object, what: str) -> None:
    exam: dict[str, Any] = normal_exam()
    target = exam
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    p = only_problem(exam)
    assert p.field == ".".join(path)
    assert what in p.message


@pytest.mark.parametrize("exam", [[], "exam", 3, None])
def test_exam_of_wrong_type(exam: object) -> None:
    p = only_problem(exam)
    assert p.field == "(exam)"
    assert type(exam).__name__ in p.message


@pytest.mark.parametrize("part", ["right", "left", "voluntaryAnalContraction", "deepAnalPressure"])
def test_missing_part(part: str) -> None:
    exam = normal_exam()
    del exam[part]
    p = only_problem(exam)
    assert p.field == part
    assert "missing" in p.message


@pytest.mark.parametrize("grid", ["motor", "lightTouch", "pinPrick"])
def test_missing_grid(grid: str) -> None:
    exam = normal_exam()
    del exam["left"][grid]
    p = only_problem(exam)
    assert p.field == f"left.{grid}"
    assert "missing" in p.message


@pytest.mark.parametrize("value", ["T13", "C4", "S2", "C1", "S4_5", "X", 7, True])
def test_bad_non_key_muscle(value: object) -> None:
    exam = normal_exam()
    exam["right"]["lowestNonKeyMuscleWithMotorFunction"] = value
    p = only_problem(exam)
    assert p.field == "right.lowestNonKeyMuscleWithMotorFunction"
    assert repr(value) in p.message


@pytest.mark.parametrize(
    ("value", "level"),
    [
        ("C5", Level.C5),
        ("T7", Level.T7),
        ("L1", Level.L1),
        ("S1", Level.S1),
        ("s1", Level.S1),
        ("", None),
    ],
)
def test_good_non_key_muscle(value: str, level: Level | None) -> None:
    exam = normal_exam()
    exam["left"]["lowestNonKeyMuscleWithMotorFunction"] = value
    parsed = Exam.from_praxis(exam)
    assert parsed.left.lowest_non_key_muscle is level
    assert parsed.right.lowest_non_key_muscle is None


@pytest.mark.parametrize("key", ["voluntaryAnalContraction", "deepAnalPressure"])
@pytest.mark.parametrize("value", ["Maybe", "", "Y", True, 1, None])
def test_bad_anal_function(key: str, value: object) -> None:
    exam = normal_exam()
    exam[key] = value
    p = only_problem(exam)
    assert p.field == key
    assert repr(value) in p.message


def test_bad_id() -> None:
    exam: dict[str, Any] = normal_exam()
    exam["id"] = ["P01"]
    p = only_problem(exam)
    assert p.field == "id"


def test_every_problem_is_reported_at_once() -> None:
    exam: dict[str, Any] = normal_exam()
    exam["id"] = "P07-W12"
    set_cells(exam, {"right.motor.C5": "6", "left.lightTouch.T4": "2*", "left.motor.S1": "5*"})
    del exam["right"]["pinPrick"]["L3"]
    exam["left"]["motor"]["C4"] = "5"
    exam["right"]["lowestNonKeyMuscleWithMotorFunction"] = "T13"
    exam["left"]["lowestNonKeyMuscleWithMotorFunction"] = "C4"
    exam["voluntaryAnalContraction"] = "Maybe"
    exam["extra"] = 1
    found = problems(exam, index=3)
    fields = sorted(p.field for p in found)
    assert fields == sorted(
        [
            "right.motor.C5",
            "left.lightTouch.T4",
            "left.motor.S1",
            "right.pinPrick.L3",
            "left.motor.C4",
            "right.lowestNonKeyMuscleWithMotorFunction",
            "left.lowestNonKeyMuscleWithMotorFunction",
            "voluntaryAnalContraction",
            "extra",
        ]
    )
    assert all(p.exam == "exam 3 (id P07-W12)" for p in found)
    by_field = {p.field: p for p in found}
    assert "'6'" in by_field["right.motor.C5"].message
    assert "'2*'" in by_field["left.lightTouch.T4"].message
    assert "'T13'" in by_field["right.lowestNonKeyMuscleWithMotorFunction"].message
    assert "'Maybe'" in by_field["voluntaryAnalContraction"].message
    # The error's text lists them all, one per line.
    with pytest.raises(InvalidExam) as info:
        Exam.from_praxis(exam, index=3)
    assert len(str(info.value).splitlines()) == len(found)


def test_problems_of_both_sides_and_grids_together() -> None:
    exam = normal_exam()
    for side in ("right", "left"):
        for grid in ("motor", "lightTouch", "pinPrick"):
            level = "C5" if grid == "motor" else "C2"
            exam[side][grid][level] = "9"
    assert len(problems(exam)) == 6


def test_problem_labels() -> None:
    exam = set_cells(normal_exam(), {"right.motor.C5": "6"})
    assert problems(exam)[0].exam == "exam"
    assert problems(exam, index=2)[0].exam == "exam 2"
    exam["id"] = 17
    p = problems(exam, index=2)[0]
    assert p.exam == "exam 2 (id 17)"
    assert str(p) == f"exam 2 (id 17): right.motor.C5: {p.message}"
