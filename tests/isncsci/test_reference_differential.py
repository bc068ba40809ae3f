"""Differential test: both engines against the reference classifier (npm ``isncsci``
2.0.6) on 7,000 generated exams per asserted category (21,000 per run), all 25 fields
(categories in ``ASSERTED``).

A difference passes only when an adjudicated divergence class explains it
(``tests/isncsci/reference/divergences.py``, docs/adjudications.md) or when the exam's NT
completions prove that the reference misses a value some completion reaches (and ours are
exact). Reproduce and explore with ``python -m tests.isncsci.reference.diff`` (README of
tests/isncsci/reference/).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from tests.isncsci.reference.compare import Comparison, compare
from tests.isncsci.reference.completions import Reach
from tests.isncsci.reference.diff import format_difference, summary
from tests.isncsci.reference.engines import classify_ours
from tests.isncsci.reference.generator import generate
from tests.isncsci.reference.notation import Flat
from tests.isncsci.reference.oracle import classify_reference, require_reference

SEED = 2019
EXAMS_PER_CATEGORY = 7_000
ASSERTED = ("plain", "nt", "tags")
"""The categories asserted. Not yet (issue 9 open; measured with ``python -m
tests.isncsci.reference.diff --category mixed --n 5000 --seed 2019 --engine both``):
``mixed`` (NT and tags together: 41 of 5,000 exams with an unexplained tag difference,
mostly NLI and AIS tags, see docs/adjudications.md A4, A11). Add it here once its count is
0; the agreement table shows it meanwhile."""
SHOWN = 5


@cache
def _reference(
    category: str,
) -> tuple[list[dict[str, Any]], list[Flat], dict[int, Reach]]:
    """The category's exams, the reference's results and the completions' unions computed
    so far (shared by the two engines)."""
    exams = generate(category, EXAMS_PER_CATEGORY, SEED)
    return exams, classify_reference(exams).flat, {}


def _comparison(category: str, engine: str) -> Comparison:
    exams, reference, unions = _reference(category)
    return compare(category, engine, exams, classify_ours(engine, exams), reference, unions)


@pytest.mark.parametrize("engine", ["scalar", "batch"])
@pytest.mark.parametrize("category", ASSERTED)
def test_every_difference_from_the_reference_is_explained(category: str, engine: str) -> None:
    require_reference()
    c = _comparison(category, engine)
    failures = c.failures
    shown = "\n".join(format_difference(d) for d in failures[:SHOWN])
    assert not failures, (
        f"{len(failures)} exams differ from the reference without an adjudicated reason "
        f"(seed {SEED}; first {min(SHOWN, len(failures))} below; "
        f"python -m tests.isncsci.reference.diff --category {category} --engine {engine} "
        f"--n {EXAMS_PER_CATEGORY} --seed {SEED})\n{summary(c)}\n{shown}"
    )
