"""The demo trial built through the services (on every backend of the ``db`` fixture):
labelled synthetic, one released lot, four participants transplanted and followed to week
52, every exam graded by the engine as the scenario intends, no data-quality query."""

from __future__ import annotations

import pytest

from regencord.demo import DEMO_TRIAL_CODE, DemoSummary, build_demo
from regencord.demo.scenario import PARTICIPANTS
from regencord.services import participants, product, quality, safety, transplants, trials
from regencord.services.errors import InvalidInput
from regencord.services.timeline import show_timeline
from regencord.services.visits import WindowStatus
from regencord.store.db import Database
from regencord.store.models import ParticipantStatus


@pytest.fixture
def demo(db: Database) -> DemoSummary:
    return build_demo(db)


def test_trial_is_synthetic(db: Database, demo: DemoSummary) -> None:
    trial = trials.show_trial(db, DEMO_TRIAL_CODE, user="reader")
    assert trial.synthetic
    assert "SYNTHETIC" in trial.title
    assert demo == DemoSummary(
        trial=DEMO_TRIAL_CODE,
        participants=4,
        visits=36,
        exams=36,
        measures=50,
        adverse_events=5,
        imaging=12,
        rehab_sessions=52,
        qc_results=7,
        queries_opened=0,
    )
    assert quality.list_queries(db, trial_code=DEMO_TRIAL_CODE, user="reader") == []
    assert all(
        c.enabled for c in quality.list_quality_rules(db, trial_code=DEMO_TRIAL_CODE, user="reader")
    )
    with pytest.raises(InvalidInput, match="already used"):
        build_demo(db)


def test_lot_released_and_transplants(db: Database, demo: DemoSummary) -> None:
    chain = transplants.show_chain_of_identity(db, lot_id="NSPC-0021", user="reader")
    assert chain.line.line_id == "QHJI01s04" and "HLA-homozygous" in chain.line.source
    lot = product.show_lot(db, "NSPC-0021", user="reader")
    assert lot.status == "released" and lot.releasable
    assert lot.qc and all(q.passed for q in lot.qc) and not lot.missing_assays
    assert [t.study_id for t in chain.transplants] == ["P01", "P02", "P03", "P04"]
    for t in chain.transplants:
        assert t.dose_cells == 2_000_000
        assert 14 <= t.days_after_injury <= 28 and t.within_window
        (course,) = t.immunosuppression
        assert course.stop_on is not None and 150 <= (course.stop_on - course.start_on).days <= 200


def test_courses_as_intended(db: Database, demo: DemoSummary) -> None:
    listed = participants.list_participants(db, trial_code=DEMO_TRIAL_CODE, user="reader")
    assert [p.status for p in listed] == [ParticipantStatus.COMPLETED] * 4
    final = {}
    for course in PARTICIPANTS:
        timeline = show_timeline(db, DEMO_TRIAL_CODE, course.study_id, user="reader")
        assert timeline.transplant is not None
        done = [v for v in timeline.visits if v.exams]
        assert [v.name for v in done] == [p.visit for p in course.visits]
        assert all(v.status is WindowStatus.IN_WINDOW for v in timeline.visits)
        for visit, plan in zip(done, course.visits, strict=True):
            (exam,) = visit.exams
            assert (exam.ais, exam.nli) == (plan.ais, course.nli), (course.study_id, visit.name)
            assert (exam.uems, exam.lems) == (plan.exam.uems, plan.exam.lems)
        final[course.study_id] = done[-1]
        assert done[0].exams[0].ais == done[1].exams[0].ais == "A"
        assert done[-1].name == "week 52"
    assert final["P01"].exams[0].ais == "D" and final["P01"].exams[0].lems == 26
    wisci = [m.value for m in final["P01"].measures if m.kind == "wisci"]
    assert wisci == [9]
    assert any(m.aid and "walker" in m.aid for m in final["P01"].measures)
    assert final["P02"].exams[0].ais == "C"
    assert final["P03"].exams[0].ais in "AB" and final["P04"].exams[0].ais in "AB"


def test_safety_records(db: Database, demo: DemoSummary) -> None:
    events = safety.list_adverse_events(db, trial_code=DEMO_TRIAL_CODE, user="reader")
    assert len(events) == 5
    assert [e.term for e in events if e.serious] == ["Pneumonia"]
    assert {e.related_to_cells.value for e in events} == {"unrelated"}
    imaging = safety.list_imaging_findings(db, trial_code=DEMO_TRIAL_CODE, user="reader")
    assert len(imaging) == 12 and not any(f.suspected_mass for f in imaging)
    assert len(safety.list_rehab_sessions(db, trial_code=DEMO_TRIAL_CODE, user="reader")) == 52
