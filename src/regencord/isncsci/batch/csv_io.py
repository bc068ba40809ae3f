"""Exam CSV files in and result files out, vectorized (pyarrow and NumPy).

:func:`iter_csv_batches` reads an exam CSV file (the format of :mod:`regencord.isncsci.io`)
as a stream of :class:`ExamBatch`: pyarrow parses the rows, every column as strings, and
each value is mapped to its cell code in bulk. A value of one byte is looked up in a
256-entry table, one of two to four bytes by binary search among the tokens a worksheet
usually holds (``NT``, ``3*``, ``Yes``, ``C8``...); any other value is parsed once per
distinct value by the scalar engine's own rules (:func:`~regencord.isncsci.cells.parse_cell`,
:meth:`AnalFunction.parse <regencord.isncsci.cells.AnalFunction.parse>`,
:func:`~regencord.isncsci.exam.parse_non_key_muscle`). Every table entry is itself made by
those rules, so the reader accepts exactly what the scalar reader accepts.

Problems are those of the scalar reader (:class:`regencord.isncsci.io.ExamSource`), word
for word and in the same order: the header's (found by the same code), then each exam's
(counted from 1 across the file, with its id; the column each problem names; the message
helpers of :mod:`regencord.isncsci.exam`), then a problem reading the file. Batches are
yielded while no problem has been found; the problems of the whole file are raised
together as one :class:`InvalidExam` at the end, so consumers must not commit what they
made of the batches before the iteration ends.

Where pyarrow and Python's :mod:`csv` could split a file differently (a row of the wrong
width, a lone carriage return, a field over :func:`csv.field_size_limit`, invalid UTF-8, a
parse error), the reader starts again with the scalar reader's own row splitting
(:func:`regencord.isncsci.io.csv_records`), still converting the rows in bulk, and only
yields exams not yielded before.

:func:`write_results_csv` and :func:`write_results_json` write a
:class:`BatchClassification` exactly as :func:`regencord.isncsci.io.write_results` writes
the same results: each distinct value is formatted (CSV-quoted or JSON-encoded) once. A
CSV row's pieces (its id, then a field per column) are taken by pyarrow from one string
array of the ids and those fields, every row's at once: the result's bytes are the rows.
JSON items are joined in Python. :class:`ResultWriter` writes batch after batch into one
file.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import textwrap
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from os import PathLike
from pathlib import Path
from queue import Full, Queue
from typing import Any, BinaryIO, Final, TextIO, TypeVar, cast

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.csv as pa_csv

from regencord.isncsci.batch.codes import ANAL, encode
from regencord.isncsci.batch.exam_batch import NO_NON_KEY_MUSCLE, ExamBatch
from regencord.isncsci.batch.result import BatchClassification, EncodedColumn
from regencord.isncsci.cells import (
    MOTOR_HINT,
    SENSORY_HINT,
    AnalFunction,
    CellKind,
    parse_cell,
)
from regencord.isncsci.classification import classify
from regencord.isncsci.columns import (
    COLUMN_OF_FIELD,
    EMPTY_VALUE,
    EXAM_ID_COLUMN,
    RESULT_COLUMNS,
    RESULT_CSV_COLUMNS,
    CsvLayout,
)
from regencord.isncsci.errors import InvalidExam, Problem, exam_label
from regencord.isncsci.exam import (
    NKM_KEY,
    SIDES,
    Exam,
    invalid_anal_message,
    invalid_cell_message,
    invalid_non_key_muscle_message,
    parse_non_key_muscle,
)
from regencord.isncsci.files import FileFormat
from regencord.isncsci.levels import DERMATOMES, MYOTOMES, NON_KEY_MUSCLE_LEVELS
from regencord.isncsci.reading import csv_records, no_header_problem

__all__ = [
    "ROWS_PER_BATCH",
    "ResultWriter",
    "iter_csv_batches",
    "read_csv_batch",
    "write_results_csv",
    "write_results_json",
]

ROWS_PER_BATCH: Final = 262_144
"""Exams per batch that :func:`iter_csv_batches` yields by default."""

BLOCK_SIZE: Final = 1 << 20
"""Bytes pyarrow parses at a time (its record batches)."""

PREFETCH: Final = 2
"""Record batches pyarrow parses ahead, in a worker thread."""

_CAREFUL_ROWS: Final = 4096
"""Rows (as lists of strings) converted at a time when the scalar row splitting is used."""

U8 = npt.NDArray[np.uint8]
I32 = npt.NDArray[np.int32]
Intp = npt.NDArray[np.intp]

# Codes of values that are not a cell, VAC/DAP or non-key muscle code (all of those < 64).
NO_MUSCLE_CODE: Final = 250
"""An empty non-key muscle: none."""
_UNRESOLVED: Final = 253
EMPTY_CODE: Final = 254
"""An empty value where one is required: the problem :data:`EMPTY_VALUE`."""
INVALID_CODE: Final = 255
"""A value the column's rules refuse."""
_PROBLEM: Final = EMPTY_CODE
"""Codes from this one on are problems."""

