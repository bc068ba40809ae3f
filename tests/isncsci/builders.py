"""Small builders of Praxis-shaped exams for the unit tests.

``make_exam(level_right="C5", level_left="C6")`` is an exam whose every dermatome and key
muscle down to the given level is normal (2 and 5) and everything below it is absent (0):
its sensory and motor levels are that level on each side. ``None`` means normal throughout
(INT). Sensory and motor levels can be set apart (``sensory_right``, ``motor_left``), the
values below the levels changed (``lt_below``, ``pp_below``, ``motor_below``), and any cell
overridden by its dotted path (``cells={"right.motor.C6": "3"}``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from regencord.isncsci import (
    DERMATOMES,
    MYOTOMES,
    Classification,
    Exam,
    Level,
    LevelValue,
    PossibleValues,
    classify,
)

_UNSET: Any = object()


def _level(name: str | None) -> Level | None:
    return None if name is None else Level.parse(name)


def make_side(
    sensory: str | None,
    motor: str | None,
    *,
    lt_below: str = "0",
    pp_below: str = "0",
    motor_below: str = "0",
) -> dict[str, Any]:
    """One side: normal down to the levels (``None`` = normal throughout), then the
    ``*_below`` values."""
    s, m = _level(sensory), _level(motor)
    return {
        "motor": {lv.name: "5" if m is None or lv <= m else motor_below for lv in MYOTOMES},
        "lightTouch": {lv.name: "2" if s is None or lv <= s else lt_below for lv in DERMATOMES},
        "pinPrick": {lv.name: "2" if s is None or lv <= s else pp_below for lv in DERMATOMES},
    }


def make_exam(
    *,
    level_right: str | None = None,
    level_left: str | None = None,
    sensory_right: str | None = _UNSET,
    sensory_left: str | None = _UNSET,
    motor_right: str | None = _UNSET,
    motor_left: str | None = _UNSET,
    lt_below: str = "0",
    pp_below: str = "0",
    motor_below: str = "0",
    vac: str = "No",
    dap: str = "No",
    non_key_right: str | None = None,
    non_key_left: str | None = None,
    cells: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A Praxis-shaped exam; see the module docstring. VAC and DAP default to No."""
    exam: dict[str, Any] = {
        "right": make_side(
            level_right if sensory_right is _UNSET else sensory_right,
            level_right if motor_right is _UNSET else motor_right,
            lt_below=lt_below,
            pp_below=pp_below,
            motor_below=motor_below,
        ),
        "left": make_side(
            level_left if sensory_left is _UNSET else sensory_left,
            level_left if motor_left is _UNSET else motor_left,
            lt_below=lt_below,
            pp_below=pp_below,
            motor_below=motor_below,
        ),
        "voluntaryAnalContraction": vac,
        "deepAnalPressure": dap,
    }
    if non_key_right is not None:
        exam["right"]["lowestNonKeyMuscleWithMotorFunction"] = non_key_right
    if non_key_left is not None:
        exam["left"]["lowestNonKeyMuscleWithMotorFunction"] = non_key_left
    if cells:
        set_cells(exam, cells)
    return exam


def normal_exam() -> dict[str, Any]:
    """Every cell normal, VAC and DAP Yes."""
    return make_exam(vac="Yes", dap="Yes")


def set_cells(exam: dict[str, Any], cells: Mapping[str, str]) -> dict[str, Any]:
    """Set cells by dotted path (``right.lightTouch.S4_5``; ``both.motor.C6`` sets both
    sides); returns ``exam``."""
    for path, value in cells.items():
        side, grid, level = path.split(".")
        for s in ("right", "left") if side == "both" else (side,):
            if level not in exam[s][grid]:
                raise KeyError(path)
            exam[s][grid][level] = value
    return exam


def run(exam: Mapping[str, Any]) -> Classification:
    return classify(Exam.from_praxis(exam))


def names(outcome: PossibleValues[Any]) -> set[str]:
    """The values of a result as worksheet names: ``{"C5", "INT"}``, ``{"A", "B"}``."""
    return {_name(v) for v in outcome.values}


def tagged_names(outcome: PossibleValues[Any]) -> set[str]:
    """Names of the values that carry a ``*``."""
    return {_name(v) for v in outcome.tagged}


def _name(value: object) -> str:
    if isinstance(value, Level):
        return value.name
    return str(value)


def levels_between(first: str, last: str) -> list[str]:
    """Level names from ``first`` to ``last`` inclusive."""
    a, b = Level.parse(first), Level.parse(last)
    return [lv.name for lv in Level if a <= lv <= b]


def level_set(values: Iterable[LevelValue]) -> set[str]:
    return {_name(v) for v in values}
