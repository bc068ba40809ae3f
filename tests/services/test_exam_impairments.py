"""Impairment reasons of tagged cells and the examiner's comments: validated, stored with
the exam, returned, and kept by the whole-trial export and import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from regencord.services import exams
from regencord.services.errors import InvalidInput
from regencord.services.reporting import show_trial_data, write_report
from regencord.services.transfer import export_trial, import_trial
from regencord.store.db import Database
from tests.exam_files import c5_incomplete_exam
from tests.services.followup_data import TRIAL, USER, audit_rows, setup_trial
from tests.services.test_transfer import fresh  # noqa: F401  (fixture)


def _tagged_exam() -> dict[str, Any]:
    exam = c5_incomplete_exam(None)
    exam["right"]["motor"]["C6"] = "3**"
    exam["left"]["pinPrick"]["T4"] = "NT*"
    return exam


REASONS = {
    "right.motor.C6": {"reason": "plexopathy"},
    "left.pinPrick.T4": {"reason": "other", "other": " burn scar "},
}


def _record(db: Database, **kw: Any) -> exams.ExamView:
    return exams.record_exam(
        db, user=USER, trial_code=TRIAL, study_id="P01", visit="baseline",
        exam=_tagged_exam(), exam_date="2024-01-10", **kw,
    )  # fmt: skip


def test_reasons_and_comments_are_stored_and_audited(db: Database) -> None:
    setup_trial(db)
    stored = _record(db, impairments=REASONS, comments="  spasticity, limited exam\n ")
    assert stored.impairments == {
        "left.pinPrick.T4": {"reason": "other", "other": "burn scar"},
        "right.motor.C6": {"reason": "plexopathy", "other": None},
    }
    assert stored.comments == "spasticity, limited exam"
    again = exams.show_exam(db, stored.id, user=USER)
    assert again.impairments == stored.impairments and again.comments == stored.comments
    fields = {e.field for e in audit_rows(db, "exam", stored.id)}
    assert {"impairments", "comments"} <= fields


def test_bad_reasons_are_refused_naming_the_cell(db: Database) -> None:
    setup_trial(db)
    with pytest.raises(InvalidInput) as caught:
        _record(
            db,
            impairments={
                "right.motor.C5": {"reason": "plexopathy"},
                "right.motor.C6": {"reason": "sunburn"},
                "left.pinPrick.T4": {"reason": "plexopathy", "other": "text"},
            },
        )
    label = "exam of P01 at baseline"
    assert [str(p) for p in caught.value.problems] == [
        f"{label}: impairments.right.motor.C5: is given for a cell not tagged * or **",
        f"{label}: impairments.right.motor.C6.reason: 'sunburn' is not plexopathy, peripheral "
        "neuropathy, pre-existing myoneuronal disease, other",
        f"{label}: impairments.left.pinPrick.T4.other: 'text' is given but the reason is not other",
    ]
    assert exams.list_exams(db, trial_code=TRIAL, study_id="P01", user=USER) == []


def test_an_exam_without_reasons_or_comments_stores_none(db: Database) -> None:
    setup_trial(db)
    stored = _record(db)
    assert stored.impairments == {} and stored.comments is None


def test_the_whole_trial_transfer_keeps_reasons_and_comments(
    db: Database,
    fresh: Database,  # noqa: F811
    tmp_path: Path,
) -> None:
    setup_trial(db)
    stored = _record(db, impairments=REASONS, comments="first line\nsecond, with a comma")
    export_trial(db, trial_code=TRIAL, folder=tmp_path / "out", user="reader")
    import_trial(fresh, folder=tmp_path / "out", user="reader")
    back = exams.show_exam(fresh, stored.id, user=USER)
    assert back.impairments == stored.impairments
    assert back.comments == "first line\nsecond, with a comma"


def test_the_report_shows_reasons_and_comments(db: Database, tmp_path: Path) -> None:
    setup_trial(db)
    stored = _record(db, impairments=REASONS, comments="spasticity <limited>")
    loaded = show_trial_data(db, TRIAL, user="reader").data
    (point,) = loaded.participants[0].exams
    assert point.impairments == stored.impairments and point.comments == stored.comments
    out = tmp_path / "report.html"
    write_report(db, TRIAL, html=out, user="reader")
    page = out.read_text(encoding="utf-8")
    assert (
        "<li>baseline: left pin prick T4 NT*: other (burn scar); right motor C6 3**: plexopathy; "
        "comments: spasticity &lt;limited&gt;</li>"
    ) in page
