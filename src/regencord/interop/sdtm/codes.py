"""regencord's sponsor-defined test codes, shared by the SDTM-style datasets (``RSTESTCD``,
``QSTESTCD``, ``FTTESTCD``) and the FHIR CodeSystem (the same codes).

No CDISC or LOINC codes exist for ISNCSCI, SCIM III or WISCI II items, so regencord defines
them here, once; ``docs/interop.md`` lists them. Codes are at most 8 characters and
labels at most 40 (SDTM's limits), codes are unique across instruments.

ISNCSCI: one code per worksheet value and per result of the classification, read from the
Praxis shape of the exam and of its classification (the notation the store keeps:
``"3"``, ``"0*"``, ``"NT"``, ``"C5,C6*"``, ``"ND"``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from regencord.isncsci import DERMATOMES, MYOTOMES, Classification, Exam, Level


@dataclass(frozen=True)
class TestCode:
    code: str
    """At most 8 characters, upper case."""
    label: str
    """At most 40 characters."""
    category: str
    """SDTM ``--CAT`` (instrument)."""
    subcategory: str
    """SDTM ``--SCAT`` (part of the instrument)."""
    unit: str | None = None


ISNCSCI = "ISNCSCI"
CELL = "WORKSHEET"
RESULT = "CLASSIFICATION"
TOTAL = "SCORE"

_SIDES = (("R", "right", "Right"), ("L", "left", "Left"))
_MODALITIES = (
    ("LT", "lightTouch", "Light Touch", DERMATOMES),
    ("PP", "pinPrick", "Pin Prick", DERMATOMES),
    ("MO", "motor", "Motor", MYOTOMES),
)


def _level_code(level: Level) -> str:
    return level.name.replace("_", "")


def _level_label(level: Level) -> str:
    return level.name.replace("_", "-")


Extract = Callable[[Mapping[str, Any], Mapping[str, Any]], object]
"""Reads one value from (exam in the Praxis shape, classification in the Praxis shape)."""


def _cell(side: str, modality: str, level: Level) -> Extract:
    return lambda exam, _c: exam[side][modality][level.name]


def _key(*path: str, source: int) -> Extract:
    def get(exam: Mapping[str, Any], result: Mapping[str, Any]) -> object:
        node: Any = (exam, result)[source]
        for p in path:
            node = node.get(p) if isinstance(node, Mapping) else None
        return node

    return get


_GRIDS = {"lightTouch": "LT", "pinPrick": "PP", "motor": "MO"}


def cell_code(path: str) -> str:
    """The test code of a worksheet cell given by its Praxis path (``right.motor.C5`` →
    ``RMOC5``)."""
    side, grid, level = path.split(".")
    return f"{side[0].upper()}{_GRIDS[grid]}{level.replace('_', '')}"


def _isncsci_tests() -> list[tuple[TestCode, Extract]]:
    out: list[tuple[TestCode, Extract]] = []
    for s, side, side_label in _SIDES:
        for m, modality, mod_label, levels in _MODALITIES:
            for level in levels:
                code = TestCode(
                    f"{s}{m}{_level_code(level)}",
                    f"{side_label} {mod_label} {_level_label(level)}",
                    ISNCSCI,
                    CELL,
                )
                out.append((code, _cell(side, modality, level)))
    out += [
        (
            TestCode("VAC", "Voluntary Anal Contraction", ISNCSCI, CELL),
            _key("voluntaryAnalContraction", source=0),
        ),
        (TestCode("DAP", "Deep Anal Pressure", ISNCSCI, CELL), _key("deepAnalPressure", source=0)),
        (
            TestCode("RNKM", "Right Lowest Non-key Muscle", ISNCSCI, CELL),
            _key("right", "lowestNonKeyMuscleWithMotorFunction", source=0),
        ),
        (
            TestCode("LNKM", "Left Lowest Non-key Muscle", ISNCSCI, CELL),
            _key("left", "lowestNonKeyMuscleWithMotorFunction", source=0),
        ),
    ]
    nl = ("classification", "neurologicalLevels")
    zpp = ("classification", "zoneOfPartialPreservations")
    results: list[tuple[str, str, tuple[str, ...]]] = [
        ("SLR", "Right Sensory Level", (*nl, "sensoryRight")),
        ("SLL", "Left Sensory Level", (*nl, "sensoryLeft")),
        ("MLR", "Right Motor Level", (*nl, "motorRight")),
        ("MLL", "Left Motor Level", (*nl, "motorLeft")),
        ("NLI", "Neurological Level of Injury", ("classification", "neurologicalLevelOfInjury")),
        ("COMPL", "Injury Complete or Incomplete", ("classification", "injuryComplete")),
        ("AIS", "ASIA Impairment Scale Grade", ("classification", "ASIAImpairmentScale")),
        ("ZPPSR", "Right Sensory ZPP", (*zpp, "sensoryRight")),
        ("ZPPSL", "Left Sensory ZPP", (*zpp, "sensoryLeft")),
        ("ZPPMR", "Right Motor ZPP", (*zpp, "motorRight")),
        ("ZPPML", "Left Motor ZPP", (*zpp, "motorLeft")),
    ]
    out += [
        (TestCode(c, label, ISNCSCI, RESULT), _key(*path, source=1)) for c, label, path in results
    ]
    totals: list[tuple[str, str, tuple[str, ...]]] = [
        ("UEMSR", "Right Upper Extremity Motor Score", ("totals", "right", "upperExtremity")),
        ("UEMSL", "Left Upper Extremity Motor Score", ("totals", "left", "upperExtremity")),
        ("LEMSR", "Right Lower Extremity Motor Score", ("totals", "right", "lowerExtremity")),
        ("LEMSL", "Left Lower Extremity Motor Score", ("totals", "left", "lowerExtremity")),
        ("MOTR", "Right Motor Score", ("totals", "right", "motor")),
        ("MOTL", "Left Motor Score", ("totals", "left", "motor")),
        ("LTR", "Right Light Touch Score", ("totals", "right", "lightTouch")),
        ("LTL", "Left Light Touch Score", ("totals", "left", "lightTouch")),
        ("PPR", "Right Pin Prick Score", ("totals", "right", "pinPrick")),
        ("PPL", "Left Pin Prick Score", ("totals", "left", "pinPrick")),
        ("UEMS", "Upper Extremity Motor Score", ("totals", "upperExtremity")),
        ("LEMS", "Lower Extremity Motor Score", ("totals", "lowerExtremity")),
        ("LTTOT", "Light Touch Total Score", ("totals", "lightTouch")),
        ("PPTOT", "Pin Prick Total Score", ("totals", "pinPrick")),
    ]
    out += [
        (TestCode(c, label, ISNCSCI, TOTAL), _key(*path, source=1)) for c, label, path in totals
    ]
    return out


_ISNCSCI_TESTS = _isncsci_tests()
MOTOR_TOTAL = TestCode("MOTTOT", "Total Motor Score", ISNCSCI, TOTAL)
"""UEMS + LEMS (not in the Praxis shape; from the classification's totals)."""

ISNCSCI_CODES: tuple[TestCode, ...] = (*(t for t, _ in _ISNCSCI_TESTS), MOTOR_TOTAL)


def isncsci_values(exam: Exam, result: Classification) -> list[tuple[TestCode, str | None]]:
    """Every worksheet value and result of one exam, in :data:`ISNCSCI_CODES` order, in
    Praxis notation (``None`` only for an absent lowest non-key muscle)."""
    raw, praxis = exam.to_praxis(), result.to_praxis()
    out: list[tuple[TestCode, str | None]] = []
    for test, extract in _ISNCSCI_TESTS:
        value = extract(raw, praxis)
        out.append((test, None if value is None else str(value)))
    motor = result.totals.motor
    out.append((MOTOR_TOTAL, "ND" if motor is None else str(motor)))
    return out


# --------------------------------------------------------------------------- SCIM III

SCIM = "SCIM III"
SELF_CARE, RESPIRATION_SPHINCTER, MOBILITY = "self_care", "respiration_sphincter", "mobility"


@dataclass(frozen=True)
class ScimCode:
    key: str
    """The item's key in the store (``feeding`` …)."""
    number: str
    """Its number on the form (``1``, ``2A`` … ``17``)."""
    subscale: str
    test: TestCode


def _scim(key: str, number: str, subscale: str, label: str) -> ScimCode:
    code = f"SCIM{number.zfill(2) if number[-1].isdigit() else number.zfill(3)}"
    return ScimCode(key, number, subscale, TestCode(code, f"SCIM3-{label}", SCIM, "ITEM"))


SCIM_ITEMS: tuple[ScimCode, ...] = (
    _scim("feeding", "1", SELF_CARE, "Feeding"),
    _scim("bathing_upper", "2A", SELF_CARE, "Bathing Upper Body"),
    _scim("bathing_lower", "2B", SELF_CARE, "Bathing Lower Body"),
    _scim("dressing_upper", "3A", SELF_CARE, "Dressing Upper Body"),
    _scim("dressing_lower", "3B", SELF_CARE, "Dressing Lower Body"),
    _scim("grooming", "4", SELF_CARE, "Grooming"),
    _scim("respiration", "5", RESPIRATION_SPHINCTER, "Respiration"),
    _scim("bladder", "6", RESPIRATION_SPHINCTER, "Sphincter Management Bladder"),
    _scim("bowel", "7", RESPIRATION_SPHINCTER, "Sphincter Management Bowel"),
    _scim("toilet", "8", RESPIRATION_SPHINCTER, "Use of Toilet"),
    _scim("bed_mobility", "9", MOBILITY, "Mobility in Bed"),
    _scim("transfer_bed_wheelchair", "10", MOBILITY, "Transfers Bed-Wheelchair"),
    _scim("transfer_wheelchair_toilet_tub", "11", MOBILITY, "Transfers Wheelchair-Toilet-Tub"),
    _scim("mobility_indoors", "12", MOBILITY, "Mobility Indoors"),
    _scim("mobility_moderate_distances", "13", MOBILITY, "Mobility Moderate Distances"),
    _scim("mobility_outdoors", "14", MOBILITY, "Mobility Outdoors"),
    _scim("stairs", "15", MOBILITY, "Stair Management"),
    _scim("transfer_wheelchair_car", "16", MOBILITY, "Transfers Wheelchair-Car"),
    _scim("transfer_ground_wheelchair", "17", MOBILITY, "Transfers Ground-Wheelchair"),
)
"""The 19 items of SCIM III (Catz et al. 2007), in form order."""

SCIM_SUBSCALES: Mapping[str, TestCode] = {
    SELF_CARE: TestCode("SCIMSC", "SCIM3-Self-Care Subscore", SCIM, "SUBSCORE"),
    RESPIRATION_SPHINCTER: TestCode(
        "SCIMRS", "SCIM3-Respiration and Sphincter Subscore", SCIM, "SUBSCORE"
    ),
    MOBILITY: TestCode("SCIMMOB", "SCIM3-Mobility Subscore", SCIM, "SUBSCORE"),
}
SCIM_TOTAL = TestCode("SCIMTOT", "SCIM3-Total Score", SCIM, "TOTAL")
SCIM_CODES: tuple[TestCode, ...] = (
    *(i.test for i in SCIM_ITEMS),
    *SCIM_SUBSCALES.values(),
    SCIM_TOTAL,
)

# --------------------------------------------------------------------------- walking

WISCI = TestCode("WISCI2", "WISCI II Level", "WISCI II", "LEVEL")
TEN_METRE_TIME = TestCode("TENMWT", "10-Meter Walk Test Time", "10MWT", "TIME", "sec")
TEN_METRE_SPEED = TestCode("TENMWSPD", "10-Meter Walk Test Speed", "10MWT", "SPEED", "m/s")
SIX_MINUTE = TestCode("SIXMWD", "6-Minute Walk Test Distance", "6MWT", "DISTANCE", "m")
FT_CODES: tuple[TestCode, ...] = (WISCI, TEN_METRE_TIME, TEN_METRE_SPEED, SIX_MINUTE)

ALL_CODES: tuple[TestCode, ...] = (*ISNCSCI_CODES, *SCIM_CODES, *FT_CODES)
