"""Reading the one exam of a file given to ``regencord exam add``, and how the engine's
problems with an exam are reported.

Rules: a ``.json`` file holds one exam object (or an array of one), a ``.csv`` file one
row, in the Praxis shape; anything else is refused naming the file. The exam itself is
validated when it is recorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from regencord.isncsci import InvalidExam
from regencord.isncsci.io import FileFormat, format_of, read_exams
from regencord.services.errors import FieldProblem, InvalidInput, invalid_file
from regencord.services.exam_results import lookup


@dataclass(frozen=True)
class ExamProblem(FieldProblem):
    """A problem the engine found in an exam; its message already quotes the value."""

    def __str__(self) -> str:
        return f"{self.record}: {self.field}: {self.message}"


def engine_problems(error: InvalidExam, record: str, raw: object) -> list[FieldProblem]:
    """The engine's problems with an exam, each with the value it names."""
    return [ExamProblem(record, p.field, lookup(raw, p.field), p.message) for p in error.problems]


def load_exam_file(path: Path) -> dict[str, Any]:
    """The one exam of a JSON file (an object, or an array of one) or CSV file (one row),
    in the Praxis shape. The exam itself is validated when it is recorded."""
    record = f"exam file {path}"
    fmt = format_of(path)
    if fmt is None:
        raise invalid_file(record, "is not a .json or .csv file")
    if fmt is FileFormat.CSV:
        try:
            exams = read_exams(path, FileFormat.CSV)
        except InvalidExam as error:
            raise InvalidInput(
                [
                    ExamProblem(f"{record}, {p.exam}", p.field, None, p.message)
                    for p in error.problems
                ]
            ) from None
        except (OSError, UnicodeDecodeError) as error:
            raise invalid_file(record, f"cannot be read: {error}") from None
        if len(exams) != 1:
            raise invalid_file(record, f"has {len(exams)} exams; one expected")
        return exams[0].to_praxis()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise invalid_file(record, f"cannot be read: {error}") from None
    except json.JSONDecodeError as error:
        raise invalid_file(record, f"is not valid JSON: {error}") from None
    if isinstance(data, list):
        if len(data) != 1:
            raise invalid_file(record, f"has {len(data)} exams; one expected")
        data = data[0]
    if not isinstance(data, dict):
        raise invalid_file(record, "does not hold an exam object")
    return data
