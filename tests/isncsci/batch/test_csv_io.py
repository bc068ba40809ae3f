"""The vectorized CSV reader and result writers (regencord.isncsci.batch.csv_io) against
the scalar ones (regencord.isncsci.io): same exams, same problems word for word, same bytes
out."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from regencord.isncsci import Exam, InvalidExam, classify
from regencord.isncsci.batch import ExamBatch, classify_batch, csv_io, result_files, tokens
from regencord.isncsci.batch.csv_io import (
    ResultWriter,
    iter_csv_batches,
    write_results_csv,
    write_results_json,
)
from regencord.isncsci.io import (
    ExamSource,
    FileFormat,
    read_exams,
    save_exams,
    write_results,
)
from regencord.isncsci.synthetic import generate_exams
from tests.exam_files import (
    CSV_COLUMNS,
    c5_complete_exam,
    c5_incomplete_exam,
    csv_row,
    normal_exam,
    read_csv,
    three_exams,
    write_csv,
)

ARRAYS = ("motor", "light_touch", "pin_prick", "vac", "dap", "non_key_muscle")


def assert_same_exams(batch: ExamBatch, expected: ExamBatch) -> None:
    for name in ARRAYS:
        np.testing.assert_array_equal(getattr(batch, name), getattr(expected, name), name)
    assert batch.ids == expected.ids


def scalar_batch(path: Path) -> ExamBatch:
    return ExamBatch.from_exams(read_exams(path))


def scalar_problems(path: Path) -> list[str]:
    with pytest.raises(InvalidExam) as info:
        list(ExamSource(path, FileFormat.CSV))
    return [str(p) for p in info.value.problems]


def batch_problems(path: Path, rows_per_batch: int = csv_io.ROWS_PER_BATCH) -> list[str]:
    with pytest.raises(InvalidExam) as info:
        list(iter_csv_batches(path, rows_per_batch=rows_per_batch))
    return [str(p) for p in info.value.problems]


def rows_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def exam_rows(exams: list[dict[str, Any]]) -> list[list[str]]:
    """A header and one row per exam, as lists (for editing)."""
    return [list(CSV_COLUMNS), *([csv_row(e)[c] for c in CSV_COLUMNS] for e in exams)]


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    path.write_text(rows_text(rows), encoding="utf-8", newline="")
    return path


def synthetic(n: int, seed: int = 3, **rates: float) -> list[dict[str, Any]]:
    return generate_exams(n, seed=seed, **rates)


def synthetic_csv(path: Path, n: int, seed: int = 3) -> Path:
    exams = [
        Exam.from_praxis(e, index=i)
        for i, e in enumerate(synthetic(n, seed, nt_rate=0.1, tag_rate=0.1, non_key_rate=0.3), 1)
    ]
    save_exams(exams, path, FileFormat.CSV)
    return path


# --------------------------------------------------------------------------- same exams


def test_synthetic_exams_round_trip_with_the_scalar_reader(
    tmp_path: Path, restarts: list[int]
) -> None:
    path = synthetic_csv(tmp_path / "exams.csv", 500)
    batch = ExamBatch.from_csv(path)
    assert len(batch) == 500
    assert_same_exams(batch, scalar_batch(path))
    assert restarts == []  # read by pyarrow


def test_every_token_the_scalar_parser_accepts(tmp_path: Path) -> None:
    exams = [normal_exam(), c5_complete_exam(), c5_incomplete_exam()]
    right, left = exams[1]["right"], exams[1]["left"]
    right["motor"].update(C6="nt", C7=" 4* ", C8="NT**", T1="0**", L2="Nt*", L3="\u00a03")
    left["motor"].update(C6="1*", C7="2**", C8="nT", T1="  5", L2="3 ")
    right["lightTouch"].update(C6="1**", C7="NT*", C8="0*", T1="\t2", T2="nt**")
    left["pinPrick"].update(C6="1 *"[0], C7=" NT ")
    right["lowestNonKeyMuscleWithMotorFunction"] = "c8"
    left["lowestNonKeyMuscleWithMotorFunction"] = " T1 "
    exams[2]["voluntaryAnalContraction"] = "yes"
    exams[2]["deepAnalPressure"] = " nT"
    exams[0]["voluntaryAnalContraction"] = "NO"
    exams[0]["right"]["lowestNonKeyMuscleWithMotorFunction"] = "S1"
    path = write_csv(tmp_path / "exams.csv", exams)
    assert_same_exams(ExamBatch.from_csv(path), scalar_batch(path))


def test_values_of_two_to_four_bytes_are_packed_as_tokens() -> None:
    """Read a word at a time from the data, to its very end (where the data is padded)."""
    values = ["NT", "3**", "Yes", "x", "", "NT*", "C8", "T1"]
    data = np.frombuffer("".join(values).encode(), np.uint8)
    lengths = np.array([len(v) for v in values], np.int32)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int32)
    short = (lengths >= 2) & (lengths <= 4)
    packed = tokens.packed(data, starts[short], lengths[short])
    assert packed.tolist() == [tokens.pack(v.encode()) for v in values if 2 <= len(v) <= 4]
    assert tokens.packed(data[:-1], starts[1:2], lengths[1:2]).tolist() == [tokens.pack(b"3**")]


def test_ids_are_stripped_and_empty_ids_are_none(tmp_path: Path) -> None:
    rows = exam_rows([normal_exam(" A1 "), c5_complete_exam(None), c5_incomplete_exam("  ")])
    path = write_rows(tmp_path / "exams.csv", rows)
    batch = ExamBatch.from_csv(path)
    assert batch.ids == ("A1", None, None)
    assert_same_exams(batch, scalar_batch(path))


def test_quoted_ids_with_commas_quotes_and_newlines(tmp_path: Path) -> None:
    ids = ["P01, visit 2", 'the "first"', "two\nlines", "Zoë,é", "crlf\r\nid", "plain"]
    exams = [c5_incomplete_exam(i) for i in ids]
    path = write_csv(tmp_path / "exams.csv", exams)
    batch = ExamBatch.from_csv(path)
    assert list(batch.ids) == [i.strip() for i in ids]
    assert_same_exams(batch, scalar_batch(path))


def test_header_in_any_case_order_with_bom_blank_rows_and_crlf(tmp_path: Path) -> None:
    rows = exam_rows(three_exams())
    columns = [f" {c.upper()} " if i % 2 else c for i, c in enumerate(reversed(rows[0]))]
    body = [list(reversed(r)) for r in rows[1:]]
    path = tmp_path / "exams.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow([])
        writer.writerow(columns)
        writer.writerow([])
        for row in body:
            writer.writerow(row)
            writer.writerow([""] * len(row))  # a row of empty values is blank
            writer.writerow(["  "] + [""] * (len(row) - 1))  # so is one of spaces
            writer.writerow([" "])  # and a short one
    batch = ExamBatch.from_csv(path)
    assert batch.ids == ("NORMAL", "C5-A", "C5-D")
    assert_same_exams(batch, scalar_batch(path))


def test_optional_columns_may_be_left_out(tmp_path: Path) -> None:
    columns = tuple(c for c in CSV_COLUMNS if c != "exam_id" and "non_key" not in c)
    path = write_csv(tmp_path / "exams.csv", three_exams(), columns)
    batch = ExamBatch.from_csv(path)
    assert batch.ids == (None, None, None)
    assert (batch.non_key_muscle == -1).all()
    assert_same_exams(batch, scalar_batch(path))


def test_no_exams(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "exams.csv", [list(CSV_COLUMNS)])
    assert list(iter_csv_batches(path)) == []
    assert len(ExamBatch.from_csv(path)) == 0


def test_a_file_without_a_final_newline(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "exams.csv", three_exams())
    path.write_bytes(path.read_bytes().rstrip(b"\r\n"))
    assert_same_exams(ExamBatch.from_csv(path), scalar_batch(path))


# --------------------------------------------------------------------------- chunks


def test_chunks_give_the_same_exams_as_one_batch(tmp_path: Path) -> None:
    path = synthetic_csv(tmp_path / "exams.csv", 10)
    batches = list(iter_csv_batches(path, rows_per_batch=3))
    assert [len(b) for b in batches] == [3, 3, 3, 1]
    whole = ExamBatch.from_csv(path)
    assert_same_exams(ExamBatch.concat(batches), whole)
    assert_same_exams(whole, scalar_batch(path))
    chunked = [r for b in batches for r in classify_batch(b).to_praxis()]
    assert chunked == classify_batch(whole).to_praxis()
    assert chunked == [classify(e).to_praxis() for e in read_exams(path)]


def test_exams_are_numbered_across_chunks(tmp_path: Path) -> None:
    exams = [c5_complete_exam(f"E{i}") for i in range(1, 11)]
    exams[1]["right"]["motor"]["C5"] = "6"
    exams[4]["voluntaryAnalContraction"] = "maybe"
    exams[8]["left"]["pinPrick"]["S4_5"] = "3"
    exams[9]["left"]["pinPrick"]["S3"] = ""
    path = write_csv(tmp_path / "exams.csv", exams)
    problems = batch_problems(path, rows_per_batch=3)
    assert problems == scalar_problems(path)
    assert [p.split(":")[0] for p in problems] == [
        "exam 2 (id E2)",
        "exam 5 (id E5)",
        "exam 9 (id E9)",
        "exam 10 (id E10)",
    ]
    assert problems == batch_problems(path)


def test_batches_stream_until_a_problem_then_all_problems_are_raised(tmp_path: Path) -> None:
    exams = [c5_complete_exam(f"E{i}") for i in range(1, 11)]
    exams[4]["right"]["motor"]["C5"] = "6"  # in the second chunk of three
    exams[9]["right"]["motor"]["C6"] = "x"
    path = write_csv(tmp_path / "exams.csv", exams)
    received: list[tuple[str | None, ...]] = []
    with pytest.raises(InvalidExam) as info:
        for batch in iter_csv_batches(path, rows_per_batch=3):
            received.append(batch.ids)
    assert received == [("E1", "E2", "E3")]
    assert [str(p) for p in info.value.problems] == scalar_problems(path)
    assert len(info.value.problems) == 2


def test_progress_reports_bytes_read(tmp_path: Path) -> None:
    path = synthetic_csv(tmp_path / "exams.csv", 50)
    seen: list[int] = []
    list(iter_csv_batches(path, progress=seen.append))
    assert seen
    assert seen == sorted(seen)
    assert seen[-1] <= path.stat().st_size


# --------------------------------------------------------------------------- problems

Edit = Callable[[list[list[str]]], None]


def _cell(row: int, column: str, value: str) -> Edit:
    def edit(rows: list[list[str]]) -> None:
        rows[row][CSV_COLUMNS.index(column)] = value

    return edit


def _drop_column(column: str) -> Edit:
    def edit(rows: list[list[str]]) -> None:
        position = CSV_COLUMNS.index(column)
        for row in rows:
            del row[position]

    return edit


def _add_column(name: str, value: str) -> Edit:
    def edit(rows: list[list[str]]) -> None:
        rows[0].append(name)
        for row in rows[1:]:
            row.append(value)

    return edit


def _width(row: int, change: int) -> Edit:
    def edit(rows: list[list[str]]) -> None:
        if change < 0:
            del rows[row][change:]
        else:
            rows[row].extend(["0"] * change)

    return edit


def _all(*edits: Edit) -> Edit:
    def edit(rows: list[list[str]]) -> None:
        for e in edits:
            e(rows)

    return edit


BAD_FILES: dict[str, Edit] = {
    "bad score": _cell(2, "right_motor_C5", "6"),
    "tagged 5": _cell(1, "left_motor_L2", "5*"),
    "tagged 2": _cell(1, "left_light_touch_T4", "2**"),
    "bad sensory": _cell(3, "right_pin_prick_S1", "3"),
    "bad two-byte token": _cell(2, "right_motor_C8", "6*"),
    "bad long token": _cell(2, "right_motor_C8", "NT***"),
    "non-ASCII": _cell(2, "right_light_touch_C2", "２"),
    "quote in a value": _cell(2, "right_light_touch_C2", 'it\'s "2"'),
    "empty cell": _cell(3, "right_pin_prick_C7", ""),
    "blank cell": _cell(3, "right_pin_prick_C7", "  "),
    "bad vac": _cell(2, "vac", "Y"),
    "empty dap": _cell(1, "dap", ""),
    "bad non-key muscle": _cell(3, "right_lowest_non_key_muscle", "T13"),
    "non-key muscle above C5": _cell(3, "left_lowest_non_key_muscle", "c4"),
    "no id": _all(_cell(2, "exam_id", ""), _cell(2, "right_motor_C5", "-1")),
    "several in one exam": _all(
        _cell(2, "dap", "x"),
        _cell(2, "vac", "x"),
        _cell(2, "left_lowest_non_key_muscle", "x"),
        _cell(2, "left_motor_S1", "x"),
        _cell(2, "right_lowest_non_key_muscle", "x"),
        _cell(2, "right_pin_prick_S4_5", "x"),
        _cell(2, "right_motor_C5", "x"),
        _cell(2, "left_light_touch_C2", ""),
    ),
    "unknown column": _add_column("rigth_motor_C6", "5"),
    "missing column": _drop_column("right_motor_C5"),
    "missing vac column": _drop_column("vac"),
    "unknown and missing": _all(_drop_column("left_pin_prick_S3"), _add_column("comment", "x")),
    "duplicate column": _add_column("LEFT_MOTOR_S1", "5"),
    "unnamed column": _add_column("", ""),
    "short row": _width(2, -1),
    "long row": _width(1, 2),
    "wrong widths and bad cells": _all(_width(3, -3), _cell(1, "vac", "?"), _width(2, 1)),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_problems_are_the_scalar_readers(tmp_path: Path, case: str) -> None:
    rows = exam_rows(three_exams())
    BAD_FILES[case](rows)
    path = write_rows(tmp_path / "exams.csv", rows)
    expected = scalar_problems(path)
    assert expected  # the case is a bad file
    assert batch_problems(path) == expected
    assert batch_problems(path, rows_per_batch=1) == expected


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"", "empty"),
        (b"\n \n\n", "blank lines"),
        (b"\xef\xbb\xbf", "a byte-order mark"),
        (b"exam_id,vac\n\xff\n", "not UTF-8 in a row"),
        (b"exam_id,v\xe9c\n", "not UTF-8 in the header"),
        (b"exam_id,vac\r1,2\n", "a lone carriage return"),
        (b'exam_id,vac\n"open,quote\n', "an unterminated quote"),
    ],
)
def test_unreadable_files_are_the_scalar_readers_problems(
    tmp_path: Path, content: bytes, name: str
) -> None:
    path = tmp_path / "exams.csv"
    path.write_bytes(content)
    assert batch_problems(path) == scalar_problems(path), name


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert batch_problems(tmp_path / "missing.csv") == scalar_problems(tmp_path / "missing.csv")
    (tmp_path / "dir.csv").mkdir()
    assert batch_problems(tmp_path / "dir.csv") == scalar_problems(tmp_path / "dir.csv")


def test_invalid_utf8_after_valid_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "exams.csv", [normal_exam("Zoë"), c5_complete_exam("Zoé\xff")])
    path.write_bytes(path.read_bytes().replace("é\xff".encode(), b"\xe9"))  # Latin-1
    assert batch_problems(path) == scalar_problems(path)


def test_a_value_over_the_csv_field_size_limit(tmp_path: Path) -> None:
    exams = [normal_exam(), c5_complete_exam("x" * (csv.field_size_limit() + 1))]
    path = write_csv(tmp_path / "exams.csv", exams)
    assert batch_problems(path) == scalar_problems(path)


@pytest.mark.parametrize("careful_rows", [3, 4096])
def test_cell_problems_before_and_after_a_row_of_the_wrong_width(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, careful_rows: int
) -> None:
    monkeypatch.setattr(csv_io, "_CAREFUL_ROWS", careful_rows)
    exams = [c5_complete_exam(f"E{i}") for i in range(1, 9)]
    rows = exam_rows(exams)
    rows[2][CSV_COLUMNS.index("vac")] = "?"
    rows[5].append("extra")
    rows[7][CSV_COLUMNS.index("dap")] = "?"
    path = write_rows(tmp_path / "exams.csv", rows)
    for rows_per_batch in (1, 2, 3, 100):
        assert batch_problems(path, rows_per_batch) == scalar_problems(path)


def test_random_corruption_gives_the_scalar_problems(tmp_path: Path) -> None:
    rng = np.random.default_rng(11)
    values = ["6", "5*", "2**", "", " ", "x", "NT***", "nt", "3", "Yes", "C4", "T13", "-"]
    for attempt in range(5):
        rows = exam_rows(synthetic(40, seed=attempt, nt_rate=0.05, tag_rate=0.05))
        for _ in range(30):
            row, column = int(rng.integers(1, len(rows))), int(rng.integers(1, len(CSV_COLUMNS)))
            rows[row][column] = values[int(rng.integers(len(values)))]
        path = write_rows(tmp_path / f"exams{attempt}.csv", rows)
        expected = scalar_problems(path)
        assert batch_problems(path) == expected
        assert batch_problems(path, rows_per_batch=7) == expected


# --------------------------------------------------------------------------- restarts


@pytest.fixture
def restarts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many exams had been yielded each time the reader fell back to the scalar row
    splitting."""
    seen: list[int] = []
    careful = csv_io._CsvBatchReader._careful

    def spy(self: csv_io._CsvBatchReader) -> Any:
        seen.append(self.yielded)
        return careful(self)

    monkeypatch.setattr(csv_io._CsvBatchReader, "_careful", spy)
    return seen