_ASCII_SPACE = np.array([chr(b).isspace() for b in range(128)] + [True] * 128, dtype=np.bool_)
"""Bytes that may begin a value that strips to nothing (every non-ASCII byte may)."""


# --------------------------------------------------------------------------- tokens


def _pack(token: bytes) -> int:
    """A token of 2 to 4 bytes as one integer (its bytes, little-endian, and its length)."""
    return int.from_bytes(token, "little") | len(token) << 32


class Tokens:
    """Codes of the values of one kind of column, by the scalar engine's rules."""

    def __init__(
        self,
        parse: Callable[[str], int | None],
        empty: int,
        invalid: Callable[[str], str],
        candidates: Iterable[str],
    ) -> None:
        self._parse = parse
        self.empty = empty
        self.invalid_message = invalid
        self._cache: dict[str, int] = {}
        ascii_codes = [self.code(chr(b)) for b in range(128)]
        self._single = np.array(ascii_codes + [_UNRESOLVED] * 128, dtype=np.uint8)
        """The code of each one-byte value (a non-ASCII byte is not a whole value)."""
        packed = {_pack(t.encode()): self.code(t) for t in candidates if 2 <= len(t.encode()) <= 4}
        keys = sorted(packed)
        self._keys = np.array(keys, dtype=np.uint64)
        self._key_codes = np.array([packed[k] for k in keys], dtype=np.uint8)

    def code(self, raw: str) -> int:
        """The code of one value (its text stripped; empty is :attr:`empty`)."""
        code = self._cache.get(raw)
        if code is None:
            text = raw.strip()
            parsed = self._parse(text) if text else self.empty
            code = INVALID_CODE if parsed is None else parsed
            if len(self._cache) < 100_000:
                self._cache[raw] = code
        return code

    def codes(self, column: pa.Array) -> U8:
        """The code of every value of a string column."""
        offsets, data = _string_buffers(column)
        n = len(offsets) - 1
        if data.size == 0:
            return np.full(n, self.empty, np.uint8)
        starts = offsets[:-1]
        lengths = offsets[1:] - starts
        if n and starts[-1] >= data.size:  # empty values at the end start past the data
            starts = np.minimum(starts, data.size - 1)
        codes: U8 = self._single.take(data.take(starts))
        rows = np.flatnonzero(lengths != 1)  # a value of one byte is ASCII (valid UTF-8)
        if rows.size:
            codes[rows] = self._resolve(column, rows, starts[rows], lengths[rows], data)
        return codes

    def _resolve(self, column: pa.Array, rows: Intp, starts: I32, lengths: I32, data: U8) -> U8:
        """Codes of values that are not one ASCII byte: empty, packed tokens, the rest
        parsed one distinct value at a time."""
        codes = np.full(rows.size, _UNRESOLVED, np.uint8)
        codes[lengths == 0] = self.empty
        short = np.flatnonzero((lengths >= 2) & (lengths <= 4))
        if short.size and self._keys.size:
            key = _packed(data, starts[short], lengths[short])
            at = np.minimum(np.searchsorted(self._keys, key), self._keys.size - 1)
            found = self._keys[at] == key
            codes[short[found]] = self._key_codes[at[found]]
        rest = np.flatnonzero(codes == _UNRESOLVED)
        if rest.size:
            values = column.take(pa.array(rows[rest])).to_pylist()
            codes[rest] = [self.code(v) for v in values]
        return codes


