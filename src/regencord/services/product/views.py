"""What the cell-product use cases return: cell lines, lots, QC results and release
decisions as plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from regencord.services.product.assays import (
    REQUIRED_ASSAYS,
    decision_in_force,
    release_problems,
    result_text,
    specification_text,
)
from regencord.store.models import CellLine, Lot, LotDecision, QcResult, ReleaseDecision

# --- what the use cases return ---------------------------------------------------------------


@dataclass(frozen=True)
class CellLineView:
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
        return result_text(self.value, self.text_result, self.unit)

    @property
    def specification_text(self) -> str:
        return specification_text(self.spec_min, self.spec_max, self.spec_expected, self.unit)

    def __str__(self) -> str:
        verdict = "pass" if self.passed else "FAIL"
        return (
            f"{self.assay}: {self.result_text} (spec {self.specification_text}) {verdict}, "
            f"tested {self.tested_on.isoformat()}"
        )


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
class LotView:
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

    def lines(self, *, ids: bool = False) -> list[str]:
        """The lot as text, one line each: the lot, its QC results (``ids``: with the id
        that voids one), missing assays and decisions."""
        out = [
            f"lot {self.lot_id} (line {self.line_id}): {self.status}",
            f"  passage {self.passage}, manufactured {self.manufactured_on.isoformat()}, "
            f"expires {self.expires_on.isoformat()}",
        ]
        out += [f"  QC {q}" + (f" [result {q.id}]" if ids else "") for q in self.qc]
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


def decision_view(d: ReleaseDecision) -> DecisionView:
    return DecisionView(d.decision, d.decided_by, d.decided_on, d.note)


def lot_view(lot: Lot) -> LotView:
    decision = decision_in_force(lot)
    status = "awaiting release" if decision is None else decision.decision.value
    return LotView(
        lot_id=lot.lot_id,
        line_id=lot.line.line_id,
        passage=lot.passage,
        manufactured_on=lot.manufactured_on,
        expires_on=lot.expires_on,
        qc=tuple(qc_view(r) for r in lot.qc_results if not r.deleted),
        decisions=tuple(decision_view(d) for d in lot.decisions if not d.deleted),
        status=status,
        qc_problems=tuple(str(p) for p in release_problems(lot)),
    )


def line_view(line: CellLine) -> CellLineView:
    return CellLineView(
        line_id=line.line_id,
        source=line.source,
        donor_hla=line.donor_hla,
        reprogramming_method=line.reprogramming_method,
        lots=tuple(lot.lot_id for lot in line.lots if not lot.deleted),
    )
