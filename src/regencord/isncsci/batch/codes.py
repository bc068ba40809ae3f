"""Small integer codes for worksheet cells, and lookup tables of their judgements.

A cell is coded ``tag * 8 + value`` (value 0-5 a score, 6 NT; tag 0 none, 1 ``*``, 2 ``**``).
Every lookup table is filled by calling the scalar engine's judgement functions
(:mod:`regencord.isncsci.judgements`) on each code, so the batch engine applies exactly the
same NT and tag rules. A judgement set is a 4-bit mask: bit 0 = yes, bit 1 = yes (tagged),
bit 2 = no, bit 3 = no (tagged).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import product

import numpy as np
import numpy.typing as npt

from regencord.isncsci.cells import AnalFunction, Cell, Tag
from regencord.isncsci.judgements import (
    Judgement,
    Judgements,
    anal_yes,
    antigravity_for_grade,
    any_of,
    dermatome_intact,
    motor_antigravity,
    motor_function_for_grade,
    motor_normal,
    motor_present,
    sensory_present,
)
from regencord.isncsci.rules import non_key_muscle_counts, valid_score

NT_VALUE = 6
CODES = 24
TAGS: tuple[Tag, ...] = (Tag.NONE, Tag.NOT_NORMAL, Tag.NORMAL)
ANAL: tuple[AnalFunction, ...] = (AnalFunction.NO, AnalFunction.YES, AnalFunction.NT)
"""VAC and DAP codes: 0 No, 1 Yes, 2 NT."""

U8 = npt.NDArray[np.uint8]

YES, YES_T, NO, NO_T = 1, 2, 4, 8


def encode(cell: Cell) -> int:
    value = NT_VALUE if cell.score is None else cell.score
    return TAGS.index(cell.tag) * 8 + value


def decode(code: int) -> Cell:
    value, tag = code % 8, TAGS[code // 8]
    return Cell(None if value == NT_VALUE else value, tag)


def mask_of(judgements: Iterable[Judgement]) -> int:
    mask = 0
    for j in judgements:
        mask |= (YES_T if j.tagged else YES) if j.answer else (NO_T if j.tagged else NO)
    return mask


def judgements_of(mask: int) -> tuple[Judgement, ...]:
    return tuple(
        Judgement(answer, tagged)
        for bit, answer, tagged in (
            (YES, True, False),
            (YES_T, True, True),
            (NO, False, False),
            (NO_T, False, True),
        )
        if mask & bit
    )


def _valid_codes(normal: int) -> list[int]:
    out = []
    for code in range(CODES):
        value, tag = code % 8, code // 8
        if value == 7 or tag > 2:
            continue
        if valid_score(None if value == NT_VALUE else value, tag > 0, normal):
            out.append(code)
    return out


MOTOR_CODES = _valid_codes(5)
SENSORY_CODES = _valid_codes(2)


def _table(fn: Callable[[Cell], Judgements], codes: list[int]) -> U8:
    table = np.zeros(CODES, dtype=np.uint8)
    for code in codes:
        table[code] = mask_of(fn(decode(code)))
    return table


MOTOR_NORMAL = _table(motor_normal, MOTOR_CODES)
MOTOR_ANTIGRAVITY = _table(motor_antigravity, MOTOR_CODES)
MOTOR_PRESENT = _table(motor_present, MOTOR_CODES)
MOTOR_FUNCTION_FOR_GRADE = _table(motor_function_for_grade, MOTOR_CODES)
ANTIGRAVITY_FOR_GRADE = _table(antigravity_for_grade, MOTOR_CODES)
SENSORY_PRESENT = _table(sensory_present, SENSORY_CODES)
ANAL_YES = np.array([mask_of(anal_yes(a)) for a in ANAL], dtype=np.uint8)

DERMATOME_INTACT = np.zeros((CODES, CODES), dtype=np.uint8)
for _lt, _pp in product(SENSORY_CODES, SENSORY_CODES):
    DERMATOME_INTACT[_lt, _pp] = mask_of(dermatome_intact(decode(_lt), decode(_pp)))


def _all_of(a: int, b: int) -> int:
    """Answers of 'both?' for answer sets ``a`` and ``b``, as the scalar walk combines a
    step's checks: yes when both are (tagged if either relied-on answer is); no when either
    is not (tagged only if every failing answer is)."""
    out = 0
    for x, y in product(judgements_of(a), judgements_of(b)):
        failing = [j for j in (x, y) if not j.answer]
        if failing:
            out |= mask_of({Judgement(False, all(j.tagged for j in failing))})
        else:
            out |= mask_of({Judgement(True, x.tagged or y.tagged)})
    return out


ALL_OF = np.array([[_all_of(a, b) for b in range(16)] for a in range(16)], np.uint8)
"""``ALL_OF[a, b]``: the answers of 'both'; a single question's mask is its own aggregate."""
ANY_OF = np.array(
    [[mask_of(any_of(judgements_of(a), judgements_of(b))) for b in range(16)] for a in range(16)],
    np.uint8,
)
"""``ANY_OF[a, b]``: the answers of 'either'."""


_NON_KEY_MUSCLE_COUNTS = np.array([non_key_muscle_counts(v) for v in range(32)], np.bool_)


def counted_non_key_muscles(levels: npt.NDArray[np.int8]) -> npt.NDArray[np.int8]:
    """The lowest non-key muscles the classification uses (-1: none), as
    :func:`regencord.isncsci.rules.counted_non_key_muscle` for every exam and side."""
    counts = _NON_KEY_MUSCLE_COUNTS[np.where(levels >= 0, levels, 31)]
    out: npt.NDArray[np.int8] = np.where(counts, levels, -1).astype(np.int8)
    return out
