"""Exams from a pandas DataFrame with the CSV exam columns, vectorized (needs pandas).

The frame is read the way the CSV reader (:mod:`regencord.isncsci.io`) reads a file: the
columns are :data:`~regencord.isncsci.io.EXAM_COLUMNS`, matched ignoring case and
surrounding spaces (``exam_id`` and the non-key muscle columns may be left out), and each
value is taken as the text the CSV file would hold:

- a string, stripped; ``None``, ``NaN`` and ``pd.NA`` are an empty cell;
- an integer as its digits, and a float with an integral value as the integer it stands for
  (pandas reads a column of scores with a gap as floats: ``5.0`` is ``"5"``); anything else
  as ``str(value)``, which the cell rules then reject.

Each column's distinct values are mapped once through the scalar engine's token rules
(:func:`~regencord.isncsci.cells.parse_cell`, :meth:`AnalFunction.parse
<regencord.isncsci.cells.AnalFunction.parse>`, :meth:`Level.parse
<regencord.isncsci.levels.Level.parse>` for a non-key muscle C5 to S1; empty = none). Rows
with a problem are then re-validated one by one by the CSV reader's own row validation, so
that :class:`~regencord.isncsci.errors.InvalidExam` carries exactly the problems (and
texts) that reading the same table from a CSV file gives: header problems first, then each
row's, exams counted from ``start`` (1 by default) in frame order. Unlike the CSV reader, a
row whose values are all empty is an exam (with every cell reported empty), so that results
stay aligned with the frame's rows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

try:
    import pandas as pd
except ImportError as error:  # pragma: no cover - exercised only without pandas
    raise ImportError(
        "ExamBatch.from_frame needs pandas; install it with: pip install 'regencord[pandas]'"
    ) from error

from regencord.isncsci.batch.codes import ANAL, encode
from regencord.isncsci.batch.exam_batch import NO_NON_KEY_MUSCLE, ExamBatch
from regencord.isncsci.cells import AnalFunction, CellKind, parse_cell
from regencord.isncsci.columns import EXAM_COLUMNS, EXAM_ID_COLUMN, CsvLayout
from regencord.isncsci.errors import InvalidExam, Problem
from regencord.isncsci.exam import SIDES
from regencord.isncsci.levels import DERMATOMES, MYOTOMES, NON_KEY_MUSCLE_LEVELS, Level

__all__ = ["ExtraColumns", "exam_batch_from_frame"]

ExtraColumns = Literal["error", "ignore"]
"""What to do with a column that is not an exam column: report it (like the CSV reader)
or leave it out."""

I16 = npt.NDArray[np.int16]
Parse = Callable[[str], int | None]

_BAD = -2
"""Code of an invalid (or, where a value is required, empty) value."""

_GRIDS: tuple[tuple[str, tuple[Level, ...], CellKind], ...] = (
    ("motor", MYOTOMES, CellKind.MOTOR),
    ("light_touch", DERMATOMES, CellKind.SENSORY),
    ("pin_prick", DERMATOMES, CellKind.SENSORY),
)
_CANONICAL = {c.lower(): c for c in EXAM_COLUMNS}


def _column(*parts: str) -> str:
    name = "_".join(parts)
    if name not in _CANONICAL.values():  # pragma: no cover - io.py's layout changed
        raise AssertionError(f"{name} is not an exam column of regencord.isncsci.io")
    return name


_GRID_COLUMNS = {
    grid: [[_column(side.value, grid, level.name) for level in levels] for side in SIDES]
    for grid, levels, _ in _GRIDS
}
_NKM_COLUMNS = [_column(side.value, "lowest_non_key_muscle") for side in SIDES]


def exam_batch_from_frame(
    frame: pd.DataFrame, *, start: int = 1, extra_columns: ExtraColumns = "error"
) -> ExamBatch:
    """The exams of ``frame`` (one a row, the CSV exam columns) as an :class:`ExamBatch`;
    :class:`InvalidExam` with every problem if any (see the module documentation)."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    if extra_columns not in ("error", "ignore"):
        raise ValueError(f"extra_columns must be 'error' or 'ignore', got {extra_columns!r}")
    header = [str(c) for c in frame.columns]
    if extra_columns == "ignore":
        keep = [i for i, name in enumerate(header) if name.strip().lower() in _CANONICAL]
        frame = frame.iloc[:, keep]
        header = [header[i] for i in keep]
    problems: list[Problem] = []
    layout = CsvLayout.from_header(header, problems)
    n = len(frame)

    def codes(column: str, parse: Parse, empty: int) -> I16 | None:
        """The column's codes, or ``None`` when the frame does not have it."""
        position = layout.positions.get(column)
        if position is None:
            return None
        return _column_codes(frame.iloc[:, position], parse, empty)

    grids: dict[str, I16] = {}
    for grid, levels, kind in _GRIDS:
        parse = _cell_parser(kind)
        array = np.zeros((n, 2, len(levels)), np.int16)
        for s in range(2):
            for j in range(len(levels)):
                column = codes(_GRID_COLUMNS[grid][s][j], parse, _BAD)
                if column is not None:
                    array[:, s, j] = column
        grids[grid] = array
    anal: dict[str, I16] = {}
    for column_name in ("vac", "dap"):
        column = codes(column_name, _anal_code, _BAD)
        anal[column_name] = np.zeros(n, np.int16) if column is None else column
    nkm = np.full((n, 2), NO_NON_KEY_MUSCLE, np.int16)
    for s in range(2):
        column = codes(_NKM_COLUMNS[s], _nkm_code, NO_NON_KEY_MUSCLE)
        if column is not None:
            nkm[:, s] = column

    bad = np.zeros(n, dtype=bool)
    for array in (*grids.values(), *anal.values(), nkm):
        bad |= (array == _BAD).any(axis=tuple(range(1, array.ndim)))
    rows = np.flatnonzero(bad)
    if len(rows):
        problems.extend(_row_problems(frame, layout, rows, start))
    if problems:
        raise InvalidExam(problems)

    return ExamBatch(
        motor=grids["motor"].astype(np.uint8),
        light_touch=grids["light_touch"].astype(np.uint8),
        pin_prick=grids["pin_prick"].astype(np.uint8),
        vac=anal["vac"].astype(np.uint8),
        dap=anal["dap"].astype(np.uint8),
        non_key_muscle=nkm.astype(np.int8),
        ids=_ids(frame, layout),
    )