def test_a_restart_after_batches_were_yielded_yields_the_rest_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, restarts: list[int]
) -> None:
    """A lone carriage return inside a quoted id, late in the file: pyarrow's reading stops
    there and the scalar row splitting takes over, without yielding an exam twice."""
    exams = [c5_incomplete_exam(f"E{i:04}") for i in range(1, 2001)]
    exams[1990]["id"] = "lone\rreturn"
    path = write_csv(tmp_path / "exams.csv", exams)
    monkeypatch.setattr(csv_io, "BLOCK_SIZE", 4096)  # pyarrow reads ahead a few blocks
    batches = list(iter_csv_batches(path, rows_per_batch=100))
    assert [len(b) for b in batches] == [100] * 20
    assert_same_exams(ExamBatch.concat(batches), scalar_batch(path))
    assert len(restarts) == 1
    assert 0 < restarts[0] < 2000


def test_the_scalar_row_splitting_from_the_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, restarts: list[int]
) -> None:
    """A lone carriage return in the first exam's (quoted) id: the whole file is split into
    rows by the csv module, converted a few rows at a time, in batches of the usual size."""
    exams = [c5_incomplete_exam(f"E{i:03}") for i in range(1, 24)]
    exams[0]["id"] = "lone\rreturn"
    path = write_csv(tmp_path / "exams.csv", exams)
    monkeypatch.setattr(csv_io, "_CAREFUL_ROWS", 7)
    batches = list(iter_csv_batches(path, rows_per_batch=10))
    assert restarts == [0]
    assert [len(b) for b in batches] == [10, 10, 3]
    assert batches[0].ids[0] == "lone\rreturn"
    assert_same_exams(ExamBatch.concat(batches), scalar_batch(path))


