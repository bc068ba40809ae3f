"""Converting the string columns of an exam CSV file (pyarrow) into an :class:`ExamBatch`:
each column's values mapped to codes in bulk (:mod:`regencord.isncsci.batch.tokens`), and
the problems of the rows that hold a bad value in the words and order of the scalar reader
(:meth:`Exam.from_praxis`: field by field, with :data:`EMPTY_VALUE` for an empty value).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from regencord.isncsci.batch.exam_batch import NO_NON_KEY_MUSCLE, ExamBatch
from regencord.isncsci.batch.tokens import (
    ASCII_SPACE,
    NO_MUSCLE_CODE,
    PROBLEM_CODE,
    Tokens,
    anal_tokens,
    cell_tokens,
    muscle_tokens,
    string_buffers,
)
from regencord.isncsci.cells import (
    MOTOR_HINT,
    SENSORY_HINT,
    CellKind,
)
from regencord.isncsci.columns import (
    COLUMN_OF_FIELD,
    EMPTY_VALUE,
    EXAM_ID_COLUMN,
    CsvLayout,
)
from regencord.isncsci.errors import Problem, exam_label
from regencord.isncsci.exam import (
    NKM_KEY,
    SIDES,
)
from regencord.isncsci.levels import DERMATOMES, MYOTOMES

U8 = npt.NDArray[np.uint8]
Intp = npt.NDArray[np.intp]


@dataclass(frozen=True)
class _Field:
    """A CSV column, the kind of its values and where its codes go in an :class:`ExamBatch`."""

    column: str
    kind: str
    """``motor``, ``sensory``, ``anal`` or ``muscle``: which :class:`Tokens`."""
    array: str
    """The :class:`ExamBatch` attribute."""
    index: tuple[int, ...]
    """Side and level within it (none for VAC and DAP)."""


def _fields() -> tuple[_Field, ...]:
    """Every exam field, in the order :meth:`Exam.from_praxis` reports their problems."""
    fields: list[_Field] = []
    grids = (
        ("motor", "motor", "motor", MYOTOMES),
        ("lightTouch", "sensory", "light_touch", DERMATOMES),
        ("pinPrick", "sensory", "pin_prick", DERMATOMES),
    )
    for s, side in enumerate(SIDES):
        for grid, kind, array, levels in grids:
            for j, level in enumerate(levels):
                column = COLUMN_OF_FIELD[f"{side.value}.{grid}.{level.name}"]
                fields.append(_Field(column, kind, array, (s, j)))
        column = COLUMN_OF_FIELD[f"{side.value}.{NKM_KEY}"]
        fields.append(_Field(column, "muscle", "non_key_muscle", (s,)))
    for key, array in (("voluntaryAnalContraction", "vac"), ("deepAnalPressure", "dap")):
        fields.append(_Field(COLUMN_OF_FIELD[key], "anal", array, ()))
    return tuple(fields)


_FIELDS: Final = _fields()


class Buffers:
    """The arrays of the next batch, filled a slice of rows at a time."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.size = 0
        self.arrays: dict[str, npt.NDArray[Any]] = {
            "motor": np.zeros((capacity, 2, len(MYOTOMES)), np.uint8),
            "light_touch": np.zeros((capacity, 2, len(DERMATOMES)), np.uint8),
            "pin_prick": np.zeros((capacity, 2, len(DERMATOMES)), np.uint8),
            "vac": np.zeros(capacity, np.uint8),
            "dap": np.zeros(capacity, np.uint8),
            "non_key_muscle": np.full((capacity, 2), NO_NON_KEY_MUSCLE, np.int8),
        }
        self.ids: list[str | None] = []

    def batch(self, start: int = 0) -> ExamBatch:
        """The exams filled in so far, from ``start``."""
        a, stop = self.arrays, self.size
        return ExamBatch(
            motor=a["motor"][start:stop],
            light_touch=a["light_touch"][start:stop],
            pin_prick=a["pin_prick"][start:stop],
            vac=a["vac"][start:stop],
            dap=a["dap"][start:stop],
            non_key_muscle=a["non_key_muscle"][start:stop],
            ids=tuple(self.ids[start:stop]),
        )


@dataclass(frozen=True)
class _Run:
    """Columns whose codes go to one block of an :class:`ExamBatch` array: the array, the
    side and the first level (``None`` where the array has no such axis), the first
    column (in its kind's order) and how many."""

    array: str
    side: int | None
    level: int | None
    first: int
    length: int


