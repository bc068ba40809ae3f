"""Use cases of the cell product: register iPS cell lines and lots, record quality-control
results, release or reject a lot.

A lot may be released only when every one of its QC results meets its specification and
every required assay (:data:`REQUIRED_ASSAYS`) has a result. A rejection can be recorded
at any time, also after a release (a recall); a rejected lot is never released again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field, FiniteFloat, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from regencord.services.errors import FieldProblem, InvalidInput, NotFound, invalid
from regencord.services.unit import read_unit, unit_of_work
from regencord.services.validation import Day as Day
from regencord.services.validation import InputModel, validated
from regencord.services.validation import blank_is_none as blank_is_none
from regencord.services.validation import not_after_today as not_after_today
from regencord.services.validation import raise_problems as raise_problems
from regencord.store.db import Database
from regencord.store.models import CellLine, Lot, LotDecision, QcResult, ReleaseDecision

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


def number_text(value: float) -> str:
    """A number as entered: ``92.5``, ``2000000`` (no ``.0``, no exponent for integers)."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


# --- assays ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assay:
    """A standard release assay: how its result is expressed."""

    name: str
    label: str
    numeric: bool
    """A number (judged against min/max); otherwise a text result (judged against the
    expected text)."""
    unit: str | None = None
    """Default unit of a numeric result."""
    lowest: float | None = None
    highest: float | None = None
    """Possible values of a numeric result (a percentage: 0–100)."""


STANDARD_ASSAYS: dict[str, Assay] = {
    a.name: a
    for a in (
        Assay("viability", "viability", True, "%", 0, 100),
        Assay("cell_count", "cell count", True, "cells", 0),
        Assay("sterility", "sterility", False),
        Assay("mycoplasma", "mycoplasma", False),
        Assay("endotoxin", "endotoxin", True, "EU/mL", 0),
        Assay("karyotype", "karyotype", False),
        Assay(
            "undifferentiated_marker", "residual undifferentiated-cell marker", True, "%", 0, 100
        ),
    )
}
REQUIRED_ASSAYS: tuple[str, ...] = tuple(STANDARD_ASSAYS)
"""Assays every lot needs a result of before release: all the standard ones."""

_ALIASES = {
    "cell_number": "cell_count",
    "count": "cell_count",
    "cells": "cell_count",
    "total_cells": "cell_count",
    "undifferentiated": "undifferentiated_marker",
    "undifferentiated_cells": "undifferentiated_marker",
    "residual_undifferentiated": "undifferentiated_marker",
    "residual_undifferentiated_cells": "undifferentiated_marker",
}
_ASSAY_NAME = re.compile(r"^[a-z0-9][a-z0-9_.+/()%]*$")


def assay_name(name: str) -> str:
    """The stored name of an assay: lower case, blanks and hyphens as ``_``, standard
    aliases resolved (``Cell count`` → ``cell_count``)."""
    key = re.sub(r"[\s\-]+", "_", name.strip().lower())
    return _ALIASES.get(key, key)


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
        if not _ASSAY_NAME.match(key):
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


# --- what the use cases return ---------------------------------------------------------------


@dataclass(frozen=True)
class LineSummary:
    line_id: str
    source: str
    donor_hla: str | None
    reprogramming_method: str | None
    lots: tuple[str, ...]


@dataclass(frozen=True)
class QcView:
    id: int
    assay: str
    value: float | None
    text_result: str | None
    unit: str | None
    spec_min: float | None
    spec_max: float | None
    spec_expected: str | None
    tested_on: date
    passed: bool

    @property
    def result_text(self) -> str:
        parts = []
        if self.value is not None:
            parts.append(number_text(self.value) + (f" {self.unit}" if self.unit else ""))
        if self.text_result is not None:
            parts.append(self.text_result)
        return ", ".join(parts)

    @property
    def specification_text(self) -> str:
        return specification_text(self.spec_min, self.spec_max, self.spec_expected, self.unit)

    def __str__(self) -> str:
        verdict = "pass" if self.passed else "FAIL"
        return (
            f"{self.assay}: {self.result_text} (spec {self.specification_text}) {verdict}, "
            f"tested {self.tested_on.isoformat()}"
        )


