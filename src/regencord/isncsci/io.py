"""Reading exams and writing classifications: JSON (the Praxis shape) and CSV (one exam a row).

JSON input is one exam object or an array of them, in the Praxis exam shape (see
:mod:`regencord.isncsci.exam`), each with an optional ``"id"``. CSV input has one exam per
row, with the columns :data:`EXAM_COLUMNS`: ``exam_id``, ``vac``, ``dap``,
``right_lowest_non_key_muscle``, ``left_lowest_non_key_muscle`` and one column per cell,
``{right|left}_{motor|light_touch|pin_prick}_{LEVEL}`` (``right_motor_C5``,
``left_light_touch_S4_5``). ``exam_id`` and the non-key muscle columns may be left out; an
empty non-key muscle means none. Each CSV row becomes a Praxis exam, so both formats share
:meth:`Exam.from_praxis`'s validation; problems in a CSV row name the column.

Reading never stops at the first problem: :class:`ExamSource` yields valid exams while the
input has no problem so far, then raises one :class:`InvalidExam` with every problem of the
whole input (exams counted from 1). CSV rows are streamed; a JSON file is parsed whole.
:mod:`regencord.isncsci.batch.csv_io` reads the same CSV format in bulk (into
:class:`~regencord.isncsci.batch.ExamBatch`), sharing this module's header layout, row
splitting and messages, so that both readers report the same problems in the same words.

Results are written as a JSON array of :meth:`Classification.to_praxis` objects, or as CSV
with ``exam_id`` and :data:`RESULT_COLUMNS`, whose values are taken from the same Praxis
objects so that the two formats cannot disagree. :func:`save_results` writes atomically.
"""

from __future__ import annotations

import csv
import difflib
import json
import os
import tempfile
import textwrap
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any, BinaryIO, NamedTuple, TextIO, TypeVar

from regencord.isncsci.classification import Classification, classify
from regencord.isncsci.errors import InvalidExam, Problem, exam_label
from regencord.isncsci.exam import NKM_KEY, Exam, Side
from regencord.isncsci.levels import DERMATOMES, MYOTOMES, Level

__all__ = [
    "EXAM_COLUMNS",
    "RESULT_COLUMNS",
    "RESULT_CSV_COLUMNS",
    "ExamSource",
    "FileFormat",
    "OutputError",
    "atomic_write",
    "classify_all",
    "exam_row",
    "format_of",
    "read_exams",
    "result_row",
    "save_exams",
    "save_results",
    "write_exams",
    "write_results",
]

T = TypeVar("T")


class FileFormat(StrEnum):
    """A file format for exams and results."""

    JSON = "json"
    CSV = "csv"


def format_of(path: Path | str) -> FileFormat | None:
    """The format a file's extension names (``.json``, ``.csv``, any case), or ``None``."""
    suffix = Path(path).suffix.lower().lstrip(".")
    try:
        return FileFormat(suffix)
    except ValueError:
        return None


class OutputError(OSError):
    """Writing an output file failed; nothing was written."""

    def __init__(self, path: Path, cause: OSError) -> None:
        reason = cause.strerror or str(cause)
        super().__init__(cause.errno, reason, str(path))
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"cannot write {self.path}: {self.reason}"


# --------------------------------------------------------------------------- CSV layout

