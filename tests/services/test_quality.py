"""Data-quality checks (each built-in check fires, or not), the queries they open (no
duplicates, open → answered → closed, audited), and the audit trail reader."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from regencord.services import audit, exams, measures, quality, trials, visits
from regencord.services.errors import InvalidInput, NotFound
from regencord.store.db import Database
from regencord.store.models import Lot, LotDecision, QueryState, ReleaseDecision
from tests.exam_files import c5_complete_exam, c5_incomplete_exam
from tests.services.followup_data import TRIAL, USER, add_transplant, audit_rows, setup_trial


def exam(db: Database, data: dict[str, Any], visit: str, on: str) -> int:
    return exams.record_exam(
        db, user=USER, trial_code=TRIAL, study_id="P01", visit=visit, exam=data, exam_date=on
    ).id


def with_nt(count: int) -> dict[str, Any]:
    data = c5_incomplete_exam(None)
    for level in list(data["right"]["lightTouch"])[:count]:
        data["right"]["lightTouch"][level] = "NT"
    return data


def found(db: Database, check: str) -> list[tuple[str, int]]:
    return [
        (q.table, q.record_id)
        for q in quality.list_queries(db, trial_code=TRIAL, user="reader")
        if q.check == check
    ]


def run(db: Database) -> quality.RuleRunResult:
    return quality.run_checks(db, user="dm", trial_code=TRIAL)


def failing(db: Database, check: str) -> list[tuple[str, int]]:
    """The records ``check`` finds wrong now (queries opened or still failing)."""
    done = run(db)
    ids = set(done.opened) | set(done.still_failing)
    return sorted(
        (q.table, q.record_id)
        for q in quality.list_queries(db, trial_code=TRIAL, user="reader")
        if q.check == check and q.id in ids
    )


# --- each check ----------------------------------------------------------------------------


def test_exam_window_missing_and_out_of_window(db: Database) -> None:
    setup_trial(db)
    visit = visits.record_visit(
        db, user=USER, trial_code=TRIAL, study_id="P01", visit="baseline", actual_date="2024-01-09"
    )
    assert visit.recorded
    late = exam(db, c5_incomplete_exam(None), "week 12", "2024-02-01")  # window opens 03-18
    hits = failing(db, "exam_window")
    # Baseline: recorded, no exam, window closed. The transplant-anchored visit has no
    # window yet: not queried.
    assert sorted(t for t, _ in hits) == ["exam", "visit"]
    assert ("exam", late) in hits


def test_exam_window_quiet_when_exams_in_window_or_visit_missed(db: Database) -> None:
    setup_trial(db)
    exam(db, c5_incomplete_exam(None), "baseline", "2024-01-10")
    visits.mark_missed(
        db, user=USER, trial_code=TRIAL, study_id="P01", visit="week 12", missed_reason="ill"
    )
    assert failing(db, "exam_window") == []
    # Week 12 was overdue when the baseline exam was saved: that query stays open for a
    # person to close, though the check now passes.
    assert [t for t, _ in found(db, "exam_window")] == ["scheduled_visit"]


def test_nt_cells(db: Database) -> None:
    setup_trial(db, ("P01",))
    five = exam(db, with_nt(5), "baseline", "2024-01-10")
    six = exam(db, with_nt(6), "week 12", "2024-03-25")
    assert found(db, "nt_cells") == [("exam", six)]
    assert five != six
    assert quality.nt_cells(with_nt(6)) == 6


def test_nt_cells_parameter(db: Database) -> None:
    setup_trial(db)
    view = quality.configure_rule(
        db, user="dm", trial_code=TRIAL, code="nt_cells", parameters={"max_nt": "6"}
    )
    assert view.parameters == {"max_nt": 6} and view.enabled
    exam(db, with_nt(6), "baseline", "2024-01-10")
    assert found(db, "nt_cells") == []


def test_motor_drop(db: Database) -> None:
    setup_trial(db)
    exam(db, c5_incomplete_exam(None), "baseline", "2024-01-10")
    dropped = exam(db, c5_complete_exam(None), "week 12", "2024-03-25")
    assert found(db, "motor_drop") == [("exam", dropped)]
    [q] = [q for q in quality.list_queries(db, user="reader") if q.check == "motor_drop"]
    assert "verify" in q.message and "from 82" in q.message


def test_motor_drop_quiet_without_a_drop_and_above_the_parameter(db: Database) -> None:
    setup_trial(db)
    quality.configure_rule(
        db, user="dm", trial_code=TRIAL, code="motor_drop", parameters={"max_drop": 100}
    )
    exam(db, c5_incomplete_exam(None), "baseline", "2024-01-10")
    exam(db, c5_complete_exam(None), "week 12", "2024-03-25")
    assert found(db, "motor_drop") == []


def wisci(db: Database, value: int) -> int:
    return measures.add_measure(
        db, user=USER, trial_code=TRIAL, study_id="P01", visit="baseline", kind="wisci",
        data={"value": value},
    ).id  # fmt: skip


def test_wisci_above_zero_with_lems_zero(db: Database) -> None:
    setup_trial(db)
    exam(db, c5_complete_exam(None), "baseline", "2024-01-10")  # LEMS 0
    walking = wisci(db, 5)
    assert found(db, "wisci_lems") == [("functional_measure", walking)]


@pytest.mark.parametrize("complete, level", [(True, 0), (False, 5)])
def test_wisci_consistent(db: Database, complete: bool, level: int) -> None:
    setup_trial(db)
    data = c5_complete_exam(None) if complete else c5_incomplete_exam(None)
    exam(db, data, "baseline", "2024-01-10")
    wisci(db, level)
    assert found(db, "wisci_lems") == []


def test_lot_without_release_decision(db: Database) -> None:
    setup_trial(db)
    add_transplant(db, "P01", date(2024, 1, 20))  # its lot has no decision
    run(db)
    [(table, _)] = found(db, "lot_release")
    assert table == "transplant"


def test_released_lot_passes(db: Database) -> None:
    setup_trial(db)
    add_transplant(db, "P01", date(2024, 1, 20))
    with db.transaction(user=USER) as session:
        lot = session.scalars(select(Lot)).one()
        session.add(
            ReleaseDecision(
                lot=lot, decision=LotDecision.RELEASED, decided_by="QP", decided_on=date(2024, 1, 5)
            )
        )
    run(db)
    assert found(db, "lot_release") == []


def test_disabled_check_does_not_fire(db: Database) -> None:
    setup_trial(db)
    quality.configure_rule(db, user="dm", trial_code=TRIAL, code="nt_cells", enabled=False)
    exam(db, with_nt(20), "baseline", "2024-01-10")
    run(db)
    assert found(db, "nt_cells") == []
    views = {v.code: v for v in quality.list_quality_rules(db, trial_code=TRIAL, user="reader")}
    assert not views["nt_cells"].enabled and views["motor_drop"].enabled
    assert set(views) == set(quality.RULES)


def test_configure_refuses_unknown_check_and_bad_parameters(db: Database) -> None:
    setup_trial(db)
    for code, params in [
        ("nope", {}),
        ("nt_cells", {"max": "3"}),
        ("nt_cells", {"max_nt": "many"}),
        ("nt_cells", {"max_nt": "-1"}),
    ]:
        with pytest.raises(InvalidInput):
            quality.configure_rule(db, user="dm", trial_code=TRIAL, code=code, parameters=params)


def test_configuration_changes_are_audited(db: Database) -> None:
    setup_trial(db)
    quality.configure_rule(db, user="dm", trial_code=TRIAL, code="nt_cells", enabled=False)
    quality.configure_rule(
        db, user="dm", trial_code=TRIAL, code="nt_cells", enabled=True, reason="back on"
    )
    rows = audit_rows(db, "check_setting", action="update")
    assert [(r.field, r.old_value, r.new_value, r.reason) for r in rows] == [
        ("enabled", "False", "True", "back on")
    ]


# --- queries -------------------------------------------------------------------------------


def test_rerunning_does_not_duplicate_queries(db: Database) -> None:
    setup_trial(db)
    exam(db, with_nt(6), "baseline", "2024-01-10")  # the save's hook opens it
    first = quality.list_queries(db, trial_code=TRIAL, user="reader")
    assert any(q.check == "nt_cells" for q in first)
    again = run(db)
    assert again.opened == []
    assert sorted(again.still_failing) == sorted(q.id for q in first)
    assert quality.list_queries(db, trial_code=TRIAL, user="reader") == first


def test_query_workflow_is_audited(db: Database) -> None:
    setup_trial(db)
    exam(db, with_nt(6), "baseline", "2024-01-10")
    [q] = [q for q in quality.list_queries(db, user="reader") if q.check == "nt_cells"]
    assert q.state is QueryState.OPEN and q.site == "S01" and q.participant == "P01"
    assert [s.user for s in q.steps] == [quality.CHECK_STEP_USER]
    answered = quality.answer_query(db, user="site", query_id=q.id, text="not testable: cast")
    assert answered.state is QueryState.ANSWERED
    closed = quality.close_query(db, user="dm", query_id=q.id, text="accepted")
    assert closed.state is QueryState.CLOSED
    assert [(s.user, s.state, s.text) for s in closed.steps][1:] == [
        ("site", QueryState.ANSWERED, "not testable: cast"),
        ("dm", QueryState.CLOSED, "accepted"),
    ]
    with pytest.raises(InvalidInput, match="cannot become"):
        quality.answer_query(db, user="site", query_id=q.id, text="more")
    with pytest.raises(InvalidInput, match="required"):
        quality.close_query(db, user="dm", query_id=q.id, text=" ")
    with pytest.raises(NotFound):
        quality.close_query(db, user="dm", query_id=9999, text="x")
    changes = audit_rows(db, "data_query", q.id, "update")
    assert [(r.user, r.old_value, r.new_value, r.reason) for r in changes] == [
        ("site", "open", "answered", "not testable: cast"),
        ("dm", "answered", "closed", "accepted"),
    ]
    assert len(audit_rows(db, "data_query_step", action="insert")) >= 3
    # Closed by a person with the same finding: not opened again.
    assert run(db).opened == []
    assert quality.show_query(db, q.id, user="reader").state is QueryState.CLOSED


def test_a_query_whose_check_passes_again_is_left_for_a_person(db: Database) -> None:
    setup_trial(db)
    exam(db, with_nt(6), "baseline", "2024-01-10")
    [q] = [q for q in quality.list_queries(db, user="reader") if q.check == "nt_cells"]
    quality.configure_rule(
        db, user="dm", trial_code=TRIAL, code="nt_cells", parameters={"max_nt": 10}
    )
    done = run(db)
    assert q.id in done.passing
    assert quality.show_query(db, q.id, user="reader").state is QueryState.OPEN


def test_list_queries_filters(db: Database) -> None:
    setup_trial(db, ("P01",))
    trials.add_site(db, user=USER, trial_code=TRIAL, data={"code": "S02", "name": "Two"})
    exam(db, with_nt(6), "baseline", "2024-01-10")
    every = quality.list_queries(db, trial_code=TRIAL, user="reader")
    assert every and {q.site for q in every} == {"S01"}
    assert quality.list_queries(db, trial_code=TRIAL, site="S02", user="reader") == []
    target = every[0].id
    quality.close_query(db, user="dm", query_id=target, text="ok")
    assert [q.id for q in quality.list_queries(db, state="closed", user="reader")] == [target]
    assert target not in [q.id for q in quality.list_queries(db, state="open", user="reader")]
    with pytest.raises(InvalidInput):
        quality.list_queries(db, state="pending", user="reader")


# --- audit trail ---------------------------------------------------------------------------


def test_audit_trail_filters(db: Database) -> None:
    setup_trial(db)
    trials.create_trial(db, user="other", data={"code": "OTHER-01", "title": "Another"})
    saved = exam(db, c5_incomplete_exam(None), "baseline", "2024-01-10")
    of_exam = audit.show_audit_trail(db, table="exam", record_id=saved, limit=1000, user="reader")
    assert of_exam and {(a.table, a.record_id, a.action) for a in of_exam} == {
        ("exam", saved, "insert")
    }
    assert {
        a.user for a in audit.show_audit_trail(db, made_by="other", limit=1000, user="reader")
    } == {"other"}
    mine = audit.show_audit_trail(db, trial_code=TRIAL, limit=10_000, user="reader")
    assert {a.user for a in mine} >= {USER} and "other" not in {a.user for a in mine}
    assert {"trial", "participant", "visit", "exam"} <= {a.table for a in mine}
    other = audit.show_audit_trail(db, trial_code="OTHER-01", limit=10_000, user="reader")
    assert {a.table for a in other} == {"trial"}
    latest = audit.show_audit_trail(db, limit=3, user="reader")
    assert len(latest) == 3 and [a.id for a in latest] == sorted(a.id for a in latest)
    assert latest[-1].id == max(
        a.id for a in audit.show_audit_trail(db, limit=10_000, user="reader")
    )
    with pytest.raises(InvalidInput):
        audit.show_audit_trail(db, record_id=1, user="reader")
