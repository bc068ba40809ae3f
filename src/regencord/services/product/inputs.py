"""What the cell-product use cases accept: the input values they share with the transplant
use cases, the input models, and whether a QC result fits its specification and assay."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import BeforeValidator, Field, FiniteFloat, field_validator

from regencord.services.errors import FieldProblem
from regencord.services.product.assays import ASSAY_NAME, STANDARD_ASSAYS, assay_name, number_text
from regencord.services.validation import Day, InputModel, blank_is_none

# --- input values shared by the product and transplant use cases ---------------------------

Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
Person = Annotated[str, Field(min_length=1, max_length=100)]
Note = Annotated[Annotated[str, Field(max_length=500)] | None, BeforeValidator(blank_is_none)]
"""Optional text up to 500 characters; blank means not given."""
OptionalText = Annotated[
    Annotated[str, Field(max_length=200)] | None, BeforeValidator(blank_is_none)
]
"""Optional text up to 200 characters; blank means not given."""


@dataclass(frozen=True)
class _Missing(FieldProblem):
    def __str__(self) -> str:
        return f"{self.record}: {self.field} is missing: {self.message}"


def missing(record: str, field: str, message: str) -> FieldProblem:
    """A required value that was not given: ``record: field is missing: message``."""
    return _Missing(record, field, None, message)


# --- inputs ---------------------------------------------------------------------------------


class LineInput(InputModel):
    line_id: Code
    source: Annotated[str, Field(min_length=1, max_length=200)]
    donor_hla: OptionalText = None
    reprogramming_method: OptionalText = None


class LotInput(InputModel):
    lot_id: Code
    line: Annotated[str, Field(min_length=1, max_length=40)]
    passage: Annotated[int, Field(ge=0, le=1000)]
    manufactured_on: Day
    expires_on: Day


class QcInput(InputModel):
    """One QC result: ``value`` (number) and/or ``result`` (text), and its specification:
    ``spec_min``/``spec_max`` for a number, ``expected`` for a text."""

    assay: Annotated[str, Field(min_length=1, max_length=60)]
    value: FiniteFloat | None = None
    result: OptionalText = None
    unit: Annotated[Annotated[str, Field(max_length=30)] | None, BeforeValidator(blank_is_none)] = (
        None
    )
    spec_min: FiniteFloat | None = None
    spec_max: FiniteFloat | None = None
    expected: OptionalText = None
    tested_on: Day

    @field_validator("assay")
    @classmethod
    def _assay(cls, name: str) -> str:
        key = assay_name(name)
        if not ASSAY_NAME.match(key):
            raise ValueError("is not an assay name (letters, digits, '_', '.', '+', '/', '%')")
        return key


class DecisionInput(InputModel):
    decided_by: Person
    decided_on: Day | None = None
    """Default: today."""
    note: Note = None


class RejectionInput(DecisionInput):
    note: Annotated[str, Field(min_length=1, max_length=500)]
    """Why the lot is rejected (required)."""


def qc_problems(record: str, value: QcInput) -> list[FieldProblem | None]:
    """Whether a QC result and its specification fit together (and fit the assay)."""
    problems: list[FieldProblem | None] = []
    standard = STANDARD_ASSAYS.get(value.assay)
    numeric_spec = value.spec_min is not None or value.spec_max is not None
    if value.value is None and value.result is None:
        problems.append(missing(record, "value", "give a number or a text result"))
    elif numeric_spec and value.value is None:
        problems.append(missing(record, "value", "a minimum or maximum needs a number"))
    elif value.expected is not None and value.result is None:
        problems.append(missing(record, "result", "an expected result needs a text result"))
    if not numeric_spec and value.expected is None:
        problems.append(
            missing(
                record,
                "specification",
                "give a minimum and/or maximum, or the expected text result",
            )
        )
    if (
        value.spec_min is not None
        and value.spec_max is not None
        and value.spec_min > value.spec_max
    ):
        problems.append(
            FieldProblem(record, "spec_max", value.spec_max, f"is below spec_min {value.spec_min}")
        )
    if standard is not None:
        if standard.numeric and value.value is None and value.result and not numeric_spec:
            problems.append(
                FieldProblem(record, "result", value.result, f"{standard.label} needs a number")
            )
        if not standard.numeric and value.expected is None and numeric_spec:
            problems.append(missing(record, "expected", f"{standard.label} is a text result"))
        for field, number in (
            ("value", value.value),
            ("spec_min", value.spec_min),
            ("spec_max", value.spec_max),
        ):
            if number is None:
                continue
            if (standard.lowest is not None and number < standard.lowest) or (
                standard.highest is not None and number > standard.highest
            ):
                low = "" if standard.lowest is None else number_text(standard.lowest)
                high = "" if standard.highest is None else number_text(standard.highest)
                span = f"{low}–{high}" if high else f"≥ {low}"
                problems.append(
                    FieldProblem(
                        record, field, number, f"is outside the possible {standard.label} ({span})"
                    )
                )
    return problems
