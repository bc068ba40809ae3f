"""Classifying exams one by one and writing exams and results: results as a JSON array of
:meth:`Classification.to_praxis` objects, or as CSV with ``exam_id`` and
:data:`~regencord.isncsci.columns.RESULT_COLUMNS`, whose values are taken from the same
Praxis objects so that the two formats cannot disagree. :func:`save_results` and
:func:`save_exams` write atomically (:func:`~regencord.isncsci.files.atomic_write`).
"""

from __future__ import annotations

import csv
import json
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO, TypeVar

from regencord.isncsci.classification import Classification, classify
from regencord.isncsci.columns import (
    EXAM_COLUMNS,
    EXAM_ID_COLUMN,
    FIELD_OF_COLUMN,
    RESULT_COLUMNS,
    RESULT_CSV_COLUMNS,
)
from regencord.isncsci.errors import exam_label
from regencord.isncsci.exam import Exam
from regencord.isncsci.files import FileFormat, atomic_write

__all__ = [
    "classify_all",
    "exam_row",
    "result_row",
    "save_exams",
    "save_results",
    "write_exams",
    "write_results",
]

T = TypeVar("T")


def classify_all(exams: Iterable[Exam]) -> Iterator[Classification]:
    """Classify each exam; an unexpected failure notes which exam (counted from 1)."""
    for index, exam in enumerate(exams, 1):
        try:
            result = classify(exam)
        except Exception as e:
            e.add_note(f"while classifying {exam_label(index, exam.id)}")
            raise
        yield result


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
    for column, path in FIELD_OF_COLUMN.items():
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
