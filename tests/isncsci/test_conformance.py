"""Conformance: the 128 expert-classified worksheets of the ISNCSCI 2019 suite.

The suite is read from ../shared/isncsci at test time (never copied into the project).
Every one of the 11 classification fields and 14 score totals must match.
"""

from __future__ import annotations

from typing import Any

import pytest

from regencord.isncsci import Exam, classify
from tests.isncsci.conformance import (
    SUITE,
    actual_fields,
    case_to_exam,
    conformance_required,
    expected_fields,
    load_cases,
    suite_available,
)

if not suite_available():
    if conformance_required():
        raise RuntimeError(f"conformance suite missing at {SUITE}")
    pytest.skip(
        f"ISNCSCI conformance suite not found at {SUITE} (it lives in ../shared/isncsci)",
        allow_module_level=True,
    )

CASES = load_cases()


def test_suite_has_128_cases() -> None:
    assert len(CASES) == 128
    assert all(len(expected_fields(c)) == 25 for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[f"case-{c['id']}" for c in CASES])
def test_case_matches_on_every_field(case: dict[str, Any]) -> None:
    result = classify(Exam.from_praxis(case_to_exam(case))).to_praxis()
    actual, expected = actual_fields(result), expected_fields(case)
    mismatches = {k: (actual[k], v) for k, v in expected.items() if actual[k] != v}
    assert not mismatches, f"case {case['id']}: (got, expected) {mismatches}"
