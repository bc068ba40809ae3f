"""Reading a whole trial for analysis and writing its report (demo trial, both backends)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from regencord.demo import DEMO_TRIAL_CODE, build_demo
from regencord.isncsci import Exam, classify
from regencord.services import quality
from regencord.services.errors import InvalidInput, NotFound
from regencord.services.reporting import show_trial_data, write_report
from regencord.store.db import Database
from regencord.store.models import ExamRecord, Query, QueryState, QueryStep


@pytest.fixture
def demo_db(db: Database) -> Database:
    build_demo(db)
    return db


def test_load_trial_data_reads_every_record(demo_db: Database) -> None:
    loaded = show_trial_data(demo_db, DEMO_TRIAL_CODE, user="reader")
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
    summary = write_report(demo_db, DEMO_TRIAL_CODE, html=out, user="reader")
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
        write_report(demo_db, DEMO_TRIAL_CODE, html=out, responders=spec, user="reader")
    assert not out.exists()


def test_unknown_trial(demo_db: Database, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="NOPE"):
        write_report(demo_db, "NOPE", html=tmp_path / "r.html", user="reader")


def test_report_lists_unresolved_queries_and_those_whose_check_now_passes(
    demo_db: Database, tmp_path: Path
) -> None:
    # Issue 14 (item 5): a query raised earlier whose check passes today (the exam it named
    # holds no NT cell any more) is shown as such, for a person to close.
    with demo_db.transaction(user="dm") as session:
        exam = session.scalars(select(ExamRecord).order_by(ExamRecord.id)).first()
        assert exam is not None
        participant = exam.visit.participant
        query = Query(
            trial_id=participant.trial_id, participant=participant, table_name="exam",
            record_id=exam.id, check_code="nt_cells", message="4 NT cells (max 3)",
            state=QueryState.OPEN,
        )  # fmt: skip
        query.steps.append(QueryStep(user_name="checks", text="4 NT cells", state=QueryState.OPEN))
        session.add(query)
        session.flush()
        query_id, study_id = query.id, participant.study_id
    out = tmp_path / "report.html"
    write_report(demo_db, DEMO_TRIAL_CODE, html=out, user="reader")
    page = out.read_text(encoding="utf-8")
    assert '<section id="queries">' in page and "8. Methods and sources" in page
    row = next(line for line in page.splitlines() if "4 NT cells (max 3)" in line)
    assert row.startswith(f'<tr><td class="n">{query_id}</td><td>{study_id}</td>')
    assert "open (check now passes)" in row
    assert "close with <code>regencord query close --passing</code>" in page

    quality.close_passing_queries(demo_db, user="dm", text="exam corrected")
    write_report(demo_db, DEMO_TRIAL_CODE, html=out, user="reader")
    page = out.read_text(encoding="utf-8")
    assert "4 NT cells (max 3)" not in page
