"""Classifying a whole REDCap export, streamed: read an ``isncsci_exam`` flat CSV export a
batch of rows at a time into the batch engine's cell codes, and write each batch's results
as the instrument's result fields, with a report of stored results that differ.

pyarrow parses the file (only the columns needed, each dictionary-encoded), so each
column's few distinct values are mapped once per batch (by the rules of
:mod:`regencord.interop.redcap.mapping`) and every row's code is a table lookup. A row
whose cell values are all empty holds no exam and is skipped. A row with a bad value is
reported (record, event, instance, field, value) and never classified; batches are
yielded while no problem has been found, and the problems of the whole file are raised
together as one :class:`InvalidRedcap` at the end, so a consumer must discard what it
wrote (the CLI writes atomically).

Only what classification needs is read: the cell values and their ``_considernormal``,
VAC/DAP and the lowest non-key muscles (``_impairment`` reasons, dates and comments are
for ``regencord redcap import``).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from regencord.interop.redcap.fields import (
    CELLS,
    DAP,
    EVENT,
    IDENTITY_FIELDS,
    INSTRUMENT,
    NKM,
    RECORD_ID,
    REPEAT_INSTANCE,
    REPEAT_INSTRUMENT,
    RESULT_FIELDS,
    VAC,
    CellField,
)
from regencord.interop.redcap.mapping import (
    ANAL_MESSAGE,
    CONSIDER_MESSAGE,
    MUSCLE_MESSAGE,
    cell_text,
    row_label,
    value_message,
)
from regencord.isncsci.batch import ExamBatch
from regencord.isncsci.batch.codes import ANAL, NT_VALUE
from regencord.isncsci.batch.exam_batch import NO_NON_KEY_MUSCLE
from regencord.isncsci.cells import AnalFunction
from regencord.isncsci.exam import parse_non_key_muscle
from regencord.services.errors import FieldProblem

ROWS_PER_BATCH: Final = 65_536
BLOCK_SIZE: Final = 8 << 20
"""Bytes pyarrow parses at a time (a REDCap row is about 1 kB: ~8,000 rows)."""

U8 = npt.NDArray[np.uint8]
Intp = npt.NDArray[np.intp]

_EMPTY: Final = 254
_INVALID: Final = 255
_AB: Final = 8
"""Added to a value's code when it is ``ab-*`` (tagged; the tag comes from
``_considernormal``)."""


class InvalidRedcap(Exception):
    """The export has bad rows (or cannot be read); carries every problem."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class RedcapBatch:
    """The exam rows of a stretch of the file: their exams, REDCap's identity columns and
    the results stored in the file (as read)."""

    exams: ExamBatch
    identity: dict[str, pa.Array]
    stored: dict[str, pa.Array] = field(default_factory=dict)


# --------------------------------------------------------------------------- value codes


def _cell_code(raw: str, cell: CellField) -> int:
    text = raw.strip()
    if not text:
        return _EMPTY
    parsed = cell_text(text, "", cell)
    if parsed is None:
        return _INVALID
    score = parsed.rstrip("*")
    code = NT_VALUE if score == "NT" else int(score)
    return code + (_AB if parsed.endswith("*") else 0)


def _consider_code(raw: str) -> int:
    """Tag of an ``ab-*`` value: 1 ``*`` (2 or empty), 2 ``**`` (1)."""
    return {"": 1, "2": 1, "1": 2}.get(raw.strip(), _INVALID)


def _anal_code(raw: str) -> int:
    text = raw.strip()
    if not text:
        return _EMPTY
    parsed = AnalFunction.parse(text)
    return _INVALID if parsed is None else ANAL.index(parsed)


def _muscle_code(raw: str) -> int:
    text = raw.strip()
    if not text:
        return NO_NON_KEY_MUSCLE
    level = parse_non_key_muscle(text)
    return -2 if level is None else int(level)


def _codes(column: pa.Array, code: Callable[[str], int], dtype: type) -> npt.NDArray[Any]:
    """The code of every value of a dictionary-encoded column."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    table: npt.NDArray[Any] = np.array(
        [code(v) for v in column.dictionary.to_pylist()], dtype=dtype
    )
    indices = column.indices.to_numpy(zero_copy_only=False)
    return table[indices] if table.size else np.zeros(len(column), dtype)


# --------------------------------------------------------------------------- reading


def read_header(path: Path) -> list[str]:
    """The column names of a REDCap CSV export (a UTF-8 byte-order mark dropped)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        return next(csv.reader(f), [])


