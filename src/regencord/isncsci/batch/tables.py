"""Transition tables of the vectorized level walks, built from the scalar walk's rules.

The scalar walk (:func:`regencord.isncsci.walk.walk_levels`) keeps a set of live branches,
each ``(tagged, sensation still intact, tag of that)``; here a branch is one bit of a
live-set byte (bit ``tagged | intact << 1 | intact_tag << 2``), and one table lookup moves
every exam's live set one segment on.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import numpy.typing as npt

from regencord.isncsci.batch.codes import ALL_OF, NO, NO_T, YES, YES_T, judgements_of, mask_of
from regencord.isncsci.judgements import Judgement

STOP_U = 1 << 8
"""Output bit: the walk may stop at this segment untagged."""
STOP_T = 1 << 9
"""Output bit: the walk may stop at this segment tagged."""
PASSED_U = 1 << 10
"""Output bit: an untagged branch stops at this segment (tag of going on, for the ZPP)."""
PASSED_T = 1 << 11
"""Output bit: a tagged branch stops at this segment."""
LIVE = 0xFF

START = 1 << 0b010
"""The live set at C1: one untagged branch, sensation intact so far."""


def _state(tagged: bool, intact: bool, intact_tag: bool) -> int:
    return int(tagged) | int(intact) << 1 | int(intact_tag) << 2


def _one_state(state: int, stop_checks: int, tracked: int, needs_tracked: bool) -> int:
    tagged, intact, intact_tag = bool(state & 1), bool(state & 2), bool(state & 4)
    out = 0
    track_options = judgements_of(tracked) if intact else (None,)
    for d in track_options:
        if d is None:
            ok, ok_tag = intact, intact_tag
        elif d.answer:
            ok, ok_tag = True, intact_tag or d.tagged
        else:
            ok, ok_tag = False, d.tagged
        checks = stop_checks
        if needs_tracked:
            checks = int(ALL_OF[checks, mask_of({Judgement(ok, ok_tag)})])
        for outcome in judgements_of(checks):
            if outcome.answer:
                out |= 1 << _state(tagged or outcome.tagged, ok, ok_tag)
            else:
                out |= STOP_T if (tagged or outcome.tagged) else STOP_U
                out |= PASSED_T if tagged else PASSED_U
    return out


@cache
def walk_table() -> npt.NDArray[np.uint16]:
    """``table[live, checks, tracked, needs_tracked]`` for every live set (256 x 16 x 16 x 2).

    ``checks`` is the answer mask of all questions that must pass (folded with ALL_OF);
    ``tracked`` the answers about sensation at the segment below (YES when not tracked).
    """
    single = np.zeros((8, 16, 16, 2), dtype=np.uint16)
    for state in range(8):
        for checks in range(1, 16):
            for tracked in range(1, 16):
                for needs in (0, 1):
                    single[state, checks, tracked, needs] = _one_state(
                        state, checks, tracked, bool(needs)
                    )
    table = np.zeros((256, 16, 16, 2), dtype=np.uint16)
    for live in range(1, 256):
        states = [s for s in range(8) if live >> s & 1]
        table[live] = np.bitwise_or.reduce(single[states], axis=0)
    return table


@cache
def flat_walk_table() -> npt.NDArray[np.uint16]:
    """:func:`walk_table` flattened for one-step indexing: ``live << 9 | checks << 5 |
    tracked << 1 | needs_tracked``."""
    return walk_table().reshape(-1)


def upward_table() -> npt.NDArray[np.uint8]:
    """ZPP search from S3 (or S1) upward: ``table[live, found]``; live bit 0 untagged,
    bit 1 tagged; output bits 0-1 live on, bit 2 found untagged, bit 3 found tagged."""
    table = np.zeros((4, 16), dtype=np.uint8)
    for live in range(4):
        for found in range(16):
            out = 0
            for tagged in (False, True):
                if not live >> int(tagged) & 1:
                    continue
                for j in judgements_of(found):
                    t = tagged or j.tagged
                    if j.answer:
                        out |= 8 if t else 4
                    else:
                        out |= 2 if t else 1
            table[live, found] = out
    return table


UPWARD = upward_table()
NEUTRAL_ALL = YES
"""The answer mask that leaves an ALL_OF fold unchanged."""
NEUTRAL_ANY = NO
"""The answer mask that leaves an ANY_OF fold unchanged."""
__all__ = ["NEUTRAL_ALL", "NEUTRAL_ANY", "NO", "NO_T", "UPWARD", "YES", "YES_T", "walk_table"]
