"""Reading exams from and writing results to JSON and CSV files (regencord.isncsci.io)."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from regencord.isncsci import Classification, Exam, InvalidExam, classify
from regencord.isncsci.io import (
    EXAM_COLUMNS,
    RESULT_CSV_COLUMNS,
    ExamSource,
    FileFormat,
    OutputError,
    classify_all,
    format_of,
    read_exams,
    result_row,
    save_exams,
    save_results,
    write_results,
)
from tests.exam_files import (
    CSV_COLUMNS,
    EXPECTED,
    c5_complete_exam,
    csv_row,
    normal_exam,
    read_csv,
    three_exams,
    write_csv,
    write_json,
)

# Where each result CSV column sits in the Praxis result, written out independently of
# the I/O module so that a mistake in its table shows up here.
PRAXIS_PATHS = {
    "ais": "classification.ASIAImpairmentScale",
    "injury_complete": "classification.injuryComplete",
    "nli": "classification.neurologicalLevelOfInjury",
    "right_sensory_level": "classification.neurologicalLevels.sensoryRight",
    "left_sensory_level": "classification.neurologicalLevels.sensoryLeft",
    "right_motor_level": "classification.neurologicalLevels.motorRight",
    "left_motor_level": "classification.neurologicalLevels.motorLeft",
    "right_sensory_zpp": "classification.zoneOfPartialPreservations.sensoryRight",
    "left_sensory_zpp": "classification.zoneOfPartialPreservations.sensoryLeft",
    "right_motor_zpp": "classification.zoneOfPartialPreservations.motorRight",
    "left_motor_zpp": "classification.zoneOfPartialPreservations.motorLeft",
    "right_uems": "totals.right.upperExtremity",
    "left_uems": "totals.left.upperExtremity",
    "uems": "totals.upperExtremity",
    "right_lems": "totals.right.lowerExtremity",
    "left_lems": "totals.left.lowerExtremity",
    "lems": "totals.lowerExtremity",
    "right_motor_total": "totals.right.motor",
    "left_motor_total": "totals.left.motor",
    "right_light_touch": "totals.right.lightTouch",
    "left_light_touch": "totals.left.lightTouch",
    "light_touch": "totals.lightTouch",
    "right_pin_prick": "totals.right.pinPrick",
    "left_pin_prick": "totals.left.pinPrick",
    "pin_prick": "totals.pinPrick",
}


def praxis_value(result: dict[str, Any], dotted: str) -> Any:
    value: Any = result
    for key in dotted.split("."):
        value = value[key]
    return value


def problems_of(source: ExamSource | Path) -> list[str]:
    with pytest.raises(InvalidExam) as info:
        list(source if isinstance(source, ExamSource) else ExamSource(source))
    return [str(p) for p in info.value.problems]


def praxis_exams(exams: list[Exam]) -> list[dict[str, Any]]:
    return [e.to_praxis() for e in exams]


# --------------------------------------------------------------------------- formats


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("exams.json", FileFormat.JSON),
        ("EXAMS.JSON", FileFormat.JSON),
        ("a/b/exams.csv", FileFormat.CSV),
        ("exams.Csv", FileFormat.CSV),
        ("exams.txt", None),
        ("exams", None),
        ("json", None),
    ],
)
def test_format_of_extension(name: str, expected: FileFormat | None) -> None:
    assert format_of(name) == expected


def test_unknown_extension_is_a_problem(tmp_path: Path) -> None:
    with pytest.raises(InvalidExam) as info:
        ExamSource(tmp_path / "exams.txt")
    assert [str(p) for p in info.value.problems] == [
        f"{tmp_path / 'exams.txt'}: unknown format: expected a .json or .csv file"
    ]


def test_format_can_be_forced(tmp_path: Path) -> None:
    path = write_json(tmp_path / "exams.txt", [normal_exam()])
    assert [e.id for e in read_exams(path, FileFormat.JSON)] == ["NORMAL"]


# --------------------------------------------------------------------------- JSON input


def test_json_array_is_read_in_order_with_ids(tmp_path: Path) -> None:
    path = write_json(tmp_path / "exams.json", three_exams())
    exams = read_exams(path)
    assert [e.id for e in exams] == ["NORMAL", "C5-A", "C5-D"]
    assert praxis_exams(exams) == three_exams()


def test_json_single_object_is_one_exam(tmp_path: Path) -> None:
    path = write_json(tmp_path / "exam.json", c5_complete_exam())
    exams = read_exams(path)
    assert len(exams) == 1
    assert exams[0].id == "C5-A"


def test_json_integer_id_and_no_id(tmp_path: Path) -> None:
    with_int = normal_exam(None) | {"id": 17}
    path = write_json(tmp_path / "exams.json", [with_int, normal_exam(None)])
    assert [e.id for e in read_exams(path)] == ["17", None]


def test_json_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "exams.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps([normal_exam()]).encode())
    assert [e.id for e in read_exams(path)] == ["NORMAL"]


def test_json_empty_array_is_no_exams(tmp_path: Path) -> None:
    assert read_exams(write_json(tmp_path / "exams.json", [])) == []


def test_json_problems_of_every_exam_are_collected(tmp_path: Path) -> None:
    first = normal_exam("P01-BL")
    first["right"]["motor"]["C5"] = "6"
    first["voluntaryAnalContraction"] = "maybe"
    second = c5_complete_exam(None)
    del second["left"]["lightTouch"]["T4"]
    third = c5_complete_exam("P01-W12")
    third["right"]["lowestNonKeyMuscleWithMotorFunction"] = "T13"
    path = write_json(tmp_path / "exams.json", [first, normal_exam(), second, third])
    problems = problems_of(path)
    assert problems[0].startswith("exam 1 (id P01-BL): right.motor.C5: '6' is not a motor score")
    assert "exam 1 (id P01-BL): voluntaryAnalContraction: 'maybe' is not Yes, No or NT" in problems
    assert "exam 3: left.lightTouch.T4: missing" in problems
    assert (
        "exam 4 (id P01-W12): right.lowestNonKeyMuscleWithMotorFunction: "
        "'T13' is not a level from C5 to S1"
    ) in problems
    assert len(problems) == 4


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda e: e["right"]["motor"].update(C6=4.0), "right.motor.C6: 4.0 is not a motor score"),
        (lambda e: e["left"]["pinPrick"].update(S1="3"), "left.pinPrick.S1: '3' is not a sensory"),
        (lambda e: e.update(right=[]), "right: expected an object, got list"),
        (lambda e: e["left"].update(motor="5"), "left.motor: expected an object, got str"),
        (lambda e: e["right"]["motor"].update(C9="5"), "right.motor.C9: unknown level"),
        (lambda e: e.update(comment="x"), "comment: unknown field"),
        (lambda e: e.update(deepAnalPressure=True), "deepAnalPressure: True is not Yes, No or NT"),
    ],
)
def test_json_exam_problems_name_the_field(tmp_path: Path, change: Any, expected: str) -> None:
    exam = normal_exam("X1")
    change(exam)
    problems = problems_of(write_json(tmp_path / "exams.json", [exam]))
    assert len(problems) == 1
    assert problems[0].startswith(f"exam 1 (id X1): {expected}")


def test_json_item_that_is_not_an_object(tmp_path: Path) -> None:
    path = write_json(tmp_path / "exams.json", [normal_exam(), [1, 2]])
    assert problems_of(path) == ["exam 2: (exam): expected an object, got list"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "not valid JSON: Expecting value at line 1 column 1"),
        (b"[\n  {\"id\": 1,}\n]", "not valid JSON: Expecting property name enclosed in double "
         "quotes at line 2 column 12"),
        (b'"exams"', "not an exam or a list of exams: expected a JSON object or array, "
         "got a string"),
        (b"42", "not an exam or a list of exams: expected a JSON object or array, got a number"),
        (b"null", "not an exam or a list of exams: expected a JSON object or array, got null"),
        (b'[\n"\xff"]', "not UTF-8 text: byte 0xff on line 2"),
    ],
)  # fmt: skip
def test_unparsable_json_is_one_problem_naming_the_file(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "exams.json"
    path.write_bytes(content)
    assert problems_of(path) == [f"{path}: {expected}"]


def test_missing_file_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    assert problems_of(path) == [f"{path}: cannot read: No such file or directory"]


def test_directory_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "dir.csv"
    path.mkdir()
    assert problems_of(path) == [f"{path}: cannot read: Is a directory"]


# --------------------------------------------------------------------------- CSV input


def test_csv_columns_follow_the_documented_names() -> None:
    assert set(EXAM_COLUMNS) == set(CSV_COLUMNS)
    assert len(EXAM_COLUMNS) == 5 + 2 * (10 + 28 + 28)
    assert {"right_motor_C5", "left_light_touch_S4_5", "left_pin_prick_T12"} <= set(EXAM_COLUMNS)


def test_csv_rows_are_read_as_praxis_exams(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "exams.csv", three_exams())
    assert praxis_exams(read_exams(path)) == three_exams()


def test_csv_matches_json_exam_for_exam(tmp_path: Path) -> None:
    exams = three_exams()
    exams[1]["left"]["lowestNonKeyMuscleWithMotorFunction"] = "C8"
    from_csv = read_exams(write_csv(tmp_path / "exams.csv", exams))
    from_json = read_exams(write_json(tmp_path / "exams.json", exams))
    assert from_csv == from_json
    assert [e.id for e in from_csv] == [e.id for e in from_json]
    assert from_csv[1].left.lowest_non_key_muscle is not None
    assert from_csv[1].left.lowest_non_key_muscle.name == "C8"
    assert from_csv[1].right.lowest_non_key_muscle is None  # empty cell: none


def test_csv_optional_columns_may_be_left_out(tmp_path: Path) -> None:
    columns = tuple(c for c in CSV_COLUMNS if c != "exam_id" and "non_key" not in c)
    exams = read_exams(write_csv(tmp_path / "exams.csv", [normal_exam()], columns))
    assert exams[0].id is None
    assert exams[0].right.lowest_non_key_muscle is None


def test_csv_header_is_forgiving_about_case_spaces_order_and_bom(tmp_path: Path) -> None:
    rows = [list(CSV_COLUMNS), *([r[c] for c in CSV_COLUMNS] for r in map(csv_row, three_exams()))]
    columns = [f" {c.upper()} " if i % 2 else c for i, c in enumerate(reversed(rows[0]))]
    body = [list(reversed(r)) for r in rows[1:]]
    path = tmp_path / "exams.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerow([])
        for row in body:
            writer.writerow(row)
            writer.writerow([""] * len(row))  # blank rows are skipped
    exams = read_exams(path)
    assert praxis_exams(exams) == three_exams()


def test_csv_unknown_and_missing_columns_are_reported_once(tmp_path: Path) -> None:
    columns = tuple(c for c in CSV_COLUMNS if c not in {"right_motor_C5", "vac"})
    path = write_csv(tmp_path / "exams.csv", three_exams(), columns)
    text = path.read_text(encoding="utf-8").splitlines()
    text[0] += ",right_motor_C9,comment,left_lowest_nonkey_muscle"
    text[1:] = [line + ",5,x," for line in text[1:]]
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    assert problems_of(path) == [
        "csv header: right_motor_C9: unknown column",
        "csv header: comment: unknown column",
        "csv header: left_lowest_nonkey_muscle: unknown column "
        "(did you mean left_lowest_non_key_muscle?)",
        "csv header: vac: missing column",
        "csv header: right_motor_C5: missing column",
    ]


def test_csv_duplicate_and_unnamed_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "exams.csv", [normal_exam()])
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] += ",left_motor_S1,"
    lines[1] += ",5,"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    width = len(CSV_COLUMNS) + 2
    assert problems_of(path) == [
        "csv header: left_motor_S1: duplicate column",
        f"csv header: column {width}: no name",
    ]


def test_csv_cell_problems_name_the_column(tmp_path: Path) -> None:
    exams = three_exams()
    path = write_csv(tmp_path / "exams.csv", exams)
    rows = read_csv(path)
    rows[0]["right_motor_C5"] = "6"
    rows[1]["left_light_touch_T4"] = ""
    rows[1]["vac"] = "maybe"
    rows[2]["right_lowest_non_key_muscle"] = "T13"
    rows[2]["exam_id"] = ""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    problems = problems_of(path)
    assert len(problems) == 4
    assert problems[0].startswith("exam 1 (id NORMAL): right_motor_C5: '6' is not a motor score")
    assert "exam 2 (id C5-A): vac: 'maybe' is not Yes, No or NT" in problems
    assert "exam 2 (id C5-A): left_light_touch_T4: empty" in problems
    assert "exam 3: right_lowest_non_key_muscle: 'T13' is not a level from C5 to S1" in problems


def test_csv_row_of_the_wrong_width(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "exams.csv", three_exams())
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].rsplit(",", 1)[0]  # drop the last value of exam 2
    lines[3] += ",0"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    n = len(CSV_COLUMNS)
    assert problems_of(path) == [
        f"exam 2 (id C5-A): line 3: {n - 1} values, but the header has {n} columns",
        f"exam 3 (id C5-D): line 4: {n + 1} values, but the header has {n} columns",
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "not valid CSV: no header row"),
        (b"\n\n", "not valid CSV: no header row"),
    ],
)
def test_unreadable_csv_is_one_problem_naming_the_file(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "exams.csv"
    path.write_bytes(content)
    assert problems_of(path) == [f"{path}: {expected}"]


def test_non_utf8_csv_names_the_line(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "exams.csv", [normal_exam("Zoë"), c5_complete_exam("Zoé\xff")])
    path.write_bytes(path.read_bytes().replace("é\xff".encode(), b"\xe9"))  # Latin-1
    assert problems_of(path) == [f"{path}: not UTF-8 text: byte 0xe9 on line 3"]


def test_csv_count_skips_header_and_blank_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "exams.csv", three_exams())
    path.write_text(path.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    assert ExamSource(path).count() == 3
    assert ExamSource(write_json(tmp_path / "exams.json", three_exams())).count() == 3
    assert ExamSource(write_json(tmp_path / "one.json", normal_exam())).count() == 1


def test_csv_source_streams_exams_before_the_problems_are_raised(tmp_path: Path) -> None:
    exams = three_exams()
    exams[2]["right"]["motor"]["C5"] = "9"
    exams[1]["id"] = "second"
    iterator = iter(ExamSource(write_csv(tmp_path / "exams.csv", exams)))
    assert isinstance(iterator, Iterator)
    assert next(iterator).id == "NORMAL"
    assert next(iterator).id == "second"
    with pytest.raises(InvalidExam) as info:
        next(iterator)
    assert [p.field for p in info.value.problems] == ["right_motor_C5"]


def test_no_exam_is_yielded_after_a_problem(tmp_path: Path) -> None:
    exams = three_exams()
    exams[0]["dap"] = "x"  # unknown field in exam 1
    seen: list[str | None] = []
    with pytest.raises(InvalidExam):
        for exam in ExamSource(write_json(tmp_path / "exams.json", exams)):
            seen.append(exam.id)
    assert seen == []


# --------------------------------------------------------------------------- results


def test_result_row_takes_every_value_from_the_praxis_result() -> None:
    for exam in three_exams():
        result = classify(Exam.from_praxis(exam, index=1))
        praxis = result.to_praxis()
        row = result_row(result)
        assert list(row) == list(RESULT_CSV_COLUMNS)
        assert row == result_row(praxis)
        assert row["exam_id"] == exam["id"]
        for column, dotted in PRAXIS_PATHS.items():
            assert row[column] == praxis_value(praxis, dotted), column


def test_results_of_simple_exams_follow_the_standards() -> None:
    for exam in three_exams():
        row = result_row(classify(Exam.from_praxis(exam, index=1)))
        assert row == {"exam_id": exam["id"], **EXPECTED[exam["id"]]}


def test_result_csv_header_order() -> None:
    assert (
        "exam_id",
        *("ais", "injury_complete", "nli"),
        *("right_sensory_level", "left_sensory_level", "right_motor_level", "left_motor_level"),
        *("right_sensory_zpp", "left_sensory_zpp", "right_motor_zpp", "left_motor_zpp"),
        *("right_uems", "left_uems", "uems", "right_lems", "left_lems", "lems"),
        *("right_motor_total", "left_motor_total"),
        *("right_light_touch", "left_light_touch", "light_touch"),
        *("right_pin_prick", "left_pin_prick", "pin_prick"),
    ) == RESULT_CSV_COLUMNS


def _results(exams: list[dict[str, Any]]) -> list[Classification]:
    return [classify(Exam.from_praxis(e, index=i)) for i, e in enumerate(exams, 1)]


def test_json_and_csv_results_agree(tmp_path: Path) -> None:
    exams = [*three_exams(), normal_exam(None)]
    as_json, as_csv = io.StringIO(), io.StringIO()
    assert write_results(_results(exams), as_json, FileFormat.JSON) == 4
    assert write_results(_results(exams), as_csv, FileFormat.CSV) == 4
    json_results = json.loads(as_json.getvalue())
    csv_rows = list(csv.DictReader(io.StringIO(as_csv.getvalue())))
    assert len(json_results) == len(csv_rows) == 4
    for praxis, row in zip(json_results, csv_rows, strict=True):
        assert row["exam_id"] == praxis.get("id", "")
        for column, dotted in PRAXIS_PATHS.items():
            assert row[column] == praxis_value(praxis, dotted)
    assert "id" not in json_results[3]


def test_json_results_are_the_praxis_results(tmp_path: Path) -> None:
    out = io.StringIO()
    write_results(_results(three_exams()), out, FileFormat.JSON)
    expected = [r.to_praxis() for r in _results(three_exams())]
    assert json.loads(out.getvalue()) == expected
    assert out.getvalue() == json.dumps(expected, indent=2) + "\n"


def test_no_results_is_an_empty_array_or_a_header(tmp_path: Path) -> None:
    as_json, as_csv = io.StringIO(), io.StringIO()
    assert write_results([], as_json, FileFormat.JSON) == 0
    assert write_results([], as_csv, FileFormat.CSV) == 0
    assert json.loads(as_json.getvalue()) == []
    assert as_csv.getvalue() == ",".join(RESULT_CSV_COLUMNS) + "\n"


def test_classify_all_names_the_exam_that_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    from regencord.isncsci import writing as exam_writing

    def broken(exam: Exam) -> Classification:
        if exam.id == "C5-A":
            raise RuntimeError("boom")
        return classify(exam)

    monkeypatch.setattr(exam_writing, "classify", broken)
    exams = [Exam.from_praxis(e, index=i) for i, e in enumerate(three_exams(), 1)]
    with pytest.raises(RuntimeError) as info:
        list(classify_all(exams))
    assert info.value.__notes__ == ["while classifying exam 2 (id C5-A)"]


# --------------------------------------------------------------------------- saving


@pytest.mark.parametrize("fmt", list(FileFormat))
def test_exams_round_trip_through_files(tmp_path: Path, fmt: FileFormat) -> None:
    exams = three_exams()
    exams[0]["right"]["motor"]["L3"] = "NT"
    exams[1]["left"]["lowestNonKeyMuscleWithMotorFunction"] = "T1"
    first = read_exams(write_json(tmp_path / "in.json", exams))
    path = tmp_path / f"exams.{fmt}"
    assert save_exams(first, path, fmt) == 3
    again = read_exams(path)
    assert praxis_exams(again) == praxis_exams(first) == exams


@pytest.mark.parametrize("fmt", list(FileFormat))
def test_results_round_trip_through_files(tmp_path: Path, fmt: FileFormat) -> None:
    path = tmp_path / f"results.{fmt}"
    assert save_results(classify_all(read_exams(write_csv(tmp_path / "in.csv", three_exams()))),
                        path, fmt) == 3  # fmt: skip
    if fmt is FileFormat.JSON:
        rows = [result_row(r) for r in json.loads(path.read_text(encoding="utf-8"))]
    else:
        rows = read_csv(path)
    assert rows == [{"exam_id": e["id"], **EXPECTED[e["id"]]} for e in three_exams()]


def _failing_results() -> Iterator[Classification]:
    yield from _results([normal_exam()])
    raise InvalidExam([])


def test_save_writes_nothing_when_the_results_fail(tmp_path: Path) -> None:
    path = tmp_path / "results.csv"
    with pytest.raises(InvalidExam):
        save_results(_failing_results(), path, FileFormat.CSV)
    assert list(tmp_path.iterdir()) == []


def test_save_keeps_the_old_file_when_the_results_fail(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(InvalidExam):
        save_results(_failing_results(), path, FileFormat.JSON)
    assert path.read_text(encoding="utf-8") == "old"
    assert list(tmp_path.iterdir()) == [path]


def test_save_replaces_the_old_file_keeping_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o640)
    save_results(_results([normal_exam()]), path, FileFormat.JSON)
    assert json.loads(path.read_text(encoding="utf-8"))[0]["id"] == "NORMAL"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_new_file_gets_the_usual_mode(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    save_results(_results([normal_exam()]), path, FileFormat.JSON)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_save_into_a_missing_folder_is_an_output_error(tmp_path: Path) -> None:
    path = tmp_path / "missing" / "results.json"
    with pytest.raises(OutputError) as info:
        save_results(_results([normal_exam()]), path, FileFormat.JSON)
    assert str(info.value) == f"cannot write {path}: No such file or directory"
    assert not path.parent.exists()
