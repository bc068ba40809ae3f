"""The CSV layout of an exam: the columns of an exam CSV file and of a result CSV file, and
where each known column sits in the rows of one file (:class:`CsvLayout`).

An exam CSV file has one exam a row, with the columns :data:`EXAM_COLUMNS`: ``exam_id``,
``vac``, ``dap``, ``right_lowest_non_key_muscle``, ``left_lowest_non_key_muscle`` and one
column per cell, ``{right|left}_{motor|light_touch|pin_prick}_{LEVEL}`` (``right_motor_C5``,
``left_light_touch_S4_5``); column names match ignoring case and surrounding spaces.
``exam_id`` and the non-key muscle columns may be left out. Each row becomes a Praxis exam
(:meth:`CsvLayout.praxis`), so that every reader shares :meth:`Exam.from_praxis`'s
validation, and a problem of a row names its CSV column.

The scalar reader (:mod:`regencord.isncsci.reading`), the vectorized one
(:mod:`regencord.isncsci.batch.csv_io`) and the pandas one
(:mod:`regencord.isncsci.batch.frame`) all read the header with :class:`CsvLayout`, so they
report the same problems in the same words.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from regencord.isncsci.errors import InvalidExam, Problem, exam_label
from regencord.isncsci.exam import NKM_KEY, Exam, Side
from regencord.isncsci.levels import DERMATOMES, MYOTOMES, Level

__all__ = [
    "COLUMN_OF_FIELD",
    "EMPTY_VALUE",
    "EXAM_COLUMNS",
    "EXAM_ID_COLUMN",
    "FIELD_OF_COLUMN",
    "OPTIONAL_COLUMNS",
    "RESULT_COLUMNS",
    "RESULT_CSV_COLUMNS",
    "CsvLayout",
]

EXAM_ID_COLUMN = "exam_id"
_GRID_COLUMN_NAMES = (("motor", "motor"), ("light_touch", "lightTouch"), ("pin_prick", "pinPrick"))
GRID_LEVELS: Mapping[str, tuple[Level, ...]] = {
    "motor": MYOTOMES,
    "lightTouch": DERMATOMES,
    "pinPrick": DERMATOMES,
}


def _column_fields() -> dict[str, tuple[str, ...]]:
    """Each CSV column and the path of its field in the Praxis exam shape."""
    fields: dict[str, tuple[str, ...]] = {
        EXAM_ID_COLUMN: ("id",),
        "vac": ("voluntaryAnalContraction",),
        "dap": ("deepAnalPressure",),
    }
    for side in Side:
        fields[f"{side.value}_lowest_non_key_muscle"] = (side.value, NKM_KEY)
    for side in Side:
        for column_grid, grid in _GRID_COLUMN_NAMES:
            for level in GRID_LEVELS[grid]:
                fields[f"{side.value}_{column_grid}_{level.name}"] = (side.value, grid, level.name)
    return fields


FIELD_OF_COLUMN: Mapping[str, tuple[str, ...]] = MappingProxyType(_column_fields())
"""The path in the Praxis exam shape of each exam CSV column, in column order."""
_COLUMN_OF_FIELD: dict[str, str] = {".".join(f): c for c, f in FIELD_OF_COLUMN.items()}

COLUMN_OF_FIELD: Mapping[str, str] = MappingProxyType(_COLUMN_OF_FIELD)
"""The CSV column of each field of the Praxis exam shape, by dotted path
(``"right.motor.C5"`` → ``"right_motor_C5"``, ``"voluntaryAnalContraction"`` → ``"vac"``)."""

EMPTY_VALUE = "empty"
"""The problem message of an empty CSV value that the exam requires."""

EXAM_COLUMNS: tuple[str, ...] = tuple(FIELD_OF_COLUMN)
"""The columns of an exam CSV file, in the order :func:`write_exams` writes them."""

OPTIONAL_COLUMNS: frozenset[str] = frozenset(
    [EXAM_ID_COLUMN, *(f"{s.value}_lowest_non_key_muscle" for s in Side)]
)
"""Columns an exam CSV file may leave out: no id, no lowest non-key muscle."""

_CANONICAL_COLUMN: dict[str, str] = {c.lower(): c for c in EXAM_COLUMNS}

RESULT_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ais", ("classification", "ASIAImpairmentScale")),
    ("injury_complete", ("classification", "injuryComplete")),
    ("nli", ("classification", "neurologicalLevelOfInjury")),
    ("right_sensory_level", ("classification", "neurologicalLevels", "sensoryRight")),
    ("left_sensory_level", ("classification", "neurologicalLevels", "sensoryLeft")),
    ("right_motor_level", ("classification", "neurologicalLevels", "motorRight")),
    ("left_motor_level", ("classification", "neurologicalLevels", "motorLeft")),
    ("right_sensory_zpp", ("classification", "zoneOfPartialPreservations", "sensoryRight")),
    ("left_sensory_zpp", ("classification", "zoneOfPartialPreservations", "sensoryLeft")),
    ("right_motor_zpp", ("classification", "zoneOfPartialPreservations", "motorRight")),
    ("left_motor_zpp", ("classification", "zoneOfPartialPreservations", "motorLeft")),
    ("right_uems", ("totals", "right", "upperExtremity")),
    ("left_uems", ("totals", "left", "upperExtremity")),
    ("uems", ("totals", "upperExtremity")),
    ("right_lems", ("totals", "right", "lowerExtremity")),
    ("left_lems", ("totals", "left", "lowerExtremity")),
    ("lems", ("totals", "lowerExtremity")),
    ("right_motor_total", ("totals", "right", "motor")),
    ("left_motor_total", ("totals", "left", "motor")),
    ("right_light_touch", ("totals", "right", "lightTouch")),
    ("left_light_touch", ("totals", "left", "lightTouch")),
    ("light_touch", ("totals", "lightTouch")),
    ("right_pin_prick", ("totals", "right", "pinPrick")),
    ("left_pin_prick", ("totals", "left", "pinPrick")),
    ("pin_prick", ("totals", "pinPrick")),
)
"""Result CSV columns and where each value sits in :meth:`Classification.to_praxis`."""

RESULT_CSV_COLUMNS: tuple[str, ...] = (EXAM_ID_COLUMN, *(name for name, _ in RESULT_COLUMNS))
"""The header of a result CSV file."""


@dataclass(frozen=True)
class CsvLayout:
    """Where each known column sits in the rows of one CSV file."""

    width: int
    positions: Mapping[str, int]
    missing: frozenset[str]

    @classmethod
    def from_header(cls, header: list[str], problems: list[Problem]) -> CsvLayout:
        positions: dict[str, int] = {}
        for position, raw in enumerate(header):
            name = raw.strip()
            column = _CANONICAL_COLUMN.get(name.lower())
            if not name:
                problems.append(Problem("csv header", f"column {position + 1}", "no name"))
            elif column is None:
                problems.append(Problem("csv header", name, _unknown_column(name)))
            elif column in positions:
                problems.append(Problem("csv header", name, "duplicate column"))
            else:
                positions[column] = position
        missing = [c for c in EXAM_COLUMNS if c not in positions and c not in OPTIONAL_COLUMNS]
        problems.extend(Problem("csv header", c, "missing column") for c in missing)
        return cls(len(header), positions, frozenset(missing))

    def exam(
        self, row: list[str], index: int, lines: int | range, problems: list[Problem]
    ) -> Exam | None:
        """The exam in ``row`` (on ``lines``), or ``None`` with its problems appended."""
        width_problem = self.width_problem(row, index, lines)
        if width_problem is not None:
            problems.append(width_problem)
            return None
        try:
            return Exam.from_praxis(self.praxis(row), index=index)
        except InvalidExam as e:
            for problem in e.problems:
                translated = self._translate(problem)
                if translated is not None:
                    problems.append(translated)
            return None

    def width_problem(self, row: list[str], index: int, lines: int | range) -> Problem | None:
        """The problem of a row (exam ``index``, on ``lines``) that has more or fewer values
        than the header, or ``None``. A row over several lines is named by all of them, with
        the likely cause: a quote not closed on its first line."""
        if len(row) == self.width:
            return None
        if isinstance(lines, int):
            lines = range(lines, lines + 1)
        where = f"line {lines[0]}" if len(lines) == 1 else f"lines {lines[0]}-{lines[-1]}"
        hint = "" if len(lines) == 1 else f" (is a quote on line {lines[0]} not closed?)"
        return Problem(
            exam_label(index, self._value(row, EXAM_ID_COLUMN)),
            where,
            f"{len(row)} values, but the header has {self.width} columns{hint}",
        )

    def praxis(self, row: list[str]) -> dict[str, Any]:
        """The row in the Praxis exam shape; empty values are left out."""
        d: dict[str, Any] = {side.value: {grid: {} for grid in GRID_LEVELS} for side in Side}
        for column, position in self.positions.items():
            value = row[position].strip()
            if not value:
                continue
            *parents, key = FIELD_OF_COLUMN[column]
            target = d
            for parent in parents:
                target = target[parent]
            target[key] = value
        return d

    def _value(self, row: list[str], column: str) -> str | None:
        position = self.positions.get(column)
        if position is None or position >= len(row):
            return None
        return row[position].strip() or None

    def _translate(self, problem: Problem) -> Problem | None:
        """A problem of the row's Praxis exam, named by its CSV column; ``None`` when the
        column is missing from the file (reported once, for the header)."""
        column = _COLUMN_OF_FIELD.get(problem.field)
        if column is None:
            return problem
        if problem.message == "missing":
            if column in self.missing:
                return None
            return Problem(problem.exam, column, EMPTY_VALUE)
        return Problem(problem.exam, column, problem.message)


def _unknown_column(name: str) -> str:
    """``unknown column``, naming the known column it is a typo of when there is one."""
    close = difflib.get_close_matches(name.lower(), _CANONICAL_COLUMN, n=2, cutoff=0.85)
    if len(close) == 1 or (len(close) == 2 and _ratio(name, close[0]) > _ratio(name, close[1])):
        return f"unknown column (did you mean {_CANONICAL_COLUMN[close[0]]}?)"
    return "unknown column"


def _ratio(name: str, column: str) -> float:
    return difflib.SequenceMatcher(None, name.lower(), column).ratio()
