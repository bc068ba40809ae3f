"""The built-in data-quality rules: each looks at one participant's records and names
every record it finds wrong (a :class:`QualityIssue`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from regencord.services import followup, validation
from regencord.services.product import decision_in_force
from regencord.store.models import (
    ExamRecord,
    FunctionalMeasure,
    LotDecision,
    MeasureKind,
    Participant,
    Transplant,
    Visit,
)

# --- the checks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class QualityIssue:
    """A record a data-quality rule found wrong, and why (a query is raised on it)."""

    table: str
    record_id: int
    message: str


RuleFunction = Callable[[Session, Participant, Mapping[str, int]], list[QualityIssue]]


@dataclass(frozen=True)
class QualityRule:
    """A data-quality check of the trial's record (not the engine's consistency checks):
    its code, title, default parameters, and the function that finds its issues."""

    code: str
    title: str
    defaults: Mapping[str, int]
    run: RuleFunction


def _live_exams(session: Session, participant: Participant) -> list[ExamRecord]:
    query = (
        select(ExamRecord)
        .join(Visit, ExamRecord.visit_id == Visit.id)
        .where(
            Visit.participant_id == participant.id,
            Visit.deleted_at.is_(None),
            ExamRecord.deleted_at.is_(None),
        )
        .order_by(ExamRecord.exam_date, ExamRecord.id)
    )
    return list(session.scalars(query))


def _exam_window(
    session: Session, participant: Participant, _: Mapping[str, int]
) -> list[QualityIssue]:
    """A visit with an exam on its schedule: no exam once its window has closed, or an exam
    dated outside the window. Missed visits (with their reason) are not queried."""
    out = []
    today = validation.today()
    for scheduled in participant.trial.schedule:
        if scheduled.deleted or not scheduled.exam_required:
            continue
        anchor = followup.anchor_date(session, participant, scheduled.anchor)
        if anchor is None:
            continue
        target = anchor + timedelta(days=scheduled.target_day)
        opens = target - timedelta(days=scheduled.window_before)
        closes = target + timedelta(days=scheduled.window_after)
        visit = followup.find_visit(session, participant, scheduled)
        if visit is not None and visit.missed:
            continue
        exams = []
        if visit is not None:
            exams = [
                e
                for e in session.scalars(
                    select(ExamRecord).where(
                        ExamRecord.visit_id == visit.id, ExamRecord.deleted_at.is_(None)
                    )
                )
            ]
        window = f"{opens.isoformat()} to {closes.isoformat()}"
        if not exams:
            if today > closes:
                table, record_id = (
                    ("visit", visit.id) if visit is not None else ("scheduled_visit", scheduled.id)
                )
                out.append(
                    QualityIssue(
                        table,
                        record_id,
                        f"no exam at visit {scheduled.name}: its window ({window}) has closed",
                    )
                )
            continue
        for exam in exams:
            if not opens <= exam.exam_date <= closes:
                out.append(
                    QualityIssue(
                        "exam",
                        exam.id,
                        f"exam at visit {scheduled.name} on {exam.exam_date.isoformat()} is "
                        f"outside its window ({window})",
                    )
                )
    return out


_SIDES = ("right", "left")
_GROUPS = ("motor", "lightTouch", "pinPrick")


def nt_cells(raw: Mapping[str, Any]) -> int:
    """How many of the worksheet's 132 cells are NT (not testable)."""
    count = 0
    for side in _SIDES:
        part = raw.get(side)
        if not isinstance(part, Mapping):
            continue
        for group in _GROUPS:
            cells = part.get(group)
            if isinstance(cells, Mapping):
                count += sum(1 for v in cells.values() if str(v).strip().upper().startswith("NT"))
    return count


def _nt_cells(
    session: Session, participant: Participant, p: Mapping[str, int]
) -> list[QualityIssue]:
    limit = p["max_nt"]
    out = []
    for exam in _live_exams(session, participant):
        found = nt_cells(exam.raw)
        if found > limit:
            out.append(
                QualityIssue(
                    "exam",
                    exam.id,
                    f"exam on {exam.exam_date.isoformat()} has {found} NT cells "
                    f"(more than {limit})",
                )
            )
    return out


def _motor_drop(
    session: Session, participant: Participant, p: Mapping[str, int]
) -> list[QualityIssue]:
    """Between consecutive exams (by date) whose total motor score is known."""
    limit = p["max_drop"]
    scored = [e for e in _live_exams(session, participant) if e.motor_total is not None]
    out = []
    for before, after in pairwise(scored):
        assert before.motor_total is not None and after.motor_total is not None
        drop = before.motor_total - after.motor_total
        if drop > limit:
            out.append(
                QualityIssue(
                    "exam",
                    after.id,
                    f"total motor score fell by {drop} points (more than {limit}) from "
                    f"{before.motor_total} on {before.exam_date.isoformat()} to "
                    f"{after.motor_total} on {after.exam_date.isoformat()}: verify",
                )
            )
    return out


def _wisci_lems(
    session: Session, participant: Participant, _: Mapping[str, int]
) -> list[QualityIssue]:
    """WISCI II above 0 (walking) at a visit whose exam has LEMS 0 (no leg motor function)."""
    query = (
        select(FunctionalMeasure, ExamRecord)
        .join(Visit, FunctionalMeasure.visit_id == Visit.id)
        .join(ExamRecord, ExamRecord.visit_id == Visit.id)
        .where(
            Visit.participant_id == participant.id,
            Visit.deleted_at.is_(None),
            FunctionalMeasure.deleted_at.is_(None),
            ExamRecord.deleted_at.is_(None),
            FunctionalMeasure.kind == MeasureKind.WISCI,
            FunctionalMeasure.value > 0,
            ExamRecord.lems == 0,
        )
        .order_by(FunctionalMeasure.id)
    )
    out = []
    for measure, exam in session.execute(query):
        out.append(
            QualityIssue(
                "functional_measure",
                measure.id,
                f"WISCI II is {measure.value:g} at visit {measure.visit.scheduled.name}, but "
                f"the exam of that visit (exam {exam.id}) has LEMS 0",
            )
        )
    return out


def _lot_release(
    session: Session, participant: Participant, _: Mapping[str, int]
) -> list[QualityIssue]:
    """The transplanted lot has no release in force on the transplant date."""
    query = select(Transplant).where(
        Transplant.participant_id == participant.id, Transplant.deleted_at.is_(None)
    )
    out = []
    for transplant in session.scalars(query):
        decision = decision_in_force(transplant.lot, transplant.transplant_date)
        if decision is None or decision.decision is LotDecision.REJECTED:
            why = "no release decision" if decision is None else "a rejection"
            out.append(
                QualityIssue(
                    "transplant",
                    transplant.id,
                    f"lot {transplant.lot.lot_id} transplanted on "
                    f"{transplant.transplant_date.isoformat()} has {why} in force on that day",
                )
            )
    return out


RULES: dict[str, QualityRule] = {
    c.code: c
    for c in (
        QualityRule("exam_window", "scheduled exam missing or out of window", {}, _exam_window),
        QualityRule("nt_cells", "exam with more than max_nt NT cells", {"max_nt": 5}, _nt_cells),
        QualityRule(
            "motor_drop",
            "total motor score drop of more than max_drop between consecutive exams",
            {"max_drop": 10},
            _motor_drop,
        ),
        QualityRule("wisci_lems", "WISCI II above 0 while the visit's LEMS is 0", {}, _wisci_lems),
        QualityRule("lot_release", "transplanted lot without a release decision", {}, _lot_release),
    )
}
"""The built-in checks by code."""
