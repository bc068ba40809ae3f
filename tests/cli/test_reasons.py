"""One reason type everywhere a reason is taken: blank or whitespace-only reasons are
refused naming the field, and reasons are stored stripped (issue 14, item 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from regencord.services.errors import InvalidInput
from regencord.services.validation import REASON_MAX_LENGTH, reason_given
from regencord.store.db import Database
from regencord.store.models import ExamRecord, FunctionalMeasure
from tests.cli.test_followup_cli import USER, WHO, Cli
from tests.exam_files import c5_complete_exam, write_json
from tests.services.followup_data import SCHEDULE, TRIAL, add_participant, audit_rows

BLANKS = ("", "   ", "\t \n")


def test_reason_given_strips_and_refuses_blank_text() -> None:
    assert reason_given(None) is None
    assert reason_given("  transcription error \n") == "transcription error"
    for blank in BLANKS:
        with pytest.raises(InvalidInput) as raised:
            reason_given(blank, "exam of P01")
        assert str(raised.value).startswith("exam of P01: reason: ")
        assert "must not be blank" in str(raised.value)
    with pytest.raises(InvalidInput, match="longer than"):
        reason_given("x" * (REASON_MAX_LENGTH + 1))


@pytest.fixture
def cli(db: Database, tmp_path: Path) -> Cli:
    """A trial with the follow-up schedule and participant P01."""
    cli = Cli(db)
    cli.ok("trial", "create", TRIAL, "--title", "Reasons", *USER)
    cli.ok("site", "add", "S01", "--trial", TRIAL, "--name", "Site one", *USER)
    cli.ok("trial", "schedule", TRIAL, str(write_json(tmp_path / "s.json", SCHEDULE)), *USER)
    _refused_blank(cli, "trial", "schedule", TRIAL, str(tmp_path / "s.json"))
    add_participant(db, "P01")
    return cli


def _refused_blank(cli: Cli, *args: str) -> None:
    for blank in BLANKS:
        lines = cli.refused(*args, "--reason", blank, *USER)
        assert len(lines) == 1 and ": reason: " in lines[0] and "must not be blank" in lines[0]


def test_blank_reasons_are_refused_and_reasons_stored_stripped(
    cli: Cli, db: Database, tmp_path: Path
) -> None:
    at = (*WHO, "--visit", "baseline")
    exam = write_json(tmp_path / "exam.json", c5_complete_exam())
    cli.ok("exam", "add", *at, "--file", str(exam), "--date", "2024-01-10", *USER)
    _refused_blank(cli, "exam", "add", *at, "--file", str(exam), "--replace")
    cli.ok("exam", "add", *at, "--file", str(exam), "--replace", "--reason", "  typo  ", *USER)
    deleted = [r for r in audit_rows(db, ExamRecord.__tablename__) if r.reason]
    assert {r.reason for r in deleted} == {"typo"}

    cli.ok("measure", "add", *at, "--kind", "wisci", "--value", "9", *USER)
    _refused_blank(cli, "measure", "add", *at, "--kind", "wisci", "--value", "8", "--replace")
    cli.ok("measure", "add", *at, "--kind", "wisci", "--value", "8", "--replace",
           "--reason", " recount ", *USER)  # fmt: skip
    assert {r.reason for r in audit_rows(db, FunctionalMeasure.__tablename__) if r.reason} == {
        "recount"
    }

    ae = ("--term", "Headache", "--onset", "2024-02-01", "--grade", "2", "--cells",
          "unlikely", "--surgery", "possible", "--immunosuppression", "unrelated",
          "--outcome", "recovering")  # fmt: skip
    cli.ok("ae", "add", *WHO, *ae, *USER)
    _refused_blank(cli, "ae", "update", "1", "--grade", "3")
    _refused_blank(cli, "participant", "update", "P01", "--trial", TRIAL, "--age", "40")
    cli.ok("visit", "lock", *WHO, "--visit", "baseline", *USER)
    for blank in BLANKS:  # visits (another module) refuse it as a missing reason
        unlock = ("visit", "unlock", *WHO, "--visit", "baseline", "--reason", blank, *USER)
        assert "reason" in cli.refused(*unlock)[0]
    assert not [r for r in audit_rows(db, "adverse_event") if r.action == "update"]
