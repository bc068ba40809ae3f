"""Vectorized completeness and AIS (scalar: ``steps.completeness`` and
``steps.asia_impairment_scale``).

Completeness and AIS results are small masks: completeness bit 0 C, bit 1 I; AIS bit 0 A …
bit 4 E; with a matching ``tagged`` mask.
"""

from __future__ import annotations

from collections.abc import Callable
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
    judgements_of,
)
from regencord.isncsci.batch.walks import INT_BIT, LevelMasks
from regencord.isncsci.judgements import untagged_readings
from regencord.isncsci.levels import MYOTOMES, Level
from regencord.isncsci.rules import at_least_half, first_key_muscle_below, more_than_three_below

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


_BITS = 33
"""Tables indexed by a bit index of a 32-bit mask (32: an empty mask's lowest bit)."""
FIRST_BELOW = np.array([first_key_muscle_below(v) for v in range(_BITS)], np.intp)
"""``FIRST_BELOW[v]``: index in MYOTOMES of the first key muscle caudal to segment v."""
FIRST_COUNTED = np.array(
    [
        next((k for k, m in enumerate(MYOTOMES) if more_than_three_below(m, v)), len(MYOTOMES))
        for v in range(_BITS)
    ],
    np.intp,
)
"""``FIRST_COUNTED[v]``: index of the first key muscle more than three levels below v."""
_SEGMENTS = int(Level.S3) + 1


def single_bit(values: U32) -> tuple[Bools, npt.NDArray[np.intp]]:
    """Whether each mask has exactly one bit, and the index of its lowest bit."""
    single: Bools = np.bitwise_count(values) == 1
    lowest = np.bitwise_count((values & (~values + _ONE)) - _ONE).astype(np.intp)
    return single, lowest


def _function_below(motor: U8, non_key_muscle: I8, motor_levels: LevelMasks) -> U8:
    """Answers of 'motor function more than three levels below the motor level on either
    side?' over every possible motor level."""
    function = MOTOR_FUNCTION_FOR_GRADE[motor]
    n_sides = motor.shape[:-1]
    suffix = np.full((*n_sides, len(MYOTOMES) + 1), NO, np.uint8)
    for k in range(len(MYOTOMES) - 1, -1, -1):
        suffix[..., k] = ANY_OF[suffix[..., k + 1], function[..., k]]
    values = motor_levels.values
    single, level = single_bit(values)
    below = np.take_along_axis(suffix, FIRST_COUNTED[level][..., None], axis=-1)[..., 0]
    nkm = np.where(more_than_three_below(non_key_muscle, level), YES, NO).astype(np.uint8)
    answers = np.where(level == INT_BIT, NO, ANY_OF[below, nkm]).astype(np.uint8)
    multi = ~single
    if multi.any():
        answers = np.where(multi, 0, answers).astype(np.uint8)
        intact = multi & (((values >> np.uint32(INT_BIT)) & _ONE) != 0)
        answers |= np.where(intact, NO, 0).astype(np.uint8)
        for v in range(_SEGMENTS):
            has = multi & (((values >> np.uint32(v)) & _ONE) != 0)
            if not has.any():
                continue
            below = suffix[..., FIRST_COUNTED[v]]
            nkm = np.where(more_than_three_below(non_key_muscle, v), YES, NO)
            nkm = nkm.astype(np.uint8)
            answers |= np.where(has, ANY_OF[below, nkm], 0).astype(np.uint8)
    return ANY_OF[answers[:, 0], answers[:, 1]]


_GROUP = np.array(
    [sum(1 << v for v in range(_SEGMENTS) if FIRST_BELOW[v] == k) for k in range(11)], np.uint32
)
"""``_GROUP[k]``: the NLI bits whose key muscles below start at ``MYOTOMES[k]``."""


def _packed_table(fn: Callable[[int], tuple[int, int, int, int]]) -> npt.NDArray[np.int32]:
    return np.array([sum(x << (5 * i) for i, x in enumerate(fn(a))) for a in range(16)], np.int32)


