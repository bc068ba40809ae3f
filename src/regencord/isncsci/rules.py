"""The counting rules of the International Standards (2019), each written once.

The scalar steps, the batch walks (:mod:`regencord.isncsci.batch`) and the batch closed
forms all call these functions (or tables built from them), so a fix lands everywhere at
once. They take plain level numbers (``Level`` values, ``int``) or NumPy arrays of them.

- *More than three levels below the motor level* (step 5, AIS B versus C): a segment
  counts when it lies more than three segments caudal to the motor level on its side,
  counted over C1 … S4-5 (docs/adjudications.md A9).
- *Half or more of the key muscle functions below the single NLI at grade 3 or more*
  (step 5, AIS C versus D; A10: of none, D).
- *The key muscles below a level*: the key muscle functions caudal to it (MYOTOMES from
  :func:`first_key_muscle_below` on).
- *A lowest non-key muscle counts* only at a segment the worksheet lists a non-key muscle
  function for (C5-T1, L2-S1; A5).
- *Valid cell*: the worksheet's scores, NT, and the tagged values below normal (I1).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING, Any, overload

from regencord.isncsci.levels import MYOTOMES, Level

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Array = npt.NDArray[Any]

LEVELS_OF_SPARING = 3
"""Motor function counts for motor incompleteness when *more than* this many levels below
the motor level (International Standards 2019, step 5)."""

_MYOTOME_VALUES = tuple(int(m) for m in MYOTOMES)


@overload
def more_than_three_below(segment: int, motor_level: int) -> bool: ...
@overload
def more_than_three_below(segment: Array, motor_level: Array | int) -> npt.NDArray[np.bool_]: ...
@overload
def more_than_three_below(segment: int, motor_level: Array) -> npt.NDArray[np.bool_]: ...
def more_than_three_below(segment: Any, motor_level: Any) -> Any:
    """Whether ``segment`` lies more than three levels below ``motor_level`` (A9)."""
    return segment > motor_level + LEVELS_OF_SPARING


@overload
def at_least_half(count: int, total: int) -> bool: ...
@overload
def at_least_half(count: Array, total: Array | int) -> npt.NDArray[np.bool_]: ...
def at_least_half(count: Any, total: Any) -> Any:
    """Whether ``count`` key muscles at grade 3 or more are half or more of ``total``:
    AIS D rather than C (step 5; exactly half is D, none of none is D: A10)."""
    return 2 * count >= total


def first_key_muscle_below(level: int) -> int:
    """Index in MYOTOMES of the first key muscle function caudal to ``level`` (10 when
    there is none): the key muscles below ``level`` start there."""
    return bisect_right(_MYOTOME_VALUES, level)


def key_muscles_below(level: int) -> tuple[Level, ...]:
    """The key muscle functions caudal to ``level``."""
    return MYOTOMES[first_key_muscle_below(level) :]


def non_key_muscle_counts(level: int) -> bool:
    """Whether a lowest non-key muscle recorded at ``level`` names a muscle function of the
    worksheet's non-key muscle list (C5-T1, L2-S1); T2-L1 have none, so a value there is
    accepted but not used (docs/adjudications.md A5)."""
    return level in _MYOTOME_SET


_MYOTOME_SET = frozenset(_MYOTOME_VALUES)


def counted_non_key_muscle(level: Level | None) -> Level | None:
    """The lowest non-key muscle the classification uses: ``level`` when it counts."""
    return level if level is not None and non_key_muscle_counts(level) else None


def valid_score(score: int | None, tagged: bool, normal: int) -> bool:
    """Whether a cell value exists on the worksheet: a score 0 to ``normal`` or NT
    (``None``), tagged only below normal or NT (docs/adjudications.md I1)."""
    if score is None:
        return True
    return 0 <= score <= normal and not (tagged and score == normal)
