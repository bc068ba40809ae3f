"""Reading exams: JSON (the Praxis shape) and CSV (one exam a row, the columns of
:mod:`regencord.isncsci.columns`).

JSON input is one exam object or an array of them, in the Praxis exam shape (see
:mod:`regencord.isncsci.exam`), each with an optional ``"id"``. CSV input has one exam per
row; an empty non-key muscle means none. Each CSV row becomes a Praxis exam, so both
formats share :meth:`Exam.from_praxis`'s validation; problems in a CSV row name the column.

Reading never stops at the first problem: :class:`ExamSource` yields valid exams while the
input has no problem so far, then raises one :class:`InvalidExam` with every problem of the
whole input (exams counted from 1). CSV rows are streamed; a JSON file is parsed whole.
:mod:`regencord.isncsci.batch.csv_io` reads the same CSV format in bulk, sharing the header
layout (:class:`~regencord.isncsci.columns.CsvLayout`), :func:`csv_records` and the
messages, so that both readers report the same problems in the same words.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from regencord.isncsci.columns import CsvLayout
from regencord.isncsci.errors import InvalidExam, Problem
from regencord.isncsci.exam import Exam
from regencord.isncsci.files import FileFormat, format_of

__all__ = ["CsvRecord", "ExamSource", "csv_records", "no_header_problem", "read_exams"]


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
        layout = CsvLayout.from_header(first[1], problems)
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