def _count_parts(a: int) -> tuple[int, int, int, int]:
    untagged = untagged_readings(judgements_of(a)) if a else frozenset({False})
    return (
        int(False not in untagged),  # least count on the untagged readings
        int(True in untagged),  # most count on the untagged readings
        int(not a & (NO | NO_T)),  # least count
        int(bool(a & (YES | YES_T))),  # most count
    )


_COUNT_PARTS = _packed_table(_count_parts)


def _count_ranges(motor: U8) -> npt.NDArray[np.int32]:
    """(N, 11) packed count ranges of key muscles at grade 3 or more among those from
    ``MYOTOMES[k]`` down (both sides): four 5-bit fields, the least and most count on
    the answers that hold whatever the tagged cells are (``untagged_readings``), and the
    least and most count using any answers. Each count set is a whole range, since every
    muscle adds 0 or 1 independently."""
    parts = _COUNT_PARTS[ANTIGRAVITY_FOR_GRADE[motor]].sum(axis=1)  # (N, 10)
    ranges = np.zeros((motor.shape[0], len(MYOTOMES) + 1), np.int32)
    ranges[:, :-1] = np.cumsum(parts[:, ::-1], axis=1)[:, ::-1]
    return ranges


class _Option:
    """One way motor incompleteness may hold: where, its tag, whether it rests on VAC."""

    def __init__(self, where: Bools, tag: Bools, by_vac: Bools) -> None:
        self.where, self.tag, self.by_vac = where, tag, by_vac
        n = where.shape[0]
        self.reach = {C: np.zeros(n, np.bool_), D: np.zeros(n, np.bool_)}
        self.tagged = {C: np.zeros(n, np.bool_), D: np.zeros(n, np.bool_)}
        """Some NLI reaches the grade only through a tagged count or incompleteness."""
        self.nli_tagged = {C: np.zeros(n, np.bool_), D: np.zeros(n, np.bool_)}
        """Some NLI whose own tag counts (VAC) reaches the grade."""
        self.untagged_nli = {C: np.zeros(n, np.bool_), D: np.zeros(n, np.bool_)}
        """Some NLI reaches the grade with no tag at all."""

    def visit(
        self, has: Bools, nli_u: Bools, nli_t: Bools, grades: dict[int, tuple[Bools, Bools]]
    ) -> None:
        """Grades at NLIs whose muscles below start at one key muscle: ``grades`` holds for
        C and D (reachable on the untagged readings, reachable at all); ``nli_u`` /
        ``nli_t``: some such NLI is untagged / tagged."""
        for grade, (untagged, reachable) in grades.items():
            here = self.where & reachable
            self.reach[grade] |= here & has
            count_tag = ~untagged | self.tag
            self.tagged[grade] |= here & (nli_u | nli_t) & count_tag
            self.nli_tagged[grade] |= here & nli_t & self.by_vac
            self.untagged_nli[grade] |= here & nli_u & ~count_tag

    def grade_tagged(self, grade: int, holds_without_tags: Bools) -> Bools:
        """Scalar ``_motor_incomplete_grades``: the NLI's own tag counts unless the grade
        also holds at an untagged NLI or with every tag rejected (T1, A11)."""
        elsewhere = self.untagged_nli[grade] | holds_without_tags
        tagged: Bools = self.tagged[grade] | (self.nli_tagged[grade] & ~elsewhere)
        return tagged


def _grades_at(
    ranges: npt.NDArray[np.int32], k: npt.NDArray[np.intp] | int
) -> dict[int, tuple[Bools, Bools]]:
    """C and D reachability for the key muscles from ``MYOTOMES[k]`` down."""
    least_u, most_u = ranges & 31, (ranges >> 5) & 31
    least, most = (ranges >> 10) & 31, (ranges >> 15) & 31
    total = 2 * (len(MYOTOMES) - np.asarray(k))  # key muscles below, both sides
    return {
        D: (at_least_half(most_u, total), at_least_half(most, total)),
        C: (~at_least_half(least_u, total), ~at_least_half(least, total)),
    }


