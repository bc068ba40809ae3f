"""Vectorized zones of partial preservation (scalar: ``steps.zone_of_partial_preservation``)."""

from __future__ import annotations

from typing import Any

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
from regencord.isncsci.batch.grade import single_bit
from regencord.isncsci.batch.tables import UPWARD
from regencord.isncsci.batch.walks import INT_BIT, NA_BIT, LevelMasks
from regencord.isncsci.levels import MYOTOMES, Level
from regencord.isncsci.rules import more_than_three_below

U8 = npt.NDArray[np.uint8]
I8 = npt.NDArray[np.int8]
U32 = npt.NDArray[np.uint32]

_ONE = np.uint32(1)


def _live_of(answers: U8) -> U8:
    """Live set (bit 0 untagged, bit 1 tagged) from the 'no' answers of a mask."""
    live: U8 = (((answers & NO) != 0) | (((answers & NO_T) != 0) << 1)).astype(np.uint8)
    return live


def sensory_zpp(light_touch: U8, pin_prick: U8, dap_yes: U8) -> LevelMasks:
    """(N, 2) sensory ZPPs from (N, 2, 28) codes and (N,) DAP answer masks. Only the exams
    with a side where sacral sensation may be absent search (the others are NA)."""
    sacral_present = ANY_OF[
        SENSORY_PRESENT[light_touch[..., -1]], SENSORY_PRESENT[pin_prick[..., -1]]
    ]
    sacral = ANY_OF[dap_yes[:, None], sacral_present]
    na = ((sacral & (YES | YES_T)) != 0).astype(np.uint32) << np.uint32(NA_BIT)
    live = ((sacral & (NO | NO_T)) != 0).astype(np.uint8)  # applicability is untagged (A7)
    exams = np.flatnonzero((live != 0).any(axis=1))
    if exams.size == live.shape[0]:
        found_u, found_t = _search_up(light_touch, pin_prick, live)
    else:
        found_u = np.zeros(live.shape, np.uint32)
        found_t = np.zeros(live.shape, np.uint32)
        if exams.size:
            part_u, part_t = _search_up(light_touch[exams], pin_prick[exams], live[exams])
            found_u[exams], found_t[exams] = part_u, part_t
    found_u |= na
    return LevelMasks(found_u | found_t, found_t & ~found_u)


def _search_up(light_touch: U8, pin_prick: U8, live: U8) -> tuple[U32, U32]:
    """From S3 up to C2: the first dermatome with sensation on each live branch; C1 when
    none. Returns the untagged and tagged bits found."""
    present = ANY_OF[SENSORY_PRESENT[light_touch[..., :-1]], SENSORY_PRESENT[pin_prick[..., :-1]]]
    found_u = np.zeros(live.shape, np.uint32)
    found_t = np.zeros(live.shape, np.uint32)
    for index in range(present.shape[-1] - 1, -1, -1):  # S3 up to C2
        out = UPWARD[live, present[..., index]]
        level = np.uint32(index + 1)
        found_u |= ((out & 4) != 0).astype(np.uint32) << level
        found_t |= ((out & 8) != 0).astype(np.uint32) << level
        live = (out & 3).astype(np.uint8)
    found_u |= (live & 1).astype(np.uint32)
    found_t |= ((live & 2) != 0).astype(np.uint32)
    return found_u, found_t


_MOTOR_MYOTOMES = [(int(m), k) for k, m in reversed(list(enumerate(MYOTOMES)))]
_LEVEL_BITS = np.uint32((1 << (int(Level.S3) + 1)) - 1)
_ABOVE = np.array(
    [(0xFFFFFFFF << (v + 1)) & int(_LEVEL_BITS) for v in range(INT_BIT + 1)], np.uint32
)
"""``_ABOVE[v]``: the level bits caudal to segment v."""
_AT_OR_ABOVE = np.array(
    [(0xFFFFFFFF << v) & int(_LEVEL_BITS) for v in range(INT_BIT + 1)], np.uint32
)


def motor_zpp(
    motor: U8,
    non_key_muscle: I8,
    vac_yes: U8,
    motor_levels: LevelMasks,
    passed_tagged: U32,
    incomplete_possible: npt.NDArray[np.bool_],
    complete_possible: npt.NDArray[np.bool_],
) -> LevelMasks:
    """(N, 2) motor ZPPs. Exams with VAC certainly present are NA without a search."""
    searching = (vac_yes & (NO | NO_T)) != 0
    if searching.all():
        return _motor_zpp(
            motor,
            non_key_muscle,
            vac_yes,
            motor_levels,
            passed_tagged,
            incomplete_possible,
            complete_possible,
        )
    values = np.full(non_key_muscle.shape, _ONE << np.uint32(NA_BIT), np.uint32)
    tagged = np.zeros(non_key_muscle.shape, np.uint32)
    exams = np.flatnonzero(searching)
    if exams.size:
        part = _motor_zpp(
            motor[exams],
            non_key_muscle[exams],
            vac_yes[exams],
            LevelMasks(motor_levels.values[exams], motor_levels.tagged[exams]),
            passed_tagged[exams],
            incomplete_possible[exams],
            complete_possible[exams],
        )
        values[exams], tagged[exams] = part.values, part.tagged
    return LevelMasks(values, tagged)