_LOW_BYTES = np.array([0, 0xFF, 0xFFFF, 0xFFFFFF, 0xFFFFFFFF], np.uint32)


def _packed(data: U8, starts: I32, lengths: I32) -> npt.NDArray[np.uint64]:
    """The values of 2 to 4 bytes at ``starts`` (ascending) in ``data``, each packed as
    :func:`_pack` packs a token: the four bytes from each start read as one word."""
    if data.size < int(starts[-1]) + 4:  # the last words would run past the data
        data = np.concatenate([data, np.zeros(3, np.uint8)])
    words = np.ndarray((data.size - 3,), np.dtype("<u4"), buffer=data, strides=(1,))
    key = (words[starts] & _LOW_BYTES[lengths]).astype(np.uint64)
    key |= lengths.astype(np.uint64) << np.uint64(32)
    return key


def _string_buffers(column: pa.Array) -> tuple[I32, U8]:
    """The offsets (``len + 1``) and data bytes of a pyarrow string array."""
    if column.null_count:  # pragma: no cover - strings_can_be_null is off
        raise ValueError("unexpected null in a CSV column")
    _, offsets_buffer, data_buffer = column.buffers()
    offsets: I32 = np.frombuffer(
        offsets_buffer, dtype=np.int32, count=len(column) + 1, offset=column.offset * 4
    )
    data: U8 = (
        np.frombuffer(data_buffer, dtype=np.uint8)
        if data_buffer is not None and data_buffer.size
        else np.zeros(0, np.uint8)
    )
    return offsets, data


def _cell_tokens(kind: CellKind, hint: str) -> Tokens:
    def parse(text: str) -> int | None:
        cell = parse_cell(text, kind)
        return None if cell is None else encode(cell)

    nts = ("NT", "Nt", "nT", "nt")
    values = [*(str(score) for score in range(kind.normal + 1)), *nts]
    return Tokens(
        parse,
        EMPTY_CODE,
        lambda text: invalid_cell_message(text, hint),
        [value + tag for value in values for tag in ("", "*", "**")],
    )


def _anal_code(text: str) -> int | None:
    value = AnalFunction.parse(text)
    return None if value is None else ANAL.index(value)


def _muscle_code(text: str) -> int | None:
    level = parse_non_key_muscle(text)
    return None if level is None else int(level)


def _anal_tokens() -> Tokens:
    names = [m.value for m in AnalFunction]
    candidates = [f(n) for n in names for f in (str, str.upper, str.lower, str.title)]
    return Tokens(_anal_code, EMPTY_CODE, invalid_anal_message, candidates)


def _muscle_tokens() -> Tokens:
    names = [level.name for level in NON_KEY_MUSCLE_LEVELS]
    candidates = [*names, *(n.lower() for n in names)]
    return Tokens(_muscle_code, NO_MUSCLE_CODE, invalid_non_key_muscle_message, candidates)


# --------------------------------------------------------------------------- fields


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


class _Buffers:
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


