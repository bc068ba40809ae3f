"""Vectorized level walks: sensory levels, motor levels and the NLI for N exams at once.

Mirrors :func:`regencord.isncsci.walk.walk_levels` step by step: at each segment every
exam's live branch set moves on by one lookup in :func:`.tables.walk_table`. A level
result is a pair of 32-bit masks, ``values`` and ``tagged`` (bit = ``Level`` value, bit 29
INT, bit 30 NA), tagged meaning reached only through a tagged answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from regencord.isncsci.batch.codes import ALL_OF, ANAL_YES, YES
from regencord.isncsci.batch.tables import (
    START,
    flat_walk_table,
)
from regencord.isncsci.levels import MYOTOMES, RESULT_LEVELS, Level, is_myotome

U8 = npt.NDArray[np.uint8]
U16 = npt.NDArray[np.uint16]
U32 = npt.NDArray[np.uint32]

INT_BIT = 29
NA_BIT = 30
STEPS = len(RESULT_LEVELS)
"""28 steps: from each of C1..S3 to the segment below."""
_ONE = np.uint32(1)
UNTAGGED_STATES = np.uint8(0b01010101)
TAGGED_STATES = np.uint8(0b10101010)


@dataclass
class LevelMasks:
    """Possible values of a level result, as bit masks (see module docstring)."""

    values: U32
    tagged: U32


@dataclass
class WalkMasks:
    levels: LevelMasks
    passed_tagged: U32
    """Levels every branch reached only through a tagged answer (the motor ZPP's tag)."""


class _Acc:
    def __init__(self, shape: tuple[int, ...]) -> None:
        self.stop_u = np.zeros(shape, np.uint32)
        self.stop_t = np.zeros(shape, np.uint32)
        self.passed_u = np.zeros(shape, np.uint32)
        self.passed_t = np.zeros(shape, np.uint32)

    def record(self, out: U16, bit: int) -> None:
        flags = (out >> np.uint16(8)).astype(np.uint32)
        shift = np.uint32(bit)
        self.stop_u |= (flags & _ONE) << shift
        self.stop_t |= ((flags >> _ONE) & _ONE) << shift
        self.passed_u |= ((flags >> np.uint32(2)) & _ONE) << shift
        self.passed_t |= ((flags >> np.uint32(3)) & _ONE) << shift

    def finish(self, live: U8) -> WalkMasks:
        untagged = ((live & UNTAGGED_STATES) != 0).astype(np.uint32) << np.uint32(INT_BIT)
        tagged = ((live & TAGGED_STATES) != 0).astype(np.uint32) << np.uint32(INT_BIT)
        stop_u, stop_t = self.stop_u | untagged, self.stop_t | tagged
        passed_u, passed_t = self.passed_u | untagged, self.passed_t | tagged
        return WalkMasks(LevelMasks(stop_u | stop_t, stop_t & ~stop_u), passed_t & ~passed_u)


def step_codes(checks: U8, tracked: U8 | None, needs_tracked: npt.NDArray[np.bool_]) -> U16:
    """Per exam and step, the low bits of the walk-table index."""
    code = checks.astype(np.uint16) << np.uint16(5)
    code |= (np.uint16(YES) if tracked is None else tracked.astype(np.uint16)) << np.uint16(1)
    code |= needs_tracked.astype(np.uint16)
    return code


def run_walk(
    codes: U16, steps: range = range(STEPS), live: U8 | None = None, acc: _Acc | None = None
) -> tuple[U8, _Acc]:
    """Run the walk over ``steps`` (last axis of ``codes``); returns the live sets left."""
    table = flat_walk_table()
    shape = codes.shape[:-1]
    if live is None:
        live = np.full(shape, START, np.uint8)
    if acc is None:
        acc = _Acc(shape)
    for step in steps:
        out = table[(live.astype(np.uint32) << np.uint32(9)) | codes[..., step]]
        acc.record(out, step)
        live = (out & 0xFF).astype(np.uint8)
    return live, acc


def sensory_levels(dermatomes: U8) -> LevelMasks:
    """Step 1 for (N, 2) sides, given (N, 2, 28) dermatome-intact answer masks."""
    codes = step_codes(dermatomes, None, np.zeros(STEPS, np.bool_))
    live, acc = run_walk(codes)
    return acc.finish(live).levels


_NEEDS_TRACKED = np.array([not is_myotome(Level(lv + 1)) for lv in range(STEPS)])


_M5_STEPS = np.array([int(m) for m in MYOTOMES])
"""Step at which each key muscle must be normal: from its own segment to the next."""


def motor_checks(normal: U8, antigravity: U8) -> U8:
    """(…, 28) answer masks of the key-muscle questions at each step: the muscle at the
    level normal, the muscle below at least 3 (scalar: ``steps.questions.motor_checks``)."""
    checks = np.full((*normal.shape[:-1], STEPS), YES, np.uint8)
    checks[..., _M5_STEPS - 1] = antigravity
    checks[..., _M5_STEPS] = ALL_OF[checks[..., _M5_STEPS], normal]
    return checks


def motor_levels(checks: U8, dermatomes: U8, vac: U8) -> tuple[WalkMasks, LevelMasks]:
    """Step 2 for (N, 2) sides: with VAC asked for INT, and without (for the NLI's tag)."""
    codes = step_codes(checks, dermatomes, _NEEDS_TRACKED)
    live, acc = run_walk(codes, range(STEPS - 1))
    last = STEPS - 1
    without = _Acc(live.shape)
    for name in ("stop_u", "stop_t", "passed_u", "passed_t"):
        setattr(without, name, getattr(acc, name).copy())
    live_without, without = run_walk(codes, range(last, STEPS), live, without)
    vac_masks = ANAL_YES[vac][:, None]
    with_vac = codes.copy()
    with_vac[..., last] = step_codes(
        ALL_OF[checks[..., last], vac_masks], dermatomes[..., last], _NEEDS_TRACKED[last:][0:1]
    )
    live_with, acc = run_walk(with_vac, range(last, STEPS), live, acc)
    return acc.finish(live_with), without.finish(live_without).levels


def neurological_levels(dermatomes: U8, checks: U8) -> LevelMasks:
    """Step 3's values: one walk over both sides asking sensation and key muscles (no VAC)."""
    joint = ALL_OF[ALL_OF[dermatomes[:, 0], dermatomes[:, 1]], ALL_OF[checks[:, 0], checks[:, 1]]]
    codes = step_codes(joint, None, np.zeros(STEPS, np.bool_))
    live, acc = run_walk(codes)
    return acc.finish(live).levels
