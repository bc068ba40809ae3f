"""Classifying a whole REDCap export, streamed: read an ``isncsci_exam`` flat CSV export a
batch of rows at a time into the batch engine's cell codes, and write each batch's results
as the instrument's result fields, with a report of stored results that differ.

pyarrow parses the file (only the columns needed, as strings) in a reader thread, which
joins its record batches to :data:`ROWS_PER_CONVERT` rows; each value is mapped to its
code in bulk by the vectorized exam CSV reader's byte-level lookup
(:mod:`regencord.isncsci.batch.csv_io`), its tables made by the rules of
:mod:`regencord.interop.redcap.mapping`. A row
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
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Final

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
from regencord.isncsci.batch.csv_io import PREFETCH
from regencord.isncsci.batch.exam_batch import NO_NON_KEY_MUSCLE
from regencord.isncsci.batch.prefetch import read_ahead
from regencord.isncsci.batch.tokens import EMPTY_CODE, INVALID_CODE, NO_MUSCLE_CODE, Tokens
from regencord.isncsci.cells import AnalFunction
from regencord.isncsci.exam import parse_non_key_muscle
from regencord.isncsci.levels import NON_KEY_MUSCLE_LEVELS
from regencord.problems import FieldProblem

ROWS_PER_BATCH: Final = 65_536
ROWS_PER_CONVERT: Final = 8_192
"""Rows of pyarrow's record batches (about 2,500 rows each) joined before their values are
mapped to codes, which costs per column and batch as well as per row: 200,000 rows took
4.5 s of CPU unjoined, 3.5-4 s joined (16,384 rows: as fast, 50 MB more peak RSS)."""
BLOCK_SIZE: Final = 2 << 20
"""Bytes pyarrow parses at a time (a REDCap row is about 0.8 kB: ~2,500 rows). pyarrow's
reader holds several blocks of a file this wide: 8 MiB blocks measured a peak RSS of
726 MB for 1,000,000 rows against 407 MB at 2 MiB, as fast (benchmarks/bench_redcap.py)."""

U8 = npt.NDArray[np.uint8]
Intp = npt.NDArray[np.intp]

_BAD_MUSCLE: Final = -2
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
# The vectorized reader of exam CSV files maps a string column to codes by its bytes (one
# byte by table, two to four by binary search, the rest once per distinct value): the
# same machinery, with the instrument's values.


def _cell_code(text: str, cell: CellField) -> int | None:
    parsed = cell_text(text, "", cell)
    if parsed is None:
        return None
    score = parsed.rstrip("*")
    code = NT_VALUE if score == "NT" else int(score)
    return code + (_AB if parsed.endswith("*") else 0)


def _cell_tokens(cell: CellField) -> Tokens:
    normal = 5 if cell.is_motor else 2
    scores = [str(v) for v in range(normal + 1)]
    nts = ["nt", "NT", "Nt", "nT"]
    tagged = [f"ab-{v}" for v in scores[:-1]]
    return Tokens(
        partial(_cell_code, cell=cell),
        EMPTY_CODE,
        str,
        [*scores, *nts, *tagged, *(t.upper() for t in tagged)],
    )


def _consider_code(text: str) -> int | None:
    """Tag of an ``ab-*`` value: 1 ``*`` (2 or empty), 2 ``**`` (1)."""
    return {"2": 1, "1": 2}.get(text)


def _anal_code(text: str) -> int | None:
    parsed = AnalFunction.parse(text)
    return None if parsed is None else ANAL.index(parsed)


def _muscle_code(text: str) -> int | None:
    level = parse_non_key_muscle(text)
    return None if level is None else int(level)


_MOTOR = _cell_tokens(CELLS[-1])
_SENSORY = _cell_tokens(CELLS[0])
_CONSIDER = Tokens(_consider_code, 1, str, [])
_ANAL = Tokens(_anal_code, EMPTY_CODE, str, ["Yes", "No", "NT", "yes", "no", "nt", "YES", "NO"])
_MUSCLE = Tokens(_muscle_code, NO_MUSCLE_CODE, str, [lv.name for lv in NON_KEY_MUSCLE_LEVELS])


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
                [FieldProblem(f"file {path.name}", "", None, f"cannot be read: {error}")]
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
        columns = list(dict.fromkeys(self.identity + self._cells + self.stored))
        types = {name: pa.string() for name in columns}
        problems: list[FieldProblem] = []
        pending: list[RedcapBatch] = []
        rows = 0
        try:
            reader = pa_csv.open_csv(
                self.path,
                read_options=pa_csv.ReadOptions(
                    column_names=self.header,
                    skip_rows=1,
                    block_size=BLOCK_SIZE,
                    use_threads=False,
                ),
                parse_options=pa_csv.ParseOptions(newlines_in_values=True),
                convert_options=pa_csv.ConvertOptions(
                    column_types=types,
                    include_columns=columns,
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            for record_batch in read_ahead(_grouped(reader, ROWS_PER_CONVERT), PREFETCH):
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
            problems.append(FieldProblem(record, "", None, f"cannot be read: {error}"))
        if pending and not problems:
            yield _concat(pending)
        if problems:
            raise InvalidRedcap(problems)


def _grouped(batches: Iterator[pa.RecordBatch], rows: int) -> Iterator[pa.RecordBatch]:
    """``batches`` joined into batches of at least ``rows`` rows (the last one may have
    fewer): mapping values to codes costs per column and per batch as well as per row."""
    waiting: list[pa.RecordBatch] = []
    count = 0
    for batch in batches:
        waiting.append(batch)
        count += batch.num_rows
        if count >= rows:
            yield waiting[0] if len(waiting) == 1 else pa.concat_batches(waiting)
            waiting, count = [], 0
    if waiting:
        yield waiting[0] if len(waiting) == 1 else pa.concat_batches(waiting)


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
    values = np.empty((len(CELLS), n), np.uint8)  # a cell's values contiguous
    for j, cell in enumerate(CELLS):
        tokens = _MOTOR if cell.is_motor else _SENSORY
        values[j] = tokens.codes(data.column(cell.value))
    is_exam = (values != EMPTY_CODE).any(axis=0)
    if REPEAT_INSTRUMENT in identity:
        instrument = data.column(REPEAT_INSTRUMENT)
        other = pc.and_(pc.not_equal(instrument, ""), pc.not_equal(instrument, INSTRUMENT))
        is_exam &= ~other.to_numpy(zero_copy_only=False)
    ab = (values >= _AB) & (values < EMPTY_CODE)
    tags = np.ones((len(CELLS), n), np.uint8)
    for j in np.flatnonzero(ab.any(axis=1)).tolist():  # a tag matters only beside ab-*
        if CELLS[j].consider_normal in names:
            rows = np.flatnonzero(ab[j])
            consider = data.column(CELLS[j].consider_normal).take(pa.array(rows))
            tags[j, rows] = _CONSIDER.codes(consider)
    bad_tag = ab & (tags == INVALID_CODE)
    codes = np.where(ab, (values & 7) + 8 * tags, values).astype(np.uint8)
    vac = _ANAL.codes(data.column(VAC))
    dap = _ANAL.codes(data.column(DAP))
    muscles = np.full((n, 2), NO_NON_KEY_MUSCLE, np.int8)
    for s, side in enumerate(("right", "left")):
        name = NKM.format(side=side)
        if name in names:
            code = _MUSCLE.codes(data.column(name))
            muscles[:, s] = np.where(code == NO_MUSCLE_CODE, NO_NON_KEY_MUSCLE, code)
            muscles[code == INVALID_CODE, s] = _BAD_MUSCLE
    bad = ((values >= EMPTY_CODE) | bad_tag).any(axis=0) | (vac >= EMPTY_CODE) | (dap >= EMPTY_CODE)
    bad |= (muscles == _BAD_MUSCLE).any(axis=1)
    bad &= is_exam
    if bad.any():
        problems += _row_problems(data, np.flatnonzero(bad))
    keep = np.flatnonzero(is_exam & ~bad)
    if not keep.size:
        return None
    exams = ExamBatch.allocate(keep.size, [None] * keep.size)
    cells = (codes if keep.size == n else codes[:, keep]).T
    at = 0
    for s in range(2):  # CELLS: per side, light touch, pin prick, motor
        for target in (exams.light_touch, exams.pin_prick, exams.motor):
            width = target.shape[2]
            target[:, s, :] = cells[:, at : at + width]
            at += width
    exams.vac[:] = vac[keep]
    exams.dap[:] = dap[keep]
    exams.non_key_muscle[:] = muscles[keep]
    if keep.size == n:  # every row an exam, as usual
        return RedcapBatch(
            exams=exams,
            identity={k: data.column(k) for k in identity},
            stored={k: data.column(k) for k in stored},
        )
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
                if consider and _consider_code(consider) is None:
                    out.append(
                        FieldProblem(label, cell.consider_normal, consider, CONSIDER_MESSAGE)
                    )
        for name in (DAP, VAC):
            value = row[name]
            if not value or _anal_code(value) is None:
                message = "is empty" if not value else ANAL_MESSAGE
                out.append(FieldProblem(label, name, value or None, message))
        for side in ("right", "left"):
            name = NKM.format(side=side)
            value = row.get(name, "")
            if value and _muscle_code(value) is None:
                out.append(FieldProblem(label, name, value, MUSCLE_MESSAGE))
    return out
