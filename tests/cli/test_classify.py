"""``regencord classify``: tables, result files, explanations, and refusing bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from regencord.cli.app import app
from regencord.cli.commands.classify import PROGRESS_MIN_EXAMS, TABLE_MAX_EXAMS, progress_wanted
from tests.exam_files import (
    CSV_COLUMNS,
    EXPECTED,
    c5_complete_exam,
    c5_incomplete_exam,
    normal_exam,
    read_csv,
    three_exams,
    write_csv,
    write_json,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "exams.json"
RESULT_HEADER = (
    "exam_id,ais,injury_complete,nli,right_sensory_level,left_sensory_level,"
    "right_motor_level,left_motor_level,right_sensory_zpp,left_sensory_zpp,right_motor_zpp,"
    "left_motor_zpp,right_uems,left_uems,uems,right_lems,left_lems,lems,right_motor_total,"
    "left_motor_total,right_light_touch,left_light_touch,light_touch,right_pin_prick,"
    "left_pin_prick,pin_prick"
)


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "120"})


def expected_rows(exams: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"exam_id": e.get("id", ""), **EXPECTED[e["id"]]} for e in exams]


def flatten(result: dict[str, Any]) -> dict[str, str]:
    """A Praxis result as result-CSV columns, mapped here independently of the CLI."""
    c, t = result["classification"], result["totals"]
    levels, zpp = c["neurologicalLevels"], c["zoneOfPartialPreservations"]
    return {
        "exam_id": str(result.get("id", "")),
        "ais": c["ASIAImpairmentScale"],
        "injury_complete": c["injuryComplete"],
        "nli": c["neurologicalLevelOfInjury"],
        "right_sensory_level": levels["sensoryRight"],
        "left_sensory_level": levels["sensoryLeft"],
        "right_motor_level": levels["motorRight"],
        "left_motor_level": levels["motorLeft"],
        "right_sensory_zpp": zpp["sensoryRight"],
        "left_sensory_zpp": zpp["sensoryLeft"],
        "right_motor_zpp": zpp["motorRight"],
        "left_motor_zpp": zpp["motorLeft"],
        "right_uems": t["right"]["upperExtremity"],
        "left_uems": t["left"]["upperExtremity"],
        "uems": t["upperExtremity"],
        "right_lems": t["right"]["lowerExtremity"],
        "left_lems": t["left"]["lowerExtremity"],
        "lems": t["lowerExtremity"],
        "right_motor_total": t["right"]["motor"],
        "left_motor_total": t["left"]["motor"],
        "right_light_touch": t["right"]["lightTouch"],
        "left_light_touch": t["left"]["lightTouch"],
        "light_touch": t["lightTouch"],
        "right_pin_prick": t["right"]["pinPrick"],
        "left_pin_prick": t["left"]["pinPrick"],
        "pin_prick": t["pinPrick"],
    }


# --------------------------------------------------------------------------- the app


def test_no_arguments_shows_help() -> None:
    result = run()
    assert "classify" in result.output
    assert "Usage" in result.output


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("regencord ")


def test_console_script_runs_the_app() -> None:
    from regencord.cli import app as app_module

    assert callable(app_module.main)


# --------------------------------------------------------------------------- table


def table_line(output: str, first: str) -> list[str]:
    lines = [line.split() for line in output.splitlines()]
    matches = [words for words in lines if words and words[0] == first]
    assert len(matches) == 1, output
    return matches[0]


def test_table_has_one_row_per_exam(tmp_path: Path) -> None:
    path = write_json(tmp_path / "exams.json", [*three_exams(), c5_complete_exam(None)])
    result = run("classify", path)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    out = result.stdout
    for heading in ("Exam", "AIS", "NLI", "Sensory", "Motor", "ZPP", "UEMS", "LEMS", "LT", "PP"):
        assert heading in out
    # id, AIS, NLI, sensory R/L, motor R/L, sensory ZPP R/L, motor ZPP R/L, UEMS, LEMS, LT, PP
    assert table_line(out, "NORMAL") == [
        *("NORMAL", "E", "INT", "INT/INT", "INT/INT", "NA/NA", "NA/NA", "50", "50", "112", "112")
    ]
    assert table_line(out, "C5-A") == [
        *("C5-A", "A", "C5", "C5/C5", "C5/C5", "C5/C5", "C5/C5", "10", "0", "16", "16")
    ]
    assert table_line(out, "C5-D") == [
        *("C5-D", "D", "C5", "C5/C5", "C6/C6", "NA/NA", "NA/NA", "42", "40", "64", "64")
    ]
    assert table_line(out, "#4")[:3] == ["#4", "A", "C5"]  # no id: its position


def test_table_of_the_examples() -> None:
    result = run("classify", EXAMPLES)
    assert result.exit_code == 0, result.output
    for exam_id, ais in (("P01-BL", "A"), ("P02-W12", "C"), ("P03-W52", "D")):
        assert table_line(result.stdout, exam_id)[1] == ais


def test_empty_input_says_so(tmp_path: Path) -> None:
    path = write_json(tmp_path / "exams.json", [])
    result = run("classify", path)
    assert result.exit_code == 0
    assert result.stdout == f"no exams in {path}\n"


# --------------------------------------------------------------------------- files


def test_json_in_json_out(tmp_path: Path) -> None:
    source = write_json(tmp_path / "exams.json", three_exams())
    out = tmp_path / "results.json"
    result = run("classify", source, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"classified 3 exams -> {out}\n"
    results = json.loads(out.read_text(encoding="utf-8"))
    assert [r["id"] for r in results] == ["NORMAL", "C5-A", "C5-D"]
    assert [flatten(r) for r in results] == expected_rows(three_exams())


def test_csv_in_csv_out(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "exams.csv", three_exams())
    out = tmp_path / "results.csv"
    result = run("classify", source, "--output", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"classified 3 exams -> {out}\n"
    assert out.read_text(encoding="utf-8").splitlines()[0] == RESULT_HEADER
    assert read_csv(out) == expected_rows(three_exams())


def test_json_and_csv_outputs_agree_on_every_value(tmp_path: Path) -> None:
    exams = [*three_exams(), c5_incomplete_exam("NT-exam")]
    exams[3]["left"]["pinPrick"]["L3"] = "NT"  # the totals it enters become ND
    json_in = write_json(tmp_path / "exams.json", exams)
    csv_in = write_csv(tmp_path / "exams.csv", exams)
    outputs = {}
    for source in (json_in, csv_in):
        for fmt in ("json", "csv"):
            out = tmp_path / f"from-{source.suffix[1:]}.{fmt}"
            assert run("classify", source, "-o", out).exit_code == 0
            if fmt == "json":
                outputs[out.name] = [flatten(r) for r in json.loads(out.read_text("utf-8"))]
            else:
                outputs[out.name] = read_csv(out)
    first = outputs["from-json.json"]
    assert all(rows == first for rows in outputs.values()), outputs
    assert [r["exam_id"] for r in first] == ["NORMAL", "C5-A", "C5-D", "NT-exam"]
    assert (first[3]["left_pin_prick"], first[3]["pin_prick"]) == ("ND", "ND")
    assert first[3]["right_pin_prick"] == "32"


def test_format_option_beats_the_extension(tmp_path: Path) -> None:
    source = write_json(tmp_path / "exams.json", three_exams())
    out = tmp_path / "results.json"
    assert run("classify", source, "-o", out, "--format", "csv").exit_code == 0
    assert out.read_text(encoding="utf-8").splitlines()[0] == RESULT_HEADER


@pytest.mark.parametrize("name", ["results.txt", "out.xlsx", "results"])
def test_unknown_output_extension_is_refused(tmp_path: Path, name: str) -> None:
    # Issue 14 (item 7): no longer JSON in disguise.
    source = write_json(tmp_path / "exams.json", three_exams())
    out = tmp_path / name
    result = run("classify", source, "-o", out)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        f"error: --output: {str(out)!r} has no known extension (.json, .csv); "
        "name the file so, or give --format; nothing written\n"
    )
    assert not out.exists()


def test_unknown_output_extension_with_a_format_is_written(tmp_path: Path) -> None:
    source = write_json(tmp_path / "exams.json", three_exams())
    out = tmp_path / "results.txt"
    assert run("classify", source, "-o", out, "--format", "json").exit_code == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 3


def test_more_exams_than_a_table_holds_are_refused_with_a_hint(tmp_path: Path) -> None:
    exams = [c5_complete_exam(f"E{i:04}") for i in range(TABLE_MAX_EXAMS + 1)]
    source = write_json(tmp_path / "many.json", exams)
    result = run("classify", source)
    assert result.exit_code == 2 and result.stdout == ""
    assert f"more than {TABLE_MAX_EXAMS} exams, too many to print as a table" in result.stderr
    assert "-o results.csv" in result.stderr and "--format csv" in result.stderr
    result = run("classify", source, "--format", "csv")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == TABLE_MAX_EXAMS + 2
    exactly = write_json(tmp_path / "max.json", exams[:TABLE_MAX_EXAMS])
    assert run("classify", exactly).exit_code == 0


def test_format_without_output_prints_that_format(tmp_path: Path) -> None:
    source = write_json(tmp_path / "exams.json", three_exams())
    result = run("classify", source, "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == RESULT_HEADER
    assert len(result.stdout.splitlines()) == 4
    result = run("classify", source, "--format", "JSON")
    assert [flatten(r) for r in json.loads(result.stdout)] == expected_rows(three_exams())


def test_existing_output_is_replaced(tmp_path: Path) -> None:
    source = write_json(tmp_path / "exams.json", [normal_exam()])
    out = tmp_path / "results.json"
    out.write_text("old", encoding="utf-8")
    assert run("classify", source, "-o", out).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))[0]["id"] == "NORMAL"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exams.json", "results.json"]


def test_one_exam_is_singular(tmp_path: Path) -> None:
    source = write_json(tmp_path / "exam.json", normal_exam())
    out = tmp_path / "r.csv"
    assert run("classify", source, "-o", out).stdout == f"classified 1 exam -> {out}\n"


# --------------------------------------------------------------------------- explain


def test_explain_prints_the_steps_of_each_exam(tmp_path: Path) -> None:
    source = write_json(tmp_path / "exams.json", [normal_exam(), c5_complete_exam(None)])
    result = run("classify", source, "--explain")
    assert result.exit_code == 0
    out = result.stdout
    assert "exam 1 (id NORMAL)\n" in out
    assert "exam 2\n" in out
    first, second = out.split("exam 1 (id NORMAL)\n")[1].split("exam 2\n")
    assert "  AIS = E" in first
    assert "  Neurological level of injury = INT" in first
    assert "  AIS = A" in second
    assert "  Neurological level of injury = C5" in second
    assert table_line(out, "NORMAL")[1] == "E"  # the table still follows


def test_explain_with_output_file(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "exams.csv", three_exams())
    out = tmp_path / "results.csv"
    result = run("classify", source, "-o", out, "--explain")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "exam 1 (id NORMAL)"
    assert any(line.startswith("  AIS = D") for line in lines)
    assert lines[-1] == f"classified 3 exams -> {out}"
    assert read_csv(out) == expected_rows(three_exams())


def test_explain_goes_to_stderr_when_stdout_carries_results(tmp_path: Path) -> None:
    source = write_json(tmp_path / "exams.json", [normal_exam()])
    result = run("classify", source, "--format", "json", "--explain")
    assert json.loads(result.stdout)[0]["id"] == "NORMAL"
    assert "  AIS = E" in result.stderr


# --------------------------------------------------------------------------- bad input

Change = Callable[[list[dict[str, Any]]], None]


def _set(path: str, value: Any) -> Change:
    """Set the field at a dotted path of exam 2 (id C5-A)."""

    def change(exams: list[dict[str, Any]]) -> None:
        *parents, key = path.split(".")
        target = exams[1]
        for parent in parents:
            target = target[parent]
        target[key] = value

    return change


def _delete(path: str) -> Change:
    def change(exams: list[dict[str, Any]]) -> None:
        *parents, key = path.split(".")
        target = exams[1]
        for parent in parents:
            target = target[parent]
        del target[key]

    return change


JSON_CASES = {
    "bad score": (_set("right.motor.C5", "6"), "right.motor.C5: '6' is not a motor score"),
    "tagged normal": (_set("left.motor.L2", "5*"), "left.motor.L2: '5*' is not a motor score"),
    "bad sensory": (_set("left.lightTouch.T4", "3"), "left.lightTouch.T4: '3' is not a sensory"),
    "float score": (_set("right.motor.C6", 4.0), "right.motor.C6: 4.0 is not a motor score"),
    "missing cell": (_delete("left.pinPrick.S4_5"), "left.pinPrick.S4_5: missing"),
    "missing side": (_delete("left"), "left: missing"),
    "unknown level": (_set("right.motor.C4", "5"), "right.motor.C4: unknown level"),
    "unknown side key": (_set("right.reflexes", {}), "right.reflexes: unknown field"),
    "unknown key": (_set("notes", "x"), "notes: unknown field"),
    "list not object": (_set("right", []), "right: expected an object, got list"),
    "grid not object": (_set("left.pinPrick", "2"), "left.pinPrick: expected an object, got str"),
    "nkm not a level": (
        _set("right.lowestNonKeyMuscleWithMotorFunction", "T13"),
        "right.lowestNonKeyMuscleWithMotorFunction: 'T13' is not a level from C5 to S1",
    ),
    "nkm above C5": (
        _set("left.lowestNonKeyMuscleWithMotorFunction", "C4"),
        "left.lowestNonKeyMuscleWithMotorFunction: 'C4' is not a level from C5 to S1",
    ),
    "bad vac": (_set("voluntaryAnalContraction", "maybe"), "voluntaryAnalContraction: 'maybe'"),
    "vac not a string": (_set("voluntaryAnalContraction", 1), "voluntaryAnalContraction: 1 is"),
    "missing dap": (_delete("deepAnalPressure"), "deepAnalPressure: missing"),
}


def assert_refused(result: Result, source: Path, out: Path | None, *expected: str) -> None:
    """Exit 2, each expected problem on a line of stderr, the summary last, no traceback,
    nothing written."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    for text in expected:
        assert any(line.startswith(text) for line in lines), (text, lines)
    n = len(lines) - 1
    assert lines[-1] == f"error: {n} problem{'' if n == 1 else 's'} in {source}; nothing written"
    assert result.stdout == ""
    if out is not None:
        assert not out.exists()
        assert [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}")] == []