# --------------------------------------------------------------------------- values


def _text(value: object) -> str:
    """The text a CSV file would hold for ``value`` (see the module documentation)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    return str(value).strip()


def _factorize(column: pd.Series) -> tuple[npt.NDArray[np.intp], list[Any]]:
    """Each value's position in the list of distinct values (-1 for a missing value)."""
    try:
        positions, uniques = pd.factorize(column, use_na_sentinel=True)
    except TypeError:  # unhashable values: take each as it comes
        return np.arange(len(column), dtype=np.intp), list(column)
    return np.asarray(positions, dtype=np.intp), list(uniques.tolist())


def _column_codes(column: pd.Series, parse: Parse, empty: int) -> I16:
    """The code of each value: ``parse`` of its text, ``empty`` for an empty value,
    :data:`_BAD` when ``parse`` rejects it. Each distinct value is parsed once."""
    positions, uniques = _factorize(column)
    table = np.empty(len(uniques) + 1, np.int16)
    for k, value in enumerate(uniques):
        text = _text(value)
        code = parse(text) if text else empty
        table[k] = _BAD if code is None else code
    table[-1] = empty  # position -1: a missing value
    result: I16 = table[positions]
    return result


def _cell_parser(kind: CellKind) -> Parse:
    def parse(text: str) -> int | None:
        cell = parse_cell(text, kind)
        return None if cell is None else encode(cell)

    return parse


def _anal_code(text: str) -> int | None:
    value = AnalFunction.parse(text)
    return None if value is None else ANAL.index(value)


def _nkm_code(text: str) -> int | None:
    try:
        level = Level.parse(text)
    except KeyError:
        return None
    return int(level) if level in NON_KEY_MUSCLE_LEVELS else None


def _ids(frame: pd.DataFrame, layout: CsvLayout) -> tuple[str | None, ...]:
    position = layout.positions.get(EXAM_ID_COLUMN)
    if position is None:
        return (None,) * len(frame)
    positions, uniques = _factorize(frame.iloc[:, position])
    table = np.array([*(_text(u) or None for u in uniques), None], dtype=object)
    return tuple(table[positions].tolist())


# --------------------------------------------------------------------------- problems


def _row_problems(
    frame: pd.DataFrame, layout: CsvLayout, rows: Sequence[int] | npt.NDArray[np.intp], start: int
) -> list[Problem]:
    """The problems of ``rows``, by the CSV reader's validation of each row's text."""
    problems: list[Problem] = []
    values = frame.iloc[np.asarray(rows, dtype=np.intp)].to_numpy(dtype=object)
    for row, raw in zip(rows, values, strict=True):
        texts = [_text(v) for v in raw]
        index = start + int(row)
        found = len(problems)
        exam = layout.exam(texts, index, index, problems)
        if exam is not None or len(problems) == found:  # pragma: no cover - a bug
            raise AssertionError(
                f"ExamBatch.from_frame: row {int(row)} was rejected by the vectorized token "
                "rules but not by the scalar validation"
            )
    return problems