def _runs(fields: list[_Field]) -> list[_Run]:
    """The fields (of one kind, in order) as runs of neighbouring levels."""
    runs: list[_Run] = []
    for k, field in enumerate(fields):
        side = field.index[0] if field.index else None
        level = field.index[1] if len(field.index) > 1 else None
        if runs and level is not None:
            last = runs[-1]
            if (
                (last.array, last.side) == (field.array, side)
                and last.level is not None
                and last.level + last.length == level
                and last.first + last.length == k
            ):
                runs[-1] = _Run(last.array, side, last.level, last.first, last.length + 1)
                continue
        runs.append(_Run(field.array, side, level, k, 1))
    return runs


class Converter:
    """Turns rows of one file's columns (pyarrow string arrays) into batch arrays and
    problems."""

    def __init__(self, layout: CsvLayout) -> None:
        tokens = {
            "motor": cell_tokens(CellKind.MOTOR, MOTOR_HINT),
            "sensory": cell_tokens(CellKind.SENSORY, SENSORY_HINT),
            "anal": anal_tokens(),
            "muscle": muscle_tokens(),
        }
        self.fields = [
            (field, layout.positions[field.column], tokens[field.kind])
            for field in _FIELDS
            if field.column in layout.positions
        ]
        self.id_position = layout.positions.get(EXAM_ID_COLUMN)
        self.groups: list[tuple[Tokens, list[int], list[int], list[_Run]]] = []
        """Per kind of value: its token table, the orders (in :attr:`fields`) and the
        positions (in the file) of its columns, and where their codes go."""
        for kind, table in tokens.items():
            orders = [k for k, (field, _, _) in enumerate(self.fields) if field.kind == kind]
            if orders:
                positions = [self.fields[k][1] for k in orders]
                runs = _runs([self.fields[k][0] for k in orders])
                self.groups.append((table, orders, positions, runs))

    def convert(
        self,
        column: Callable[[int], pa.Array],
        n: int,
        into: Buffers,
        first_index: int,
        problems: list[Problem],
    ) -> None:
        """Fill rows ``into.size`` to ``into.size + n`` from the columns at the given
        positions; append the problems of these exams (numbered from ``first_index``)."""
        start, stop = into.size, into.size + n
        bad: list[tuple[Intp, Intp]] = []
        for tokens, orders, positions, runs in self.groups:
            # The columns of one kind, end to end: one pass over all their values.
            arrays = [column(p) for p in positions]
            joined = arrays[0] if len(arrays) == 1 else pa.concat_arrays(arrays)
            codes = tokens.codes(joined).reshape(len(arrays), n)
            for run in runs:
                values: npt.NDArray[Any] = codes[run.first : run.first + run.length].T
                if run.array == "non_key_muscle":
                    values = np.where(
                        values == NO_MUSCLE_CODE, NO_NON_KEY_MUSCLE, values.astype(np.int8)
                    )
                target = into.arrays[run.array][start:stop]
                if run.side is not None:
                    target = target[:, run.side]
                if run.level is not None:
                    target = target[:, run.level : run.level + run.length]
                target[...] = values.reshape(target.shape)
            if n and int(codes.max()) >= PROBLEM_CODE:
                ks, rows = np.nonzero(codes >= PROBLEM_CODE)
                bad.append((rows, np.asarray(orders, dtype=np.intp)[ks]))
        ids = self._ids(column, n)
        into.ids.extend(ids)
        into.size = stop
        if bad:
            problems.extend(self._problems(column, bad, ids, first_index))

    def _ids(self, column: Callable[[int], pa.Array], n: int) -> list[str | None]:
        if self.id_position is None:
            return [None] * n
        array = column(self.id_position)
        values: list[str | None] = array.to_pylist()
        offsets, data = string_buffers(array)
        if data.size:
            starts, ends = offsets[:-1], offsets[1:]
            filled = ends > starts
            edges = np.concatenate([data.take(starts[filled]), data.take(ends[filled] - 1)])
            if filled.all() and not ASCII_SPACE.take(edges).any():
                return values  # (the common case) no id is empty or needs stripping
        return [(value or "").strip() or None for value in values]

    def _problems(
        self,
        column: Callable[[int], pa.Array],
        bad: list[tuple[Intp, Intp]],
        ids: list[str | None],
        first_index: int,
    ) -> list[Problem]:
        """The problems of the bad cells (rows and field orders), exam by exam, each
        exam's in field order."""
        rows = np.concatenate([r for r, _ in bad])
        orders = np.concatenate([o for _, o in bad])
        problems: list[Problem] = []
        for at in np.lexsort((orders, rows)):
            row, order = int(rows[at]), int(orders[at])
            field, position, tokens = self.fields[order]
            text = str(column(position)[row].as_py()).strip()
            message = EMPTY_VALUE if not text else tokens.invalid_message(text)
            problems.append(Problem(exam_label(first_index + row, ids[row]), field.column, message))
        return problems