@pytest.mark.parametrize("case", list(JSON_CASES))
def test_bad_json_exam_is_refused(tmp_path: Path, case: str) -> None:
    change, message = JSON_CASES[case]
    exams = three_exams()
    change(exams)
    source = write_json(tmp_path / "exams.json", exams)
    out = tmp_path / "results.json"
    result = run("classify", source, "-o", out)
    assert_refused(result, source, out, f"exam 2 (id C5-A): {message}")


def test_bad_id_is_refused(tmp_path: Path) -> None:
    exams = three_exams()
    exams[1]["id"] = ["x"]
    source = write_json(tmp_path / "exams.json", exams)
    out = tmp_path / "results.json"
    result = run("classify", source, "-o", out)
    assert_refused(result, source, out, "exam 2 (id ['x']): id: ['x'] is not a string or integer")


@pytest.mark.parametrize("case", ["bad score", "bad vac", "nkm not a level", "missing cell"])
def test_bad_exam_without_output_prints_no_table(tmp_path: Path, case: str) -> None:
    change, message = JSON_CASES[case]
    exams = three_exams()
    change(exams)
    source = write_json(tmp_path / "exams.json", exams)
    assert_refused(run("classify", source), source, None, f"exam 2 (id C5-A): {message}")


def test_every_problem_of_every_exam_is_reported(tmp_path: Path) -> None:
    exams = [*three_exams(), normal_exam(None)]
    exams[0]["right"]["motor"]["C5"] = "6"
    exams[0]["left"]["lightTouch"]["C2"] = "x"
    exams[2]["deepAnalPressure"] = "sometimes"
    exams[3]["right"]["pinPrick"]["T1"] = 2.5
    source = write_json(tmp_path / "exams.json", exams)
    out = tmp_path / "results.csv"
    result = run("classify", source, "-o", out)
    assert_refused(
        result,
        source,
        out,
        "exam 1 (id NORMAL): right.motor.C5: '6' is not a motor score",
        "exam 1 (id NORMAL): left.lightTouch.C2: 'x' is not a sensory score",
        "exam 3 (id C5-D): deepAnalPressure: 'sometimes' is not Yes, No or NT",
        "exam 4: right.pinPrick.T1: 2.5 is not a sensory score",
    )
    assert result.stderr.splitlines()[-1].startswith("error: 4 problems in")


