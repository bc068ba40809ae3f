"""Vectorized completeness and AIS (scalar: ``steps.completeness`` and
``steps.asia_impairment_scale``).

Completeness and AIS results are small masks: completeness bit 0 C, bit 1 I; AIS bit 0 A …
bit 4 E; with a matching ``tagged`` mask.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from regencord.isncsci.batch.codes import (
    ANTIGRAVITY_FOR_GRADE,
    ANY_OF,
    MOTOR_FUNCTION_FOR_GRADE,
    NO,
    NO_T,
    SENSORY_PRESENT,
    YES,
    YES_T,
)
from regencord.isncsci.batch.walks import INT_BIT, LevelMasks
from regencord.isncsci.levels import MYOTOMES, Level

U8 = npt.NDArray[np.uint8]
I8 = npt.NDArray[np.int8]
U32 = npt.NDArray[np.uint32]
Bools = npt.NDArray[np.bool_]

COMPLETE, INCOMPLETE = 1, 2
A, B, C, D, E = 1, 2, 4, 8, 16
_ONE = np.uint32(1)


@dataclass
class SmallMasks:
    values: U8
    tagged: U8


def sacral_sparing(vac_yes: U8, dap_yes: U8, light_touch: U8, pin_prick: U8) -> U8:
    """Answers of 'any sacral sparing?' (VAC, DAP, S4-5 light touch and pin prick)."""
    present = ANY_OF[SENSORY_PRESENT[light_touch[..., -1]], SENSORY_PRESENT[pin_prick[..., -1]]]
    sensory = ANY_OF[ANY_OF[dap_yes, present[:, 0]], present[:, 1]]
    return ANY_OF[vac_yes, sensory]


def completeness(sparing: U8) -> SmallMasks:
    """Incomplete when sacral sparing is possible, complete when its absence is."""
    inc_u, inc_t = (sparing & YES) != 0, (sparing & YES_T) != 0
    com_u, com_t = (sparing & NO) != 0, (sparing & NO_T) != 0
    values = (com_u | com_t) * COMPLETE + (inc_u | inc_t) * INCOMPLETE
    tagged = (com_t & ~com_u) * COMPLETE + (inc_t & ~inc_u) * INCOMPLETE
    return SmallMasks(values.astype(np.uint8), tagged.astype(np.uint8))


def _first_myotome_below(level: int) -> int:
    """Index in MYOTOMES of the first key muscle caudal to ``level``."""
    return sum(1 for m in MYOTOMES if int(m) <= level)


def _function_below(motor: U8, non_key_muscle: I8, motor_levels: LevelMasks) -> U8:
    """Answers of 'motor function more than three levels below the motor level on either
    side?' over every possible motor level."""
    function = MOTOR_FUNCTION_FOR_GRADE[motor]
    n_sides = motor.shape[:-1]
    suffix = np.full((*n_sides, len(MYOTOMES) + 1), NO, np.uint8)
    for k in range(len(MYOTOMES) - 1, -1, -1):
        suffix[..., k] = ANY_OF[suffix[..., k + 1], function[..., k]]
    answers = np.zeros(n_sides, np.uint8)
    values = motor_levels.values
    intact = ((values >> np.uint32(INT_BIT)) & _ONE) != 0
    answers |= np.where(intact, NO, 0).astype(np.uint8)
    for v in range(int(Level.S3) + 1):
        has = ((values >> np.uint32(v)) & _ONE) != 0
        if not has.any():
            continue
        below = suffix[..., _first_myotome_below(v + 3)]
        nkm = np.where(non_key_muscle > v + 3, YES, NO).astype(np.uint8)
        answers |= np.where(has, ANY_OF[below, nkm], 0).astype(np.uint8)
    return ANY_OF[answers[:, 0], answers[:, 1]]


def _count_states(motor: U8) -> tuple[U32, U32]:
    """For each level v (axis 1, 0..28): bit sets of the counts of key muscles caudal to v
    at grade 3 or more, reachable without (first) and only with (second) a tagged answer."""
    grade = ANTIGRAVITY_FOR_GRADE[motor]
    n = motor.shape[0]
    untagged = np.ones(n, np.uint32)
    tagged = np.zeros(n, np.uint32)
    by_first = [(untagged, tagged)]
    for k in range(len(MYOTOMES) - 1, -1, -1):
        for side in range(2):
            a = grade[:, side, k]
            yes_u, yes_t = (a & YES) != 0, (a & YES_T) != 0
            no_u, no_t = (a & NO) != 0, (a & NO_T) != 0
            new_u = np.where(yes_u, untagged << _ONE, 0) | np.where(no_u, untagged, 0)
            new_t = (
                np.where(yes_u | yes_t, tagged << _ONE, 0)
                | np.where(no_u | no_t, tagged, 0)
                | np.where(yes_t, untagged << _ONE, 0)
                | np.where(no_t, untagged, 0)
            )
            untagged, tagged = new_u.astype(np.uint32), new_t.astype(np.uint32)
        by_first.append((untagged, tagged))
    by_first.reverse()  # by_first[k]: muscles from MYOTOMES[k] down
    states_u = np.zeros((n, 29), np.uint32)
    states_t = np.zeros((n, 29), np.uint32)
    for v in range(29):
        u, t = by_first[_first_myotome_below(v)]
        states_u[:, v], states_t[:, v] = u, t
    return states_u, states_t


