"""Worksheet cell values: scores, NT, and the non-SCI tags ``*`` and ``**``."""

from __future__ import annotations

import pytest

from regencord.isncsci import AnalFunction, Cell, Level, Tag
from regencord.isncsci.cells import CellKind, parse_cell

MOTOR_VALID = [
    *[str(g) for g in range(6)],
    "NT",
    *[f"{g}{t}" for g in range(5) for t in ("*", "**")],
    "NT*",
    "NT**",
]
SENSORY_VALID = [
    "0",
    "1",
    "2",
    "NT",
    *[f"{g}{t}" for g in range(2) for t in ("*", "**")],
    "NT*",
    "NT**",
]


@pytest.mark.parametrize("raw", MOTOR_VALID)
def test_valid_motor_values_round_trip(raw: str) -> None:
    cell = parse_cell(raw, CellKind.MOTOR)
    assert cell is not None
    assert str(cell) == raw


@pytest.mark.parametrize("raw", SENSORY_VALID)
def test_valid_sensory_values_round_trip(raw: str) -> None:
    cell = parse_cell(raw, CellKind.SENSORY)
    assert cell is not None
    assert str(cell) == raw


@pytest.mark.parametrize(
    ("raw", "score", "tag"),
    [
        ("0", 0, Tag.NONE),
        ("4", 4, Tag.NONE),
        ("NT", None, Tag.NONE),
        ("3*", 3, Tag.NOT_NORMAL),
        ("0**", 0, Tag.NORMAL),
        ("NT*", None, Tag.NOT_NORMAL),
        ("NT**", None, Tag.NORMAL),
    ],
)
def test_parsed_parts(raw: str, score: int | None, tag: Tag) -> None:
    assert parse_cell(raw, CellKind.MOTOR) == Cell(score, tag)


@pytest.mark.parametrize(
    "raw",
    ["6", "-1", "5*", "5**", "10", "", "*", "**", "NT***", "3***", "N", "3 *", "x", "3.0"],
)
def test_invalid_motor_values(raw: str) -> None:
    assert parse_cell(raw, CellKind.MOTOR) is None


@pytest.mark.parametrize("raw", ["3", "4", "5", "2*", "2**", "6", "", "1***"])
def test_invalid_sensory_values(raw: str) -> None:
    assert parse_cell(raw, CellKind.SENSORY) is None


@pytest.mark.parametrize("raw", [None, True, False, 3.0, 2.5, [], {}, b"3"])
def test_non_string_values_are_invalid(raw: object) -> None:
    assert parse_cell(raw, CellKind.MOTOR) is None


def test_integers_are_accepted() -> None:
    assert parse_cell(3, CellKind.MOTOR) == Cell(3)
    assert parse_cell(2, CellKind.SENSORY) == Cell(2)
    assert parse_cell(3, CellKind.SENSORY) is None


def test_case_and_surrounding_space_are_ignored() -> None:
    assert parse_cell("nt", CellKind.MOTOR) == Cell(None)
    assert parse_cell(" 4 ", CellKind.MOTOR) == Cell(4)
    assert parse_cell("nt*", CellKind.SENSORY) == Cell(None, Tag.NOT_NORMAL)


def test_cell_properties() -> None:
    assert Cell(None).is_nt
    assert not Cell(0).is_nt
    assert Cell(2, Tag.NORMAL).tag.value == "**"
    assert CellKind.MOTOR.normal == 5
    assert CellKind.SENSORY.normal == 2


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Yes", AnalFunction.YES),
        ("yes", AnalFunction.YES),
        (" NO ", AnalFunction.NO),
        ("NT", AnalFunction.NT),
        ("nt", AnalFunction.NT),
        ("Maybe", None),
        ("", None),
        ("Y", None),
        (True, None),
        (1, None),
        (None, None),
    ],
)
def test_anal_function_values(raw: object, expected: AnalFunction | None) -> None:
    assert AnalFunction.parse(raw) is expected


@pytest.mark.parametrize(
    ("text", "level"),
    [("C5", Level.C5), ("s4_5", Level.S4_5), ("S4-5", Level.S4_5), (" t12 ", Level.T12)],
)
def test_level_names(text: str, level: Level) -> None:
    assert Level.parse(text) is level
    assert level.label == level.name


@pytest.mark.parametrize("text", ["T13", "C0", "S5", "L6", ""])
def test_unknown_level_names(text: str) -> None:
    with pytest.raises(KeyError):
        Level.parse(text)
