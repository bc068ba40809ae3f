"""The field layout of REDCap's ``isncsci_exam`` instrument (the UBC REDCap ISNCSCI
external module, which wraps the Praxis algorithm), and its codes.

A cell is ``{right|left}_{light_touch|pinprick|motor}_{level}_value`` (level lower-case,
``s4_5``; motor only C5–T1 and L2–S1); beside it ``_considernormal``, ``_impairment`` and
``_impairmentother``. The flat CSV export adds REDCap's own columns
(:data:`IDENTITY_FIELDS`, :data:`DAG_FIELD`, :data:`COMPLETE_FIELD`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from regencord.isncsci.cells import ImpairmentReason
from regencord.isncsci.io import RESULT_COLUMNS
from regencord.isncsci.levels import DERMATOMES, MYOTOMES, Level

INSTRUMENT: Final = "isncsci_exam"

RECORD_ID: Final = "record_id"
EVENT: Final = "redcap_event_name"
REPEAT_INSTRUMENT: Final = "redcap_repeat_instrument"
REPEAT_INSTANCE: Final = "redcap_repeat_instance"
DAG_FIELD: Final = "redcap_data_access_group"
COMPLETE_FIELD: Final = f"{INSTRUMENT}_complete"
COMPLETE: Final = "2"
"""``isncsci_exam_complete``: 2 = complete (what the module sets)."""

IDENTITY_FIELDS: Final = (RECORD_ID, EVENT, REPEAT_INSTRUMENT, REPEAT_INSTANCE)
"""The columns that say which row of the project a value belongs to."""

VAC: Final = "voluntary_anal_contraction"
DAP: Final = "deep_anal_pressure"
NKM: Final = "lowest_non_key_muscle_with_motor_function_{side}"
EXAM_DATE: Final = "exam_date"
EXAMINER: Final = "examiner_name"
COMMENTS: Final = "comments"

NON_KEY_MUSCLE_CHOICES: Final = MYOTOMES
"""The instrument's choices for the lowest non-key muscle: the root levels of the
worksheet's non-key muscle functions, which are the key muscles' levels (C5–T1, L2–S1)."""
"""The lowest non-key muscle levels the instrument offers (no T2–L1)."""

CONSIDER_NORMAL: Final = "1"
CONSIDER_NOT_NORMAL: Final = "2"

IMPAIRMENT_CODES: Mapping[str, ImpairmentReason] = MappingProxyType(
    {
        "1": ImpairmentReason.PLEXOPATHY,
        "2": ImpairmentReason.PERIPHERAL_NEUROPATHY,
        "3": ImpairmentReason.MYONEURONAL_DISEASE,
        "6": ImpairmentReason.OTHER,
    }
)
"""The ``_impairment`` dropdown's codes."""
IMPAIRMENT_CODE_OF: Mapping[ImpairmentReason, str] = MappingProxyType(
    {reason: code for code, reason in IMPAIRMENT_CODES.items()}
)

UNKEPT_FIELDS: Final = (
    "visit",
    "exam_time",
    "examiner_position",
    "examiner_position_other",
    "bcr_status",
    "ce_syndrome",
    "neurological_deficit",
    "classifications_comments",
)
"""Fields of the instrument that regencord does not keep: ``redcap import`` refuses a row
that fills one, so that nothing is dropped without notice."""

_GRIDS: Final = (("light_touch", "lightTouch"), ("pinprick", "pinPrick"), ("motor", "motor"))


@dataclass(frozen=True)
class CellField:
    """One cell of the worksheet and its instrument fields."""

    side: str
    """``right`` or ``left``."""
    grid: str
    """The Praxis grid: ``motor``, ``lightTouch``, ``pinPrick``."""
    level: Level
    value: str
    """The ``_value`` field; the others are this name with another ending."""

    @property
    def is_motor(self) -> bool:
        return self.grid == "motor"

    @property
    def path(self) -> str:
        """The cell's path in the Praxis exam shape, ``right.motor.C5``."""
        return f"{self.side}.{self.grid}.{self.level.name}"

    @property
    def stem(self) -> str:
        return self.value.removesuffix("_value")

    @property
    def consider_normal(self) -> str:
        return f"{self.stem}_considernormal"

    @property
    def impairment(self) -> str:
        return f"{self.stem}_impairment"

    @property
    def impairment_other(self) -> str:
        return f"{self.stem}_impairmentother"


def _cells() -> tuple[CellField, ...]:
    out = []
    for side in ("right", "left"):
        for name, grid in _GRIDS:
            for level in MYOTOMES if grid == "motor" else DERMATOMES:
                field = f"{side}_{name}_{level.name.lower()}_value"
                out.append(CellField(side, grid, level, field))
    return tuple(out)


CELLS: Final = _cells()
"""The 132 cells: right light touch, pin prick, motor, then left."""

CELL_BY_PATH: Mapping[str, CellField] = MappingProxyType({c.path: c for c in CELLS})

_RESULT_FIELD_OF: Final = {
    "ais": "asia_impairment_scale",
    "injury_complete": "injury_complete",
    "nli": "neurological_level_of_injury",
    "right_sensory_level": "neurological_levels_sensory_right",
    "left_sensory_level": "neurological_levels_sensory_left",
    "right_motor_level": "neurological_levels_motor_right",
    "left_motor_level": "neurological_levels_motor_left",
    "right_sensory_zpp": "zone_of_partial_preservations_sensory_right",
    "left_sensory_zpp": "zone_of_partial_preservations_sensory_left",
    "right_motor_zpp": "zone_of_partial_preservations_motor_right",
    "left_motor_zpp": "zone_of_partial_preservations_motor_left",
    "right_uems": "upper_extremity_right",
    "left_uems": "upper_extremity_left",
    "uems": "upper_extremity_total",
    "right_lems": "lower_extremity_right",
    "left_lems": "lower_extremity_left",
    "lems": "lower_extremity_total",
    "right_motor_total": "motor_right",
    "left_motor_total": "motor_left",
    "right_light_touch": "light_touch_right",
    "left_light_touch": "light_touch_left",
    "light_touch": "light_touch_total",
    "right_pin_prick": "pin_prick_right",
    "left_pin_prick": "pin_prick_left",
    "pin_prick": "pin_prick_total",
}

RESULT_FIELDS: tuple[tuple[str, str], ...] = tuple(
    (name, _RESULT_FIELD_OF[name]) for name, _ in RESULT_COLUMNS
)
"""Each result as regencord names it (``ais``, the result CSV column) and the instrument's
text field (``asia_impairment_scale``), in the order of the result CSV."""

EXAM_FIELDS: Final = (
    *(f for c in CELLS for f in (c.value, c.consider_normal, c.impairment, c.impairment_other)),
    DAP,
    VAC,
    NKM.format(side="right"),
    NKM.format(side="left"),
    EXAM_DATE,
    EXAMINER,
    COMMENTS,
)
"""The instrument's fields regencord reads and writes, besides the results."""

EXPORT_COLUMNS: Final = (
    *IDENTITY_FIELDS,
    DAG_FIELD,
    *EXAM_FIELDS,
    *(f for _, f in RESULT_FIELDS),
    COMPLETE_FIELD,
)
"""The header of ``regencord redcap export``."""
