"""Vectorized zones of partial preservation (scalar: ``steps.zone_of_partial_preservation``)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from regencord.isncsci.batch.codes import (
    ANY_OF,
    MOTOR_PRESENT,
    NO,
    NO_T,
    SENSORY_PRESENT,
    YES,
    YES_T,
)
from regencord.isncsci.batch.tables import UPWARD
from regencord.isncsci.batch.walks import NA_BIT, LevelMasks
from regencord.isncsci.levels import MYOTOMES, Level, is_myotome

U8 = npt.NDArray[np.uint8]
I8 = npt.NDArray[np.int8]
U32 = npt.NDArray[np.uint32]

_ONE = np.uint32(1)


def _live_of(answers: U8) -> U8:
    """Live set (bit 0 untagged, bit 1 tagged) from the 'no' answers of a mask."""
    live: U8 = (((answers & NO) != 0) | (((answers & NO_T) != 0) << 1)).astype(np.uint8)
    return live


def sensory_zpp(light_touch: U8, pin_prick: U8, dap_yes: U8) -> LevelMasks:
    """(N, 2) sensory ZPPs from (N, 2, 28) codes and (N,) DAP answer masks."""
    present = ANY_OF[SENSORY_PRESENT[light_touch], SENSORY_PRESENT[pin_prick]]
    sacral = ANY_OF[dap_yes[:, None], present[..., -1]]
    found_u = ((sacral & (YES | YES_T)) != 0).astype(np.uint32) << np.uint32(NA_BIT)
    found_t = np.zeros_like(found_u)
    live = _live_of(sacral)
    for index in range(present.shape[-1] - 2, -1, -1):  # S3 up to C2
        out = UPWARD[live, present[..., index]]
        level = np.uint32(index + 1)
        found_u |= ((out & 4) != 0).astype(np.uint32) << level
        found_t |= ((out & 8) != 0).astype(np.uint32) << level
        live = (out & 3).astype(np.uint8)
    found_u |= (live & 1).astype(np.uint32)
    found_t |= ((live & 2) != 0).astype(np.uint32)
    return LevelMasks(found_u | found_t, found_t & ~found_u)


_MOTOR_SEGMENTS = range(int(Level.S1), int(Level.C5) - 1, -1)


def motor_zpp(
    motor: U8,
    non_key_muscle: I8,
    vac_yes: U8,
    motor_levels: LevelMasks,
    passed_tagged: U32,
    incomplete_possible: npt.NDArray[np.bool_],
    complete_possible: npt.NDArray[np.bool_],
) -> LevelMasks:
    """(N, 2) motor ZPPs: the most caudal motor function below each possible motor level."""
    present = MOTOR_PRESENT[motor]
    vac = np.broadcast_to(vac_yes[:, None], non_key_muscle.shape)
    na = ((vac & (YES | YES_T)) != 0) | ((motor_levels.values >> np.uint32(29)) & _ONE != 0)
    out_u = na.astype(np.uint32) << np.uint32(NA_BIT)
    out_t = np.zeros_like(out_u)
    start = _live_of(vac)
    counts_nkm = incomplete_possible[:, None] & (non_key_muscle >= 0)
    walks = []
    for with_nkm in (False, True):
        live = start.copy()
        add_u = np.zeros(live.shape, np.uint32)
        add_t = np.zeros(live.shape, np.uint32)
        before = np.zeros((*live.shape, int(Level.S3) + 1), np.uint8)
        before[..., int(Level.S1) :] = live[..., None]
        for level in _MOTOR_SEGMENTS:
            before[..., level] = live
            if with_nkm:
                here = counts_nkm & (non_key_muscle == level)
                add_u |= (here & ((live & 1) != 0)).astype(np.uint32) << np.uint32(level)
                add_t |= (here & ((live & 2) != 0)).astype(np.uint32) << np.uint32(level)
                live = np.where(here & ~complete_possible[:, None], 0, live).astype(np.uint8)
            if is_myotome(Level(level)):
                out = UPWARD[live, present[..., MYOTOMES.index(Level(level))]]
                add_u |= ((out & 4) != 0).astype(np.uint32) << np.uint32(level)
                add_t |= ((out & 8) != 0).astype(np.uint32) << np.uint32(level)
                live = (out & 3).astype(np.uint8)
        before[..., : int(Level.C5)] = live[..., None]
        walks.append((add_u, add_t, before))
    for v in range(int(Level.S3) + 1):
        has = ((motor_levels.values >> np.uint32(v)) & _ONE) != 0
        if not has.any():
            continue
        use_nkm = non_key_muscle > v + 3
        above = np.uint32((0xFFFFFFFF << (v + 1)) & ((1 << 29) - 1))
        add_u = np.where(use_nkm, walks[1][0], walks[0][0]) & above
        add_t = np.where(use_nkm, walks[1][1], walks[0][1]) & above
        live = np.where(use_nkm, walks[1][2][..., v], walks[0][2][..., v])
        fallback_tag = ((passed_tagged >> np.uint32(v)) & _ONE) != 0
        fall_u = ((live & 1) != 0) & ~fallback_tag
        fall_t = ((live & 2) != 0) | (((live & 1) != 0) & fallback_tag)
        out_u |= np.where(has, add_u | (fall_u.astype(np.uint32) << np.uint32(v)), 0).astype(
            np.uint32
        )
        out_t |= np.where(has, add_t | (fall_t.astype(np.uint32) << np.uint32(v)), 0).astype(
            np.uint32
        )
    return LevelMasks(out_u | out_t, out_t & ~out_u)
