"""``regencord classify --input-format redcap``: a whole REDCap export classified by the
batch engine, streamed; results as the instrument's fields, ready for REDCap's import;
stored results that differ reported; bad rows named, nothing written."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from regencord.cli.app import app
from regencord.interop.redcap.fields import CELLS, RESULT_FIELDS
from regencord.interop.redcap.results import classify_export
from regencord.interop.redcap.stream import RedcapExport
from regencord.isncsci import Exam, classify
from regencord.isncsci.io import result_row
from tests.interop.redcap.exports import HEADER, exam_rows, with_noise, write_export

IDENTITY = ["record_id", "redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance"]


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _expected(row: dict[str, str]) -> dict[str, str]:
    """The scalar engine's results for a row, by its own reading of the cells."""
    from regencord.interop.redcap.mapping import read_row

    read, problems = read_row(row)
    assert read is not None and not problems
    results = result_row(classify(Exam.from_praxis(read.exam)))
    return {field: results[name] for name, field in RESULT_FIELDS}


def test_every_exam_row_is_classified_as_the_scalar_engine_does(tmp_path: Path) -> None:
    rows = exam_rows(30)
    source = write_export(tmp_path / "records.csv", with_noise(rows))
    result = run(
        "classify",
        source,
        "--input-format",
        "redcap",
        "--format",
        "redcap",
        "-o",
        tmp_path / "results.csv",
    )
    assert result.exit_code == 0, result.output
    assert "classified 120 exam rows" in result.output
    written = _read(tmp_path / "results.csv")
    assert list(written[0]) == IDENTITY + [f for _, f in RESULT_FIELDS]
    assert len(written) == len(rows) == 120  # the other instrument's and the empty row skipped
    for out, row in zip(written, rows, strict=True):
        assert {k: out[k] for k in IDENTITY} == {k: row[k] for k in IDENTITY}
        assert {f: out[f] for _, f in RESULT_FIELDS} == _expected(row)
    # Tags with both considernormal values and NT were in the input.
    values = {row[c.value] for row in rows for c in CELLS}
    considered = {
        row[c.consider_normal] for row in rows for c in CELLS if row[c.value].startswith("ab-")
    }
    assert {"nt", "ab-0", "ab-nt"} <= values and {"1", "2", ""} <= considered


def test_batches_of_any_size_give_the_same_file(tmp_path: Path) -> None:
    source = write_export(tmp_path / "records.csv", with_noise(exam_rows(10)))
    whole, parts = io.StringIO(), io.StringIO()
    classify_export(RedcapExport(source), whole)
    classify_export(RedcapExport(source), parts, rows_per_batch=3)
    assert whole.getvalue() == parts.getvalue()