def test_a_wrong_width_row_late_in_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, restarts: list[int]
) -> None:
    rows = exam_rows([c5_incomplete_exam(f"E{i:03}") for i in range(1, 101)])
    rows[95].pop()
    rows[20][CSV_COLUMNS.index("vac")] = "?"
    path = write_rows(tmp_path / "exams.csv", rows)
    monkeypatch.setattr(csv_io, "BLOCK_SIZE", 4096)
    assert batch_problems(path, rows_per_batch=10) == scalar_problems(path)
    assert len(restarts) == 1


# --------------------------------------------------------------------------- writing


def results_of(exams: list[dict[str, Any]]) -> list[Any]:
    return [classify(Exam.from_praxis(e, index=i)) for i, e in enumerate(exams, 1)]


def tricky_exams() -> list[dict[str, Any]]:
    """Synthetic exams with NT and tags (multi-valued results such as ``C5,C6*`` need CSV
    quoting), and ids that need quoting or JSON escaping, or are missing."""
    exams = synthetic(300, seed=5, nt_rate=0.08, tag_rate=0.08)
    special = ["a,b", 'q"t', "new\nline", "cr\rid", "Zoë ☃", "back\\slash", "tab\tid"]
    for i, exam_id in enumerate(special):
        exams[i]["id"] = exam_id
    del exams[10]["id"]
    del exams[11]["id"]
    exams[12]["id"] = 17
    return exams


