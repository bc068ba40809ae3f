"""Step 5: the ASIA Impairment Scale (AIS) grade.

International Standards (2019), step 5:
- A: complete (no sacral sparing).
- B: sensory incomplete, motor complete: no voluntary anal contraction and no motor
  function more than three levels below the motor level on either side (key or non-key
  muscle functions).
- C: motor incomplete (voluntary anal contraction, or sacral sensory sparing with motor
  function more than three levels below the motor level on either side), with less than
  half of the key muscle functions below the single NLI at grade 3 or more.
- D: motor incomplete with at least half (half or more) of the key muscle functions below
  the single NLI at grade 3 or more.
- E: sensation and motor function normal in all segments (every level INT).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from regencord.isncsci.exam import SIDES, Exam
from regencord.isncsci.judgements import (
    Judgement,
    anal_yes,
    antigravity_for_grade,
    any_of,
    motor_function_for_grade,
    untagged_readings,
)
from regencord.isncsci.levels import MYOTOMES, Level, LevelValue, Marker
from regencord.isncsci.possible_values import Explained, PossibleValues, PossibleValuesBuilder
from regencord.isncsci.rules import (
    at_least_half,
    counted_non_key_muscle,
    key_muscles_below,
    more_than_three_below,
)
from regencord.isncsci.steps.completeness import Completeness, sensory_sparing


class AIS(Enum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"

    def __str__(self) -> str:
        return self.value


def _function_below(
    exam: Exam, motor_levels: dict[str, PossibleValues[LevelValue]]
) -> set[Judgement]:
    """Possible answers to 'is there motor function more than three levels below the motor
    level on either side?' (key muscles and the lowest non-key muscle)."""
    per_side: list[set[Judgement]] = []
    for side in SIDES:
        s = exam.side(side)
        answers: set[Judgement] = set()
        for ml in motor_levels[side.value]:
            if not isinstance(ml, Level):
                answers.add(Judgement(False, False))
                continue
            cells = [
                motor_function_for_grade(s.motor[m])
                for m in MYOTOMES
                if more_than_three_below(m, ml)
            ]
            nkm = counted_non_key_muscle(s.lowest_non_key_muscle)
            if nkm is not None and more_than_three_below(nkm, ml):
                cells.append((Judgement(True, False),))
            answers.update(any_of(*cells))
        per_side.append(answers)
    right, left = per_side
    return set(any_of(tuple(right), tuple(left)))


@dataclass(frozen=True)
class _Counts:
    """Key muscles below one NLI at grade 3 or more."""

    total: int
    possible: frozenset[int]
    """Every count the NT cells allow."""
    untagged: frozenset[int]
    """Every count on the answers that hold whatever the tagged cells really are."""
    tagged_cells: tuple[str, ...]
    """The counted cells whose tag a count may rest on, worded for explanations."""


def _antigravity_counts(exam: Exam, nli: Level) -> _Counts:
    """The key muscles below the NLI and the counts at grade >= 3 the NT cells and tags
    allow (adjudications T1, T7)."""
    cells = [(side, m, exam.side(side).motor[m]) for side in SIDES for m in key_muscles_below(nli)]
    possible, untagged = {0}, {0}
    tagged_cells: list[str] = []
    for side, m, cell in cells:
        judgements = antigravity_for_grade(cell)
        possible = {n + j.answer for n in possible for j in judgements}
        untagged = {n + a for n in untagged for a in untagged_readings(judgements)}
        if any(j.tagged for j in judgements):
            tagged_cells.append(f"{side.value} {m.name} {cell}")
    return _Counts(len(cells), frozenset(possible), frozenset(untagged), tuple(tagged_cells))