def test_small_blocks_joined_before_mapping_give_the_same_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyarrow's record batches are joined before their values are mapped to codes: blocks
    of about 15 rows, joined by twos, read the same exams (skipped rows and tags included)."""
    from regencord.interop.redcap import stream

    source = write_export(tmp_path / "records.csv", with_noise(exam_rows(10)))
    whole, parts = io.StringIO(), io.StringIO()
    classify_export(RedcapExport(source), whole)
    monkeypatch.setattr(stream, "BLOCK_SIZE", 20_000)  # the header fits
    monkeypatch.setattr(stream, "ROWS_PER_CONVERT", 25)
    classify_export(RedcapExport(source), parts, rows_per_batch=5)
    assert whole.getvalue() == parts.getvalue()
    assert whole.getvalue().count("\n") == 41


def test_stored_results_that_differ_are_reported(tmp_path: Path) -> None:
    rows = exam_rows(5)
    fresh_ais = rows[2]["asia_impairment_scale"]
    rows[2]["asia_impairment_scale"] = "E" if fresh_ais != "E" else "A"
    rows[3]["neurological_level_of_injury"] = rows[3]["neurological_level_of_injury"].replace(
        ",", ", "
    )
    for _, field in RESULT_FIELDS:
        rows[4][field] = ""  # never classified
    source = write_export(tmp_path / "records.csv", rows)
    result = run(
        "classify", source, "--input-format", "redcap", "-o", tmp_path / "out.csv",
        "--differences", tmp_path / "diff.csv",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (
        "1 with stored results that differ from the fresh classification (1 fields)"
        in result.output
    )
    assert "1 without stored results" in result.output
    assert _read(tmp_path / "diff.csv") == [
        {k: rows[2][k] for k in IDENTITY}
        | {
            "field": "asia_impairment_scale",
            "stored": rows[2]["asia_impairment_scale"],
            "classified": fresh_ais,
        }
    ]


def test_results_are_printed_without_an_output_file(tmp_path: Path) -> None:
    source = write_export(tmp_path / "records.csv", exam_rows(1))
    result = run("classify", source, "--input-format", "redcap")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("record_id,redcap_event_name,")
    assert len([line for line in lines if line.startswith("1001,")]) == 4


def test_bad_rows_are_named_and_nothing_is_written(tmp_path: Path) -> None:
    rows = exam_rows(3)
    rows[1]["right_motor_c5_value"] = "9"
    rows[6]["deep_anal_pressure"] = ""
    rows[6]["left_motor_s1_value"] = "ab-2"
    rows[6]["left_motor_s1_considernormal"] = "x"
    source = write_export(tmp_path / "records.csv", rows)
    out = tmp_path / "out.csv"
    result = run(
        "classify",
        source,
        "--input-format",
        "redcap",
        "-o",
        out,
        "--differences",
        tmp_path / "d.csv",
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "record 1001, event week_12_arm_1: right_motor_c5_value: '9' is not 0-5, nt, "
        "ab-0 to ab-4 or ab-nt",
        "record 1002, event follow_up_arm_1, instance 1: left_motor_s1_considernormal: 'x' is not "
        "1 (consider normal), 2 or empty",
        "record 1002, event follow_up_arm_1, instance 1: deep_anal_pressure: is empty",
        f"error: 3 problems in {source}; nothing written",
    ]
    assert not out.exists() and not (tmp_path / "d.csv").exists()
    assert "Traceback" not in result.output


def test_a_label_export_is_refused_naming_the_column(tmp_path: Path) -> None:
    rows = exam_rows(1)
    labelled = ["Record ID" if c == "record_id" else c for c in HEADER]
    source = tmp_path / "labels.csv"
    with source.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(labelled)
        writer.writerows([[r[c] for c in HEADER] for r in rows])
    result = run("classify", source, "--input-format", "redcap", "-o", tmp_path / "o.csv")
    assert result.exit_code == 2
    assert (
        "record_id: column is missing (a label export? export raw codes and variable names)"
        in result.stderr
    )


def test_a_file_that_is_not_an_isncsci_export_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "other.csv"
    source.write_text("record_id,age\n1,34\n")
    result = run("classify", source, "--input-format", "redcap")
    assert result.exit_code == 2
    assert (
        "right_light_touch_c2_value: column is missing (and 133 more): not an isncsci_exam export"
        in result.stderr
    )


def test_redcap_output_needs_a_redcap_input(tmp_path: Path) -> None:
    source = write_export(tmp_path / "records.csv", exam_rows(1))
    assert "needs --input-format redcap" in run("classify", source, "--format", "redcap").stderr
    assert run("classify", source, "--input-format", "redcap", "--format", "json").exit_code == 2
    assert run("classify", source, "--input-format", "redcap", "--explain").exit_code == 2
    assert (
        "needs --input-format redcap"
        in run("classify", source, "--differences", tmp_path / "d.csv").stderr
    )


def test_a_byte_order_mark_and_crlf_line_ends_are_read(tmp_path: Path) -> None:
    rows = exam_rows(1)
    plain = write_export(tmp_path / "plain.csv", rows)
    windows = tmp_path / "windows.csv"
    windows.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes().replace(b"\n", b"\r\n"))
    one, two = io.StringIO(), io.StringIO()
    classify_export(RedcapExport(plain), one)
    classify_export(RedcapExport(windows), two)
    assert two.getvalue() == one.getvalue()
    assert len(one.getvalue().splitlines()) == 5


def test_a_large_export_is_classified_in_a_worker_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large export's batches are classified in a second process (as a large exam CSV
    file's are): the same results and differences, in order."""
    from regencord.isncsci.batch import pipeline

    rows = exam_rows(30)
    rows[2]["asia_impairment_scale"] = "E" if rows[2]["asia_impairment_scale"] != "E" else "A"
    source = write_export(tmp_path / "records.csv", with_noise(rows))
    here = tmp_path / "here.csv"
    args: list[str | Path] = ["classify", source, "--input-format", "redcap", "--format", "redcap"]
    assert run(*args, "-o", here, "--differences", tmp_path / "here.diff.csv").exit_code == 0

    def refused(batch: object) -> object:
        raise AssertionError("classified in this process")

    monkeypatch.setattr(pipeline, "PIPELINE_MIN_BYTES", 0)
    monkeypatch.setattr(pipeline, "_worker_started", lambda started: started.result() == 0)
    monkeypatch.setattr(pipeline, "classify_batch", refused)
    there = tmp_path / "there.csv"
    result = run(*args, "-o", there, "--differences", tmp_path / "there.diff.csv")
    assert result.exit_code == 0, result.output
    assert "classified 120 exam rows" in result.output
    assert there.read_bytes() == here.read_bytes()
    diff = (tmp_path / "there.diff.csv").read_text()
    assert diff == (tmp_path / "here.diff.csv").read_text()
    assert diff.count("\n") == 2  # the header and the one stored AIS that differs