def test_refused_input_leaves_an_existing_output_alone(tmp_path: Path) -> None:
    exams = three_exams()
    exams[2]["right"]["motor"]["S1"] = "-1"
    source = write_json(tmp_path / "exams.json", exams)
    out = tmp_path / "results.json"
    out.write_text("previous results", encoding="utf-8")
    result = run("classify", source, "-o", out)
    assert result.exit_code == 2
    assert out.read_text(encoding="utf-8") == "previous results"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exams.json", "results.json"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("exams.json", b"", "not valid JSON: Expecting value at line 1 column 1"),
        ("exams.json", b"[{]", "not valid JSON: Expecting property name enclosed in double "
         "quotes at line 1 column 3"),
        ("exams.json", b'"P01"', "not an exam or a list of exams: expected a JSON object or "
         "array, got a string"),
        ("exams.json", b"\xff\xfe[]", "not UTF-8 text: byte 0xff on line 1"),
        ("exams.csv", b"", "not valid CSV: no header row"),
        ("exams.txt", b"[]", "unknown format: expected a .json or .csv file"),
    ],
)  # fmt: skip
def test_unreadable_input_is_refused(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    out = tmp_path / "results.json"
    result = run("classify", source, "-o", out)
    assert_refused(result, source, out, f"{source}: {message}")
    assert len(result.stderr.splitlines()) == 2


def test_missing_input_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "missing.json"
    out = tmp_path / "results.json"
    result = run("classify", source, "-o", out)
    assert_refused(result, source, out, f"{source}: cannot read: No such file or directory")


def test_csv_unknown_and_missing_columns_are_refused(tmp_path: Path) -> None:
    columns = tuple(c for c in CSV_COLUMNS if c != "right_motor_C5")
    source = write_csv(tmp_path / "exams.csv", three_exams(), columns)
    lines = source.read_text(encoding="utf-8").splitlines()
    lines[0] += ",rigth_motor_C6"
    lines[1:] = [line + ",5" for line in lines[1:]]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "results.csv"
    result = run("classify", source, "-o", out)
    assert_refused(
        result,
        source,
        out,
        "csv header: rigth_motor_C6: unknown column (did you mean right_motor_C6?)",
        "csv header: right_motor_C5: missing column",
    )
    assert len(result.stderr.splitlines()) == 3  # the missing column once, not per exam


def test_csv_bad_values_are_refused_naming_the_column(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "exams.csv", three_exams())
    rows = read_csv(source)
    rows[1]["left_motor_L3"] = "6"
    rows[2]["vac"] = "Y"
    rows[2]["right_pin_prick_C7"] = ""
    text = ",".join(CSV_COLUMNS) + "\n" + "".join(",".join(r.values()) + "\n" for r in rows)
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "results.csv"
    assert_refused(
        run("classify", source, "-o", out),
        source,
        out,
        "exam 2 (id C5-A): left_motor_L3: '6' is not a motor score",
        "exam 3 (id C5-D): vac: 'Y' is not Yes, No or NT",
        "exam 3 (id C5-D): right_pin_prick_C7: empty",
    )


def test_output_that_is_the_input_is_refused(tmp_path: Path) -> None:
    source = write_json(tmp_path / "exams.json", three_exams())
    before = source.read_bytes()
    result = run("classify", source, "-o", source)
    assert result.exit_code == 2
    assert result.stderr == f"error: {source} is the input file; nothing written\n"
    assert source.read_bytes() == before


def test_unwritable_output_fails_without_traceback(tmp_path: Path) -> None:
    source = write_json(tmp_path / "exams.json", three_exams())
    out = tmp_path / "no-such-folder" / "results.json"
    result = run("classify", source, "-o", out)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr == (
        f"error: cannot write {out}: No such file or directory; nothing written\n"
    )


# --------------------------------------------------------------------------- progress


def test_progress_bar_only_on_a_terminal_for_many_exams() -> None:
    assert progress_wanted(PROGRESS_MIN_EXAMS + 1, stderr_is_terminal=True)
    assert not progress_wanted(PROGRESS_MIN_EXAMS, stderr_is_terminal=True)
    assert not progress_wanted(50_000, stderr_is_terminal=False)


def test_many_exams_off_a_terminal_leave_stderr_clean(tmp_path: Path) -> None:
    exams = [c5_complete_exam(f"E{i:04}") for i in range(PROGRESS_MIN_EXAMS + 1)]
    source = write_csv(tmp_path / "exams.csv", exams)
    out = tmp_path / "results.csv"
    result = run("classify", source, "-o", out)
    assert result.exit_code == 0
    assert result.stderr == ""
    rows = read_csv(out)
    assert len(rows) == PROGRESS_MIN_EXAMS + 1
    assert rows[-1] == {"exam_id": f"E{PROGRESS_MIN_EXAMS:04}", **EXPECTED["C5-A"]}


# --------------------------------------------------------------------------- a real process


def regencord(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "regencord.cli", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_process_exit_status_and_streams_on_bad_input(tmp_path: Path) -> None:
    exams = three_exams()
    exams[1]["right"]["motor"]["C5"] = "6"
    exams[2]["right"] = []
    source = write_json(tmp_path / "exams.json", exams)
    out = tmp_path / "results.csv"
    proc = regencord("classify", source, "-o", out)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [
        "exam 2 (id C5-A): right.motor.C5: '6' is not a motor score (0-5 or NT; 0-4 and NT "
        "optionally tagged * or **)",
        "exam 3 (id C5-D): right: expected an object, got list",
        f"error: 2 problems in {source}; nothing written",
    ]
    assert not out.exists()


def test_process_unreadable_file(tmp_path: Path) -> None:
    source = tmp_path / "exams.json"
    source.write_text("not json", encoding="utf-8")
    proc = regencord("classify", source)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"{source}: not valid JSON: Expecting value at line 1 column 1",
        f"error: 1 problem in {source}; nothing written",
    ]


def test_process_classifies_the_examples(tmp_path: Path) -> None:
    out = tmp_path / "examples.csv"
    proc = regencord("classify", EXAMPLES, "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"classified 3 exams -> {out}\n"
    rows = {r["exam_id"]: r for r in read_csv(out)}
    assert set(rows) == {"P01-BL", "P02-W12", "P03-W52"}
    # P01-BL: sensory intact to C5, C5 key muscles >= 3 (C6 2/5 and 1/5); no sacral sparing.
    assert (rows["P01-BL"]["nli"], rows["P01-BL"]["ais"]) == ("C5", "A")
    assert (rows["P01-BL"]["uems"], rows["P01-BL"]["lems"]) == ("10", "0")
    # P02-W12: T6 with VAC Yes and every lower-limb key muscle below 3.
    assert (rows["P02-W12"]["nli"], rows["P02-W12"]["ais"]) == ("T6", "C")
    # P03-W52: C6, VAC Yes and every key muscle below C6 at 3 or more.
    assert (rows["P03-W52"]["nli"], rows["P03-W52"]["ais"]) == ("C6", "D")