def _at_least_half(v: int) -> np.uint32:
    total = 2 * (len(MYOTOMES) - _first_myotome_below(v))
    least = (total + 1) // 2
    return np.uint32(((1 << (total + 1)) - 1) & ~((1 << least) - 1))


def asia_impairment_scale(
    *,
    motor: U8,
    non_key_muscle: I8,
    vac_yes: U8,
    sparing_without_vac: U8,
    complete: SmallMasks,
    nli: LevelMasks,
    sensory: LevelMasks,
    motor_levels: LevelMasks,
    vac_definite_yes: Bools,
) -> SmallMasks:
    """(N,) AIS grades: every grade the exam allows (same rules as the scalar step)."""
    n = motor.shape[0]
    grade_u = np.zeros(n, np.uint8)
    grade_t = np.zeros(n, np.uint8)

    def add(grade: int, where: Bools, tagged: Bools) -> None:
        nonlocal grade_u, grade_t
        grade_u |= np.where(where & ~tagged, grade, 0).astype(np.uint8)
        grade_t |= np.where(where & tagged, grade, 0).astype(np.uint8)

    int_bit = np.uint32(1 << INT_BIT)
    levels = [m.values[:, s] for m in (sensory, motor_levels) for s in (0, 1)]
    tags = [m.tagged[:, s] for m in (sensory, motor_levels) for s in (0, 1)]
    all_int = np.logical_and.reduce([(x & int_bit) != 0 for x in levels])
    any_int_tag = np.logical_or.reduce([(x & int_bit) != 0 for x in tags])
    add(E, all_int, any_int_tag)
    add(A, (complete.values & COMPLETE) != 0, (complete.tagged & COMPLETE) != 0)
    incomplete = (complete.values & INCOMPLETE) != 0
    incomplete_tag = (complete.tagged & INCOMPLETE) != 0
    sensory_sparing = (sparing_without_vac & (YES | YES_T)) != 0
    below = _function_below(motor, non_key_muscle, motor_levels)
    vac_no = ((vac_yes & (NO | NO_T)) != 0) & sensory_sparing & incomplete
    # B: motor complete.
    add(B, vac_no & ((below & NO) != 0), incomplete_tag)
    add(B, vac_no & ((below & NO_T) != 0), np.ones(n, np.bool_))
    # C or D: motor incomplete, through VAC or through function below the motor level.
    states_u, states_t = _count_states(motor)
    options: list[tuple[Bools, Bools, Bools]] = [
        (incomplete & ((vac_yes & YES) != 0), incomplete_tag, vac_definite_yes),
        (vac_no & ((below & YES) != 0), incomplete_tag, np.zeros(n, np.bool_)),
        (vac_no & ((below & YES_T) != 0), np.ones(n, np.bool_), np.zeros(n, np.bool_)),
    ]
    for where, tag, by_vac in options:
        if not where.any():
            continue
        reach = {C: np.zeros(n, np.bool_), D: np.zeros(n, np.bool_)}
        merged_tag = {C: np.zeros(n, np.bool_), D: np.zeros(n, np.bool_)}
        for v in range(int(Level.S3) + 1):
            has = where & (((nli.values >> np.uint32(v)) & _ONE) != 0)
            if not has.any():
                continue
            level_tag = tag | (by_vac & (((nli.tagged >> np.uint32(v)) & _ONE) != 0))
            half = _at_least_half(v)
            u, t = states_u[:, v], states_t[:, v]
            for grade, counts in ((D, half), (C, ~half)):
                reach_u = ((u & counts) != 0) & ~level_tag
                reach_any = ((u | t) & counts) != 0
                local_tagged = reach_any & ~reach_u
                reach[grade] |= has & reach_any
                merged_tag[grade] |= has & local_tagged
        for grade in (C, D):
            add(grade, reach[grade], merged_tag[grade])
    tagged = grade_t & ~grade_u
    return SmallMasks((grade_u | grade_t).astype(np.uint8), tagged.astype(np.uint8))
