"""How one cell is judged by the classification, with NT and non-SCI tags.

Every classification step asks one of four questions of a cell: is sensation normal
(score 2), is sensation present (score > 0), is the muscle function antigravity (grade >= 3)
or normal (grade 5), and is motor function present (grade > 0). Each answer is a tuple of
``Judgement`` (answer, tagged): a definite cell has one judgement, an NT cell one per
answer it could give. ``tagged`` marks an answer that rests on a non-SCI tag (International
Standards 2019, "Non-SCI conditions"; worksheet: ``*`` = consider not normal, ``**`` =
consider normal for classification); results reached through it carry a ``*``.

All tag rules live here. Decisions on what the Standards leave open are recorded in
docs/adjudications.md (entries J1-J5).
"""

from __future__ import annotations

from typing import NamedTuple

from regencord.isncsci.cells import AnalFunction, Cell, Tag


class Judgement(NamedTuple):
    answer: bool
    tagged: bool


YES = (Judgement(True, False),)
NO = (Judgement(False, False),)
EITHER = (Judgement(True, False), Judgement(False, False))
YES_TAGGED = (Judgement(True, True),)
NO_TAGGED = (Judgement(False, True),)
EITHER_TAGGED = (Judgement(True, True), Judgement(False, True))

Judgements = tuple[Judgement, ...]


def sensory_normal(cell: Cell) -> Judgements:
    """Is sensation normal (2)? ``**`` counts as normal (tagged); NT* as not normal (tagged)."""
    if cell.tag is Tag.NORMAL:
        return YES_TAGGED
    if cell.score is None:
        return NO_TAGGED if cell.tag is Tag.NOT_NORMAL else EITHER
    return YES if cell.score == 2 else NO


def sensory_present(cell: Cell) -> Judgements:
    """Is any sensation present (> 0)? A tagged 0 or NT may hide function (J2)."""
    if cell.tag is Tag.NORMAL:
        return YES if (cell.score or 0) > 0 else YES_TAGGED
    if cell.score is None:
        return EITHER_TAGGED if cell.tag is Tag.NOT_NORMAL else EITHER
    if cell.score > 0:
        return YES
    return EITHER_TAGGED if cell.tag is Tag.NOT_NORMAL else NO


def motor_normal(cell: Cell) -> Judgements:
    """Is the key muscle function normal (5)? ``**`` counts as 5 (tagged); ``*`` never does."""
    if cell.tag is Tag.NORMAL:
        return YES_TAGGED
    if cell.tag is Tag.NOT_NORMAL:
        return NO_TAGGED if cell.score is None else NO
    if cell.score is None:
        return EITHER
    return YES if cell.score == 5 else NO


def motor_antigravity(cell: Cell) -> Judgements:
    """Is the grade at least 3? A ``*`` grade below 3 may hide antigravity strength (J3)."""
    if cell.tag is Tag.NORMAL:
        return YES_TAGGED if cell.score is not None and cell.score < 3 else YES
    if cell.score is None:
        return (Judgement(True, True), Judgement(False, False)) if cell.tag is Tag.NOT_NORMAL else EITHER
    if cell.score >= 3:
        return YES
    return (Judgement(True, True), Judgement(False, False)) if cell.tag is Tag.NOT_NORMAL else NO


def motor_present(cell: Cell) -> Judgements:
    """Is any motor function present (> 0)? A ``*`` 0 or NT may hide function (J4)."""
    if cell.tag is Tag.NORMAL:
        return YES if (cell.score or 0) > 0 else YES_TAGGED
    if cell.score is None:
        return (Judgement(True, True), Judgement(False, False)) if cell.tag is Tag.NOT_NORMAL else EITHER
    if cell.score > 0:
        return YES
    return (Judgement(True, True), Judgement(False, False)) if cell.tag is Tag.NOT_NORMAL else NO


def anal_yes(value: AnalFunction) -> Judgements:
    """Is VAC or DAP present? NT could be either."""
    if value is AnalFunction.NT:
        return EITHER
    return YES if value is AnalFunction.YES else NO
