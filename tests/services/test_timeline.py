"""The participant timeline: everything in one read, in date order, few queries."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from regencord.services import validation
from regencord.services.errors import NotFound
from regencord.services.timeline import show_timeline
from regencord.services.visits import WindowStatus
from regencord.store.db import Database
from tests.services.followup_data import TRIAL
from tests.services.trial_data import build_trial


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validation, "today", lambda: date(2024, 6, 1))


def test_timeline_holds_everything_in_visit_order(db: Database) -> None:
    build_trial(db)
    t = show_timeline(db, TRIAL, "P01", user="reader")
    assert (t.trial, t.study_id, t.site, t.injury_date) == (TRIAL, "P01", "S01", date(2024, 1, 1))
    assert [v.name for v in t.visits] == ["baseline", "week 12", "month 1 post"]
    baseline, week12, month1 = t.visits
    assert baseline.status is WindowStatus.IN_WINDOW and baseline.locked
    assert [e.id for e in baseline.exams] == [2]  # exam 1 was replaced (soft-deleted)
    assert baseline.exams[0].ais and baseline.exams[0].nli
    assert [m.kind for m in baseline.measures] == ["scim"]
    assert baseline.measures[0].value == 51
    assert week12.actual_date == date(2024, 3, 30)
    assert [m.kind for m in week12.measures] == ["wisci", "ten_metre_walk", "custom"]
    assert month1.status is WindowStatus.OVERDUE and month1.window is not None
    assert month1.window.target == date(2024, 2, 19)
    assert t.transplant is not None
    assert t.transplant.lot.lot_id == "LOT-P01" and t.transplant.days_after_injury == 19
    assert [a.term for a in t.adverse_events] == ["Neuropathic pain"]
    assert t.imaging[0].syrinx and t.rehab[0].minutes == 45
    kinds = [(e.when, e.kind) for e in t.events()]
    assert kinds == [
        (date(2024, 1, 8), "visit"),
        (date(2024, 1, 20), "transplant"),
        (date(2024, 1, 25), "ae"),
        (date(2024, 2, 1), "rehab"),
        (date(2024, 2, 19), "visit"),
        (date(2024, 2, 20), "imaging"),
        (date(2024, 3, 30), "visit"),
    ]


def test_missed_visit_and_no_transplant(db: Database) -> None:
    build_trial(db)
    t = show_timeline(db, TRIAL, "P02", user="reader")
    assert t.transplant is None
    statuses = [(v.name, v.status) for v in t.visits]
    assert statuses == [
        ("baseline", WindowStatus.IN_WINDOW),
        ("week 12", WindowStatus.MISSED),
        ("month 1 post", WindowStatus.PENDING),
    ]
    assert t.visits[1].missed_reason is not None
    # a visit without a known target date sorts last
    assert t.events()[-1].text.startswith("visit month 1 post")


def test_few_queries_whatever_the_history(db: Database) -> None:
    build_trial(db)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        show_timeline(db, TRIAL, "P01", user="reader")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 12, selects
    assert not any("exam.raw" in s for s in selects)  # summary columns only


def test_unknown_participant_or_trial(db: Database) -> None:
    build_trial(db)
    with pytest.raises(NotFound, match="P99"):
        show_timeline(db, TRIAL, "P99", user="reader")
    with pytest.raises(NotFound):
        show_timeline(db, "NO-SUCH", "P01", user="reader")