def specification_text(
    spec_min: float | None, spec_max: float | None, expected: str | None, unit: str | None
) -> str:
    """``≥ 70 %``, ``≤ 0.5 EU/mL``, ``70–100 %``, ``negative``."""
    suffix = f" {unit}" if unit else ""
    parts = []
    if spec_min is not None and spec_max is not None:
        parts.append(f"{number_text(spec_min)}–{number_text(spec_max)}{suffix}")
    elif spec_min is not None:
        parts.append(f"≥ {number_text(spec_min)}{suffix}")
    elif spec_max is not None:
        parts.append(f"≤ {number_text(spec_max)}{suffix}")
    if expected is not None:
        parts.append(expected)
    return "; ".join(parts)


@dataclass(frozen=True)
class DecisionView:
    decision: LotDecision
    decided_by: str
    decided_on: date
    note: str | None

    def __str__(self) -> str:
        text = f"{self.decision.value} by {self.decided_by} on {self.decided_on.isoformat()}"
        return f"{text} ({self.note})" if self.note else text


@dataclass(frozen=True)
class LotSummary:
    lot_id: str
    line_id: str
    passage: int
    manufactured_on: date
    expires_on: date
    qc: tuple[QcView, ...]
    decisions: tuple[DecisionView, ...]
    status: str
    """``released``, ``rejected`` or ``awaiting release``."""
    qc_problems: tuple[str, ...]
    """Why the QC does not allow a release (failed or missing assays); empty if it does."""

    @property
    def releasable(self) -> bool:
        return not self.qc_problems

    def lines(self) -> list[str]:
        out = [
            f"lot {self.lot_id} (line {self.line_id}): {self.status}",
            f"  passage {self.passage}, manufactured {self.manufactured_on.isoformat()}, "
            f"expires {self.expires_on.isoformat()}",
        ]
        out += [f"  QC {q}" for q in self.qc]
        out += [f"  QC missing: {m}" for m in self.missing_assays]
        out += [f"  decision: {d}" for d in self.decisions]
        return out

    @property
    def missing_assays(self) -> tuple[str, ...]:
        present = {q.assay for q in self.qc}
        return tuple(a for a in REQUIRED_ASSAYS if a not in present)


def qc_view(r: QcResult) -> QcView:
    """A QC result as shown: its value and specification as text, pass or fail."""
    return QcView(
        id=r.id,
        assay=r.assay,
        value=r.value,
        text_result=r.text_result,
        unit=r.unit,
        spec_min=r.spec_min,
        spec_max=r.spec_max,
        spec_expected=r.spec_expected,
        tested_on=r.tested_on,
        passed=r.meets_specification,
    )


def _decision_view(d: ReleaseDecision) -> DecisionView:
    return DecisionView(d.decision, d.decided_by, d.decided_on, d.note)


def lot_summary(lot: Lot) -> LotSummary:
    decision = decision_in_force(lot)
    status = "awaiting release" if decision is None else decision.decision.value
    return LotSummary(
        lot_id=lot.lot_id,
        line_id=lot.line.line_id,
        passage=lot.passage,
        manufactured_on=lot.manufactured_on,
        expires_on=lot.expires_on,
        qc=tuple(qc_view(r) for r in lot.qc_results if not r.deleted),
        decisions=tuple(_decision_view(d) for d in lot.decisions if not d.deleted),
        status=status,
        qc_problems=tuple(str(p) for p in release_problems(lot)),
    )


def line_summary(line: CellLine) -> LineSummary:
    return LineSummary(
        line_id=line.line_id,
        source=line.source,
        donor_hla=line.donor_hla,
        reprogramming_method=line.reprogramming_method,
        lots=tuple(lot.lot_id for lot in line.lots if not lot.deleted),
    )


# --- rules ------------------------------------------------------------------------------------


def decision_in_force(lot: Lot, on: date | None = None) -> ReleaseDecision | None:
    """The decision that holds for ``lot`` on day ``on`` (default: every decision so far):
    the first rejection if there is one, else the release, else ``None`` (not released)."""
    decisions = [d for d in lot.decisions if not d.deleted and (on is None or d.decided_on <= on)]
    for d in decisions:
        if d.decision is LotDecision.REJECTED:
            return d
    released = [d for d in decisions if d.decision is LotDecision.RELEASED]
    return released[-1] if released else None


