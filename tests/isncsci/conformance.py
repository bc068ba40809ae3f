"""Reading the ISNCSCI 2019 conformance suite from ../shared/isncsci at test time."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from regencord.isncsci.levels import DERMATOMES, MYOTOMES

SUITE = Path(__file__).resolve().parents[2].parent / "shared" / "isncsci" / "praxis-2019-cases.json"


def suite_available() -> bool:
    return SUITE.is_file()


def conformance_required() -> bool:
    """In CI the suite must be there; on a user's clone it may be absent."""
    return os.environ.get("REGENCORD_REQUIRE_CONFORMANCE") == "1"


def load_cases() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(SUITE.read_text(encoding="utf-8"))
    return data


def _key(level: str) -> str:
    return level.lower()


def case_to_exam(case: dict[str, Any]) -> dict[str, Any]:
    """Map one suite case to the Praxis exam shape (see ../shared/isncsci/README.md)."""
    exam: dict[str, Any] = {
        "voluntaryAnalContraction": case["analContraction"],
        "deepAnalPressure": case["analSensation"],
    }
    for side, cap in (("right", "Right"), ("left", "Left")):
        s: dict[str, Any] = {
            "motor": {m.name: case[f"{_key(m.name)}{cap}Motor"] for m in MYOTOMES},
            "lightTouch": {d.name: case[f"{_key(d.name)}{cap}Touch"] for d in DERMATOMES},
            "pinPrick": {d.name: case[f"{_key(d.name)}{cap}Prick"] for d in DERMATOMES},
        }
        nkm = case.get(f"{side}LowestNonKeyMuscleWithMotorFunction")
        if nkm:
            s["lowestNonKeyMuscleWithMotorFunction"] = nkm
        exam[side] = s
    return exam


def expected_fields(case: dict[str, Any]) -> dict[str, str]:
    return dict(case["totals"])


def actual_fields(result: dict[str, Any]) -> dict[str, str]:
    """Flatten a Praxis-shaped result into the suite's field names."""
    c, t = result["classification"], result["totals"]
    nl, zpp = c["neurologicalLevels"], c["zoneOfPartialPreservations"]
    return {
        "rightSensory": nl["sensoryRight"],
        "leftSensory": nl["sensoryLeft"],
        "rightMotor": nl["motorRight"],
        "leftMotor": nl["motorLeft"],
        "neurologicalLevelOfInjury": c["neurologicalLevelOfInjury"],
        "injuryComplete": c["injuryComplete"],
        "asiaImpairmentScale": c["ASIAImpairmentScale"],
        "rightSensoryZpp": zpp["sensoryRight"],
        "leftSensoryZpp": zpp["sensoryLeft"],
        "rightMotorZpp": zpp["motorRight"],
        "leftMotorZpp": zpp["motorLeft"],
        "rightUpperMotorTotal": t["right"]["upperExtremity"],
        "leftUpperMotorTotal": t["left"]["upperExtremity"],
        "rightLowerMotorTotal": t["right"]["lowerExtremity"],
        "leftLowerMotorTotal": t["left"]["lowerExtremity"],
        "rightTouchTotal": t["right"]["lightTouch"],
        "leftTouchTotal": t["left"]["lightTouch"],
        "rightPrickTotal": t["right"]["pinPrick"],
        "leftPrickTotal": t["left"]["pinPrick"],
        "rightMotorTotal": t["right"]["motor"],
        "leftMotorTotal": t["left"]["motor"],
        "upperMotorTotal": t["upperExtremity"],
        "lowerMotorTotal": t["lowerExtremity"],
        "touchTotal": t["lightTouch"],
        "prickTotal": t["pinPrick"],
    }
