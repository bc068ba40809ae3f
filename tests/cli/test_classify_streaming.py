"""``regencord classify`` on CSV files read a batch at a time: results appended batch by
batch, nothing written when any batch has a problem, output identical to the scalar
engine's."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from regencord.cli.commands import classify as command
from regencord.isncsci import Exam, classify
from regencord.isncsci import batch as batch_engine
from regencord.isncsci.batch import csv_io, pipeline
from regencord.isncsci.io import ExamSource, FileFormat, save_exams, write_results
from regencord.isncsci.synthetic import generate_exams
from tests.cli.test_classify import assert_refused, run
from tests.exam_files import EXPECTED, c5_complete_exam, read_csv, write_csv


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Batches of three exams; the sizes of the batches written, in order."""
    monkeypatch.setattr(command, "CSV_ROWS_PER_BATCH", 3)
    written: list[int] = []
    write = csv_io.ResultWriter.write

    def spy(self: csv_io.ResultWriter, result: Any) -> int:
        written.append(len(result))
        return write(self, result)

    monkeypatch.setattr(csv_io.ResultWriter, "write", spy)
    return written


def ten_exams() -> list[dict[str, Any]]:
    return [c5_complete_exam(f"E{i:02}") for i in range(1, 11)]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_csv_file_is_classified_batch_by_batch(
    tmp_path: Path, small_batches: list[int], fmt: str
) -> None:
    source = write_csv(tmp_path / "exams.csv", ten_exams())
    out = tmp_path / f"results.{fmt}"
    result = run("classify", source, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"classified 10 exams -> {out}\n"
    assert small_batches == [3, 3, 3, 1]
    if fmt == "csv":
        assert read_csv(out) == [{"exam_id": f"E{i:02}", **EXPECTED["C5-A"]} for i in range(1, 11)]


def test_second_batch_invalid_writes_nothing_and_exits_2(
    tmp_path: Path, small_batches: list[int]
) -> None:
    exams = ten_exams()
    exams[4]["right"]["motor"]["C5"] = "6"  # in the second batch
    exams[9]["voluntaryAnalContraction"] = "maybe"  # and the last
    source = write_csv(tmp_path / "exams.csv", exams)
    out = tmp_path / "results.csv"
    result = run("classify", source, "-o", out)
    assert small_batches == [3]  # the first batch was written to the temporary file
    assert_refused(
        result,
        source,
        out,
        "exam 5 (id E05): right_motor_C5: '6' is not a motor score",
        "exam 10 (id E10): vac: 'maybe' is not Yes, No or NT",
    )
    assert len(result.stderr.splitlines()) == 3


def test_second_batch_invalid_keeps_an_existing_output(
    tmp_path: Path, small_batches: list[int]
) -> None:
    exams = ten_exams()
    exams[3]["left"]["pinPrick"]["S4_5"] = "3"
    source = write_csv(tmp_path / "exams.csv", exams)
    out = tmp_path / "results.json"
    out.write_text("previous results", encoding="utf-8")
    result = run("classify", source, "-o", out)
    assert result.exit_code == 2
    assert small_batches == [3]
    assert out.read_text(encoding="utf-8") == "previous results"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exams.csv", "results.json"]


def test_a_row_of_the_wrong_width_in_a_later_batch(
    tmp_path: Path, small_batches: list[int]
) -> None:
    source = write_csv(tmp_path / "exams.csv", ten_exams())
    lines = source.read_text(encoding="utf-8").splitlines()
    lines[8] += ",0"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "results.csv"
    n = len(lines[0].split(","))
    assert_refused(
        run("classify", source, "-o", out),
        source,
        out,
        f"exam 8 (id E08): line 9: {n + 1} values, but the header has {n} columns",
    )


@pytest.mark.parametrize("fmt", list(FileFormat))
def test_bulk_output_is_the_scalar_engines(tmp_path: Path, fmt: FileFormat) -> None:
    """The vectorized path (-o) writes the bytes the scalar path (--explain) writes."""
    exams = [
        Exam.from_praxis(e, index=i)
        for i, e in enumerate(generate_exams(300, seed=9, nt_rate=0.05, tag_rate=0.05), 1)
    ]
    source = tmp_path / "exams.csv"
    save_exams(exams, source, FileFormat.CSV)
    out = tmp_path / f"results.{fmt}"
    assert run("classify", source, "-o", out).exit_code == 0
    expected = io.StringIO()
    write_results([classify(e) for e in ExamSource(source)], expected, fmt)
    assert out.read_text(encoding="utf-8") == expected.getvalue()
    explained = tmp_path / f"explained.{fmt}"
    assert run("classify", source, "-o", explained, "--explain").exit_code == 0
    assert explained.read_text(encoding="utf-8") == expected.getvalue()


def test_printed_results_come_from_the_batch_engine_too(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "exams.csv", ten_exams())
    result = run("classify", source, "--format", "csv")
    assert result.exit_code == 0
    rows = result.stdout.splitlines()
    assert len(rows) == 11
    assert rows[1].startswith("E01,A,C,C5,")


def test_csv_progress_rule() -> None:
    assert command.csv_progress_wanted(command.PROGRESS_MIN_BYTES + 1, stderr_is_terminal=True)
    assert not command.csv_progress_wanted(command.PROGRESS_MIN_BYTES, stderr_is_terminal=True)
    assert not command.csv_progress_wanted(10**9, stderr_is_terminal=False)


def test_progress_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bar itself (Rich, on stderr) takes the bytes read so far."""
    screen = io.StringIO()

    def terminal(*, stderr: bool = False) -> Console:
        assert stderr, "the progress bar belongs on stderr"
        return Console(file=screen, force_terminal=True, width=100, stderr=True)

    monkeypatch.setattr(command, "Console", terminal)
    with command._progress(1000, wanted=True, in_bytes=True) as progressed:
        progressed(10)
        progressed(1000)
    drawn = screen.getvalue()
    assert "classifying" in drawn
    assert "100%" in drawn
    screen.seek(0)
    screen.truncate()
    with command._progress(3, wanted=True) as progressed:
        progressed(1)
    drawn = screen.getvalue()
    assert "classifying" in drawn
    assert "1/3" in drawn
    screen.seek(0)
    screen.truncate()
    with command._progress(3, wanted=False) as progressed:
        progressed(1)
    assert screen.getvalue() == ""


@pytest.fixture
def in_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Classify in the worker process whatever the file's size, 50 exams a batch, every
    batch there (waiting for the worker to start)."""
    monkeypatch.setattr(pipeline, "PIPELINE_MIN_BYTES", 0)
    monkeypatch.setattr(command, "CSV_ROWS_PER_BATCH", 50)
    monkeypatch.setattr(pipeline, "_worker_started", lambda started: started.result() == 0)
    monkeypatch.setattr(pipeline, "classify_batch", refused)


def refused(batch: Any) -> Any:
    raise AssertionError("classified in this process")


def test_worker_process_output_is_the_scalar_engines(tmp_path: Path, in_worker: None) -> None:
    """Large CSV files are classified in a second process: same bytes, ids kept, in order."""
    exams = [
        Exam.from_praxis(e, index=i)
        for i, e in enumerate(generate_exams(230, seed=11, nt_rate=0.05, tag_rate=0.05), 1)
    ]
    source = tmp_path / "exams.csv"
    save_exams(exams, source, FileFormat.CSV)
    out = tmp_path / "results.csv"
    result = run("classify", source, "-o", out)
    assert result.exit_code == 0, result.output
    expected = io.StringIO()
    write_results([classify(e) for e in exams], expected, FileFormat.CSV)
    assert out.read_text(encoding="utf-8") == expected.getvalue()


def test_worker_process_bad_batch_writes_nothing(tmp_path: Path, in_worker: None) -> None:
    exams = [c5_complete_exam(f"E{i:03}") for i in range(1, 121)]
    exams[70]["right"]["motor"]["C5"] = "6"  # in the second batch
    source = write_csv(tmp_path / "exams.csv", exams)
    out = tmp_path / "results.csv"
    assert_refused(
        run("classify", source, "-o", out),
        source,
        out,
        "exam 71 (id E071): right_motor_C5: '6' is not a motor score",
    )


def test_batches_read_before_the_worker_starts_are_classified_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker takes a while to start: the first batches are classified in this
    process, the others in the worker; the same bytes, in order."""
    monkeypatch.setattr(pipeline, "PIPELINE_MIN_BYTES", 0)
    monkeypatch.setattr(command, "CSV_ROWS_PER_BATCH", 50)
    checks: list[bool] = []

    def started(future: Any) -> bool:
        checks.append(len(checks) >= 2)  # not started for the first two batches
        return checks[-1] and future.result() == 0

    here: list[int] = []
    classify_here = batch_engine.classify_batch

    def spy(batch: Any) -> Any:
        here.append(len(batch))
        return classify_here(batch)

    monkeypatch.setattr(pipeline, "_worker_started", started)
    monkeypatch.setattr(pipeline, "classify_batch", spy)
    exams = [
        Exam.from_praxis(e, index=i)
        for i, e in enumerate(generate_exams(230, seed=12, nt_rate=0.05, tag_rate=0.05), 1)
    ]
    source = tmp_path / "exams.csv"
    save_exams(exams, source, FileFormat.CSV)
    out = tmp_path / "results.csv"
    result = run("classify", source, "-o", out)
    assert result.exit_code == 0, result.output
    assert here == [50, 50]
    assert checks == [False, False, True]  # then batches go to the worker without asking
    expected = io.StringIO()
    write_results([classify(e) for e in exams], expected, FileFormat.CSV)
    assert out.read_text(encoding="utf-8") == expected.getvalue()
