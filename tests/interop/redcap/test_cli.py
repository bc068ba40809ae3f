"""``regencord redcap import`` and ``regencord redcap export`` on the command line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner, Result

from regencord.cli.app import app
from regencord.store.db import Database
from regencord.store.migrate import upgrade
from tests.interop.redcap.exports import exam_rows, with_noise, write_export
from tests.services.test_redcap import TRIAL, setup

EVENTS_YAML = """\
events:
  baseline_arm_1: baseline
  week_12_arm_1: week 12
  follow_up_arm_1: [week 24, week 52]
data_access_groups:
  site_a: S01
  site_b: S02
"""


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def test_import_then_export(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'trial.db'}"
    db = Database(url)
    upgrade(db.engine)
    setup(db, 2)
    db.dispose()
    events = tmp_path / "events.yaml"
    events.write_text(EVENTS_YAML)
    records = write_export(tmp_path / "records.csv", with_noise(exam_rows(2)))
    base = ["--db", url]
    result = run("redcap", "import", "--trial", TRIAL, records, "--events", events, *base,
                 "--user", "dr.redcap")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"imported 8 exams of 2 participants into trial {TRIAL} (2 rows without an exam skipped)\n"
    )
    out = tmp_path / "export.csv"
    result = run("redcap", "export", "--trial", TRIAL, "--events", events, "-o", out, *base)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"exported 8 exams of trial {TRIAL} -> {out}\n"
    assert out.read_text().startswith("record_id,redcap_event_name,redcap_repeat_instrument,")
    # importing the same records again: every visit already has its exam; nothing written
    result = run("redcap", "import", "--trial", TRIAL, records, "--events", events, *base)
    assert result.exit_code == 2
    assert (
        "record 1001, event baseline_arm_1: visit: 'baseline' already has exam 1" in result.stderr
    )
    assert "Traceback" not in result.output


def test_a_missing_events_file_is_an_error(tmp_path: Path) -> None:
    records = write_export(tmp_path / "records.csv", exam_rows(1))
    url = f"sqlite:///{tmp_path / 'trial.db'}"
    assert run("init", "--db", url).exit_code == 0
    result = run("redcap", "import", "--trial", TRIAL, records, "--events", tmp_path / "no.yaml",
                 "--db", url)  # fmt: skip
    assert result.exit_code == 2
    assert "events file no.yaml: cannot be read" in result.stderr