class _Converter:
    """Turns rows of one file's columns (pyarrow string arrays) into batch arrays and
    problems."""

    def __init__(self, layout: CsvLayout) -> None:
        tokens = {
            "motor": _cell_tokens(CellKind.MOTOR, MOTOR_HINT),
            "sensory": _cell_tokens(CellKind.SENSORY, SENSORY_HINT),
            "anal": _anal_tokens(),
            "muscle": _muscle_tokens(),
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
        into: _Buffers,
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
            if n and int(codes.max()) >= _PROBLEM:
                ks, rows = np.nonzero(codes >= _PROBLEM)
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
        offsets, data = _string_buffers(array)
        if data.size:
            starts, ends = offsets[:-1], offsets[1:]
            filled = ends > starts
            edges = np.concatenate([data.take(starts[filled]), data.take(ends[filled] - 1)])
            if filled.all() and not _ASCII_SPACE.take(edges).any():
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


# --------------------------------------------------------------------------- reading


class _Restart(Exception):
    """The file needs the scalar reader's row splitting (see the module documentation)."""


class _Watched:
    """A binary file pyarrow reads through: counts the bytes read, notices a carriage
    return that does not end a line, and raises :class:`_Restart` on bytes that are not
    UTF-8 (before pyarrow sees them)."""

    def __init__(self, f: BinaryIO) -> None:
        self._f = f
        self.position = 0
        self.lone_cr_at: int | None = None
        """Where a chunk with a carriage return that does not end a line begins."""
        self._cr_pending = False
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self.closed = False

    def read(self, size: int = -1) -> bytes:
        chunk = self._f.read(size)
        if not chunk.isascii() or self._utf8.getstate()[0] or not chunk:
            try:
                self._utf8.decode(chunk, final=not chunk)
            except UnicodeDecodeError:
                raise _Restart from None
        if chunk:
            if self._cr_pending and not chunk.startswith(b"\n"):
                self._lone_cr(self.position - 1)
            crs = chunk.count(b"\r")
            if crs:
                ends_with_cr = chunk.endswith(b"\r")
                if crs - ends_with_cr != chunk.count(b"\r\n"):
                    self._lone_cr(self.position)
                self._cr_pending = ends_with_cr
            else:
                self._cr_pending = False
        elif self._cr_pending:  # a carriage return at the very end
            self._lone_cr(self.position - 1)
            self._cr_pending = False
        self.position += len(chunk)
        return chunk

    def _lone_cr(self, at: int) -> None:
        if self.lone_cr_at is None:
            self.lone_cr_at = at

    def parsed(self, upto: int) -> bool:
        """Whether what pyarrow parsed from the first ``upto`` bytes is what
        :mod:`csv` would parse (as far as this file can tell)."""
        return self.lone_cr_at is None or self.lone_cr_at >= upto

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self.closed = True


_T = TypeVar("_T")


def read_ahead(items: Iterable[_T], depth: int = 1) -> Iterator[_T]:
    """``items``, produced ahead by a worker thread (up to ``depth`` of them waiting), so
    that producing the next overlaps using this one: pyarrow parses the next block (without
    the GIL) while this one is converted, and the batch classified and written. An
    exception of ``items`` is raised here, after the items before it; closing this iterator
    (or an exception in the caller) stops the worker."""
    queue: Queue[tuple[bool, Any]] = Queue(depth)
    stop = threading.Event()
    iterator = iter(items)

    def put(item: tuple[bool, Any]) -> bool:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.05)
                return True
            except Full:
                continue
        return False

    def work() -> None:
        try:
            for item in iterator:
                if not put((True, item)):
                    return
        except BaseException as e:  # handed over to the consumer
            put((False, e))
        else:
            put((False, None))
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()

    worker = threading.Thread(target=work, name="regencord-csv-reader", daemon=True)
    worker.start()
    try:
        while True:
            ok, item = queue.get()
            if ok:
                yield item
            elif item is None:
                return
            else:
                raise item
    finally:
        stop.set()
        worker.join()


