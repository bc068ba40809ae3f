"""Exams and exam files for the I/O and command-line tests, built without the I/O module.

The exams are simple enough that their classification follows directly from the
International Standards (2019); the expected values below are worked out by hand.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

MOTOR_LEVELS = ("C5", "C6", "C7", "C8", "T1", "L2", "L3", "L4", "L5", "S1")
SENSORY_LEVELS = (
    *("C2", "C3", "C4", "C5", "C6", "C7", "C8"),
    *(f"T{i}" for i in range(1, 13)),
    *("L1", "L2", "L3", "L4", "L5"),
    *("S1", "S2", "S3", "S4_5"),
)
GRIDS = (("motor", "motor", MOTOR_LEVELS), ("light_touch", "lightTouch", SENSORY_LEVELS),
         ("pin_prick", "pinPrick", SENSORY_LEVELS))  # fmt: skip
CSV_COLUMNS = (
    "exam_id",
    "vac",
    "dap",
    "right_lowest_non_key_muscle",
    "left_lowest_non_key_muscle",
    *(
        f"{side}_{column}_{level}"
        for side in ("right", "left")
        for column, _, levels in GRIDS
        for level in levels
    ),
)


def _side(sensory: str, motor: str, sensory_below: str, motor_below: str) -> dict[str, Any]:
    """Normal down to and including the given levels, then the ``*_below`` values."""
    s_last, m_last = SENSORY_LEVELS.index(sensory), MOTOR_LEVELS.index(motor)
    sens = {lv: "2" if i <= s_last else sensory_below for i, lv in enumerate(SENSORY_LEVELS)}
    return {
        "motor": {lv: "5" if i <= m_last else motor_below for i, lv in enumerate(MOTOR_LEVELS)},
        "lightTouch": dict(sens),
        "pinPrick": dict(sens),
    }


def normal_exam(exam_id: str | None = "NORMAL") -> dict[str, Any]:
    """Every cell normal, VAC and DAP Yes: AIS E, everything INT."""
    d: dict[str, Any] = {} if exam_id is None else {"id": exam_id}
    d["right"] = _side("S4_5", "S1", "2", "5")
    d["left"] = _side("S4_5", "S1", "2", "5")
    d["voluntaryAnalContraction"] = "Yes"
    d["deepAnalPressure"] = "Yes"
    return d


def c5_complete_exam(exam_id: str | None = "C5-A") -> dict[str, Any]:
    """Normal down to C5 (sensory 2, C5 motor 5), 0 below, VAC and DAP No: C5 AIS A."""
    d: dict[str, Any] = {} if exam_id is None else {"id": exam_id}
    d["right"] = _side("C5", "C5", "0", "0")
    d["left"] = _side("C5", "C5", "0", "0")
    d["voluntaryAnalContraction"] = "No"
    d["deepAnalPressure"] = "No"
    return d


def c5_incomplete_exam(exam_id: str | None = "C5-D") -> dict[str, Any]:
    """Sensory normal to C5 and 1 below (S4-5 too); C5 motor 5, 4 below; VAC and DAP Yes."""
    d: dict[str, Any] = {} if exam_id is None else {"id": exam_id}
    d["right"] = _side("C5", "C5", "1", "4")
    d["left"] = _side("C5", "C5", "1", "4")
    d["voluntaryAnalContraction"] = "Yes"
    d["deepAnalPressure"] = "Yes"
    return d


EXPECTED: dict[str, dict[str, str]] = {
    # All normal with VAC Yes: intact, nothing to preserve partially, full scores.
    "NORMAL": {
        "ais": "E", "injury_complete": "I", "nli": "INT",
        "right_sensory_level": "INT", "left_sensory_level": "INT",
        "right_motor_level": "INT", "left_motor_level": "INT",
        "right_sensory_zpp": "NA", "left_sensory_zpp": "NA",
        "right_motor_zpp": "NA", "left_motor_zpp": "NA",
        "right_uems": "25", "left_uems": "25", "uems": "50",
        "right_lems": "25", "left_lems": "25", "lems": "50",
        "right_motor_total": "50", "left_motor_total": "50",
        "right_light_touch": "56", "left_light_touch": "56", "light_touch": "112",
        "right_pin_prick": "56", "left_pin_prick": "56", "pin_prick": "112",
    },
    # C5 the last intact dermatome and the last key muscle >= 3 with normal ones above;
    # no sacral sparing: complete, AIS A; C5 is also the lowest segment with any function.
    "C5-A": {
        "ais": "A", "injury_complete": "C", "nli": "C5",
        "right_sensory_level": "C5", "left_sensory_level": "C5",
        "right_motor_level": "C5", "left_motor_level": "C5",
        "right_sensory_zpp": "C5", "left_sensory_zpp": "C5",
        "right_motor_zpp": "C5", "left_motor_zpp": "C5",
        "right_uems": "5", "left_uems": "5", "uems": "10",
        "right_lems": "0", "left_lems": "0", "lems": "0",
        "right_motor_total": "5", "left_motor_total": "5",
        "right_light_touch": "8", "left_light_touch": "8", "light_touch": "16",
        "right_pin_prick": "8", "left_pin_prick": "8", "pin_prick": "16",
    },
    # Sensory level C5 (C6 is 1); motor level C6 (C6 is 4, C5 above it normal); NLI the
    # more rostral, C5. VAC Yes: motor incomplete, and every key muscle below C5 is >= 3:
    # AIS D. Sacral sparing: no ZPP. 4 dermatomes at 2 and 24 at 1 per side.
    "C5-D": {
        "ais": "D", "injury_complete": "I", "nli": "C5",
        "right_sensory_level": "C5", "left_sensory_level": "C5",
        "right_motor_level": "C6", "left_motor_level": "C6",
        "right_sensory_zpp": "NA", "left_sensory_zpp": "NA",
        "right_motor_zpp": "NA", "left_motor_zpp": "NA",
        "right_uems": "21", "left_uems": "21", "uems": "42",
        "right_lems": "20", "left_lems": "20", "lems": "40",
        "right_motor_total": "41", "left_motor_total": "41",
        "right_light_touch": "32", "left_light_touch": "32", "light_touch": "64",
        "right_pin_prick": "32", "left_pin_prick": "32", "pin_prick": "64",
    },
}  # fmt: skip


def three_exams() -> list[dict[str, Any]]:
    return [normal_exam(), c5_complete_exam(), c5_incomplete_exam()]


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def csv_row(exam: dict[str, Any]) -> dict[str, str]:
    """A Praxis exam as a row of the exam CSV format (written here, not by the I/O module)."""
    row = {
        "exam_id": str(exam.get("id", "")),
        "vac": exam["voluntaryAnalContraction"],
        "dap": exam["deepAnalPressure"],
    }
    for side in ("right", "left"):
        row[f"{side}_lowest_non_key_muscle"] = exam[side].get(
            "lowestNonKeyMuscleWithMotorFunction", ""
        )
        for column, grid, levels in GRIDS:
            for level in levels:
                row[f"{side}_{column}_{level}"] = exam[side][grid][level]
    return row


def write_csv(
    path: Path, exams: list[dict[str, Any]], columns: tuple[str, ...] = CSV_COLUMNS
) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for exam in exams:
            writer.writerow(csv_row(exam))
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))
