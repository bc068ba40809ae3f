"""The release assays of a lot and the rule of its release: which decision is in force,
and why a lot may not be released."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from regencord.services.errors import FieldProblem
from regencord.store.models import Lot, LotDecision, ReleaseDecision

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
ASSAY_NAME = re.compile(r"^[a-z0-9][a-z0-9_.+/()%]*$")


def assay_name(name: str) -> str:
    """The stored name of an assay: lower case, blanks and hyphens as ``_``, standard
    aliases resolved (``Cell count`` → ``cell_count``)."""
    key = re.sub(r"[\s\-]+", "_", name.strip().lower())
    return _ALIASES.get(key, key)


def number_text(value: float) -> str:
    """A number as entered: ``92.5``, ``2000000`` (no ``.0``, no exponent for integers)."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


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


def result_text(value: float | None, text_result: str | None, unit: str | None) -> str:
    """A QC result as shown: ``92.5 %``, ``negative``, ``2000000 cells, clumped``."""
    parts = []
    if value is not None:
        parts.append(number_text(value) + (f" {unit}" if unit else ""))
    if text_result is not None:
        parts.append(text_result)
    return ", ".join(parts)


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
            spec = specification_text(r.spec_min, r.spec_max, r.spec_expected, r.unit)
            problems.append(
                FieldProblem(
                    record,
                    f"QC {r.assay}",
                    result_text(r.value, r.text_result, r.unit),
                    f"(tested {r.tested_on.isoformat()}) fails its specification {spec}",
                )
            )
    present = {r.assay for r in results}
    for name in REQUIRED_ASSAYS:
        if name not in present:
            problems.append(FieldProblem(record, "QC", name, "is a required assay with no result"))
    return problems