def release_problems(lot: Lot) -> list[FieldProblem]:
    """Why ``lot`` may not be released: each failed QC result, each missing required assay."""
    record = f"lot {lot.lot_id}"
    results = [r for r in lot.qc_results if not r.deleted]
    problems = []
    for r in results:
        if not r.meets_specification:
            shown = qc_view(r)
            spec = shown.specification_text
            problems.append(
                FieldProblem(
                    record,
                    f"QC {r.assay}",
                    shown.result_text,
                    f"(tested {r.tested_on.isoformat()}) fails its specification {spec}",
                )
            )
    present = {r.assay for r in results}
    for name in REQUIRED_ASSAYS:
        if name not in present:
            problems.append(FieldProblem(record, "QC", name, "is a required assay with no result"))
    return problems


def _qc_problems(record: str, value: QcInput) -> list[FieldProblem | None]:
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


# --- finding records --------------------------------------------------------------------------


def find_line(session: Session, line_id: str) -> CellLine | None:
    return session.scalar(
        select(CellLine).where(CellLine.line_id == line_id, CellLine.deleted_at.is_(None))
    )


def find_lot(session: Session, lot_id: str) -> Lot:
    lot = session.scalar(select(Lot).where(Lot.lot_id == lot_id, Lot.deleted_at.is_(None)))
    if lot is None:
        raise NotFound(f"lot {lot_id!r} does not exist")
    return lot


def _label(data: dict[str, Any] | BaseModel, key: str) -> str:
    value = data.get(key) if isinstance(data, dict) else getattr(data, key, None)
    return str(value) if value else "(new)"


# --- use cases --------------------------------------------------------------------------------


def add_line(db: Database, *, user: str, data: dict[str, Any] | LineInput) -> LineSummary:
    """Register an iPS cell line."""
    value = validated(LineInput, data, f"cell line {_label(data, 'line_id')}")
    with unit_of_work(db, user=user) as session:
        if session.scalar(select(CellLine.id).where(CellLine.line_id == value.line_id)):
            raise invalid(
                f"cell line {value.line_id}", "line_id", value.line_id, "is already registered"
            )
        line = CellLine(**value.model_dump())
        session.add(line)
        session.flush()
        return line_summary(line)


def add_lot(db: Database, *, user: str, data: dict[str, Any] | LotInput) -> LotSummary:
    """Register a manufactured lot of a registered cell line."""
    record = f"lot {_label(data, 'lot_id')}"
    value = validated(LotInput, data, record)
    record = f"lot {value.lot_id}"
    problems: list[FieldProblem | None] = [
        not_after_today(record, "manufactured_on", value.manufactured_on)
    ]
    if value.expires_on <= value.manufactured_on:
        problems.append(
            FieldProblem(
                record,
                "expires_on",
                value.expires_on.isoformat(),
                f"is not after manufactured_on {value.manufactured_on.isoformat()}",
            )
        )
    raise_problems(problems)
    with unit_of_work(db, user=user) as session:
        if session.scalar(select(Lot.id).where(Lot.lot_id == value.lot_id)):
            raise invalid(record, "lot_id", value.lot_id, "is already used by a lot")
        line = find_line(session, value.line)
        if line is None:
            raise invalid(record, "line", value.line, "is not a registered cell line")
        lot = Lot(
            lot_id=value.lot_id,
            line=line,
            passage=value.passage,
            manufactured_on=value.manufactured_on,
            expires_on=value.expires_on,
        )
        session.add(lot)
        session.flush()
        return lot_summary(lot)


def record_qc(
    db: Database, *, user: str, lot_id: str, data: dict[str, Any] | QcInput
) -> tuple[QcView, LotSummary]:
    """Record a QC result of a lot with the specification it is judged against. A result
    outside its specification is recorded too (and then stands in the way of a release)."""
    value = validated(QcInput, data, f"lot {lot_id} QC {_label(data, 'assay')}")
    record = f"lot {lot_id} QC {value.assay}"
    problems = _qc_problems(record, value)
    problems.append(not_after_today(record, "tested_on", value.tested_on))
    raise_problems(problems)
    standard = STANDARD_ASSAYS.get(value.assay)
    unit = value.unit
    if unit is None and standard is not None and value.value is not None:
        unit = standard.unit
    with unit_of_work(db, user=user) as session:
        lot = find_lot(session, lot_id)
        if value.tested_on < lot.manufactured_on:
            raise invalid(
                record,
                "tested_on",
                value.tested_on.isoformat(),
                f"is before the lot was manufactured ({lot.manufactured_on.isoformat()})",
            )
        result = QcResult(
            lot=lot,
            assay=value.assay,
            value=value.value,
            text_result=value.result,
            unit=unit,
            spec_min=value.spec_min,
            spec_max=value.spec_max,
            spec_expected=value.expected,
            tested_on=value.tested_on,
        )
        session.add(result)
        session.flush()
        session.refresh(lot)
        return qc_view(result), lot_summary(lot)


