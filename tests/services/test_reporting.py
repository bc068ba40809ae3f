"""Reading a whole trial for analysis and writing its report (demo trial, both backends)."""

from __future__ import annotations

from pathlib import Path

import pytest

from regencord.demo import DEMO_TRIAL_CODE, build_demo
from regencord.isncsci import Exam, classify
from regencord.services.errors import InvalidInput, NotFound
from regencord.services.reporting import load_trial_data, write_report
from regencord.store.db import Database


@pytest.fixture
def demo_db(db: Database) -> Database:
    build_demo(db)
    return db


def test_load_trial_data_reads_every_record(demo_db: Database) -> None:
    loaded = load_trial_data(demo_db, DEMO_TRIAL_CODE)
    trial = loaded.data
    assert trial.synthetic and loaded.stale_exams == 0
    assert [p.study_id for p in trial.participants] == ["P01", "P02", "P03", "P04"]
    assert trial.visits[0] == "screening" and trial.visits[-1] == "week 52"
    p01 = trial.participants[0]
    assert p01.statuses[:2] == ("screening", "enrolled") and p01.status == "completed"
    assert p01.transplant is not None and 14 <= p01.transplant.day <= 28
    assert p01.transplant.lot.lot_id == "NSPC-0021" and p01.transplant.lot.released_on
    assert all(q.passed for q in p01.transplant.lot.qc) and len(p01.transplant.lot.qc) == 7
    assert sum(len(p.exams) for p in trial.participants) == 36
    assert [e.day for e in p01.exams] == sorted(e.day for e in p01.exams)
    for point in p01.exams:  # the stored classification reads back as the engine's result
        assert (
            point.result.to_praxis()
            == classify(Exam.from_praxis(point.exam.to_praxis())).to_praxis()
        )
    assert {m.kind for m in p01.measures} >= {"wisci", "scim", "ten_metre_walk"}
    assert any(ae.serious for p in trial.participants for ae in p.adverse_events)
    assert all(not i.suspected_mass for p in trial.participants for i in p.imaging)


def test_write_report(demo_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.html"
    summary = write_report(demo_db, DEMO_TRIAL_CODE, html=out)
    page = out.read_text(encoding="utf-8")
    assert summary.participants == 4
    assert "SYNTHETIC DATA" in page and "http://" not in page.replace("http://www.w3.org", "")
    assert "<script" not in page
    assert "converted to AIS D by" in page
    assert "the chance of 2 or more of 4 is 0.14" in page
    assert page.count('class="participant"') == 4


def test_bad_responder_spec_writes_nothing(demo_db: Database, tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("responders:\n  - {name: x, event: cure}\n", encoding="utf-8")
    out = tmp_path / "report.html"
    with pytest.raises(InvalidInput, match="event"):
        write_report(demo_db, DEMO_TRIAL_CODE, html=out, responders=spec)
    assert not out.exists()


def test_unknown_trial(demo_db: Database, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="NOPE"):
        write_report(demo_db, "NOPE", html=tmp_path / "r.html")
