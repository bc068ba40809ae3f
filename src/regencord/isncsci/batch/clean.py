"""Closed-form classification of exams with no NT cell, no non-SCI tag and VAC/DAP known.

For such exams every result is determined, and each step of the Standards reduces to a
first-or-last search along the segments; no branch needs following. Same answers as the
walk (parity-tested on every field): sensory level = the segment above the first dermatome
not intact; motor level = the first step whose key-muscle or tracked-sensation check fails;
NLI = the most rostral of the four levels (motor without VAC); ZPP = the most caudal
function below the level.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from regencord.isncsci.batch.codes import counted_non_key_muscles
from regencord.isncsci.batch.exam_batch import ExamBatch
from regencord.isncsci.batch.grade import (
    COMPLETE,
    FIRST_BELOW,
    INCOMPLETE,
    A,
    B,
    C,
    D,
    E,
    SmallMasks,
)
from regencord.isncsci.batch.walks import INT_BIT, NA_BIT, STEPS, LevelMasks
from regencord.isncsci.levels import DERMATOMES, MYOTOMES, Level, is_myotome
from regencord.isncsci.rules import at_least_half, more_than_three_below

U8 = npt.NDArray[np.uint8]
I16 = npt.NDArray[np.int16]
Bools = npt.NDArray[np.bool_]

_MYOTOME_LEVELS = np.array([int(m) for m in MYOTOMES], np.int16)
_SENSORY_STEPS = np.array([lv for lv in range(STEPS) if not is_myotome(Level(lv + 1))])
"""Steps whose segment below has no key muscle: the motor level follows sensation there."""


def is_clean(batch: ExamBatch) -> Bools:
    """Exams with no NT, no tag and VAC and DAP Yes or No."""
    n = len(batch)
    sensory = np.maximum(batch.light_touch, batch.pin_prick).reshape(n, 2 * len(DERMATOMES))
    motor = batch.motor.reshape(n, 2 * len(MYOTOMES))
    highest = np.maximum(sensory.max(axis=1, initial=0), motor.max(axis=1, initial=0))
    clean: Bools = (highest < 6) & (np.maximum(batch.vac, batch.dap) < 2)
    return clean


def _first(stop: Bools) -> I16:
    """Index of the first True along the last axis; INT_BIT when there is none."""
    first = np.argmax(stop, axis=-1)
    found = np.take_along_axis(stop, first[..., None], axis=-1)[..., 0]
    return np.where(found, first, INT_BIT).astype(np.int16)


def _masks(levels: I16) -> LevelMasks:
    values = (np.uint32(1) << levels.astype(np.uint32)).astype(np.uint32)
    return LevelMasks(values, np.zeros_like(values))


def classify_levels(batch: ExamBatch) -> dict[str, I16]:
    """Sensory, motor (with and without VAC) and neurological levels, as level numbers."""
    intact = (batch.light_touch == 2) & (batch.pin_prick == 2)
    sensory = _first(~intact)
    intact_so_far = np.arange(STEPS, dtype=np.int16) < sensory[..., None]
    stop = np.zeros(intact.shape, np.bool_)
    stop[..., _SENSORY_STEPS] = ~intact_so_far[..., _SENSORY_STEPS]
    for k, level in enumerate(_MYOTOME_LEVELS):
        stop[..., level] |= batch.motor[..., k] != 5
        stop[..., level - 1] |= batch.motor[..., k] < 3
    motor_without_vac = _first(stop)
    stop[..., STEPS - 1] |= (batch.vac == 0)[:, None]
    motor = _first(stop)
    nli = np.minimum(
        np.minimum(sensory[:, 0], sensory[:, 1]),
        np.minimum(motor_without_vac[:, 0], motor_without_vac[:, 1]),
    )
    return {"sensory": sensory, "motor": motor, "nli": nli}


def classify_clean(batch: ExamBatch) -> dict[str, object]:
    """Every result of clean exams (see :func:`is_clean`), as the engine's mask types."""
    levels = classify_levels(batch)
    sensory, motor, nli = levels["sensory"], levels["motor"], levels["nli"]
    vac, dap = batch.vac == 1, batch.dap == 1
    sacral = (batch.light_touch[..., -1] > 0) | (batch.pin_prick[..., -1] > 0)
    sensory_sparing = dap | sacral.any(axis=1)
    incomplete = vac | sensory_sparing

    motor_present = batch.motor > 0
    lowest_function = np.where(
        motor_present.any(axis=-1),
        _MYOTOME_LEVELS[len(MYOTOMES) - 1 - np.argmax(motor_present[..., ::-1], axis=-1)],
        -1,
    ).astype(np.int16)
    nkm = counted_non_key_muscles(batch.non_key_muscle).astype(np.int16)
    function_below = (
        more_than_three_below(lowest_function, motor) | more_than_three_below(nkm, motor)
    ) & (motor != INT_BIT)

    antigravity = (batch.motor >= 3).sum(axis=1)  # (N, 10) both sides
    below_counts = np.zeros((len(batch), len(MYOTOMES) + 1), np.int16)
    below_counts[:, :-1] = np.cumsum(antigravity[:, ::-1], axis=1)[:, ::-1]
    first_below = FIRST_BELOW[np.minimum(nli, INT_BIT)]
    count = np.take_along_axis(below_counts, first_below[:, None].astype(np.intp), axis=1)[:, 0]
    total = 2 * (len(MYOTOMES) - first_below)
    motor_incomplete = vac | (sensory_sparing & function_below.any(axis=1))
    all_intact = (sensory == INT_BIT).all(axis=1) & (motor == INT_BIT).all(axis=1)
    grade = np.select(
        [all_intact, ~incomplete, ~motor_incomplete, at_least_half(count, total)],
        [E, A, B, D],
        C,
    ).astype(np.uint8)

    present = (batch.light_touch[..., :-1] > 0) | (batch.pin_prick[..., :-1] > 0)
    last_present = present.shape[-1] - 1 - np.argmax(present[..., ::-1], axis=-1)
    szpp = np.where(present.any(axis=-1), last_present + 1, int(Level.C1))
    szpp = np.where(dap[:, None] | sacral, NA_BIT, szpp).astype(np.int16)

    function_caudal = np.where(lowest_function > motor, lowest_function, -1)
    nkm_counts = more_than_three_below(nkm, motor) & sensory_sparing[:, None]
    mzpp = np.maximum(function_caudal, np.where(nkm_counts, nkm, -1))
    mzpp = np.where(mzpp < 0, motor, mzpp)
    mzpp = np.where(vac[:, None] | (motor == INT_BIT), NA_BIT, mzpp).astype(np.int16)

    complete = np.where(incomplete, INCOMPLETE, COMPLETE).astype(np.uint8)
    return {
        "sensory": _masks(sensory),
        "motor": _masks(motor),
        "nli": _masks(nli),
        "completeness": SmallMasks(complete, np.zeros_like(complete)),
        "ais": SmallMasks(grade, np.zeros_like(grade)),
        "sensory_zpp": _masks(szpp),
        "motor_zpp": _masks(mzpp),
    }


__all__ = ["classify_clean", "is_clean"]
