"""``ExamBatch.from_frame``: a pandas DataFrame with the CSV exam columns, read as the CSV
reader reads the same table; ``BatchClassification.to_frame``."""

from __future__ import annotations

import csv
import subprocess
import sys
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from regencord.isncsci import Exam, InvalidExam, classify
from regencord.isncsci.batch import ExamBatch, classify_batch
from regencord.isncsci.cells import MOTOR_HINT
from regencord.isncsci.io import (
    EXAM_COLUMNS,
    RESULT_CSV_COLUMNS,
    FileFormat,
    exam_row,
    read_exams,
    result_row,
    save_exams,
)
from regencord.isncsci.synthetic import generate_exams
from tests.isncsci.builders import normal_exam

ARRAYS = ("motor", "light_touch", "pin_prick", "vac", "dap", "non_key_muscle")


def assert_same_batch(a: ExamBatch, b: ExamBatch, what: str = "") -> None:
    for name in ARRAYS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and np.array_equal(x, y), f"{what} {name}"
    assert a.ids == b.ids, what


def sample(n: int = 400, seed: int = 21) -> list[dict[str, Any]]:
    return generate_exams(n, seed=seed, nt_rate=0.05, tag_rate=0.05, non_key_rate=0.4)


def rows_of(dicts: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    return [exam_row(Exam.from_praxis(d)) for d in dicts]


def write_rows(path: Path, rows: Sequence[Mapping[str, object]], header: Sequence[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(c, "") for c in header])
    return path


def csv_outcome(path: Path) -> ExamBatch | list[str]:
    """What the CSV reader makes of a file: the exams as a batch, or its problems."""
    try:
        return ExamBatch.from_exams(read_exams(path))
    except InvalidExam as error:
        return [str(p) for p in error.problems]


def frame_outcome(frame: pd.DataFrame, **kwargs: Any) -> ExamBatch | list[str]:
    try:
        return ExamBatch.from_frame(frame, **kwargs)
    except InvalidExam as error:
        return [str(p) for p in error.problems]


def assert_same_outcome(a: ExamBatch | list[str], b: ExamBatch | list[str]) -> None:
    if isinstance(a, ExamBatch) and isinstance(b, ExamBatch):
        assert_same_batch(a, b)
    else:
        assert a == b


# --- valid frames ------------------------------------------------------------------------


def test_from_frame_equals_from_praxis() -> None:
    dicts = sample()
    frame = pd.DataFrame(rows_of(dicts))
    assert tuple(frame.columns) == EXAM_COLUMNS
    assert_same_batch(ExamBatch.from_frame(frame), ExamBatch.from_praxis(dicts))


@pytest.mark.parametrize("nt", [False, True], ids=["scores only", "with NT and tags"])
def test_frames_read_by_pandas_from_a_csv_file(nt: bool, tmp_path: Path) -> None:
    rate = 0.05 if nt else 0.0
    dicts = generate_exams(300, seed=22, nt_rate=rate, tag_rate=rate, non_key_rate=0.5)
    path = tmp_path / "exams.csv"
    save_exams([Exam.from_praxis(d) for d in dicts], path, FileFormat.CSV)
    expected = ExamBatch.from_praxis(dicts)
    as_text = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert_same_batch(ExamBatch.from_frame(as_text), expected)
    # pandas' own types: integer columns, NaN for an empty non-key muscle
    native = pd.read_csv(path)
    assert any(pd.api.types.is_integer_dtype(t) for t in native.dtypes) is not nt
    assert native["right_lowest_non_key_muscle"].isna().any()
    assert_same_batch(ExamBatch.from_frame(native), expected)


def test_column_types_and_layouts() -> None:
    dicts = sample(200)
    expected = ExamBatch.from_praxis(dicts)
    frame = pd.DataFrame(rows_of(dicts))
    variants = {
        "string[python]": frame.astype("string"),
        "string[pyarrow]": frame.astype("string[pyarrow]"),
        "category": frame.astype("category"),
        "object": frame.astype(object),
        "reversed, odd case and spaces": frame[frame.columns[::-1]].rename(
            columns=lambda c: f" {c.upper()} " if len(c) % 2 else c
        ),
    }
    numeric = frame.copy()
    for column in frame.columns:
        values = frame[column]
        if values.str.fullmatch(r"\d").all():
            numeric[column] = values.astype(int)
            if len(column) % 2:
                numeric[column] = numeric[column].astype(float)  # 5.0 stands for 5
    variants["int and float scores"] = numeric
    for name, variant in variants.items():
        assert_same_batch(ExamBatch.from_frame(variant), expected, name)


def test_optional_columns_may_be_left_out() -> None:
    dicts = sample(50)
    frame = pd.DataFrame(rows_of(dicts))
    bare = frame.drop(
        columns=["exam_id", "right_lowest_non_key_muscle", "left_lowest_non_key_muscle"]
    )
    batch = ExamBatch.from_frame(bare)
    assert batch.ids == (None,) * 50
    assert (batch.non_key_muscle == -1).all()
    expected = ExamBatch.from_praxis(dicts)
    for name in ("motor", "light_touch", "pin_prick", "vac", "dap"):
        assert np.array_equal(getattr(batch, name), getattr(expected, name))


def test_empty_frames() -> None:
    frame = pd.DataFrame(columns=list(EXAM_COLUMNS))
    batch = ExamBatch.from_frame(frame)
    assert len(batch) == 0 and batch.motor.shape == (0, 2, 10)
    with pytest.raises(InvalidExam, match="csv header: vac: missing column"):
        ExamBatch.from_frame(pd.DataFrame())


def test_missing_ids_are_none() -> None:
    rows = rows_of(sample(4))
    rows[1]["exam_id"] = ""
    frame = pd.DataFrame(rows)
    frame.loc[2, "exam_id"] = None
    frame.loc[3, "exam_id"] = "  P-3 "
    assert ExamBatch.from_frame(frame).ids == ("SYN-000001", None, None, "P-3")
    ints = pd.DataFrame(rows).assign(exam_id=[7, 8, 9, 10])
    assert ExamBatch.from_frame(ints).ids == ("7", "8", "9", "10")


# --- the same problems as the CSV reader -------------------------------------------------


def test_invalid_cells_give_the_csv_readers_problems(tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [dict(r) for r in rows_of(sample(6))]
    rows[0]["right_motor_C5"] = "6"
    rows[1]["left_light_touch_T4"] = ""
    rows[1]["vac"] = "maybe"
    rows[2]["right_lowest_non_key_muscle"] = "T13"
    rows[2]["exam_id"] = ""
    rows[3]["left_pin_prick_S1"] = "2*"
    rows[3]["right_motor_C6"] = "4.5"
    rows[3]["left_lowest_non_key_muscle"] = "S4_5"
    rows[5]["dap"] = "NT*"
    path = write_rows(tmp_path / "exams.csv", rows, EXAM_COLUMNS)
    expected = csv_outcome(path)
    assert isinstance(expected, list) and len(expected) == 8
    assert expected[0].startswith("exam 1 (id SYN-000001): right_motor_C5: '6' is not a motor")
    assert "exam 3: right_lowest_non_key_muscle: 'T13' is not a level from C5 to S1" in expected
    frames = {
        "as text": pd.read_csv(path, dtype=str, keep_default_na=False),
        "pandas types": pd.read_csv(path),
        "built from rows": pd.DataFrame(rows),
    }
    for name, frame in frames.items():
        assert frame_outcome(frame) == expected, name


def test_problems_count_exams_from_start() -> None:
    rows = rows_of(sample(3))
    rows[2]["vac"] = "?"
    with pytest.raises(InvalidExam) as raised:
        ExamBatch.from_frame(pd.DataFrame(rows), start=1001)
    assert [str(p) for p in raised.value.problems] == [
        "exam 1003 (id SYN-000003): vac: '?' is not Yes, No or NT"
    ]


def test_header_problems_are_the_csv_readers(tmp_path: Path) -> None:
    rows = rows_of(sample(3))
    header = [c for c in EXAM_COLUMNS if c not in {"right_motor_C5", "vac"}]
    header += ["right_motor_C9", "comment", "left_lowest_nonkey_muscle", "left_motor_S1", ""]
    table = [{**r, "right_motor_C9": "5", "comment": "x"} for r in rows]
    table[1]["left_motor_L2"] = "9"  # a cell problem after the header's
    path = write_rows(tmp_path / "exams.csv", table, header)
    expected = csv_outcome(path)
    assert isinstance(expected, list)
    assert "csv header: left_motor_S1: duplicate column" in expected
    assert "csv header: vac: missing column" in expected
    assert expected[-1].startswith("exam 2 (id SYN-000002): left_motor_L2: '9' is not")
    frame = pd.DataFrame([[r.get(c, "") for c in header] for r in table], columns=header)
    assert frame_outcome(frame) == expected


def test_extra_columns_can_be_ignored() -> None:
    dicts = sample(20)
    frame = pd.DataFrame(rows_of(dicts)).assign(site="Zurich", visit=np.arange(20))
    problems = frame_outcome(frame)
    assert problems == ["csv header: site: unknown column", "csv header: visit: unknown column"]
    batch = ExamBatch.from_frame(frame, extra_columns="ignore")
    assert_same_batch(batch, ExamBatch.from_praxis(dicts))
    missing = frame.drop(columns=["dap"])
    assert frame_outcome(missing, extra_columns="ignore") == ["csv header: dap: missing column"]


def test_a_blank_row_is_an_exam_with_empty_cells() -> None:
    rows = rows_of(sample(2))
    frame = pd.DataFrame(rows)
    frame.loc[1, :] = ""
    problems = frame_outcome(frame)
    assert isinstance(problems, list)
    assert problems[0] == "exam 2: right_motor_C5: empty"
    assert len(problems) == len(EXAM_COLUMNS) - 3  # no id, no non-key muscles


TOKENS = [
    "5", " 5 ", "05", "5*", "4*", "4**", "4***", "0", "NT", "nt", " Nt* ", "NT**", "6", "-1",
    "", "4.0", "2", "2*", "1**", "3", "yes", " No ", "Y", "c5", "C5", "s1", "S4-5", "S4_5",
    "T13", "L1 ", "none", "x",
]  # fmt: skip
TOKEN_COLUMNS = [
    "right_motor_C5",
    "left_light_touch_S4_5",
    "right_pin_prick_T7",
    "vac",
    "dap",
    "left_lowest_non_key_muscle",
    "exam_id",
]


@pytest.mark.parametrize("column", TOKEN_COLUMNS)
def test_every_token_is_read_as_the_csv_reader_reads_it(column: str, tmp_path: Path) -> None:
    base = exam_row(Exam.from_praxis({"id": "T", **normal_exam()}))
    for k, token in enumerate(TOKENS):
        row = {**base, column: token}
        expected = csv_outcome(write_rows(tmp_path / f"t{k}.csv", [row], EXAM_COLUMNS))
        assert_same_outcome(frame_outcome(pd.DataFrame([row])), expected)


@pytest.mark.parametrize(
    ("value", "token"),
    [
        (5, "5"),
        (np.int64(3), "3"),
        (5.0, "5"),
        (np.float32(2.0), "2"),
        (4.5, "4.5"),
        (float("nan"), ""),
        (None, ""),
        (pd.NA, ""),
        (True, "True"),
        (np.bool_(False), "False"),
        (b"5", "b'5'"),
    ],
)
def test_python_values_are_read_as_their_csv_text(value: object, token: str) -> None:
    base = exam_row(Exam.from_praxis({"id": "V", **normal_exam()}))
    for column in ("right_motor_C6", "left_pin_prick_L3", "vac", "right_lowest_non_key_muscle"):
        as_value = pd.DataFrame([base]).astype(object)
        as_value.loc[0, column] = value
        as_token = pd.DataFrame([{**base, column: token}])
        assert_same_outcome(frame_outcome(as_value), frame_outcome(as_token))


def test_unhashable_values_are_problems() -> None:
    base = exam_row(Exam.from_praxis(normal_exam()))
    frame = pd.DataFrame([base, base]).astype(object)
    frame.at[1, "right_motor_C7"] = ["5"]
    assert frame_outcome(frame) == [
        f"exam 2: right_motor_C7: {str(['5'])!r} is not {MOTOR_HINT}",
    ]


def test_argument_errors() -> None:
    with pytest.raises(TypeError, match="DataFrame"):
        ExamBatch.from_frame([normal_exam()])
    with pytest.raises(ValueError, match="extra_columns"):
        ExamBatch.from_frame(pd.DataFrame(), extra_columns="drop")  # type: ignore[arg-type]


# --- results as a frame ------------------------------------------------------------------


def test_to_frame_has_the_csv_result_columns_and_values() -> None:
    dicts = sample(300)
    dicts[5].pop("id")
    result = classify_batch(ExamBatch.from_praxis(dicts))
    frame = result.to_frame()
    assert tuple(frame.columns) == RESULT_CSV_COLUMNS
    assert len(frame) == len(dicts)
    for i, d in enumerate(dicts):
        expected = result_row(classify(Exam.from_praxis(d)))
        row = frame.iloc[i].to_dict()
        assert pd.isna(row["exam_id"]) if i == 5 else row["exam_id"] == expected["exam_id"]
        assert {k: v for k, v in row.items() if k != "exam_id"} == {
            k: v for k, v in expected.items() if k != "exam_id"
        }


# --- without pandas ----------------------------------------------------------------------


def test_the_engine_imports_without_pandas_and_dask() -> None:
    script = textwrap.dedent(
        """
        import sys
        for name in ("pandas", "dask", "dask.dataframe"):
            sys.modules[name] = None  # an import of it fails
        from regencord.isncsci.batch import ExamBatch, classify_batch
        from regencord.isncsci.synthetic import generate_exams
        result = classify_batch(ExamBatch.from_praxis(generate_exams(3, seed=1)))
        assert len(result.to_praxis()) == 3
        try:
            ExamBatch.from_frame(object())
        except ImportError as e:
            print("frame:", e)
        try:
            import regencord.isncsci.dask
        except ImportError as e:
            print("dask:", e)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    assert "frame: ExamBatch.from_frame needs pandas" in out and "regencord[pandas]" in out
    assert "dask: regencord.isncsci.dask needs dask[dataframe]" in out
    assert "regencord[dask]" in out