class _CsvBatchReader:
    def __init__(
        self, path: Path, rows_per_batch: int, progress: Callable[[int], None] | None
    ) -> None:
        if rows_per_batch < 1:
            raise ValueError(f"rows_per_batch must be at least 1, got {rows_per_batch}")
        self.path = path
        self.name = str(path)
        self.rows_per_batch = rows_per_batch
        self.progress = progress
        self.problems: list[Problem] = []
        self.yielded = 0
        """Exams yielded so far."""

    def __iter__(self) -> Iterator[ExamBatch]:
        try:
            yield from self._fast()
        except _Restart:
            self.problems = []
            yield from self._careful()
        if self.problems:
            raise InvalidExam(self.problems)

    # pyarrow --------------------------------------------------------------------------

    def _fast(self) -> Iterator[ExamBatch]:
        read_problems: list[Problem] = []
        records = csv_records(self.path, self.name, read_problems)
        header = next(records, None)
        records.close()
        if header is None:
            self.problems = read_problems or [no_header_problem(self.name)]
            return
        layout = CsvLayout.from_header(header.values, self.problems)
        converter = _Converter(layout)
        names = [f"c{i}" for i in range(layout.width)]
        limit = csv.field_size_limit()

        def invalid_row(row: Any) -> str:
            # Called by pyarrow, which cannot pass an exception on (it would be printed as
            # "Exception ignored"): a row Python's csv cannot parse is an error, left to the
            # careful reader to name.
            try:
                values = next(csv.reader(io.StringIO(row.text)), [])
            except csv.Error:
                return "error"
            return "skip" if not any(v.strip() for v in values) else "error"

        try:
            f = self.path.open("rb")
        except OSError as e:
            raise _Restart from e
        with f:
            f.seek(header.end)
            source = _Watched(f)
            buffers = _Buffers(self.rows_per_batch)
            index = 1
            try:
                reader = pa_csv.open_csv(
                    source,
                    read_options=pa_csv.ReadOptions(
                        column_names=names, block_size=BLOCK_SIZE, use_threads=False
                    ),
                    parse_options=pa_csv.ParseOptions(
                        newlines_in_values=True, invalid_row_handler=invalid_row
                    ),
                    convert_options=pa_csv.ConvertOptions(
                        column_types=dict.fromkeys(names, pa.string()),
                        strings_can_be_null=False,
                        quoted_strings_can_be_null=False,
                        check_utf8=False,  # _Watched has checked every byte (faster)
                    ),
                )
                parsed = ((rb, source.position) for rb in reader)
                for record_batch, upto in read_ahead(parsed, PREFETCH):
                    if not source.parsed(upto):
                        raise _Restart
                    columns = _kept_rows(record_batch.columns, limit)
                    rows = len(columns[0]) if columns else 0
                    done = 0
                    while done < rows:
                        n = min(rows - done, buffers.capacity - buffers.size)
                        piece = [c.slice(done, n) for c in columns]
                        converter.convert(piece.__getitem__, n, buffers, index, self.problems)
                        index += n
                        done += n
                        if buffers.size == buffers.capacity:
                            if not self.problems:
                                self.yielded += buffers.size
                                yield buffers.batch()
                            buffers = _Buffers(self.rows_per_batch)
                    if self.progress is not None:
                        self.progress(source.position)
            except (pa.ArrowException, OSError) as e:
                raise _Restart from e
            if not source.parsed(source.position + 1):
                raise _Restart
            if buffers.size and not self.problems:
                self.yielded += buffers.size
                yield buffers.batch()

    # the scalar reader's rows ---------------------------------------------------------

    def _careful(self) -> Iterator[ExamBatch]:
        """The file read by :func:`csv_records`, converted :data:`_CAREFUL_ROWS` rows at a
        time. Batches hold the same exams as those of :meth:`_fast` (no row of the wrong
        width comes before a batch that is yielded), so the ones it yielded are skipped."""
        problems = self.problems
        read_problems: list[Problem] = []
        records = csv_records(self.path, self.name, read_problems)
        header = next(records, None)
        if header is None:
            problems.extend(read_problems or [no_header_problem(self.name)])
            return
        layout = CsvLayout.from_header(header.values, problems)
        converter = _Converter(layout)
        already = self.yielded
        buffers = _Buffers(self.rows_per_batch)
        placed = 0
        rows: list[list[str]] = []
        first = 1

        def flush() -> Iterator[ExamBatch]:
            nonlocal rows, buffers, placed
            arrays: dict[int, pa.Array] = {}

            def column(position: int, start: int, n: int) -> pa.Array:
                if position not in arrays:
                    arrays[position] = pa.array([r[position] for r in rows], type=pa.string())
                return arrays[position].slice(start, n)

            done = 0
            while done < len(rows):
                n = min(len(rows) - done, buffers.capacity - buffers.size)
                piece = partial(column, start=done, n=n)
                converter.convert(piece, n, buffers, first + done, problems)
                done += n
                placed += n
                if buffers.size == buffers.capacity:
                    if not problems and not read_problems and placed > already:
                        self.yielded += buffers.size
                        yield buffers.batch()
                    buffers = _Buffers(self.rows_per_batch)
            rows = []

        for index, record in enumerate(records, 1):
            width_problem = layout.width_problem(record.values, index, record.lines)
            if width_problem is not None:
                yield from flush()
                problems.append(width_problem)
                continue
            if not rows:
                first = index
            rows.append(record.values)
            if len(rows) == _CAREFUL_ROWS:
                yield from flush()
        yield from flush()
        problems.extend(read_problems)
        if buffers.size and not problems and placed > already:
            self.yielded += buffers.size
            yield buffers.batch()


