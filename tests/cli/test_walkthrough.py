"""The README's walkthrough runs as written (issue 14, item 3): its block of commands is run
step by step from a fresh folder (a copy of examples/, the default SQLite database), and
``examples/walkthrough.sh`` runs that same block, read from README.md."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from regencord.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
SCRIPT = ROOT / "examples" / "walkthrough.sh"
MARKER = "<!-- walkthrough"
WRITTEN = date(2026, 12, 4)
"""When the walkthrough's dates were set: each is on or before it, so any later day runs it."""


def walkthrough_block(readme: str) -> str:
    """The text of the fenced block that follows the walkthrough marker."""
    after = readme[readme.index(MARKER) :].split("\n```\n", 2)
    return after[1] + "\n"


def commands(block: str) -> list[list[str]]:
    """The block's commands as argument lists: continuation lines joined, comments dropped."""
    joined = block.replace("\\\n", " ")
    return [shlex.split(line, comments=True) for line in joined.splitlines() if line.strip()]


STEPS = commands(walkthrough_block(README.read_text(encoding="utf-8")))


def test_the_block_is_the_whole_walkthrough() -> None:
    assert all(step[0] == "regencord" for step in STEPS)
    names = [" ".join(step[1:3]) for step in STEPS]
    assert names[0] == "init" and "lot release" in names and names[-1].startswith("export")
    assert sum(name == "exam add" for name in names) == 2


def test_the_walkthrough_does_not_depend_on_the_day_it_runs() -> None:
    """Dates are fixed days already past, and the lot expires far ahead."""
    block = walkthrough_block(README.read_text(encoding="utf-8"))
    days = [date.fromisoformat(d) for d in re.findall(r"\b\d{4}-\d{2}-\d{2}\b", block)]
    expiry = date.fromisoformat(re.findall(r"--expires (\S+)", block)[0])
    assert expiry.year >= 2099
    assert all(day <= WRITTEN for day in days if day != expiry)
    for step in STEPS:  # an exam or measure at a visit never recorded before needs a date
        if step[1:3] == ["exam", "add"]:
            assert "--date" in step


def test_the_readme_walkthrough_runs_as_written_from_a_fresh_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    env = {"REGENCORD_DATABASE_URL": None, "REGENCORD_USER": "dm.sato", "COLUMNS": "120"}
    for step in STEPS:
        result = CliRunner().invoke(app, step[1:], env=env)
        assert result.exit_code == 0, f"{shlex.join(step)}\n{result.output}"
        assert "Traceback" not in result.output
    assert (tmp_path / "regencord.db").exists()
    assert (tmp_path / "export" / "manifest.json").exists()


def test_the_script_runs_the_readme_block() -> None:
    """``walkthrough.sh`` holds no command of its own: it extracts the README's block."""
    script = SCRIPT.read_text(encoding="utf-8")
    assert not [line for line in script.splitlines() if line.lstrip().startswith("regencord")]
    extract = re.search(r"awk '(.*?)' \"\$root/README.md\"", script, re.DOTALL)
    assert extract is not None
    awk = shutil.which("awk")
    if awk is None:
        pytest.skip("awk is not installed")
    out = subprocess.run([awk, extract.group(1), str(README)], capture_output=True, text=True)
    assert out.returncode == 0
    assert out.stdout == walkthrough_block(README.read_text(encoding="utf-8"))
