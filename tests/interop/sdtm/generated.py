"""A generated trial as plain export data (no database): participants never transplanted,
screening and withdrawn, sex ``other``, exams with NT cells, tags (each with an impairment
reason), comments and non-key muscles
before, on and after the transplant day, SCIM with every item, 10MWT with aids, 6MWT, a
custom measure, missed visits, ongoing immunosuppression, and text over 200 bytes."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from regencord.interop.export_data import (
    AeDetail,
    CourseRecord,
    ExamDetail,
    ExportTrial,
    ParticipantExtras,
    VisitRecord,
)
from regencord.interop.sdtm.codes import SCIM_ITEMS
from regencord.isncsci import ENGINE_VERSION, Exam, classify
from regencord.isncsci.synthetic import generate_exams
from regencord.outcomes.model import (
    AdverseEventPoint,
    ExamPoint,
    LotInfo,
    MeasurePoint,
    ParticipantData,
    TransplantInfo,
    TrialData,
)
from regencord.services.exams import tagged_cells

TRIAL = "GEN-01"
VISITS = ("screening", "baseline", "transplant", "week 4", "week 12", "week 24")
VISIT_DAYS = {
    "screening": -12,
    "baseline": -1,
    "transplant": 0,
    "week 4": 28,
    "week 12": 84,
    "week 24": 168,
}
LONG = "Ω long note, " * 30  # over 200 bytes, non-ASCII
SCIM_MAX = {"respiration": 10, "bladder": 15, "bowel": 10, "toilet": 5, "bed_mobility": 6}
LOT = LotInfo(
    "LOT-7", "LINE-A", "iPS stock", None, 10, date(2024, 1, 1), date(2026, 1, 1),
    date(2024, 2, 1), "QA",
)  # fmt: skip


def _scim(rng: random.Random) -> dict[str, int]:
    return {i.key: rng.randint(0, SCIM_MAX.get(i.key, 1)) for i in SCIM_ITEMS}


REASONS = ("plexopathy", "peripheral neuropathy", "pre-existing myoneuronal disease", "other")


def _exam_point(k: int, visit: str, day: int, when: date, exam: Exam) -> ExamPoint:
    """Every tagged cell with a reason (cycling through them), comments on every other exam."""
    impairments = {
        path: {
            "reason": REASONS[(k + j) % 4],
            "other": "burn scar" if REASONS[(k + j) % 4] == "other" else None,
        }
        for j, path in enumerate(tagged_cells(exam))
    }
    comments = LONG if k % 2 else None
    return ExamPoint(visit, day, when, exam, classify(exam), impairments, comments)


def generated_trial(participants: int = 12, seed: int = 3) -> ExportTrial:
    rng = random.Random(seed)
    raws = generate_exams(participants * len(VISITS), seed=seed, nt_rate=0.05, tag_rate=0.05,
                          non_key_rate=0.3)  # fmt: skip
    people, extras = [], {}
    for i in range(participants):
        study_id = f"G{i + 1:03d}"
        injury = date(2024, 1, 1) + timedelta(days=rng.randint(0, 300))
        kind = ("transplanted", "transplanted", "transplanted", "screening", "withdrawn")[i % 5]
        transplant_date = injury + timedelta(days=20)
        exams: list[ExamPoint] = []
        measures, visits = [], []
        for v, name in enumerate(VISITS):
            if kind != "transplanted" and VISIT_DAYS[name] >= 0:
                break
            when = transplant_date + timedelta(days=VISIT_DAYS[name])
            if v == 4 and i % 3 == 0:
                visits.append(VisitRecord(name, None, "participant unwell"))
                continue
            visits.append(VisitRecord(name, when))
            exam = Exam.from_praxis(raws[i * len(VISITS) + v])
            exams.append(_exam_point(len(exams), name, (when - injury).days, when, exam))
            day = (when - injury).days
            measures.append(MeasurePoint(name, day, when, "wisci", float(rng.randint(0, 20))))
            items = _scim(rng)
            measures.append(MeasurePoint(name, day, when, "scim", float(sum(items.values())),
                                         scim_items=items))  # fmt: skip
            measures.append(MeasurePoint(name, day, when, "ten_metre_walk", rng.uniform(5, 60),
                                         aid=rng.choice([None, "walker", LONG])))  # fmt: skip
            measures.append(
                MeasurePoint(name, day, when, "six_minute_walk", float(rng.randint(0, 400)))
            )
            measures.append(MeasurePoint(name, day, when, "custom", 3.0, name="grip"))
        transplanted = kind == "transplanted"
        transplant = (
            TransplantInfo(transplant_date, 20, 1_000_000 * (i + 1), 25.5, "C4, C5", LOT,
                           protocol_deviation=LONG if i == 0 else None)
            if transplanted else None
        )  # fmt: skip
        aes = (
            (
                AdverseEventPoint("Headache", 19, transplant_date - timedelta(days=1), None, 1,
                                  False, "unrelated", "possible", "unlikely", "not_recovered"),
                AdverseEventPoint("Wound infection", 21, transplant_date + timedelta(days=1),
                                  transplant_date + timedelta(days=9), 3, True, "possible",
                                  "definite", "probable", "recovered_with_sequelae"),
            )
            if transplanted else ()
        )  # fmt: skip
        people.append(
            ParticipantData(
                study_id=study_id,
                site=("S1", "S2")[i % 2],
                age_at_injury=rng.randint(18, 70),
                sex=("female", "male", "other", "unknown")[i % 4],
                injury_date=injury,
                status={
                    "transplanted": "completed",
                    "screening": "screening",
                    "withdrawn": "withdrawn",
                }[kind],
                vertebral_level="C5",
                withdrawal_reason=LONG if kind == "withdrawn" else None,
                statuses=("screening", "withdrawn") if kind == "withdrawn" else ("screening",),
                transplant=transplant,
                exams=tuple(exams),
                measures=tuple(measures),
                adverse_events=aes,
            )
        )
        courses = (
            (
                CourseRecord("tacrolimus", transplant_date, transplant_date + timedelta(days=90)),
                CourseRecord("prednisolone", transplant_date - timedelta(days=2), None, LONG),
            )
            if transplanted else ()
        )  # fmt: skip
        extras[study_id] = ParticipantExtras(
            consent_date=injury + timedelta(days=3),
            visits=tuple(visits),
            courses=courses,
            adverse_events=tuple(
                AeDetail("10019211", LONG if n else None) for n in range(len(aes))
            ),
            exams=tuple(ExamDetail(ENGINE_VERSION) for _ in exams),
        )
    data = TrialData(
        code=TRIAL, title="Generated trial", phase="1/2", registry_id="NCT00000000",
        sponsor="Sponsor Inc.", synthetic=True, visits=VISITS, participants=tuple(people),
    )  # fmt: skip
    return ExportTrial(data, extras)


def demo_trial(folder: Path) -> ExportTrial:
    """The demo trial built through the services into a SQLite database in ``folder``,
    read back by the export service."""
    import regencord.store.audit  # noqa: F401  (installs the audit listeners)
    from regencord.demo import DEMO_TRIAL_CODE, build_demo
    from regencord.services.interop_export import show_export_trial
    from regencord.store.db import Database
    from regencord.store.models import Base

    db = Database(f"sqlite:///{folder / 'demo.db'}")
    try:
        Base.metadata.create_all(db.engine)
        build_demo(db)
        return show_export_trial(db, DEMO_TRIAL_CODE, user="reader")
    finally:
        db.dispose()