def asia_impairment_scale(
    exam: Exam,
    completeness: PossibleValues[Completeness],
    nli: PossibleValues[LevelValue],
    sensory_levels: dict[str, PossibleValues[LevelValue]],
    motor_levels: dict[str, PossibleValues[LevelValue]],
    grades_without_tags: frozenset[AIS] = frozenset(),
) -> Explained[AIS]:
    """Every AIS grade the exam allows, each with why. ``grades_without_tags``: the grades
    of the same exam with every non-SCI tag rejected (each tagged cell read as recorded),
    needed only when VAC is Yes and the NLI rests on a tag (A11)."""
    builder: PossibleValuesBuilder[AIS] = PossibleValuesBuilder()
    levels = [*sensory_levels.values(), *motor_levels.values()]
    if all(Marker.INT in outcome for outcome in levels):
        tag = any(o.is_tagged(Marker.INT) for o in levels)
        builder.add(AIS.E, tag, "sensory and motor function normal in all segments")
    if Completeness.COMPLETE in completeness:
        tag = completeness.is_tagged(Completeness.COMPLETE)
        builder.add(AIS.A, tag, "complete injury: no sacral sparing")
    if Completeness.INCOMPLETE not in completeness:
        return Explained.of(builder)
    incomplete_tag = completeness.is_tagged(Completeness.INCOMPLETE)
    motor_incomplete: set[tuple[Judgement, bool]] = set()
    for vac in anal_yes(exam.vac):
        if vac.answer:
            motor_incomplete.add((vac, len(anal_yes(exam.vac)) == 1))
        elif True in sensory_sparing(exam):
            # Without VAC the injury is incomplete only through sacral sensory sparing.
            motor_incomplete.update((j, False) for j in _function_below(exam, motor_levels))
    for mi, by_vac in motor_incomplete:
        # B, C and D all rest on a tagged sensory incompleteness (T9).
        tag = incomplete_tag or mi.tagged
        if mi.answer:
            builder.extend(_motor_incomplete_grades(exam, nli, tag, by_vac, grades_without_tags))
        else:
            why = (
                "sensory incomplete, motor complete: no voluntary anal contraction and no motor"
                " function more than three levels below the motor level on either side"
            )
            builder.add(AIS.B, tag, why)
    return Explained.of(builder)


def _motor_incomplete_grades(
    exam: Exam,
    nli: PossibleValues[LevelValue],
    tagged: bool,
    nli_tags_count: bool,
    grades_without_tags: frozenset[AIS],
) -> list[tuple[AIS, bool, str]]:
    """C or D for each possible NLI (docs/adjudications.md A11). Within one NLI a grade
    that holds whether or not the counted tagged muscles count is untagged (T1); across
    NLIs a grade is tagged when any NLI reaches it only through a tagged count (case 130).
    The NLI's own tag counts when motor incompleteness rests on VAC, unless the grade
    also holds at an untagged NLI or with every tag rejected (T1: it holds whether or not
    the NLI's tag is accepted)."""
    count_tagged: dict[AIS, bool] = {}
    nli_tagged: dict[AIS, bool] = {}
    at_untagged_nli: set[AIS] = set()
    reasons: dict[AIS, str] = {}
    for level in nli:
        if not isinstance(level, Level):
            continue
        counts = _antigravity_counts(exam, level)
        total = counts.total
        level_tagged = nli_tags_count and nli.is_tagged(level)
        untagged = {_grade(n, total) for n in counts.untagged}
        for count in sorted(counts.possible):
            grade = _grade(count, total)
            grade_tag = tagged or grade not in untagged
            count_tagged[grade] = count_tagged.get(grade, False) or grade_tag
            nli_tagged[grade] = nli_tagged.get(grade, False) or level_tagged
            if not level_tagged and not grade_tag:
                at_untagged_nli.add(grade)
            if grade not in reasons:
                half = "at least half" if grade is AIS.D else "less than half"
                reasons[grade] = (
                    f"motor incomplete; {count} of {total} key muscles below NLI "
                    f"{level.name} at grade 3 or more ({half})"
                )
                if counts.tagged_cells:
                    cells = ", ".join(counts.tagged_cells)
                    reasons[grade] += (
                        f"; holds whether or not the non-SCI tag of {cells} is accepted"
                        if grade in untagged
                        else f"; rests on the non-SCI tag of {cells}"
                    )
    out = []
    for grade, tag in count_tagged.items():
        untagged_elsewhere = grade in at_untagged_nli or grade in grades_without_tags
        tag = tag or (nli_tagged[grade] and not untagged_elsewhere)
        if nli_tagged[grade] and not tag:
            reasons[grade] += (
                "; holds at an NLI that rests on no non-SCI tag"
                if grade in at_untagged_nli
                else "; holds whether or not the non-SCI tags the NLI rests on are accepted"
            )
        out.append((grade, tag, reasons[grade]))
    return out


def _grade(count: int, total: int) -> AIS:
    """D when half or more of the key muscles below the NLI are at grade 3 or more."""
    return AIS.D if at_least_half(count, total) else AIS.C