def _kept_rows(columns: list[pa.Array], limit: int) -> list[pa.Array]:
    """The columns without their blank rows (every value strips to nothing; the scalar
    reader skips them); :class:`_Restart` when a value may exceed the csv module's field
    size limit."""
    if not columns:
        return columns
    n = len(columns[0])
    candidates: Intp = np.arange(n)
    for column in columns:
        offsets, data = _string_buffers(column)
        if offsets[-1] - offsets[0] > limit and int(np.diff(offsets).max()) > limit:
            raise _Restart
        if candidates.size:
            starts = offsets[candidates]
            lengths = offsets[candidates + 1] - starts
            first = data[np.minimum(starts, data.size - 1)] if data.size else starts * 0
            candidates = candidates[(lengths == 0) | _ASCII_SPACE[first]]
    if not candidates.size:
        return columns
    blank = [
        int(i)
        for i in candidates
        if not any(str(column[int(i)].as_py()).strip() for column in columns)
    ]
    if not blank:
        return columns
    keep = np.ones(n, dtype=np.bool_)
    keep[blank] = False
    mask = pa.array(keep)
    return [column.filter(mask) for column in columns]


def iter_csv_batches(
    path: str | PathLike[str],
    *,
    rows_per_batch: int = ROWS_PER_BATCH,
    progress: Callable[[int], None] | None = None,
) -> Iterator[ExamBatch]:
    """The exams of an exam CSV file, ``rows_per_batch`` at a time (the last batch may be
    smaller; a file without exams yields none).

    Batches are yielded while the file has no problem so far; at the end, every problem
    of the whole file is raised as one :class:`InvalidExam`, exactly as the scalar reader
    (:class:`regencord.isncsci.io.ExamSource`) reports them. ``progress``, if given, is
    called now and then with the number of bytes read so far.
    """
    return iter(_CsvBatchReader(Path(path), rows_per_batch, progress))


def read_csv_batch(path: str | PathLike[str]) -> ExamBatch:
    """Every exam of an exam CSV file as one batch; :class:`InvalidExam` with every
    problem if any."""
    return ExamBatch.concat(list(iter_csv_batches(path)))


# --------------------------------------------------------------------------- writing


@lru_cache(maxsize=1 << 16)
def _csv_field(value: str) -> str:
    """``value`` as a field of a row written by :mod:`csv` (quoted when needed)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(["", value])
    return out.getvalue()[1:-1]


@lru_cache(maxsize=1 << 16)
def _csv_next_field(value: str) -> str:
    return "," + _csv_field(value)


_CSV_SPECIAL = re.compile(r'[",\r\n]')


def _csv_ids(ids: Sequence[str | None]) -> list[str]:
    texts = ["" if i is None else i for i in ids]
    if _CSV_SPECIAL.search("".join(texts)) is None:
        return texts
    return [_csv_field(t) if _CSV_SPECIAL.search(t) else t for t in texts]


def _used(codes: Intp, k: int) -> tuple[Intp, Intp]:
    """The codes (of ``k``) that occur, and each element's position among them."""
    used = np.flatnonzero(np.bincount(codes.reshape(-1), minlength=k))
    position = np.zeros(k, np.intp)
    position[used] = np.arange(used.size)
    return used, position[codes]


def _decorated(column: EncodedColumn, format: Callable[[str], str]) -> EncodedColumn:
    """The column with only the strings it uses, each passed through ``format``."""
    used, codes = _used(column.codes, len(column.categories))
    categories = [format(c) for c in column.categories[used].tolist()]
    return EncodedColumn(np.array(categories, dtype=object), codes)


_MERGED_KEYS: Final = 1 << 20