@pytest.mark.parametrize("fmt", list(FileFormat))
def test_results_are_written_as_the_scalar_writer_writes_them(fmt: FileFormat) -> None:
    exams = tricky_exams()
    expected = io.StringIO()
    write_results(results_of(exams), expected, fmt)
    batch = classify_batch(ExamBatch.from_praxis(exams))
    assert any("," in v for v in batch.columns()["nli"])  # quoting is exercised
    out = io.StringIO()
    writer = ResultWriter(out, fmt)
    assert writer.write(batch) == len(exams)
    assert writer.close() == len(exams)
    assert out.getvalue() == expected.getvalue()


@pytest.mark.parametrize("fmt", list(FileFormat))
def test_batch_after_batch_makes_one_file(fmt: FileFormat, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(result_files, "_ROWS_PER_WRITE", 7)
    exams = tricky_exams()
    expected = io.StringIO()
    write_results(results_of(exams), expected, fmt)
    out = io.StringIO()
    writer = ResultWriter(out, fmt)
    for start in range(0, len(exams), 70):
        writer.write(classify_batch(ExamBatch.from_praxis(exams[start : start + 70])))
    assert writer.close() == len(exams)
    assert out.getvalue() == expected.getvalue()


@pytest.mark.parametrize("fmt", list(FileFormat))
def test_no_results(fmt: FileFormat) -> None:
    expected, out = io.StringIO(), io.StringIO()
    write_results([], expected, fmt)
    assert ResultWriter(out, fmt).close() == 0
    assert out.getvalue() == expected.getvalue()


def test_the_writer_functions() -> None:
    exams = three_exams()
    batch = classify_batch(ExamBatch.from_praxis(exams))
    out = io.StringIO()
    assert write_results_csv(batch, out, header=True) == 3
    expected = io.StringIO()
    write_results(results_of(exams), expected, FileFormat.CSV)
    assert out.getvalue() == expected.getvalue()
    items = io.StringIO()
    assert write_results_json(batch, items, first=True) == 3
    expected = io.StringIO()
    write_results(results_of(exams), expected, FileFormat.JSON)
    assert "[" + items.getvalue() + "\n]\n" == expected.getvalue()


def test_csv_in_results_out_matches_the_scalar_pipeline(tmp_path: Path) -> None:
    path = synthetic_csv(tmp_path / "exams.csv", 400)
    out = io.StringIO()
    writer = ResultWriter(out, FileFormat.CSV)
    for batch in iter_csv_batches(path, rows_per_batch=128):
        writer.write(classify_batch(batch))
    writer.close()
    expected = io.StringIO()
    write_results([classify(e) for e in read_exams(path)], expected, FileFormat.CSV)
    assert out.getvalue() == expected.getvalue()
    assert len(read_csv_text(out.getvalue())) == 400


def read_csv_text(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_concat() -> None:
    exams = three_exams()
    whole = ExamBatch.from_praxis(exams)
    parts = [ExamBatch.from_praxis(exams[:1]), ExamBatch.from_praxis(exams[1:])]
    assert_same_exams(ExamBatch.concat(parts), whole)
    assert len(ExamBatch.concat([])) == 0
    assert ExamBatch.concat([whole]) is whole


def test_read_csv_helper_matches_from_csv(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "exams.csv", three_exams())
    assert_same_exams(csv_io.read_csv_batch(path), ExamBatch.from_csv(str(path)))
    assert read_csv(path)[0]["exam_id"] == "NORMAL"


def test_random_structure_gives_the_scalar_readers_exams_or_problems(tmp_path: Path) -> None:
    """Blank and whitespace rows, rows of commas, quoted ids with commas, quotes and line
    breaks, CRLF line ends, rows of the wrong width, in random places."""
    rng = np.random.default_rng(23)
    ids = ["a,b", 'say "hi"', "two\nlines", " padded ", "", "Zoë"]
    for attempt in range(12):
        exams = synthetic(25, seed=100 + attempt, nt_rate=0.05, tag_rate=0.05)
        lines = rows_text(exam_rows(exams)).splitlines(keepends=True)
        body: list[str] = []
        for line in lines[1:]:
            roll = rng.random()
            if roll < 0.1:
                body.append(rng.choice(["\n", "  \n", ",,,\n", "\r\n", " , \n"]))
            elif roll < 0.15 and attempt % 3 == 0:
                line = line.rstrip("\n") + ",0\n"  # one value too many
            if rng.random() < 0.2:
                row = next(csv.reader([line]))
                row[0] = str(rng.choice(ids))
                line = rows_text([row])
            body.append(line)
        text = lines[0] + "".join(body)
        if attempt % 2:
            text = text.replace("\n", "\r\n")
        path = tmp_path / f"exams{attempt}.csv"
        path.write_bytes(text.encode("utf-8"))
        try:
            expected = scalar_batch(path)
        except InvalidExam:
            assert batch_problems(path, rows_per_batch=4) == scalar_problems(path)
            continue
        assert_same_exams(
            ExamBatch.concat(list(iter_csv_batches(path, rows_per_batch=4))), expected
        )
