"""How one cell is judged by the classification, with NT and non-SCI tags.

Every classification step asks one of four questions of a cell: is sensation normal
(score 2), is sensation present (score > 0), is the muscle function antigravity (grade >= 3)
or normal (grade 5), and is motor function present (grade > 0). Each answer is a tuple of
``Judgement`` (answer, tagged): a definite cell has one judgement, an NT cell one per
answer it could give. ``tagged`` marks an answer that rests on a non-SCI tag (International
Standards 2019, "Non-SCI conditions"; worksheet: ``*`` = consider not normal, ``**`` =
consider normal for classification); results reached through it carry a ``*``.

All tag rules live here. Decisions on what the Standards leave open are recorded in
docs/adjudications.md (entries T1-T7).
"""

from __future__ import annotations

from functools import cache
from itertools import product
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
HIDDEN_YES = (Judgement(True, True), Judgement(False, False))
"""A ``*`` score below the threshold: as recorded (no), or hiding function (yes, tagged)."""
RECORDED_TAGGED = (Judgement(True, False), Judgement(False, True))
"""The AIS step's reading of the same: hidden function (yes), or the recorded score (tagged)."""

Judgements = tuple[Judgement, ...]


@cache
def sensory_normal(cell: Cell) -> Judgements:
    """Is sensation normal (2)? ``**`` counts as normal (tagged); NT* as not normal (tagged)."""
    if cell.tag is Tag.NORMAL:
        return YES_TAGGED
    if cell.score is None:
        return NO_TAGGED if cell.tag is Tag.NOT_NORMAL else EITHER
    return YES if cell.score == 2 else NO


@cache
def dermatome_intact(light_touch: Cell, pin_prick: Cell) -> Judgements:
    """Are light touch and pin prick both normal? An NT** beside a plain NT leaves the
    dermatome open either way, so it is not relied upon (adjudication T3)."""
    lt, pp = sensory_normal(light_touch), sensory_normal(pin_prick)
    if _plain_nt(light_touch) and _soft_normal(pin_prick):
        pp = YES
    if _plain_nt(pin_prick) and _soft_normal(light_touch):
        lt = YES
    out: dict[Judgement, None] = {}
    for a in lt:
        for b in pp:
            if a.answer and b.answer:
                out[Judgement(True, a.tagged or b.tagged)] = None
            else:
                failing = [j for j in (a, b) if not j.answer]
                out[Judgement(False, all(j.tagged for j in failing))] = None
    return tuple(out)


def _plain_nt(cell: Cell) -> bool:
    return cell.score is None and cell.tag is Tag.NONE


def _soft_normal(cell: Cell) -> bool:
    return cell.score is None and cell.tag is Tag.NORMAL


def _present(cell: Cell, hidden: Judgements) -> Judgements:
    """Is the score above 0? ``**`` counts as present (tagged when the score is 0); a ``*`` 0
    answers ``hidden``; NT may be either."""
    if cell.tag is Tag.NORMAL:
        return YES_TAGGED if cell.score == 0 else YES
    if cell.score is None:
        return EITHER
    if cell.score > 0:
        return YES
    return hidden if cell.tag is Tag.NOT_NORMAL else NO


@cache
def sensory_present(cell: Cell) -> Judgements:
    """Is any sensation present (> 0)? A ``*`` 0 may hide sensation; both answers rest on
    the tag (adjudication T4). ``0**`` is present only through its tag, so a sensory ZPP
    found there is tagged (T8, a divergence from the reference)."""
    return _present(cell, EITHER_TAGGED)


@cache
def motor_normal(cell: Cell) -> Judgements:
    """Is the key muscle function normal (5)? ``**`` counts as 5 (tagged); ``*`` never does."""
    if cell.tag is Tag.NORMAL:
        return YES_TAGGED
    if cell.tag is Tag.NOT_NORMAL:
        return NO_TAGGED if cell.score is None else NO
    if cell.score is None:
        return EITHER
    return YES if cell.score == 5 else NO


@cache
def motor_antigravity(cell: Cell) -> Judgements:
    """Is the grade at least 3? A ``*`` grade below 3 may hide antigravity strength
    (adjudication T5)."""
    if cell.tag is Tag.NORMAL:
        return YES_TAGGED if cell.score is not None and cell.score < 3 else YES
    if cell.score is None:
        return HIDDEN_YES if cell.tag is Tag.NOT_NORMAL else EITHER
    if cell.score >= 3:
        return YES
    return HIDDEN_YES if cell.tag is Tag.NOT_NORMAL else NO


@cache
def motor_present(cell: Cell) -> Judgements:
    """Is any motor function present (> 0)? A ``*`` 0 may hide function (adjudication T6)."""
    return _present(cell, HIDDEN_YES)


@cache
def motor_function_for_grade(cell: Cell) -> Judgements:
    """Is motor function present (> 0), as the AIS step judges it: a ``*`` 0 may hide
    function, and it is the recorded 0 that is tagged (adjudication T7)."""
    if cell.tag is Tag.NOT_NORMAL and cell.score == 0:
        return RECORDED_TAGGED
    if cell.tag is Tag.NOT_NORMAL and cell.score is None:
        return EITHER
    return motor_present(cell)


@cache
def antigravity_for_grade(cell: Cell) -> Judgements:
    """Is the grade at least 3, as the AIS step counts it: a ``*`` grade below 3 may hide
    antigravity strength, and it is the recorded grade that is tagged (adjudication T7)."""
    if cell.tag is Tag.NOT_NORMAL and cell.score is not None and cell.score < 3:
        return RECORDED_TAGGED
    if cell.tag is Tag.NOT_NORMAL and cell.score is None:
        return EITHER
    return motor_antigravity(cell)


def untagged_readings(judgements: Judgements) -> frozenset[bool]:
    """The answers a cell gives whatever its tagged value really is (adjudication T1): its
    untagged answers, or, when every answer rests on the tag, the answers the tag overrides
    (``1**`` at grade >= 3: the recorded 1, i.e. no). A result that holds on these answers
    holds whether or not the tag is accepted, so it is not tagged."""
    plain = frozenset(j.answer for j in judgements if not j.tagged)
    return plain or frozenset(not j.answer for j in judgements)


@cache
def any_of(*questions: Judgements) -> frozenset[Judgement]:
    """Answers of 'is any of these present?': yes (tagged only if every 'yes' relied on is
    tagged: an untagged 'yes' elsewhere makes a tagged one irrelevant, T1 and T10), or no
    (tagged if any 'no' is)."""
    out: set[Judgement] = set()
    for combo in product(*questions):
        present = [j for j in combo if j.answer]
        if present:
            out.add(Judgement(True, all(j.tagged for j in present)))
        else:
            out.add(Judgement(False, any(j.tagged for j in combo)))
    return frozenset(out)


def anal_yes(value: AnalFunction) -> Judgements:
    """Is VAC or DAP present? NT could be either."""
    if value is AnalFunction.NT:
        return EITHER
    return YES if value is AnalFunction.YES else NO
