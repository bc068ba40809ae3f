"""One REDCap ``isncsci_exam`` row ↔ one Praxis exam with its reasons, date, examiner and
comments: the instrument's codes, the tag rule of ``_considernormal``, and bad values
named by record, event, instance and field."""

from __future__ import annotations

from datetime import date

import pytest

from regencord.interop.redcap.fields import CELL_BY_PATH, CELLS, EXPORT_COLUMNS, RESULT_FIELDS
from regencord.interop.redcap.mapping import (
    cell_text,
    exam_fields,
    is_exam_row,
    read_row,
    result_fields,
    unkept_problems,
)
from regencord.isncsci import Exam
from tests.exam_files import c5_incomplete_exam
from tests.interop.redcap.exports import HEADER, exam_rows

MOTOR_C5 = CELL_BY_PATH["right.motor.C5"]
LT_S45 = CELL_BY_PATH["left.lightTouch.S4_5"]


def test_the_instrument_has_132_cells_with_four_fields_each() -> None:
    assert len(CELLS) == 132
    assert CELLS[0].value == "right_light_touch_c2_value"
    assert LT_S45.value == "left_light_touch_s4_5_value"
    assert CELL_BY_PATH["left.pinPrick.T1"].value == "left_pinprick_t1_value"
    assert MOTOR_C5.consider_normal == "right_motor_c5_considernormal"
    assert MOTOR_C5.impairment_other == "right_motor_c5_impairmentother"
    assert len(RESULT_FIELDS) == 25
    assert ("ais", "asia_impairment_scale") in RESULT_FIELDS
    assert ("right_motor_total", "motor_right") in RESULT_FIELDS
    assert ("uems", "upper_extremity_total") in RESULT_FIELDS
    assert len(set(EXPORT_COLUMNS)) == len(EXPORT_COLUMNS)


@pytest.mark.parametrize(
    ("value", "consider", "expected"),
    [
        ("3", "", "3"),
        ("nt", "", "NT"),
        ("NT", "", "NT"),
        ("ab-3", "1", "3**"),
        ("ab-3", "2", "3*"),
        ("ab-3", "", "3*"),
        ("ab-nt", "1", "NT**"),
        ("ab-0", "2", "0*"),
        ("5", "1", "5"),  # hidden beside an untagged value: ignored
        ("ab-5", "", None),  # a normal score is never tagged
        ("6", "", None),
        ("3*", "", None),
        ("abc", "", None),
    ],
)
def test_motor_values(value: str, consider: str, expected: str | None) -> None:
    assert cell_text(value, consider, MOTOR_C5) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [("2", "2"), ("ab-1", "1*"), ("ab-2", None), ("3", None)]
)
def test_sensory_values(value: str, expected: str | None) -> None:
    assert cell_text(value, "", LT_S45) == expected


def _row(exam: dict[str, object], **extra: str) -> dict[str, str]:
    fields, problems = exam_fields("r", exam, {})
    assert not problems
    return (
        {c: "" for c in HEADER}
        | fields
        | {"record_id": "1001", "redcap_event_name": "baseline_arm_1"}
        | extra
    )


def test_a_row_reads_back_as_the_exam_it_was_written_from() -> None:
    exam = c5_incomplete_exam(None)
    exam["right"]["motor"]["C6"] = "3**"
    exam["left"]["pinPrick"]["T4"] = "NT*"
    exam["right"]["lowestNonKeyMuscleWithMotorFunction"] = "C8"
    reasons: dict[str, dict[str, str | None]] = {
        "right.motor.C6": {"reason": "plexopathy", "other": None},
        "left.pinPrick.T4": {"reason": "other", "other": "burn scar"},
    }
    fields, problems = exam_fields("r", exam, reasons)
    assert not problems
    assert (fields["right_motor_c6_value"], fields["right_motor_c6_considernormal"]) == (
        "ab-3",
        "1",
    )
    assert (fields["left_pinprick_t4_value"], fields["left_pinprick_t4_considernormal"]) == (
        "ab-nt",
        "2",
    )
    assert fields["right_motor_c6_impairment"] == "1"
    assert (fields["left_pinprick_t4_impairment"], fields["left_pinprick_t4_impairmentother"]) == (
        "6",
        "burn scar",
    )
    row = (
        {c: "" for c in HEADER}
        | fields
        | {
            "record_id": "1001",
            "exam_date": "2024-02-03",
            "examiner_name": "Dr. A. Examiner",
            "comments": " spasticity, limited\nexam ",
        }
    )
    read, problems = read_row(row)
    assert not problems and read is not None
    assert read.exam == exam
    assert Exam.from_praxis(read.exam).to_praxis() == exam
    assert read.impairments == reasons
    assert read.exam_date == date(2024, 2, 3)
    assert read.examiner == "Dr. A. Examiner"
    assert read.comments == "spasticity, limited\nexam"


