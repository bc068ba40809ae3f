"""The streaming classify pipeline as a library (``classify_file``): the same bytes as the
scalar engine, progress reported as ``(done, total)``, problems raised after the valid
batches."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from regencord.isncsci import Exam, InvalidExam, classify
from regencord.isncsci.batch.pipeline import classify_file
from regencord.isncsci.io import ExamSource, FileFormat, save_exams, write_results
from regencord.isncsci.synthetic import generate_exams
from tests.exam_files import c5_complete_exam, write_csv


def exams(n: int, seed: int) -> list[Exam]:
    dicts = generate_exams(n, seed=seed, nt_rate=0.05, tag_rate=0.05)
    return [Exam.from_praxis(e, index=i) for i, e in enumerate(dicts, 1)]


@pytest.mark.parametrize("fmt", list(FileFormat))
def test_csv_in_batches_with_progress_in_bytes(tmp_path: Path, fmt: FileFormat) -> None:
    given = exams(120, seed=3)
    source = tmp_path / "exams.csv"
    save_exams(given, source, FileFormat.CSV)
    calls: list[tuple[int, int]] = []
    out = io.StringIO()
    count = classify_file(
        ExamSource(source), out, fmt, rows_per_batch=50, progress=lambda d, t: calls.append((d, t))
    )
    assert count == 120
    expected = io.StringIO()
    write_results([classify(e) for e in given], expected, fmt)
    assert out.getvalue() == expected.getvalue()
    size = source.stat().st_size
    assert calls, "progress was never reported"
    assert all(total == size for _, total in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert 0 < calls[-1][0] <= size


def test_json_progress_counts_exams(tmp_path: Path) -> None:
    given = exams(7, seed=4)
    source = tmp_path / "exams.json"
    source.write_text(json.dumps([e.to_praxis() for e in given]), encoding="utf-8")
    calls: list[tuple[int, int]] = []
    out = io.StringIO()
    count = classify_file(
        ExamSource(source), out, FileFormat.CSV, progress=lambda d, t: calls.append((d, t))
    )
    assert count == 7
    assert calls == [(d, 7) for d in range(1, 8)]


def test_problems_are_raised_after_the_valid_batches(tmp_path: Path) -> None:
    rows = [c5_complete_exam(f"E{i:02}") for i in range(1, 11)]
    rows[7]["right"]["motor"]["C5"] = "6"
    source = write_csv(tmp_path / "exams.csv", rows)
    with pytest.raises(InvalidExam) as info:
        classify_file(ExamSource(source), io.StringIO(), FileFormat.CSV, rows_per_batch=3)
    [problem] = info.value.problems
    assert str(problem).startswith("exam 8 (id E08): right_motor_C5: '6' is not a motor score")
