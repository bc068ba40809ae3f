"""Adjudicated divergence classes between regencord's engines and the reference classifier.

Each class is a narrow, named predicate over one field of one exam (never a list of exam
numbers), backed by an entry in ``docs/adjudications.md`` that gives the rule, a minimal
exam, both outputs and the reason (the Standards' text, a suite case or the committee's
published explanations). The differential test fails on any difference that no class
explains.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Exam = Mapping[str, Any]
"""A Praxis-shaped exam (the JSON both classifiers read)."""


@dataclass(frozen=True)
class Divergence:
    """One adjudicated class: ``applies(exam, field, ours, reference)`` is true when the
    difference on ``field`` (values in Praxis notation) belongs to the class."""

    name: str
    adjudication: str
    applies: Callable[[Exam, str, str, str], bool]


DIVERGENCES: tuple[Divergence, ...] = ()
"""Every adjudicated class; empty until a class is adjudicated."""


def explained_by(exam: Exam, field: str, ours: str, reference: str) -> Divergence | None:
    """The adjudicated class that explains this field difference, or ``None``."""
    for divergence in DIVERGENCES:
        if divergence.applies(exam, field, ours, reference):
            return divergence
    return None
