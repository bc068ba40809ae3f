"""Exam CSV files in, vectorized (pyarrow and NumPy).

:func:`iter_csv_batches` reads an exam CSV file (the columns of
:mod:`regencord.isncsci.columns`) as a stream of :class:`ExamBatch`: pyarrow parses the
rows, every column as strings, in a reader thread (:mod:`~regencord.isncsci.batch.prefetch`),
and each value is mapped to its code in bulk (:mod:`~regencord.isncsci.batch.tokens`,
:mod:`~regencord.isncsci.batch.csv_convert`), by the scalar engine's own rules, so the
reader accepts exactly what the scalar reader accepts.

Problems are those of the scalar reader (:class:`regencord.isncsci.reading.ExamSource`),
word for word and in the same order: the header's (found by the same code), then each
exam's (counted from 1 across the file, with its id; the column each problem names; the
message helpers of :mod:`regencord.isncsci.exam`), then a problem reading the file.
Batches are yielded while no problem has been found; the problems of the whole file are
raised together as one :class:`InvalidExam` at the end, so consumers must not commit what
they made of the batches before the iteration ends.

Where pyarrow and Python's :mod:`csv` could split a file differently (a row of the wrong
width, a lone carriage return, a field over :func:`csv.field_size_limit`, invalid UTF-8, a
parse error), the reader starts again with the scalar reader's own row splitting
(:func:`regencord.isncsci.reading.csv_records`), still converting the rows in bulk, and
only yields exams not yielded before.

The result writers (:class:`ResultWriter`, :func:`write_results_csv`,
:func:`write_results_json`) live in :mod:`~regencord.isncsci.batch.result_files` and are
importable from here.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from functools import partial
from os import PathLike
from pathlib import Path
from typing import Any, BinaryIO, Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.csv as pa_csv

from regencord.isncsci.batch.csv_convert import Buffers, Converter
from regencord.isncsci.batch.exam_batch import ExamBatch
from regencord.isncsci.batch.prefetch import read_ahead
from regencord.isncsci.batch.result_files import ResultWriter, write_results_csv, write_results_json
from regencord.isncsci.batch.tokens import (
    ASCII_SPACE,
    string_buffers,
)
from regencord.isncsci.columns import (
    CsvLayout,
)
from regencord.isncsci.errors import InvalidExam, Problem
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
        converter = Converter(layout)
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
            buffers = Buffers(self.rows_per_batch)
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
                            buffers = Buffers(self.rows_per_batch)
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
        converter = Converter(layout)
        already = self.yielded
        buffers = Buffers(self.rows_per_batch)
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
                    buffers = Buffers(self.rows_per_batch)
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
        offsets, data = string_buffers(column)
        if offsets[-1] - offsets[0] > limit and int(np.diff(offsets).max()) > limit:
            raise _Restart
        if candidates.size:
            starts = offsets[candidates]
            lengths = offsets[candidates + 1] - starts
            first = data[np.minimum(starts, data.size - 1)] if data.size else starts * 0
            candidates = candidates[(lengths == 0) | ASCII_SPACE[first]]
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
