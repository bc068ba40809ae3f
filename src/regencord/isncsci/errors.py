"""Problems found in an exam, reported all at once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: which exam, which field, what value, why."""

    exam: str
    """``exam 3`` or ``exam 3 (id P01-W12)``."""
    field: str
    """Dotted path in the Praxis exam shape, e.g. ``right.motor.C5``."""
    message: str

    def __str__(self) -> str:
        return f"{self.exam}: {self.field}: {self.message}"


class InvalidExam(ValueError):
    """Raised when input exams are invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def exam_label(index: int | None, exam_id: object = None) -> str:
    """How problems name an exam: by its position (counting from 1) and its id if any."""
    base = "exam" if index is None else f"exam {index}"
    if exam_id is not None and exam_id != "":
        return f"{base} (id {exam_id})"
    return base