def header_problems(header: list[str], name: str) -> list[FieldProblem]:
    """What makes a file no raw ``isncsci_exam`` export: no ``record_id`` (a label export
    names it "Record ID"), missing cell or VAC/DAP columns."""
    record = f"file {name}"
    columns = set(header)
    if RECORD_ID not in columns:
        hint = " (a label export? export raw codes and variable names)" if header else ""
        return [FieldProblem(record, RECORD_ID, None, f"column is missing{hint}")]
    missing = [c.value for c in CELLS if c.value not in columns]
    missing += [f for f in (VAC, DAP) if f not in columns]
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        message = f"column is missing{more}: not an {INSTRUMENT} export"
        return [FieldProblem(record, missing[0], None, message)]
    return []


class RedcapExport:
    """A REDCap flat CSV export of the ``isncsci_exam`` instrument, read in batches.

    Raises :class:`InvalidRedcap` at once when the header is not the instrument's."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.header = read_header(path)
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise InvalidRedcap(
                [FieldProblem(f"file {path.name}", "(file)", None, f"cannot be read: {error}")]
            ) from None
        problems = header_problems(self.header, path.name)
        if problems:
            raise InvalidRedcap(problems)
        present = set(self.header)
        self.identity: list[str] = [f for f in IDENTITY_FIELDS if f in present]
        """REDCap's identity columns the file has, in :data:`IDENTITY_FIELDS` order."""
        self.stored = [f for _, f in RESULT_FIELDS if f in present]
        """The instrument's result fields the file has."""
        optional = [c.consider_normal for c in CELLS]
        optional += [NKM.format(side=s) for s in ("right", "left")]
        self._cells = [c.value for c in CELLS] + [VAC, DAP]
        self._cells += [f for f in optional if f in present]

    def batches(self, rows_per_batch: int = ROWS_PER_BATCH) -> Iterator[RedcapBatch]:
        """The exam rows, a batch at a time (never an empty batch); then
        :class:`InvalidRedcap` with every problem of the file, if any."""
        dictionary = pa.dictionary(pa.int32(), pa.string())
        types = {name: dictionary for name in self._cells + self.stored}
        types |= {name: pa.string() for name in self.identity}
        problems: list[FieldProblem] = []
        pending: list[RedcapBatch] = []
        rows = 0
        try:
            reader = pa_csv.open_csv(
                self.path,
                read_options=pa_csv.ReadOptions(
                    column_names=self.header, skip_rows=1, block_size=BLOCK_SIZE
                ),
                parse_options=pa_csv.ParseOptions(newlines_in_values=True),
                convert_options=pa_csv.ConvertOptions(
                    column_types=types,
                    include_columns=list(dict.fromkeys(self.identity + self._cells + self.stored)),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            for record_batch in reader:
                batch = _convert(record_batch, self.identity, self.stored, problems)
                if batch is None or problems:
                    continue
                pending.append(batch)
                rows += len(batch.exams)
                if rows >= rows_per_batch:
                    yield _concat(pending)
                    pending, rows = [], 0
        except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as error:
            record = f"file {self.path.name}"
            problems.append(FieldProblem(record, "(file)", None, f"cannot be read: {error}"))
        if pending and not problems:
            yield _concat(pending)
        if problems:
            raise InvalidRedcap(problems)


def _concat(batches: list[RedcapBatch]) -> RedcapBatch:
    if len(batches) == 1:
        return batches[0]
    return RedcapBatch(
        exams=ExamBatch.concat([b.exams for b in batches]),
        identity={
            k: pa.concat_arrays([b.identity[k] for b in batches]) for k in batches[0].identity
        },
        stored={k: pa.concat_arrays([b.stored[k] for b in batches]) for k in batches[0].stored},
    )


def _convert(
    data: pa.RecordBatch, identity: list[str], stored: list[str], problems: list[FieldProblem]
) -> RedcapBatch | None:
    """The exam rows of one record batch, or ``None`` (problems appended) if none."""
    n = data.num_rows
    names = set(data.schema.names)
    values = np.empty((n, len(CELLS)), np.uint8)
    tags = np.ones((n, len(CELLS)), np.uint8)
    for j, cell in enumerate(CELLS):
        values[:, j] = _codes(data.column(cell.value), partial(_cell_code, cell=cell), np.uint8)
        if cell.consider_normal in names:
            tags[:, j] = _codes(data.column(cell.consider_normal), _consider_code, np.uint8)
    is_exam = (values != _EMPTY).any(axis=1)
    if REPEAT_INSTRUMENT in identity:
        instrument = data.column(REPEAT_INSTRUMENT)
        other = pc.and_(pc.not_equal(instrument, ""), pc.not_equal(instrument, INSTRUMENT))
        is_exam &= ~other.to_numpy(zero_copy_only=False)
    ab = (values >= _AB) & (values < _EMPTY)
    bad_tag = ab & (tags == _INVALID)
    codes = np.where(ab, (values & 7) + 8 * tags, values).astype(np.uint8)
    vac = _codes(data.column(VAC), _anal_code, np.uint8)
    dap = _codes(data.column(DAP), _anal_code, np.uint8)
    muscles = np.full((n, 2), NO_NON_KEY_MUSCLE, np.int8)
    for s, side in enumerate(("right", "left")):
        name = NKM.format(side=side)
        if name in names:
            muscles[:, s] = _codes(data.column(name), _muscle_code, np.int8)
    bad = ((values >= _EMPTY) | bad_tag).any(axis=1) | (vac >= _EMPTY) | (dap >= _EMPTY)
    bad |= (muscles == -2).any(axis=1)
    bad &= is_exam
    if bad.any():
        problems += _row_problems(data, np.flatnonzero(bad))
    keep = np.flatnonzero(is_exam & ~bad)
    if not keep.size:
        return None
    exams = ExamBatch.allocate(keep.size, [None] * keep.size)
    rows = codes[keep]
    at = 0
    for s in range(2):  # CELLS: per side, light touch, pin prick, motor
        for target in (exams.light_touch, exams.pin_prick, exams.motor):
            width = target.shape[2]
            target[:, s, :] = rows[:, at : at + width]
            at += width
    exams.vac[:] = vac[keep]
    exams.dap[:] = dap[keep]
    exams.non_key_muscle[:] = muscles[keep]
    taken = pa.array(keep)
    return RedcapBatch(
        exams=exams,
        identity={k: data.column(k).take(taken) for k in identity},
        stored={k: data.column(k).take(taken) for k in stored},
    )


def _row_problems(data: pa.RecordBatch, rows: Intp) -> list[FieldProblem]:
    """Every problem of the bad ``rows``, in the words of :func:`mapping.read_row`."""
    out: list[FieldProblem] = []
    for raw in data.take(pa.array(rows)).to_pylist():
        row = {k: ("" if v is None else str(v).strip()) for k, v in raw.items()}
        label = row_label(row[RECORD_ID], row.get(EVENT, ""), row.get(REPEAT_INSTANCE, ""))
        for cell in CELLS:
            value = row[cell.value]
            text = cell_text(value, "", cell) if value else None
            if not value:
                out.append(FieldProblem(label, cell.value, None, "is empty"))
            elif text is None:
                out.append(FieldProblem(label, cell.value, value, value_message(value, cell)))
            elif text.endswith("*"):
                consider = row.get(cell.consider_normal, "")
                if _consider_code(consider) == _INVALID:
                    out.append(
                        FieldProblem(label, cell.consider_normal, consider, CONSIDER_MESSAGE)
                    )
        for name in (DAP, VAC):
            value = row[name]
            if _anal_code(value) >= _EMPTY:
                message = "is empty" if not value else ANAL_MESSAGE
                out.append(FieldProblem(label, name, value or None, message))
        for side in ("right", "left"):
            name = NKM.format(side=side)
            value = row.get(name, "")
            if value and _muscle_code(value) == -2:
                out.append(FieldProblem(label, name, value, MUSCLE_MESSAGE))
    return out
