"""The use cases of the cell product (see :mod:`regencord.services.product`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from regencord.services import validation
from regencord.services.errors import FieldProblem, InvalidInput, NotFound, ReasonNeeded, invalid
from regencord.services.product.assays import STANDARD_ASSAYS, decision_in_force, release_problems
from regencord.services.product.inputs import (
    DecisionInput,
    LineInput,
    LotInput,
    QcInput,
    RejectionInput,
    qc_problems,
)
from regencord.services.product.views import (
    CellLineView,
    DecisionView,
    LotView,
    QcView,
    decision_view,
    line_view,
    lot_view,
    qc_view,
)
from regencord.services.unit import read_unit, unit_of_work
from regencord.services.validation import (
    not_after_today,
    raise_problems,
    reason_given,
    validated,
)
from regencord.store.db import Database
from regencord.store.models import CellLine, Lot, LotDecision, QcResult, ReleaseDecision
from regencord.store.models.base import utcnow

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


def add_line(db: Database, *, user: str, data: dict[str, Any] | LineInput) -> CellLineView:
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
        return line_view(line)


def add_lot(db: Database, *, user: str, data: dict[str, Any] | LotInput) -> LotView:
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
        return lot_view(lot)


def record_qc(
    db: Database, *, user: str, lot_id: str, data: dict[str, Any] | QcInput
) -> tuple[QcView, LotView]:
    """Record a QC result of a lot with the specification it is judged against. A result
    outside its specification is recorded too (and then stands in the way of a release)."""
    value = validated(QcInput, data, f"lot {lot_id} QC {_label(data, 'assay')}")
    record = f"lot {lot_id} QC {value.assay}"
    problems = qc_problems(record, value)
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
        return qc_view(result), lot_view(lot)


def _decision_date(record: str, lot: Lot, value: DecisionInput) -> date:
    day = value.decided_on or validation.today()
    raise_problems([not_after_today(record, "decided_on", day)])
    if day < lot.manufactured_on:
        raise invalid(
            record,
            "decided_on",
            day.isoformat(),
            f"is before the lot was manufactured ({lot.manufactured_on.isoformat()})",
        )
    return day


def _decide(
    session: Session, lot: Lot, decision: LotDecision, value: DecisionInput, day: date
) -> LotView:
    session.add(
        ReleaseDecision(
            lot=lot, decision=decision, decided_by=value.decided_by, decided_on=day, note=value.note
        )
    )
    session.flush()
    session.refresh(lot)
    return lot_view(lot)


def release_lot(
    db: Database, *, user: str, lot_id: str, data: dict[str, Any] | DecisionInput
) -> LotView:
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
                f"is refused: the lot was {decision_view(current)}; a rejected lot stays rejected",
            )
        if current is not None:
            raise invalid(
                record, "decision", "released", f"is already recorded ({decision_view(current)})"
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
        return _decide(session, lot, LotDecision.RELEASED, value, day)


def reject_lot(
    db: Database, *, user: str, lot_id: str, data: dict[str, Any] | RejectionInput
) -> LotView:
    """Reject a lot (with a note saying why), whatever its QC; also after a release."""
    record = f"lot {lot_id}"
    value = validated(RejectionInput, data, f"{record} rejection")
    with unit_of_work(db, user=user) as session:
        lot = find_lot(session, lot_id)
        day = _decision_date(record, lot, value)
        current = decision_in_force(lot)
        if current is not None and current.decision is LotDecision.REJECTED:
            raise invalid(
                record, "decision", "rejected", f"is already recorded ({decision_view(current)})"
            )
        if current is not None and day < current.decided_on:
            raise invalid(
                record,
                "decided_on",
                day.isoformat(),
                f"is before the lot was {decision_view(current)}",
            )
        return _decide(session, lot, LotDecision.REJECTED, value, day)


def show_lot(db: Database, lot_id: str, *, user: str) -> LotView:
    with read_unit(db, user=user) as session:
        return lot_view(find_lot(session, lot_id))


def show_line(db: Database, line_id: str, *, user: str) -> CellLineView:
    with read_unit(db, user=user) as session:
        line = find_line(session, line_id)
        if line is None:
            raise NotFound(f"cell line {line_id!r} does not exist")
        return line_view(line)


@dataclass(frozen=True)
class QcVoidResult:
    """What voiding a QC result did: the result voided, the release it withdrew (if the
    lot was released on it), and the lot as it now stands."""

    voided: QcView
    withdrawn: DecisionView | None
    lot: LotView


def void_qc(
    db: Database, *, user: str, lot_id: str, result_id: int, reason: str | None
) -> QcVoidResult:
    """Void a mistaken QC result of a lot, with a reason (the audit trail's reason).

    The result is soft-deleted: it no longer counts for the lot's release. The lot's
    release state follows: a release in force that was recorded while the result stood was
    made on it, so it is withdrawn too (soft-deleted, same reason) and the lot awaits
    release again, to be released once its QC allows. A rejection stands; a release
    recorded before the result was, does not rest on it and stands. Refused without a
    reason, for a result of another lot and for one already voided."""
    record = f"lot {lot_id} QC result {result_id}"
    if reason is None:
        raise ReasonNeeded(f"{record}: voiding needs a reason")
    text = reason_given(reason, record)
    with unit_of_work(db, user=user, reason=text) as session:
        lot = find_lot(session, lot_id)
        result = next((r for r in lot.qc_results if r.id == result_id), None)
        if result is None:
            raise NotFound(f"{record} does not exist")
        if result.deleted:
            raise invalid(
                record, "result_id", result_id, f"is already voided ({result.deleted_reason})"
            )
        now = utcnow()
        result.deleted_at, result.deleted_reason = now, text
        current = decision_in_force(lot)
        withdrawn = None
        if (
            current is not None
            and current.decision is LotDecision.RELEASED
            and current.created_at >= result.created_at
        ):
            current.deleted_at = now
            current.deleted_reason = f"QC result {result.id} voided: {text}"
            withdrawn = decision_view(current)
        session.flush()
        session.refresh(lot)
        return QcVoidResult(qc_view(result), withdrawn, lot_view(lot))