def _decision_date(record: str, lot: Lot, value: DecisionInput) -> date:
    day = value.decided_on or date.today()
    raise_problems([not_after_today(record, "decided_on", day)])
    if day < lot.manufactured_on:
        raise invalid(
            record,
            "decided_on",
            day.isoformat(),
            f"is before the lot was manufactured ({lot.manufactured_on.isoformat()})",
        )
    return day


def release_lot(
    db: Database, *, user: str, lot_id: str, data: dict[str, Any] | DecisionInput
) -> LotSummary:
    """Release a lot for use in transplants. Refused, naming every failed or missing QC
    result, unless the QC meets the specifications; refused for a rejected or expired lot."""
    record = f"lot {lot_id}"
    value = validated(DecisionInput, data, f"{record} release")
    with unit_of_work(db, user=user) as session:
        lot = find_lot(session, lot_id)
        day = _decision_date(record, lot, value)
        current = decision_in_force(lot)
        if current is not None and current.decision is LotDecision.REJECTED:
            raise invalid(
                record,
                "decision",
                "released",
                f"is refused: the lot was {_decision_view(current)}; a rejected lot stays rejected",
            )
        if current is not None:
            raise invalid(
                record, "decision", "released", f"is already recorded ({_decision_view(current)})"
            )
        if day > lot.expires_on:
            raise invalid(
                record,
                "decided_on",
                day.isoformat(),
                f"is after the lot expired ({lot.expires_on.isoformat()}): it cannot be released",
            )
        tested = [r.tested_on for r in lot.qc_results if not r.deleted]
        if tested and day < max(tested):
            raise invalid(
                record,
                "decided_on",
                day.isoformat(),
                f"is before the last QC test ({max(tested).isoformat()})",
            )
        problems = release_problems(lot)
        if problems:
            raise InvalidInput(
                [
                    FieldProblem(p.record, p.field, p.value, f"{p.message}: release refused")
                    for p in problems
                ]
            )
        session.add(
            ReleaseDecision(
                lot=lot,
                decision=LotDecision.RELEASED,
                decided_by=value.decided_by,
                decided_on=day,
                note=value.note,
            )
        )
        session.flush()
        session.refresh(lot)
        return lot_summary(lot)


def reject_lot(
    db: Database, *, user: str, lot_id: str, data: dict[str, Any] | RejectionInput
) -> LotSummary:
    """Reject a lot (with a note saying why), whatever its QC; also after a release."""
    record = f"lot {lot_id}"
    value = validated(RejectionInput, data, f"{record} rejection")
    with unit_of_work(db, user=user) as session:
        lot = find_lot(session, lot_id)
        day = _decision_date(record, lot, value)
        current = decision_in_force(lot)
        if current is not None and current.decision is LotDecision.REJECTED:
            raise invalid(
                record, "decision", "rejected", f"is already recorded ({_decision_view(current)})"
            )
        if current is not None and day < current.decided_on:
            raise invalid(
                record,
                "decided_on",
                day.isoformat(),
                f"is before the lot was {_decision_view(current)}",
            )
        session.add(
            ReleaseDecision(
                lot=lot,
                decision=LotDecision.REJECTED,
                decided_by=value.decided_by,
                decided_on=day,
                note=value.note,
            )
        )
        session.flush()
        session.refresh(lot)
        return lot_summary(lot)


def show_lot(db: Database, lot_id: str, *, user: str) -> LotSummary:
    with read_unit(db, user=user) as session:
        return lot_summary(find_lot(session, lot_id))


def show_line(db: Database, line_id: str, *, user: str) -> LineSummary:
    with read_unit(db, user=user) as session:
        line = find_line(session, line_id)
        if line is None:
            raise NotFound(f"cell line {line_id!r} does not exist")
        return line_summary(line)
