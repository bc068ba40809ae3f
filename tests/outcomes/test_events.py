"""Outcome events: yes only for every possible value, no only for none."""

from __future__ import annotations

import pytest

from regencord.demo.exams import NONE, ExamSpec
from regencord.isncsci import AIS
from regencord.outcomes.events import (
    ConversionTarget,
    Verdict,
    ais_conversion,
    motor_level_gain,
    motor_level_verdict,
)
from regencord.outcomes.trajectory import trajectory
from tests.outcomes.builders import GRADE_A, GRADE_D, exam_point, participant

A, B, C, D, E = AIS.A, AIS.B, AIS.C, AIS.D, AIS.E


@pytest.mark.parametrize(
    ("before", "after", "target", "verdict"),
    [
        ({A}, {B}, ConversionTarget.ANY, Verdict.YES),
        ({A}, {A}, ConversionTarget.ANY, Verdict.NO),
        ({A}, {A, B}, ConversionTarget.ANY, Verdict.UNDETERMINED),
        ({A, B}, {B}, ConversionTarget.ANY, Verdict.UNDETERMINED),
        ({A, B}, {C}, ConversionTarget.ANY, Verdict.YES),
        ({A}, {B}, ConversionTarget.MOTOR_INCOMPLETE, Verdict.NO),
        ({A}, {C}, ConversionTarget.MOTOR_INCOMPLETE, Verdict.YES),
        ({B}, {D}, ConversionTarget.MOTOR_INCOMPLETE, Verdict.YES),
        ({C}, {D}, ConversionTarget.MOTOR_INCOMPLETE, Verdict.NO),  # already incomplete
        ({A}, {B, C}, ConversionTarget.MOTOR_INCOMPLETE, Verdict.UNDETERMINED),
        ({A}, {C}, ConversionTarget.D, Verdict.NO),
        ({A}, {D}, ConversionTarget.D, Verdict.YES),
        ({A}, {E}, ConversionTarget.D, Verdict.YES),
        ({C}, {D}, ConversionTarget.D, Verdict.YES),
        ({A}, set(), ConversionTarget.ANY, Verdict.NO_DATA),
    ],
)
def test_ais_conversion(
    before: set[AIS], after: set[AIS], target: ConversionTarget, verdict: Verdict
) -> None:
    assert ais_conversion(frozenset(before), frozenset(after), target) is verdict


def test_motor_level_gain_counts_levels_caudally() -> None:
    # C4 complete; later C6 on the right (C5, C6 grade 5... C7 0) and C5 on the left.
    later = ExamSpec(("C6", "C5"), ("55000 00000", "50000 00000"), sparing=NONE)
    t = trajectory(participant("P", (exam_point("b", 17, GRADE_A), exam_point("w52", 380, later))))
    base, last = t.points
    assert motor_level_gain(base, last, "right") == {2}
    assert motor_level_gain(base, last, "left") == {1}
    assert motor_level_verdict(base, last, min_levels=2, side="either") is Verdict.YES
    assert motor_level_verdict(base, last, min_levels=2, side="both") is Verdict.NO
    assert motor_level_verdict(base, last, min_levels=2, side="left") is Verdict.NO


def test_motor_level_stops_at_the_first_muscle_below_five() -> None:
    # C5 grade 4 (>= 3, above it intact sensation): motor level C5, one level below C4.
    t = trajectory(
        participant("P", (exam_point("b", 17, GRADE_A), exam_point("w52", 380, GRADE_D)))
    )
    base, last = t.points
    assert motor_level_gain(base, last, "right") == {1}
    assert motor_level_verdict(base, last, min_levels=2, side="either") is Verdict.NO