def _motor_zpp(
    motor: U8,
    non_key_muscle: I8,
    vac_yes: U8,
    motor_levels: LevelMasks,
    passed_tagged: U32,
    incomplete_possible: npt.NDArray[np.bool_],
    complete_possible: npt.NDArray[np.bool_],
) -> LevelMasks:
    """(N, 2) motor ZPPs: the most caudal motor function below each possible motor level.

    One upward search from S1 serves every motor level: a motor level v takes what the
    search found caudal to v, else v itself with the branches still searching at v. The
    non-key muscle (counted for motor levels more than three above it, A5; also below a
    key muscle with function, A15) is folded in after.
    """
    present = MOTOR_PRESENT[motor]
    vac = np.broadcast_to(vac_yes[:, None], non_key_muscle.shape)
    na = ((vac & (YES | YES_T)) != 0) | ((motor_levels.values >> np.uint32(29)) & _ONE != 0)
    out_u = na.astype(np.uint32) << np.uint32(NA_BIT)
    out_t = np.zeros_like(out_u)
    live = _live_of(vac)
    found_u = np.zeros(live.shape, np.uint32)
    found_t = np.zeros(live.shape, np.uint32)
    before = np.empty((*live.shape, int(Level.S3) + 1), np.uint8)
    previous = int(Level.S3) + 1
    for level, k in _MOTOR_MYOTOMES:  # S1 up to C5: live before each segment
        before[..., level:previous] = live[..., None]
        out = UPWARD[live, present[..., k]]
        found_u |= ((out & 4) != 0).astype(np.uint32) << np.uint32(level)
        found_t |= ((out & 8) != 0).astype(np.uint32) << np.uint32(level)
        live = (out & 3).astype(np.uint8)
        previous = level
    before[..., :previous] = live[..., None]

    nkm = non_key_muscle.astype(np.intp)
    has_nkm = incomplete_possible[:, None] & (nkm >= 0)
    nkm_at = np.where(has_nkm, nkm, 0)
    live_at_nkm = np.take_along_axis(before, nkm_at[..., None], axis=-1)[..., 0]
    nkm_bit = np.where(has_nkm, _ONE << nkm_at.astype(np.uint32), 0).astype(np.uint32)
    keep_on = np.broadcast_to(complete_possible[:, None], nkm.shape)
    # The search counting the non-key muscle: as without it caudal to the muscle, the
    # muscle itself with the branches live there, and rostral only if complete is possible.
    caudal = _ABOVE[nkm_at]
    nkm_u = (found_u & caudal) | np.where((live_at_nkm & 1) != 0, nkm_bit, 0)
    nkm_t = (found_t & caudal) | np.where((live_at_nkm & 2) != 0, nkm_bit, 0)
    nkm_u |= np.where(keep_on, found_u & ~caudal, 0).astype(np.uint32)
    nkm_t |= np.where(keep_on, found_t & ~caudal, 0).astype(np.uint32)

    own = np.zeros(non_key_muscle.shape, np.uint32)  # levels whose key muscle has function
    for level, k in _MOTOR_MYOTOMES:
        own |= ((present[..., k] & YES) != 0).astype(np.uint32) << np.uint32(level)
    level_tagged = passed_tagged & ~own  # A6: the motor level's own function is untagged
    search = _Search(before, found_u, found_t, nkm_u, nkm_t, has_nkm, nkm, keep_on, level_tagged)
    levels = motor_levels.values & _LEVEL_BITS
    single, lowest = single_bit(levels)
    u, t = search.at(lowest)
    out_u |= np.where(single, u, 0).astype(np.uint32)
    out_t |= np.where(single, t, 0).astype(np.uint32)
    multi = ~single & (levels != 0)
    exams = np.flatnonzero(multi.any(axis=1))
    if exams.size:
        # Each possible motor level in turn: the lowest remaining one of every exam at once.
        sub = search.subset(exams)
        remaining = np.where(multi[exams], levels[exams], 0).astype(np.uint32)
        sub_u = np.zeros(remaining.shape, np.uint32)
        sub_t = np.zeros(remaining.shape, np.uint32)
        while True:
            rows = remaining != 0
            if not rows.any():
                break
            _, v = single_bit(np.where(rows, remaining, _ONE).astype(np.uint32))
            u, t = sub.at(v)
            sub_u |= np.where(rows, u, 0).astype(np.uint32)
            sub_t |= np.where(rows, t, 0).astype(np.uint32)
            remaining &= remaining - _ONE
        out_u[exams] |= sub_u
        out_t[exams] |= sub_t
    return LevelMasks(out_u | out_t, out_t & ~out_u)


class _Search:
    """The upward search's results, read for any motor level."""

    def __init__(self, *arrays: npt.NDArray[Any]) -> None:
        self.arrays = arrays

    def subset(self, exams: npt.NDArray[np.intp]) -> _Search:
        return _Search(*(a[exams] for a in self.arrays))

    def at(self, v: npt.NDArray[np.intp]) -> tuple[U32, U32]:
        """Motor ZPP for motor level ``v`` (per exam and side), untagged and tagged bits."""
        before, found_u, found_t, nkm_u, nkm_t, has_nkm, nkm, keep_on, passed_tagged = self.arrays
        use_nkm = has_nkm & more_than_three_below(nkm, v)
        at = np.minimum(v, int(Level.S3))[..., None]
        live = np.take_along_axis(before, at, axis=-1)[..., 0]
        live = np.where(use_nkm & ~keep_on, 0, live)
        above = _ABOVE[np.minimum(v, INT_BIT)]
        add_u = np.where(use_nkm, nkm_u, found_u) & above
        add_t = np.where(use_nkm, nkm_t, found_t) & above
        level_tag = ((passed_tagged >> v.astype(np.uint32)) & _ONE) != 0
        fall_u = ((live & 1) != 0) & ~level_tag
        fall_t = ((live & 2) != 0) | (((live & 1) != 0) & level_tag)
        bit = _ONE << v.astype(np.uint32)
        u: U32 = (add_u | np.where(fall_u, bit, 0)).astype(np.uint32)
        t: U32 = (add_t | np.where(fall_t, bit, 0)).astype(np.uint32)
        return u, t
