"""``regencord audit verify`` and ``regencord import`` of a tampered export: one line,
exit status 2, nothing left behind."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
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


def test_verify_intact_then_broken(db: Database) -> None:
    build_trial(db)
    result = _run("audit", "verify", "--trial", TRIAL, "--db", cli_url(db))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("audit trail intact: ")
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE participant SET sex = 'male' WHERE study_id = 'P02'"))
    broken = _run("audit", "verify", "--db", cli_url(db))
    assert broken.exit_code == 2
    assert "Traceback" not in broken.output
    assert broken.stderr.strip().splitlines() == [
        "error: audit trail broken: participant 2: sex is 'male' but its audit trail last "
        f"recorded 'female' (audit row {_insert_row(db, 'participant', 2, 'sex')})"
    ]


def _insert_row(db: Database, table: str, record: int, field: str) -> int:
    with db.engine.connect() as connection:
        found = connection.scalar(
            text(
                "SELECT max(id) FROM audit_log WHERE table_name = :t AND record_id = :r "
                "AND field = :f"
            ),
            {"t": table, "r": record, "f": field},
        )
    assert isinstance(found, int)
    return found


def test_import_of_a_tampered_export_writes_nothing(db: Database, tmp_path: Path) -> None:
    build_trial(db)
    out = tmp_path / "out"
    assert _run("export", "--trial", TRIAL, "--to", str(out), "--db", cli_url(db)).exit_code == 0
    path = out / "participant.csv"
    path.write_bytes(path.read_bytes().replace(b",P01,34,", b",P01,35,", 1))
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["files"]["participant.csv"]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    target = tmp_path / "new.db"
    result = _run("import", str(out), "--db", f"sqlite:///{target}")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "age_at_injury is '35'" in lines[0], lines
    assert not target.exists()
