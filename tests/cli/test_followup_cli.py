"""``regencord visit|exam|measure|ae|imaging|rehab|reclassify``: short confirmations, and
bad input refused with exit status 2 and one line per problem naming record, field and
value."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from regencord.cli.app import app
from regencord.store.db import Database
from regencord.store.models import ExamRecord, FunctionalMeasure, Visit
from tests.exam_files import c5_complete_exam, c5_incomplete_exam, write_csv, write_json
from tests.services.followup_data import (
    SCHEDULE,
    TRIAL,
    add_participant,
    add_transplant,
    audit_rows,
    cli_url,
    count,
)
from tests.services.test_exams import simulate_older_engine
from tests.services.test_measures import SOME_SCIM

USER = ("--user", "dr.cli")
WHO = ("--trial", TRIAL, "--participant", "P01")


class Cli:
    def __init__(self, db: Database) -> None:
        self.url = cli_url(db)

    def __call__(self, *args: str) -> Result:
        return CliRunner().invoke(app, [*args, "--db", self.url], env={"COLUMNS": "200"})

    def ok(self, *args: str) -> str:
        result = self(*args)
        assert result.exit_code == 0, result.output
        assert result.stderr == ""
        return result.stdout

    def refused(self, *args: str) -> list[str]:
        """The command fails with status 2 and ``error:`` lines only, no traceback."""
        result = self(*args)
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        assert "Traceback" not in result.output
        lines = result.stderr.splitlines()
        assert lines
        assert all(line.startswith("error: ") for line in lines), lines
        return [line.removeprefix("error: ") for line in lines]


@pytest.fixture
def cli(db: Database, tmp_path: Path) -> Cli:
    """A trial with the follow-up schedule, set up through the CLI, and participant P01."""
    cli = Cli(db)
    cli.ok("trial", "create", TRIAL, "--title", "Follow-up CLI trial", *USER)
    cli.ok("site", "add", "S01", "--trial", TRIAL, "--name", "Site one", *USER)
    schedule = write_json(tmp_path / "schedule.json", SCHEDULE)
    cli.ok("trial", "schedule", TRIAL, str(schedule), *USER)
    add_participant(db, "P01")
    return cli


def test_visit_commands(cli: Cli, db: Database) -> None:
    out = cli.ok("visit", "record", *WHO, "--visit", "baseline", "--date", "2024-01-10", *USER)
    assert out == (
        "visit baseline of P01 recorded on 2024-01-10: in window (day +2 from target 2024-01-08)\n"
    )
    out = cli.ok("visit", "record", *WHO, "--visit", "week 12", "--date", "2024-04-30", *USER)
    assert "late (day +36 from target 2024-03-25)" in out
    out = cli.ok("visit", "missed", *WHO, "--visit", "month 1 post", "--reason", "unwell", *USER)
    assert out == "visit month 1 post of P01 marked missed: unwell\n"
    listed = cli.ok("visit", "list", *WHO).splitlines()
    assert listed[0] == f"visits of P01 in trial {TRIAL}"
    assert listed[1].split()[:3] == ["Visit", "Day", "Target"]
    baseline = listed[2]
    assert "2024-01-01 .. 2024-01-15" in baseline and "in window (+2d)" in baseline
    assert "late (+36d)" in listed[3]
    assert "missed: unwell" in listed[4]
    # Changing a date needs a reason.
    lines = cli.refused("visit", "record", *WHO, "--visit", "baseline", "--date", "2024-01-11")
    assert lines == [
        "visit baseline of P01 was recorded on 2024-01-10; changing it needs a reason (--reason)"
    ]


def test_lock_and_unlock(cli: Cli, db: Database) -> None:
    cli.ok("visit", "record", *WHO, "--visit", "baseline", "--date", "2024-01-10", *USER)
    out = cli.ok("visit", "lock", *WHO, "--visit", "baseline", "--user", "monitor")
    assert out == "visit baseline of P01 locked by monitor\n"
    lines = cli.refused("measure", "add", *WHO, "--visit", "baseline", "--kind", "wisci",
                        "--value", "4", *USER)  # fmt: skip
    assert len(lines) == 1 and lines[0].startswith("visit baseline of P01 is locked (by monitor")
    assert "Locked" in cli.ok("visit", "list", *WHO).splitlines()[1]
    assert "by monitor" in cli.ok("visit", "list", *WHO).splitlines()[2]
    lines = cli.refused("visit", "unlock", *WHO, "--visit", "baseline", *USER)
    assert lines == ["visit baseline of P01: unlocking needs a reason (--reason)"]
    out = cli.ok("visit", "unlock", *WHO, "--visit", "baseline", "--reason", "query", *USER)
    assert out == "visit baseline of P01 unlocked\n"
    cli.ok("measure", "add", *WHO, "--visit", "baseline", "--kind", "wisci", "--value", "4", *USER)
    assert [a.reason for a in audit_rows(db, "visit", action="unlock")] == ["query"]


def test_exam_add_and_show(cli: Cli, db: Database, tmp_path: Path) -> None:
    exam = write_json(tmp_path / "exam.json", c5_incomplete_exam("P01-BL"))
    out = cli.ok("exam", "add", *WHO, "--visit", "baseline", "--file", str(exam),
                 "--date", "2024-01-09", "--examiner", "Dr. Exam", *USER).splitlines()  # fmt: skip
    assert out[0] == "exam 1 stored for P01 at baseline (2024-01-09)"
    assert out[1].split() == ["AIS", "NLI", "Sensory", "R/L", "Motor", "R/L", "Sensory", "ZPP",
                              "R/L", "Motor", "ZPP", "R/L", "UEMS", "LEMS", "LT", "PP"]  # fmt: skip
    assert out[2].split() == ["D", "C5", "C5/C5", "C6/C6", "NA/NA", "NA/NA", "42", "40", "64", "64"]
    csv_exam = write_csv(tmp_path / "exam.csv", [c5_complete_exam()])
    cli.ok("exam", "add", *WHO, "--visit", "week 12", "--file", str(csv_exam),
           "--date", "2024-03-25", *USER)  # fmt: skip
    shown = cli.ok("exam", "show", *WHO).splitlines()
    assert shown[0].split()[:4] == ["Exam", "Visit", "Date", "Examiner"]
    assert shown[1].split()[:7] == ["1", "baseline", "2024-01-09", "Dr.", "Exam", "D", "C5"]
    assert shown[2].split()[:6] == ["2", "week", "12", "2024-03-25", "-", "A"]
    as_json = json.loads(cli.ok("exam", "show", *WHO, "--visit", "week 12", "--json"))
    assert [e["id"] for e in as_json] == [2]
    assert as_json[0]["classification"]["classification"]["ASIAImpairmentScale"] == "A"
    assert as_json[0]["exam"]["deepAnalPressure"] == "No"
    # A second exam at the visit needs --replace and --reason.
    lines = cli.refused("exam", "add", *WHO, "--visit", "baseline", "--file", str(exam), *USER)
    assert lines == [
        "exam of P01 at baseline: visit: 'baseline' already has exam 1; "
        "to replace it, pass --replace with a --reason"
    ]
    replaced = cli.ok("exam", "add", *WHO, "--visit", "baseline", "--file", str(exam),
                      "--replace", "--reason", "transcription error", *USER)  # fmt: skip
    assert (
        replaced.splitlines()[0]
        == "exam 3 stored for P01 at baseline (2024-01-09), replacing exam 1"
    )


def test_invalid_exam_file(cli: Cli, db: Database, tmp_path: Path) -> None:
    bad = c5_complete_exam()
    bad["right"]["motor"]["C5"] = "7"
    bad["left"]["lightTouch"]["T2"] = "3"
    path = write_json(tmp_path / "bad.json", bad)
    lines = cli.refused("exam", "add", *WHO, "--visit", "baseline", "--file", str(path),
                        "--date", "2024-01-09", *USER)  # fmt: skip
    assert lines == [
        "exam of P01 at baseline: right.motor.C5: '7' is not a motor score "
        "(0-5 or NT; 0-4 and NT optionally tagged * or **)",
        "exam of P01 at baseline: left.lightTouch.T2: '3' is not a sensory score "
        "(0-2 or NT; 0, 1 and NT optionally tagged * or **)",
    ]
    assert count(db, ExamRecord) == 0 and count(db, Visit) == 0
    missing = cli.refused("exam", "add", *WHO, "--visit", "baseline", "--file",
                          str(tmp_path / "nope.json"), *USER)  # fmt: skip
    assert len(missing) == 1 and "cannot be read" in missing[0]


def test_measure_commands(cli: Cli, db: Database, tmp_path: Path) -> None:
    cli.ok("visit", "record", *WHO, "--visit", "baseline", "--date", "2024-01-10", *USER)
    at = (*WHO, "--visit", "baseline")
    out = cli.ok("measure", "add", *at, "--kind", "wisci", "--value", "9", *USER)
    assert out == "measure 1 stored for P01 at baseline (2024-01-10): WISCI 9\n"
    scim = write_json(tmp_path / "scim.json", SOME_SCIM)
    out = cli.ok("measure", "add", *at, "--kind", "scim", "--items", str(scim), *USER)
    assert "SCIM 51 (self-care 8, respiration and sphincter 29, mobility 14)" in out
    out = cli.ok("measure", "add", *at, "--kind", "10mwt", "--seconds", "35", "--aid", "walker",
                 *USER)  # fmt: skip
    assert out.endswith(": 10MWT 35 s (walker)\n")
    out = cli.ok("measure", "add", *at, "--kind", "6mwt", "--metres", "120", *USER)
    assert out.endswith(": 6MWT 120 m\n")
    out = cli.ok("measure", "add", *at, "--kind", "custom", "--name", "grip", "--value", "12",
                 "--unit", "kg", *USER)  # fmt: skip
    assert out.endswith(": grip 12 kg\n")
    listed = cli.ok("measure", "list", *WHO).splitlines()
    assert len(listed) == 6 and listed[1].split()[-2:] == ["WISCI", "9"]
    assert count(db, FunctionalMeasure) == 5


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--kind", "wisci", "--value", "21"),
         "WISCI of P01 at baseline: value: 21 input should be less than or equal to 20"),
        (("--kind", "wisci", "--value", "9.5"),
         "WISCI of P01 at baseline: value: 9.5 input should be a valid integer, got a number "
         "with a fractional part"),
        (("--kind", "10mwt", "--seconds", "0"),
         "10MWT of P01 at baseline: seconds: 0.0 input should be greater than 0"),
        (("--kind", "6mwt", "--metres", "-5"),
         "6MWT of P01 at baseline: metres: -5.0 input should be greater than or equal to 0"),
        (("--kind", "jump", "--value", "1"),
         "measure of P01 at baseline: kind: 'jump' is not a kind of measure "
         "(wisci, scim, 10mwt, 6mwt, custom)"),
        (("--kind", "wisci", "--value", "3", "--date", "2023-05-01"),
         "WISCI of P01 at baseline: measure_date: '2023-05-01' is before the injury (2024-01-01)"),
    ],
)  # fmt: skip
def test_measure_refused(cli: Cli, args: tuple[str, ...], expected: str) -> None:
    cli.ok("visit", "record", *WHO, "--visit", "baseline", "--date", "2024-01-10", *USER)
    assert cli.refused("measure", "add", *WHO, "--visit", "baseline", *args, *USER) == [expected]


def test_scim_file_problems(cli: Cli, tmp_path: Path) -> None:
    items = dict(SOME_SCIM, bladder=4)
    del items["stairs"]
    scim = write_json(tmp_path / "scim.json", items)
    lines = cli.refused("measure", "add", *WHO, "--visit", "baseline", "--kind", "scim",
                        "--items", str(scim), "--date", "2024-01-10", *USER)  # fmt: skip
    assert lines == [
        "SCIM of P01 at baseline: items.bladder: 4 is not one of 0, 3, 6, 9, 11, 13, 15",
        "SCIM of P01 at baseline: items.stairs: is missing (item 15)",
    ]


def test_adverse_event_commands(cli: Cli, db: Database) -> None:
    ae = ("--term", "Headache", "--onset", "2024-02-01", "--grade", "2", "--cells",
          "unlikely", "--surgery", "possible", "--immunosuppression", "unrelated",
          "--outcome", "recovering")  # fmt: skip
    out = cli.ok("ae", "add", *WHO, *ae, "--meddra", "10019211", *USER)
    assert out == "adverse event 1 of P01: Headache, grade 2, recovering recorded\n"
    lines = cli.refused("ae", "update", "1", "--resolution", "2024-02-04", "--outcome",
                        "recovered", *USER)  # fmt: skip
    assert lines == ["adverse event 1: changing resolution_date, outcome needs a reason (--reason)"]
    assert cli.refused("ae", "update", "1", *USER) == ["adverse event 1: no field to change given"]
    out = cli.ok("ae", "update", "1", "--resolution", "2024-02-04", "--outcome", "recovered",
                 "--reason", "resolved", *USER)  # fmt: skip
    assert out == "adverse event 1 of P01: Headache, grade 2, recovered updated\n"
    listed = cli.ok("ae", "list", "--trial", TRIAL).splitlines()
    assert listed[0].split()[:3] == ["AE", "Participant", "Term"]
    assert listed[1].split() == [
        "1", "P01", "Headache", "10019211", "2024-02-01", "2024-02-04",
        "2", "no", "unlikely", "possible", "unrelated", "recovered",
    ]  # fmt: skip


def test_adverse_event_refused(cli: Cli) -> None:
    lines = cli.refused("ae", "add", *WHO, "--term", "Fall", "--onset", "2024-02-01", "--grade",
                        "7", "--cells", "maybe", "--surgery", "unlikely", "--immunosuppression",
                        "unlikely", "--outcome", "recovering", *USER)  # fmt: skip
    assert lines == [
        "adverse event of P01: ctcae_grade: 7 input should be less than or equal to 5",
        "adverse event of P01: related_to_cells: 'maybe' input should be 'unrelated', "
        "'unlikely', 'possible', 'probable' or 'definite'",
    ]
    lines = cli.refused("ae", "add", "--trial", TRIAL, "--participant", "P77", "--term", "x", *USER)
    assert lines == [f"participant 'P77' is not in trial {TRIAL}"]


def test_imaging_and_rehab_commands(cli: Cli) -> None:
    out = cli.ok("imaging", "add", *WHO, "--date", "2024-03-01", "--modality", "mri", "--finding",
                 "Syrinx C4-C6", "--syrinx", "--lesion-length", "14", *USER)  # fmt: skip
    assert out == "imaging finding 1 of P01 recorded (MRI, 2024-03-01) [syrinx]\n"
    listed = cli.ok("imaging", "list", "--trial", TRIAL).splitlines()
    assert listed[1].split() == ["1", "P01", "2024-03-01", "MRI", "no", "yes", "14", "Syrinx",
                                 "C4-C6"]  # fmt: skip
    lines = cli.refused("imaging", "add", *WHO, "--date", "2024-03-01", "--modality", "MRI",
                        "--finding", "x", "--lesion-length", "0", *USER)  # fmt: skip
    assert lines == ["imaging finding of P01: lesion_length_mm: 0.0 input should be greater than 0"]
    out = cli.ok("rehab", "add", *WHO, "--date", "2024-02-15", "--kind", "locomotor training",
                 "--minutes", "60", *USER)  # fmt: skip
    assert out == "rehab session 1 of P01 recorded: 2024-02-15, locomotor training, 60 min\n"
    listed = cli.ok("rehab", "list", "--trial", TRIAL, "--participant", "P01").splitlines()
    assert listed[-1] == "1 session, 60 minutes"
    lines = cli.refused("rehab", "add", *WHO, "--date", "2024-02-15", "--kind", "gait",
                        "--minutes", "0", *USER)  # fmt: skip
    assert lines == ["rehab session of P01: minutes: 0 input should be greater than 0"]


def test_reclassify(cli: Cli, db: Database, tmp_path: Path) -> None:
    out = cli.ok("reclassify", *USER)
    assert out.startswith("reclassified 0 stored exams with regencord-isncsci")
    exam = write_json(tmp_path / "exam.json", c5_complete_exam())
    cli.ok("exam", "add", *WHO, "--visit", "baseline", "--file", str(exam), "--date",
           "2024-01-09", *USER)  # fmt: skip
    simulate_older_engine(db, 1, ais="B")
    lines = cli.ok("reclassify", *USER).splitlines()
    assert lines[0].endswith(": 1 changed, 0 unchanged but restamped")
    assert lines[1:] == ["  exam 1: ais: B -> A"]


def test_visit_list_shows_the_transplant_date(cli: Cli, db: Database, tmp_path: Path) -> None:
    transplant = {"name": "transplant", "anchor": "injury", "day": 28, "window_before": 7,
                  "window_after": 14}  # fmt: skip
    schedule = {"visits": [transplant, *SCHEDULE["visits"]]}
    path = write_json(tmp_path / "schedule2.json", schedule)
    cli.ok("trial", "schedule", TRIAL, str(path), "--reason", "transplant window", *USER)
    add_transplant(db, "P01", date(2024, 2, 5))
    listed = cli.ok("visit", "list", *WHO).splitlines()
    assert "2024-02-05 (transplant)" in listed[2] and "in window (+7d)" in listed[2]
    assert "2024-03-06" in listed[5]  # month 1 post: target 30 days after the transplant
