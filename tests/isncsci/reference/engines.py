"""regencord's two engines, classifying Praxis-shaped exams into the 25 compared fields."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from regencord.isncsci import Exam, classify
from regencord.isncsci.batch import ExamBatch, classify_batch
from tests.isncsci.reference.notation import Flat, flatten


def classify_scalar_praxis(exams: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``classify(Exam.from_praxis(e)).to_praxis()`` for each exam."""
    return [classify(Exam.from_praxis(e)).to_praxis() for e in exams]


def classify_batch_praxis(exams: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``classify_batch(ExamBatch.from_praxis(exams)).to_praxis()``."""
    return classify_batch(ExamBatch.from_praxis(exams)).to_praxis()


ENGINES: dict[str, Callable[[Sequence[Mapping[str, Any]]], list[dict[str, Any]]]] = {
    "scalar": classify_scalar_praxis,
    "batch": classify_batch_praxis,
}
"""Engine name → a function of a list of exams returning Praxis-shaped results."""


def classify_ours(engine: str, exams: Sequence[Mapping[str, Any]]) -> list[Flat]:
    """The 25 normalised fields of each exam by ``engine`` (``scalar`` or ``batch``)."""
    return [flatten(r) for r in ENGINES[engine](exams)]