EXAM_ID_COLUMN = "exam_id"
_GRID_COLUMN_NAMES = (("motor", "motor"), ("light_touch", "lightTouch"), ("pin_prick", "pinPrick"))
_GRID_LEVELS: dict[str, tuple[Level, ...]] = {
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
            for level in _GRID_LEVELS[grid]:
                fields[f"{side.value}_{column_grid}_{level.name}"] = (side.value, grid, level.name)
    return fields


_FIELD_OF_COLUMN: dict[str, tuple[str, ...]] = _column_fields()
_COLUMN_OF_FIELD: dict[str, str] = {".".join(f): c for c, f in _FIELD_OF_COLUMN.items()}

COLUMN_OF_FIELD: Mapping[str, str] = MappingProxyType(_COLUMN_OF_FIELD)
"""The CSV column of each field of the Praxis exam shape, by dotted path
(``"right.motor.C5"`` → ``"right_motor_C5"``, ``"voluntaryAnalContraction"`` → ``"vac"``)."""

EMPTY_VALUE = "empty"
"""The problem message of an empty CSV value that the exam requires."""

EXAM_COLUMNS: tuple[str, ...] = tuple(_FIELD_OF_COLUMN)
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


# --------------------------------------------------------------------------- reading


class ExamSource:
    """The exams of one JSON or CSV file, read when iterated.

    Iterating yields each valid exam in file order for as long as no problem has been
    found, keeps validating to the end of the input, and then raises one
    :class:`InvalidExam` carrying every problem (a file that cannot be read or parsed is a
    single problem naming the file). Consumers must therefore treat what they received as
    provisional until iteration ends without an exception.
    """

    def __init__(self, path: Path | str, format: FileFormat | None = None) -> None:
        self.path = Path(path)
        self.name = str(path)
        detected = format or format_of(self.path)
        if detected is None:
            raise InvalidExam(
                [Problem(self.name, "unknown format", "expected a .json or .csv file")]
            )
        self.format: FileFormat = detected
        self._json: list[object] | None = None

    def count(self) -> int:
        """How many exams the file holds (array items or non-blank rows), unvalidated.

        Reads a CSV file once more; raises :class:`InvalidExam` when the file cannot be
        read or parsed.
        """
        if self.format is FileFormat.JSON:
            return len(self._load_json())
        problems: list[Problem] = []
        rows = sum(1 for _ in self._csv_rows(problems))
        if problems:
            raise InvalidExam(problems)
        return max(rows - 1, 0)  # the header

    def json_items(self) -> list[object]:
        """The items of a JSON file (an object is one item), unvalidated; raises
        :class:`InvalidExam` when the file cannot be read or parsed."""
        return self._load_json()

    def __iter__(self) -> Iterator[Exam]:
        problems: list[Problem] = []
        if self.format is FileFormat.JSON:
            yield from self._json_exams(problems)
        else:
            yield from self._csv_exams(problems)
        if problems:
            raise InvalidExam(problems)

    # JSON -------------------------------------------------------------------------------

    def _load_json(self) -> list[object]:
        if self._json is None:
            self._json = self._parse_json()
        return self._json

    def _parse_json(self) -> list[object]:
        data = _read_bytes(self.path, self.name)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line = data[: e.start].count(b"\n") + 1
            raise InvalidExam(
                [Problem(self.name, "not UTF-8 text", f"byte 0x{data[e.start]:02x} on line {line}")]
            ) from None
        try:
            value: object = json.loads(text)
        except json.JSONDecodeError as e:
            raise InvalidExam(
                [
                    Problem(
                        self.name, "not valid JSON", f"{e.msg} at line {e.lineno} column {e.colno}"
                    )
                ]
            ) from None
        except RecursionError:
            raise InvalidExam([Problem(self.name, "not valid JSON", "nested too deeply")]) from None
        if isinstance(value, list):
            return value
        if isinstance(value, dict):
            return [value]
        raise InvalidExam(
            [
                Problem(
                    self.name,
                    "not an exam or a list of exams",
                    f"expected a JSON object or array, got {_json_type(value)}",
                )
            ]
        )

    def _json_exams(self, problems: list[Problem]) -> Iterator[Exam]:
        try:
            items = self._load_json()
        except InvalidExam as e:
            problems.extend(e.problems)
            return
        for index, item in enumerate(items, 1):
            try:
                exam = Exam.from_praxis(item, index=index)
            except InvalidExam as e:
                problems.extend(e.problems)
                continue
            if not problems:
                yield exam

    # CSV --------------------------------------------------------------------------------

    def _csv_rows(self, problems: list[Problem]) -> Iterator[tuple[range, list[str]]]:
        for record in csv_records(self.path, self.name, problems):
            yield record.lines, record.values

    def _csv_exams(self, problems: list[Problem]) -> Iterator[Exam]:
        rows = self._csv_rows(problems)
        first = next(rows, None)
        if first is None:
            if not problems:
                problems.append(no_header_problem(self.name))
            return
        layout = _CsvLayout.from_header(first[1], problems)
        for index, (lines, row) in enumerate(rows, 1):
            exam = layout.exam(row, index, lines, problems)
            if exam is not None and not problems:
                yield exam


class CsvRecord(NamedTuple):
    """One non-blank row of a CSV file."""

    line: int
    """The line it ends on (counting from 1), as :attr:`csv.reader.line_num`."""
    values: list[str]
    end: int
    """The byte offset just after it in the file."""
    first: int
    """The line it starts on (a quoted value may hold line breaks)."""

    @property
    def lines(self) -> range:
        """The lines it spans."""
        return range(self.first, self.line + 1)


def csv_records(path: Path, name: str, problems: list[Problem]) -> Generator[CsvRecord, None, None]:
    """Each non-blank row of the CSV file at ``path``, the header first. A problem reading
    or parsing it (named ``name``) is appended to ``problems`` and ends the rows."""
    try:
        f = path.open("rb")
    except OSError as e:
        problems.append(Problem(name, "cannot read", _os_reason(e)))
        return
    with f:
        lines = _Utf8Lines(f)
        reader = csv.reader(lines)
        start = 1  # the line the next record starts on
        try:
            for row in reader:
                if any(value.strip() for value in row):
                    yield CsvRecord(reader.line_num, row, lines.position, start)
                start = reader.line_num + 1
        except _NotUtf8 as e:
            problems.append(
                Problem(name, "not UTF-8 text", f"byte 0x{e.byte:02x} on line {e.line}")
            )
        except csv.Error as e:
            problems.append(Problem(name, "not valid CSV", _csv_error(e, start, reader)))
        except OSError as e:
            problems.append(Problem(name, "cannot read", _os_reason(e)))


def _csv_error(error: csv.Error, start: int, reader: Any) -> str:
    """A CSV parse error named by the line its record starts on: an unclosed quote makes
    the parser read on, many lines past it, before it fails (field too large, or end of
    file), so the line it fails on is not the one to fix."""
    if reader.line_num <= start:
        return f"line {start}: {error}"
    return (
        f"line {start}: {error} (the record starting on line {start} runs on to line "
        f"{reader.line_num}: is a quote not closed?)"
    )


def no_header_problem(name: str) -> Problem:
    """The problem of a CSV file without a header row."""
    return Problem(name, "not valid CSV", "no header row")


def read_exams(path: Path | str, format: FileFormat | None = None) -> list[Exam]:
    """Every exam of a JSON or CSV file; :class:`InvalidExam` with every problem if any."""
    return list(ExamSource(path, format))


def _read_bytes(path: Path, name: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as e:
        raise InvalidExam([Problem(name, "cannot read", _os_reason(e))]) from None


def _os_reason(e: OSError) -> str:
    return e.strerror or str(e)


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return type(value).__name__


class _NotUtf8(Exception):
    def __init__(self, byte: int, line: int) -> None:
        super().__init__(byte, line)
        self.byte = byte
        self.line = line


class _Utf8Lines:
    """The lines of a binary file as text, decoded one at a time so that a decoding error
    names its line; a leading byte-order mark is dropped."""

    def __init__(self, f: BinaryIO) -> None:
        self._f = f
        self.line = 0
        self.position = 0
        """Bytes read so far."""

    def __iter__(self) -> Iterator[str]:
        for raw in self._f:
            self.line += 1
            self.position += len(raw)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise _NotUtf8(raw[e.start], self.line) from None
            if self.line == 1:
                text = text.removeprefix("\ufeff")
            yield text


@dataclass(frozen=True)
class _CsvLayout:
    """Where each known column sits in the rows of one CSV file."""

    width: int
    positions: Mapping[str, int]
    missing: frozenset[str]

    @classmethod
    def from_header(cls, header: list[str], problems: list[Problem]) -> _CsvLayout:
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
        d: dict[str, Any] = {side.value: {grid: {} for grid in _GRID_LEVELS} for side in Side}
        for column, position in self.positions.items():
            value = row[position].strip()
            if not value:
                continue
            *parents, key = _FIELD_OF_COLUMN[column]
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


# --------------------------------------------------------------------------- classifying


def classify_all(exams: Iterable[Exam]) -> Iterator[Classification]:
    """Classify each exam; an unexpected failure notes which exam (counted from 1)."""
    for index, exam in enumerate(exams, 1):
        try:
            result = classify(exam)
        except Exception as e:
            e.add_note(f"while classifying {exam_label(index, exam.id)}")
            raise
        yield result


# --------------------------------------------------------------------------- writing


def result_row(result: Classification | Mapping[str, Any]) -> dict[str, str]:
    """One result CSV row (:data:`RESULT_CSV_COLUMNS`), from the Praxis result shape."""
    praxis = result.to_praxis() if isinstance(result, Classification) else result
    row = {EXAM_ID_COLUMN: str(praxis.get("id", ""))}
    for name, path in RESULT_COLUMNS:
        value: Any = praxis
        for key in path:
            value = value[key]
        row[name] = str(value)
    return row


def exam_row(exam: Exam) -> dict[str, str]:
    """One exam CSV row (:data:`EXAM_COLUMNS`), from the Praxis exam shape."""
    praxis = exam.to_praxis()
    row: dict[str, str] = {}
    for column, path in _FIELD_OF_COLUMN.items():
        value: Any = praxis
        for key in path:
            value = value.get(key, "") if isinstance(value, Mapping) else ""
        row[column] = str(value)
    return row


def write_results(results: Iterable[Classification], stream: TextIO, format: FileFormat) -> int:
    """Write results to ``stream`` as they come; return how many were written."""
    if format is FileFormat.JSON:
        return _write_json_array((r.to_praxis() for r in results), stream)
    return _write_csv_rows((result_row(r) for r in results), RESULT_CSV_COLUMNS, stream)


def write_exams(exams: Iterable[Exam], stream: TextIO, format: FileFormat) -> int:
    """Write exams to ``stream`` in an input format; return how many were written."""
    if format is FileFormat.JSON:
        return _write_json_array((e.to_praxis() for e in exams), stream)
    return _write_csv_rows((exam_row(e) for e in exams), EXAM_COLUMNS, stream)


def save_results(results: Iterable[Classification], path: Path, format: FileFormat) -> int:
    """Write results to ``path`` atomically (nothing is written if anything fails, including
    an :class:`InvalidExam` raised by ``results``); return how many were written."""
    return _save(path, lambda f: write_results(results, f, format))


def save_exams(exams: Iterable[Exam], path: Path, format: FileFormat) -> int:
    """Write exams to ``path`` atomically; return how many were written."""
    return _save(path, lambda f: write_exams(exams, f, format))


def _save(path: Path, write: Callable[[TextIO], T]) -> T:
    with atomic_write(path) as f:
        return write(f)


@contextmanager
def atomic_write(path: Path) -> Iterator[TextIO]:
    """A UTF-8 text file (``newline=""``) that replaces ``path`` only when the block ends
    without an exception. It is written next to ``path`` and renamed into place; filesystem
    errors are raised as :class:`OutputError`."""
    path = Path(path)
    try:
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as e:
        raise OutputError(path, e) from e
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _new_file_mode(path))
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise OutputError(path, e) from e
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _new_file_mode(path: Path) -> int:
    """The mode of the file being replaced, else what ``open`` would have created."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _write_json_array(items: Iterable[Mapping[str, Any]], stream: TextIO) -> int:
    """Stream an array of objects, formatted as ``json.dumps(items, indent=2)`` would."""
    n = 0
    stream.write("[")
    for item in items:
        stream.write(",\n" if n else "\n")
        stream.write(textwrap.indent(json.dumps(item, indent=2, ensure_ascii=False), "  "))
        n += 1
    stream.write("\n]\n" if n else "]\n")
    return n


def _write_csv_rows(
    rows: Iterable[Mapping[str, str]], columns: tuple[str, ...], stream: TextIO
) -> int:
    writer = csv.DictWriter(stream, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    n = 0
    for row in rows:
        writer.writerow(row)
        n += 1
    return n
