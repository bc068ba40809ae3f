"""Step 0 of the worksheet: motor and sensory scores.

International Standards (2019), "Sensory and motor scores": upper extremity motor score
(UEMS, C5-T1, max 25 per side), lower extremity motor score (LEMS, L2-S1, max 25 per
side), light touch and pin prick scores (C2-S4-5, max 56 per side). A sum with an NT cell
cannot be determined (ND). Tagged scores count as recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from regencord.isncsci.cells import Cell
from regencord.isncsci.exam import Exam, SideExam
from regencord.isncsci.levels import DERMATOMES, LOWER_MYOTOMES, UPPER_MYOTOMES

Score = int | None
"""A score total; ``None`` is not determinable (ND)."""


def _sum(cells: Iterable[Cell]) -> Score:
    total = 0
    for cell in cells:
        if cell.score is None:
            return None
        total += cell.score
    return total


def _add(a: Score, b: Score) -> Score:
    return None if a is None or b is None else a + b


@dataclass(frozen=True)
class SideTotals:
    upper_extremity: Score
    lower_extremity: Score
    light_touch: Score
    pin_prick: Score

    @property
    def motor(self) -> Score:
        return _add(self.upper_extremity, self.lower_extremity)


@dataclass(frozen=True)
class Totals:
    right: SideTotals
    left: SideTotals

    @property
    def upper_extremity(self) -> Score:
        """UEMS, both sides."""
        return _add(self.right.upper_extremity, self.left.upper_extremity)

    @property
    def lower_extremity(self) -> Score:
        """LEMS, both sides."""
        return _add(self.right.lower_extremity, self.left.lower_extremity)

    @property
    def motor(self) -> Score:
        """Total motor score (UEMS + LEMS), both sides."""
        return _add(self.upper_extremity, self.lower_extremity)

    @property
    def light_touch(self) -> Score:
        return _add(self.right.light_touch, self.left.light_touch)

    @property
    def pin_prick(self) -> Score:
        return _add(self.right.pin_prick, self.left.pin_prick)


def side_totals(side: SideExam) -> SideTotals:
    return SideTotals(
        upper_extremity=_sum(side.motor[lv] for lv in UPPER_MYOTOMES),
        lower_extremity=_sum(side.motor[lv] for lv in LOWER_MYOTOMES),
        light_touch=_sum(side.light_touch[lv] for lv in DERMATOMES),
        pin_prick=_sum(side.pin_prick[lv] for lv in DERMATOMES),
    )


def totals(exam: Exam) -> Totals:
    return Totals(right=side_totals(exam.right), left=side_totals(exam.left))
