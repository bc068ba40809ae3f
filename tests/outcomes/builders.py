"""Participants for outcome tests, built from sketched exams classified by the engine."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from regencord.demo.exams import NONE, PATCHY, SACRAL, ExamSpec, praxis_exam
from regencord.isncsci import Exam, classify
from regencord.outcomes.model import (
    ExamPoint,
    LotInfo,
    MeasurePoint,
    ParticipantData,
    QcPoint,
    TransplantInfo,
)

INJURY = date(2025, 1, 1)

GRADE_A = ExamSpec(("C4", "C4"), ("00000 00000", "00000 00000"), sparing=NONE)
GRADE_B = ExamSpec(("C4", "C4"), ("00000 00000", "00000 00000"), sparing=SACRAL)
GRADE_C = ExamSpec(("C4", "C4"), ("32100 11000", "21100 10000"), sparing=PATCHY)
GRADE_D = ExamSpec(("C4", "C4"), ("44333 44333", "43333 43333"), sparing=PATCHY)


def exam_point(visit: str, day: int, raw: dict[str, object] | ExamSpec) -> ExamPoint:
    data = praxis_exam(raw) if isinstance(raw, ExamSpec) else raw
    exam = Exam.from_praxis(data)
    return ExamPoint(visit, day, INJURY + timedelta(days=day), exam, classify(exam))


def with_nt(spec: ExamSpec, path: tuple[str, str, str]) -> dict[str, object]:
    """The sketched exam with one cell set to NT (``("right", "motor", "C5")``)."""
    data = praxis_exam(spec)
    side, grid, level = path
    data[side][grid][level] = "NT"
    return data


def measure(visit: str, day: int, kind: str, value: float, **extra: object) -> MeasurePoint:
    return MeasurePoint(visit, day, INJURY + timedelta(days=day), kind, value, **extra)  # type: ignore[arg-type]


LOT = LotInfo(
    lot_id="NSPC-0021",
    cell_line="QHJI01s04",
    line_source="HLA-homozygous iPS stock",
    donor_hla="A*24:02",
    passage=12,
    manufactured_on=date(2024, 12, 1),
    expires_on=date(2025, 12, 1),
    released_on=date(2024, 12, 20),
    released_by="QA",
    qc=(QcPoint("viability", "92.5 %", "≥ 70 %", True, date(2024, 12, 10)),),
)


def participant(
    study_id: str,
    exams: tuple[ExamPoint, ...],
    measures: tuple[MeasurePoint, ...] = (),
    *,
    transplant_day: int | None = 18,
    status: str = "completed",
    **extra: object,
) -> ParticipantData:
    transplant = (
        TransplantInfo(
            transplant_date=INJURY + timedelta(days=transplant_day),
            day=transplant_day,
            dose_cells=2_000_000,
            volume_ul=40.0,
            injection_sites="C4, C5",
            lot=LOT,
        )
        if transplant_day is not None
        else None
    )
    p = ParticipantData(
        study_id=study_id,
        site="KEIO",
        age_at_injury=34,
        sex="male",
        injury_date=INJURY,
        status=status,
        transplant=transplant,
        exams=exams,
        measures=measures,
    )
    return replace(p, **extra)  # type: ignore[arg-type]