def _merged(columns: list[EncodedColumn], n: int) -> list[EncodedColumn]:
    """Neighbouring columns joined into one while their used combinations stay few (at
    most an eighth of the rows), so that each row is joined from fewer pieces."""
    budget = max(1024, n // 8)
    groups: list[EncodedColumn] = []
    for column in columns:
        if groups:
            last, k = groups[-1], len(column.categories)
            if len(last.categories) * k <= _MERGED_KEYS:
                used, codes = _used(last.codes * k + column.codes, len(last.categories) * k)
                if used.size <= budget:
                    strings = last.categories[used // k] + column.categories[used % k]
                    groups[-1] = EncodedColumn(strings, codes)
                    continue
        groups.append(column)
    return groups


_ROWS_PER_WRITE: Final = 8192


def _write_rows(stream: TextIO, heads: list[str], columns: list[EncodedColumn]) -> None:
    """Write rows: row ``i`` is ``heads[i]`` followed by the string of each column at
    ``i``. Joined and written a few thousand rows at a time (a bounded piece of text)."""
    if not heads:
        return
    parts = [group.strings().tolist() for group in _merged(columns, len(heads))]
    for start in range(0, len(heads), _ROWS_PER_WRITE):
        piece = slice(start, start + _ROWS_PER_WRITE)
        rows = zip(heads[piece], *(p[piece] for p in parts), strict=True)
        stream.write("".join(map("".join, rows)))


def write_results_csv(result: BatchClassification, stream: TextIO, *, header: bool) -> int:
    """Write ``result`` as rows of a result CSV file (after the header row if ``header``),
    as :func:`regencord.isncsci.io.write_results` would; return how many rows."""
    if header:
        stream.write(",".join(RESULT_CSV_COLUMNS) + "\n")
    pieces, columns = _csv_pieces(result)
    for start in range(0, len(result), _ROWS_PER_WRITE):
        rows = slice(start, start + _ROWS_PER_WRITE)
        stream.write(_csv_rows(result.ids[rows], pieces, [(c[rows], at) for c, at in columns]))
    return len(result)


_Positions = tuple[Intp, int]
"""Where a column's pieces of text are: a code per row, and where its pieces begin."""


def _csv_pieces(result: BatchClassification) -> tuple[pa.Array, list[_Positions]]:
    """What follows the id in each result CSV row, as pieces of text: each result column's
    distinct values as fields, each after its comma (the last column's with the line end),
    all in one string array; and where each column's pieces are in it. Columns that share
    their values (the right and left sides) share their pieces."""
    encoded = result.encoded_columns()
    texts: list[str] = []
    columns: list[_Positions] = []
    starts: dict[tuple[int, bool], int] = {}
    last = RESULT_COLUMNS[-1][0]
    for name, _ in RESULT_COLUMNS:
        column = encoded[name]
        key = (id(column.categories), name == last)
        if key not in starts:
            starts[key] = len(texts)
            end = "\n" if name == last else ""
            texts += [_csv_next_field(value) + end for value in column.categories.tolist()]
        columns.append((column.codes, starts[key]))
    return pa.array(texts, pa.large_string()), columns


def _csv_rows(ids: Sequence[str | None], pieces: pa.Array, columns: list[_Positions]) -> str:
    """The result CSV rows of exams ``ids`` (the pieces of each row given by ``columns``):
    every row's id and pieces taken at once, end to end, from one string array."""
    n = len(ids)
    heads = pa.array(_csv_ids(ids), pa.large_string())
    index = np.empty((n, 1 + len(columns)), np.int32)
    index[:, 0] = np.arange(len(pieces), len(pieces) + n)
    for k, (codes, at) in enumerate(columns, 1):
        np.add(codes, at, out=index[:, k], casting="unsafe")
    rows = pa.concat_arrays([pieces, heads]).take(index.reshape(-1))
    return _joined(rows)


def _joined(strings: pa.Array) -> str:
    """The values of a large string array, end to end."""
    _, offsets_buffer, data = strings.buffers()
    if data is None or not len(strings):
        return ""
    offsets = np.frombuffer(
        offsets_buffer, dtype=np.int64, count=len(strings) + 1, offset=strings.offset * 8
    )
    return str(memoryview(data)[offsets[0] : offsets[-1]], "utf-8")


@dataclass(frozen=True)
class _JsonTemplate:
    """The text of one result in a JSON result array, as constant pieces between values."""

    with_id: tuple[str, str]
    """What comes before and after the JSON-encoded id."""
    without_id: str
    """What comes first when there is no id."""
    columns: tuple[str, ...]
    """The result columns whose values come next, in order."""
    pieces: tuple[str, ...]
    """What comes after each of them."""


@cache
def _json_template() -> _JsonTemplate:
    """Made from a real result's ``to_praxis()``, its values replaced by markers, formatted
    as :func:`regencord.isncsci.io.write_results` formats each object."""
    normal = {
        side: {
            "motor": dict.fromkeys((lv.name for lv in MYOTOMES), "5"),
            "lightTouch": dict.fromkeys((lv.name for lv in DERMATOMES), "2"),
            "pinPrick": dict.fromkeys((lv.name for lv in DERMATOMES), "2"),
        }
        for side in ("right", "left")
    } | {"voluntaryAnalContraction": "Yes", "deepAnalPressure": "Yes"}
    praxis = classify(Exam.from_praxis(normal)).to_praxis()
    for name, path in RESULT_COLUMNS:
        target = praxis
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = f"@@{name}@@"

    def split(item: dict[str, Any]) -> list[str]:
        text = textwrap.indent(json.dumps(item, indent=2, ensure_ascii=False), "  ")
        return re.split(r'"@@(\w+)@@"', text)

    plain = split(praxis)
    with_id = split({"id": "@@id@@", **praxis})
    if with_id[1] != "id" or with_id[3:] != plain[1:]:  # pragma: no cover - a bug
        raise AssertionError("the id is not the first field of a JSON result")
    return _JsonTemplate(
        with_id=(with_id[0], with_id[2]),
        without_id=plain[0],
        columns=tuple(plain[1::2]),
        pieces=tuple(plain[2::2]),
    )


_json_string: Callable[[str], str] = json.encoder.encode_basestring
"""A string as JSON, as ``json.dumps(value, ensure_ascii=False)`` writes it (the function
it calls), without making an encoder each time."""


@lru_cache(maxsize=1 << 16)
def _json_value_and(value: str, piece: str) -> str:
    return _json_string(value) + piece


def _json_value_then(piece: str) -> Callable[[str], str]:
    return lambda value: _json_value_and(value, piece)


def write_results_json(result: BatchClassification, stream: TextIO, *, first: bool) -> int:
    """Write ``result`` as items of a JSON result array, as
    :func:`regencord.isncsci.io.write_results` would: ``first`` when no item precedes them
    (the caller writes the brackets; see :class:`ResultWriter`). Return how many items."""
    template = _json_template()
    encoded = result.encoded_columns()
    columns = [
        _decorated(encoded[name], _json_value_then(piece))
        for name, piece in zip(template.columns, template.pieces, strict=True)
    ]
    before, after = ",\n" + template.with_id[0], template.with_id[1]
    if None in result.ids:
        plain = ",\n" + template.without_id
        heads = [plain if i is None else before + _json_string(i) + after for i in result.ids]
    else:
        ids = cast(tuple[str, ...], result.ids)
        heads = [before + text + after for text in map(_json_string, ids)]
    if first and heads:
        heads[0] = "\n" + heads[0][2:]
    _write_rows(stream, heads, columns)
    return len(result)


class ResultWriter:
    """Writes the results of batch after batch to one stream, in one format: the same
    bytes as :func:`regencord.isncsci.io.write_results` writes for all of them."""

    def __init__(self, stream: TextIO, format: FileFormat) -> None:
        self.stream = stream
        self.format = format
        self.count = 0
        if format is FileFormat.JSON:
            stream.write("[")
        else:
            stream.write(",".join(RESULT_CSV_COLUMNS) + "\n")

    def write(self, result: BatchClassification) -> int:
        """Write the results of one batch; return how many."""
        if self.format is FileFormat.JSON:
            n = write_results_json(result, self.stream, first=self.count == 0)
        else:
            n = write_results_csv(result, self.stream, header=False)
        self.count += n
        return n

    def close(self) -> int:
        """Finish the file (the JSON array's end); return how many results were written."""
        if self.format is FileFormat.JSON:
            self.stream.write("\n]\n" if self.count else "]\n")
        return self.count
