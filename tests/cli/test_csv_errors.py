"""A quote left open in a CSV file of exams is named by the line it is on, in the table and
in the bulk (``-o``) path alike, with no stray output (issue 14, item 6)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.exam_files import c5_complete_exam, write_csv


def _with_open_quote(path: Path, rows: int, line: int) -> Path:
    """A CSV file of ``rows`` exams whose ``line`` (counting the header as 1) has a value
    opened with a quote and never closed."""
    write_csv(path, [dict(c5_complete_exam(), id=f"E{i:04}") for i in range(rows)])
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[line - 1].split(",")
    cells[5] = '"5'
    lines[line - 1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _classify(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "regencord.cli", "classify", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("to_file", [False, True], ids=["table", "-o"])
def test_an_open_quote_far_from_the_end_names_its_line(tmp_path: Path, to_file: bool) -> None:
    # The parser reads on for hundreds of lines until the value exceeds the field limit.
    source = _with_open_quote(tmp_path / "registry.csv", rows=1000, line=501)
    out = tmp_path / "out.csv"
    result = _classify(str(source), *(["-o", str(out)] if to_file else []))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Exception ignored" not in result.stderr and "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{source}: not valid CSV: line 501: ")
    assert "is a quote not closed?" in first
    assert not out.exists()


@pytest.mark.parametrize("to_file", [False, True], ids=["table", "-o"])
def test_an_open_quote_near_the_end_names_the_lines_of_its_row(
    tmp_path: Path, to_file: bool
) -> None:
    # The open quote takes the rest of the file into one row of the wrong width.
    source = _with_open_quote(tmp_path / "exams.csv", rows=5, line=4)
    result = _classify(str(source), *(["-o", str(tmp_path / "out.json")] if to_file else []))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines()[0].startswith(
        "exam 3 (id E0002): lines 4-6: 6 values, but the header has "
    )
    assert "(is a quote on line 4 not closed?)" in result.stderr
    assert "Traceback" not in result.stderr
