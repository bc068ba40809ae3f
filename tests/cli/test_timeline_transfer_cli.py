"""``regencord participant timeline``, ``regencord export`` and ``regencord import``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from regencord.cli.app import app
from regencord.services import validation
from regencord.store.db import Database
from tests.services.followup_data import TRIAL, cli_url
from tests.services.trial_data import build_trial


def _run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validation, "today", lambda: date(2024, 6, 1))


def test_timeline(db: Database) -> None:
    build_trial(db)
    result = _run("participant", "timeline", "--trial", TRIAL, "P01", "--db", cli_url(db))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"participant P01 of trial {TRIAL} (site S01): enrolled"
    assert any(line.startswith("2024-01-08  visit baseline: in window") for line in lines)
    assert any("AIS" in line and "UEMS" in line for line in lines)
    assert any(line.startswith("2024-01-20  transplant") and "LOT-P01" in line for line in lines)
    missing = _run("participant", "timeline", "--trial", TRIAL, "P99", "--db", cli_url(db))
    assert missing.exit_code == 2 and missing.stderr.startswith("error: ")


def test_export_import(db: Database, tmp_path: Path) -> None:
    build_trial(db)
    out = tmp_path / "out"
    result = _run("export", "--trial", TRIAL, "--to", str(out), "--db", cli_url(db))
    assert result.exit_code == 0, result.output
    assert f"trial {TRIAL} exported to" in result.stdout
    target = f"sqlite:///{tmp_path / 'new.db'}"
    refused = _run("import", str(out), "--db", cli_url(db))
    assert refused.exit_code == 2 and "not empty" in refused.stderr
    (out / "visit.csv").write_text("tampered\n")
    bad = _run("import", str(out), "--db", target)
    assert bad.exit_code == 2, bad.output
    assert "visit.csv: sha256: does not match" in bad.stderr
    assert "Traceback" not in bad.output
    assert not (tmp_path / "new.db").exists() or (tmp_path / "new.db").stat().st_size == 0