def _motor_incomplete_grades(options: list[_Option], nli: LevelMasks, motor: U8) -> None:
    """C or D for each option and each possible NLI (scalar ``_motor_incomplete_grades``)."""
    ranges = _count_ranges(motor)
    values = nli.values & np.uint32((1 << _SEGMENTS) - 1)
    tagged = nli.tagged & values
    untagged = values & ~tagged
    lowest = np.bitwise_count((values & (~values + _ONE)) - _ONE).astype(np.intp)
    k = FIRST_BELOW[np.minimum(lowest, INT_BIT)]
    one_group = (values & ~_GROUP[k]) == 0
    has = one_group & (values != 0)
    grades = _grades_at(np.take_along_axis(ranges, k[:, None], axis=1)[:, 0], k)
    for option in options:
        option.visit(has, has & (untagged != 0), has & (tagged != 0), grades)
    several = ~one_group
    if several.any():
        for group in range(len(MYOTOMES) + 1):
            in_group = several & ((values & _GROUP[group]) != 0)
            if not in_group.any():
                continue
            nli_u = in_group & ((untagged & _GROUP[group]) != 0)
            nli_t = in_group & ((tagged & _GROUP[group]) != 0)
            grades = _grades_at(ranges[:, group], group)
            for option in options:
                option.visit(in_group, nli_u, nli_t, grades)


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
    grades_without_tags: U8,
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
    exams = np.flatnonzero(incomplete)
    if exams.size:
        part_u, part_t = _incomplete_grades(
            motor=motor[exams],
            non_key_muscle=non_key_muscle[exams],
            vac_yes=vac_yes[exams],
            sparing_without_vac=sparing_without_vac[exams],
            incomplete_tag=(complete.tagged[exams] & INCOMPLETE) != 0,
            nli=LevelMasks(nli.values[exams], nli.tagged[exams]),
            motor_levels=LevelMasks(motor_levels.values[exams], motor_levels.tagged[exams]),
            vac_definite_yes=vac_definite_yes[exams],
            grades_without_tags=grades_without_tags[exams],
        )
        grade_u[exams] |= part_u
        grade_t[exams] |= part_t
    tagged = grade_t & ~grade_u
    return SmallMasks((grade_u | grade_t).astype(np.uint8), tagged.astype(np.uint8))


def _incomplete_grades(
    *,
    motor: U8,
    non_key_muscle: I8,
    vac_yes: U8,
    sparing_without_vac: U8,
    incomplete_tag: Bools,
    nli: LevelMasks,
    motor_levels: LevelMasks,
    vac_definite_yes: Bools,
    grades_without_tags: U8,
) -> tuple[U8, U8]:
    """B, C or D for exams that may be incomplete: untagged and tagged grade bits."""
    n = motor.shape[0]
    grade_u = np.zeros(n, np.uint8)
    grade_t = np.zeros(n, np.uint8)

    def add(grade: int, where: Bools, tagged: Bools) -> None:
        nonlocal grade_u, grade_t
        grade_u |= np.where(where & ~tagged, grade, 0).astype(np.uint8)
        grade_t |= np.where(where & tagged, grade, 0).astype(np.uint8)

    sensory_sparing = (sparing_without_vac & (YES | YES_T)) != 0
    below = _function_below(motor, non_key_muscle, motor_levels)
    vac_no = ((vac_yes & (NO | NO_T)) != 0) & sensory_sparing
    # B: motor complete.
    add(B, vac_no & ((below & NO) != 0), incomplete_tag)
    add(B, vac_no & ((below & NO_T) != 0), np.ones(n, np.bool_))
    # C or D: motor incomplete, through VAC or through function below the motor level.
    no = np.zeros(n, np.bool_)
    options = [
        _Option((vac_yes & YES) != 0, incomplete_tag, vac_definite_yes),
        _Option(vac_no & ((below & YES) != 0), incomplete_tag, no),
        _Option(vac_no & ((below & YES_T) != 0), ~no, no),
    ]
    options = [o for o in options if o.where.any()]
    if options:
        _motor_incomplete_grades(options, nli, motor)
    for grade in (C, D):
        for option in options:
            holds_without_tags = (grades_without_tags & grade) != 0
            add(grade, option.reach[grade], option.grade_tagged(grade, holds_without_tags))
    return grade_u, grade_t