def test_hidden_reason_fields_are_ignored() -> None:
    """The instrument hides _impairment beside an untagged value and _impairmentother
    unless the reason is 6 (other)."""
    exam = c5_incomplete_exam(None)
    exam["right"]["motor"]["C6"] = "3*"
    row = _row(exam)
    row["right_motor_c5_impairment"] = "1"  # untagged cell
    row["right_motor_c6_impairment"] = "2"
    row["right_motor_c6_impairmentother"] = "left over"
    read, problems = read_row(row)
    assert not problems and read is not None
    assert read.impairments == {
        "right.motor.C6": {"reason": "peripheral neuropathy", "other": None}
    }


def test_every_bad_value_is_named_by_record_event_instance_and_field() -> None:
    row = _row(c5_incomplete_exam(None), redcap_repeat_instance="2")
    row["right_motor_c5_value"] = "7"
    row["left_light_touch_c3_value"] = ""
    row["left_pinprick_t2_value"] = "NT*"
    row["right_motor_c6_value"] = "ab-2"
    row["right_motor_c6_considernormal"] = "3"
    row["right_motor_c6_impairment"] = "4"
    row["voluntary_anal_contraction"] = "maybe"
    row["lowest_non_key_muscle_with_motor_function_left"] = "X9"
    row["exam_date"] = "03/02/2024"
    read, problems = read_row(row)
    assert read is None
    where = "record 1001, event baseline_arm_1, instance 2"
    assert [str(p) for p in problems] == [
        f"{where}: right_motor_c5_value: '7' is not 0-5, nt, ab-0 to ab-4 or ab-nt",
        f"{where}: right_motor_c6_considernormal: '3' is not 1 (consider normal), 2 or empty",
        f"{where}: right_motor_c6_impairment: '4' is not 1, 2, 3, 6 or empty",
        f"{where}: left_light_touch_c3_value: is empty",
        f"{where}: left_pinprick_t2_value: 'NT*' is not 0-2, nt, ab-0, ab-1 or ab-nt "
        "(a label export? export raw codes)",
        f"{where}: voluntary_anal_contraction: 'maybe' is not Yes, No or NT",
        f"{where}: lowest_non_key_muscle_with_motor_function_left: 'X9' is not a level C5 to S1",
        f"{where}: exam_date: '03/02/2024' is not a date YYYY-MM-DD",
    ]


def test_rows_without_an_exam_are_not_exam_rows() -> None:
    blank = {c: "" for c in HEADER} | {"record_id": "1001"}
    assert not is_exam_row(blank)
    exam_row = exam_rows(1)[0]
    assert is_exam_row(exam_row)
    assert not is_exam_row(exam_row | {"redcap_repeat_instrument": "adverse_events"})


def test_a_lowest_non_key_muscle_the_instrument_lacks_cannot_be_exported() -> None:
    exam = c5_incomplete_exam(None)
    exam["left"]["lowestNonKeyMuscleWithMotorFunction"] = "T8"
    _, problems = exam_fields("exam of P01 at baseline", exam, {})
    assert [str(p) for p in problems] == [
        "exam of P01 at baseline: lowest_non_key_muscle_with_motor_function_left: 'T8' cannot "
        "be represented: the instrument offers C5-T1 and L2-S1 only"
    ]


def test_fields_regencord_does_not_keep_are_reported_when_filled() -> None:
    row = exam_rows(1)[0] | {"exam_time": "09:30"}
    assert [p.field for p in unkept_problems(row)] == ["exam_time"]
    assert unkept_problems(exam_rows(1)[0]) == []


def test_results_go_to_the_instrument_s_result_fields() -> None:
    results = {name: f"v-{name}" for name, _ in RESULT_FIELDS}
    fields = result_fields(results)
    assert fields["asia_impairment_scale"] == "v-ais"
    assert fields["zone_of_partial_preservations_motor_left"] == "v-left_motor_zpp"
    assert fields["pin_prick_total"] == "v-pin_prick"
