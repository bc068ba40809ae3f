"""One ISNCSCI examination: the raw worksheet values, validated.

The interchange shape is that of the open-source Praxis ISNCSCI library:
``{"right": {"motor": {"C5": "5", ...}, "lightTouch": {"C2": "2", ...}, "pinPrick": {...},
"lowestNonKeyMuscleWithMotorFunction": "C8"}, "left": {...},
"voluntaryAnalContraction": "No", "deepAnalPressure": "NT"}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import Any

from regencord.isncsci.cells import (
    MOTOR_HINT,
    SENSORY_HINT,
    AnalFunction,
    Cell,
    CellKind,
    parse_cell,
)
from regencord.isncsci.errors import InvalidExam, Problem, exam_label
from regencord.isncsci.levels import DERMATOMES, MYOTOMES, NON_KEY_MUSCLE_LEVELS, Level


class Side(Enum):
    RIGHT = "right"
    LEFT = "left"


SIDES: tuple[Side, Side] = (Side.RIGHT, Side.LEFT)

NKM_KEY = "lowestNonKeyMuscleWithMotorFunction"
_GRIDS: dict[str, tuple[tuple[Level, ...], CellKind, str]] = {
    "motor": (MYOTOMES, CellKind.MOTOR, MOTOR_HINT),
    "lightTouch": (DERMATOMES, CellKind.SENSORY, SENSORY_HINT),
    "pinPrick": (DERMATOMES, CellKind.SENSORY, SENSORY_HINT),
}
_SIDE_KEYS = frozenset([*_GRIDS, NKM_KEY])
_EXAM_KEYS = frozenset(["right", "left", "voluntaryAnalContraction", "deepAnalPressure", "id"])


@dataclass(frozen=True)
class SideExam:
    """One side of the exam: key muscles, light touch, pin prick, lowest non-key muscle."""

    motor: Mapping[Level, Cell]
    light_touch: Mapping[Level, Cell]
    pin_prick: Mapping[Level, Cell]
    lowest_non_key_muscle: Level | None = None

    def to_praxis(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "motor": {lv.name: str(self.motor[lv]) for lv in MYOTOMES},
            "lightTouch": {lv.name: str(self.light_touch[lv]) for lv in DERMATOMES},
            "pinPrick": {lv.name: str(self.pin_prick[lv]) for lv in DERMATOMES},
        }
        if self.lowest_non_key_muscle is not None:
            out[NKM_KEY] = self.lowest_non_key_muscle.name
        return out


@dataclass(frozen=True)
class Exam:
    """A validated ISNCSCI exam. Build it with :meth:`from_praxis`."""

    right: SideExam
    left: SideExam
    vac: AnalFunction
    """Voluntary anal contraction."""
    dap: AnalFunction
    """Deep anal pressure."""
    id: str | None = field(default=None, compare=False)

    def side(self, side: Side) -> SideExam:
        return self.right if side is Side.RIGHT else self.left

    @classmethod
    def from_praxis(cls, d: object, *, index: int | None = None) -> Exam:
        """Validate a Praxis-shaped exam; raise :class:`InvalidExam` with every problem."""
        problems: list[Problem] = []
        exam = _parse_exam(d, index, problems)
        if problems or exam is None:
            raise InvalidExam(problems)
        return exam

    def to_praxis(self) -> dict[str, Any]:
        """The exam in the Praxis shape (values as strings); ``id`` kept when set."""
        out: dict[str, Any] = {}
        if self.id is not None:
            out["id"] = self.id
        out["right"] = self.right.to_praxis()
        out["left"] = self.left.to_praxis()
        out["voluntaryAnalContraction"] = self.vac.value
        out["deepAnalPressure"] = self.dap.value
        return out


# Problem messages of invalid values, shared with the vectorized CSV reader
# (:mod:`regencord.isncsci.batch.csv_io`) so that both word them identically.


def invalid_cell_message(raw: object, hint: str) -> str:
    """Why ``raw`` is not a cell value; ``hint`` is :data:`MOTOR_HINT` or
    :data:`SENSORY_HINT`."""
    return f"{raw!r} is not {hint}"


def invalid_anal_message(raw: object) -> str:
    """Why ``raw`` is not a VAC or DAP value."""
    return f"{raw!r} is not Yes, No or NT"


def invalid_non_key_muscle_message(raw: object) -> str:
    """Why ``raw`` is not a lowest non-key muscle."""
    return f"{raw!r} is not a level from C5 to S1"


def _parse_exam(d: object, index: int | None, problems: list[Problem]) -> Exam | None:
    if not isinstance(d, Mapping):
        problems.append(
            Problem(exam_label(index), "(exam)", f"expected an object, got {type(d).__name__}")
        )
        return None
    raw_id = d.get("id")
    label = exam_label(index, raw_id)
    exam_id: str | None = None
    if raw_id is not None:
        if isinstance(raw_id, str | int) and not isinstance(raw_id, bool):
            exam_id = str(raw_id)
        else:
            problems.append(Problem(label, "id", f"{raw_id!r} is not a string or integer"))
    for key in d:
        if key not in _EXAM_KEYS:
            problems.append(Problem(label, str(key), "unknown field"))
    sides = {s: _parse_side(d.get(s.value), s.value, label, problems) for s in Side}
    anal = {}
    for key in ("voluntaryAnalContraction", "deepAnalPressure"):
        if key not in d:
            problems.append(Problem(label, key, "missing"))
            continue
        value = AnalFunction.parse(d[key])
        if value is None:
            problems.append(Problem(label, key, invalid_anal_message(d[key])))
        anal[key] = value
    right, left = sides[Side.RIGHT], sides[Side.LEFT]
    vac, dap = anal.get("voluntaryAnalContraction"), anal.get("deepAnalPressure")
    if right is None or left is None or vac is None or dap is None:
        return None
    return Exam(right=right, left=left, vac=vac, dap=dap, id=exam_id)


def _parse_side(raw: object, name: str, label: str, problems: list[Problem]) -> SideExam | None:
    if raw is None:
        problems.append(Problem(label, name, "missing"))
        return None
    if not isinstance(raw, Mapping):
        problems.append(Problem(label, name, f"expected an object, got {type(raw).__name__}"))
        return None
    for key in raw:
        if key not in _SIDE_KEYS:
            problems.append(Problem(label, f"{name}.{key}", "unknown field"))
    grids: dict[str, dict[Level, Cell]] = {}
    ok = True
    for grid, (levels, kind, hint) in _GRIDS.items():
        cells = _parse_grid(raw.get(grid), f"{name}.{grid}", levels, kind, hint, label, problems)
        if cells is None:
            ok = False
        else:
            grids[grid] = cells
    nkm: Level | None = None
    raw_nkm = raw.get(NKM_KEY)
    if raw_nkm is not None and raw_nkm != "":
        nkm = parse_non_key_muscle(raw_nkm)
        if nkm is None:
            problems.append(
                Problem(label, f"{name}.{NKM_KEY}", invalid_non_key_muscle_message(raw_nkm))
            )
            ok = False
    if not ok:
        return None
    return SideExam(
        motor=MappingProxyType(grids["motor"]),
        light_touch=MappingProxyType(grids["lightTouch"]),
        pin_prick=MappingProxyType(grids["pinPrick"]),
        lowest_non_key_muscle=nkm,
    )


def parse_non_key_muscle(raw: object) -> Level | None:
    """The level a lowest non-key muscle value names (C5 to S1), or ``None``."""
    if not isinstance(raw, str):
        return None
    try:
        level = Level.parse(raw)
    except KeyError:
        return None
    return level if level in NON_KEY_MUSCLE_LEVELS else None


def _parse_grid(
    raw: object,
    path: str,
    levels: tuple[Level, ...],
    kind: CellKind,
    hint: str,
    label: str,
    problems: list[Problem],
) -> dict[Level, Cell] | None:
    if raw is None:
        problems.append(Problem(label, path, "missing"))
        return None
    if not isinstance(raw, Mapping):
        problems.append(Problem(label, path, f"expected an object, got {type(raw).__name__}"))
        return None
    names = {lv.name: lv for lv in levels}
    for key in raw:
        if key not in names:
            problems.append(Problem(label, f"{path}.{key}", "unknown level"))
    cells: dict[Level, Cell] = {}
    ok = True
    for name, level in names.items():
        if name not in raw:
            problems.append(Problem(label, f"{path}.{name}", "missing"))
            ok = False
            continue
        cell = parse_cell(raw[name], kind)
        if cell is None:
            problems.append(Problem(label, f"{path}.{name}", invalid_cell_message(raw[name], hint)))
            ok = False
            continue
        cells[level] = cell
    return cells if ok else None
