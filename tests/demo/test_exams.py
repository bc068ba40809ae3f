"""The demo's generated exams against the engine: each classifies to the grade, level and
motor scores it is meant to show."""

from __future__ import annotations

import pytest

from regencord.demo.exams import BROAD, NONE, SACRAL, ExamSpec, praxis_exam
from regencord.demo.scenario import P01, PARTICIPANTS, ParticipantCourse, VisitPlan
from regencord.isncsci import AIS, Classification, Exam, Level, classify

PLANS = [(c, v) for c in PARTICIPANTS for v in c.visits]


def graded(spec: ExamSpec) -> Classification:
    return classify(Exam.from_praxis(praxis_exam(spec)))


@pytest.mark.parametrize(
    ("course", "plan"), PLANS, ids=[f"{c.study_id}-{v.visit}" for c, v in PLANS]
)
def test_each_exam_grades_as_intended(course: ParticipantCourse, plan: VisitPlan) -> None:
    result = graded(plan.exam)
    assert result.ais.value is AIS(plan.ais)
    assert result.nli.value is Level.parse(course.nli)
    assert result.totals.upper_extremity == plan.exam.uems
    assert result.totals.lower_extremity == plan.exam.lems


def test_baselines_are_complete_at_the_intended_level() -> None:
    for course in PARTICIPANTS:
        for plan in course.visits[:2]:  # screening and baseline
            result = graded(plan.exam)
            assert result.ais.value is AIS.A, (course.study_id, plan.visit)
            assert result.nli.value is Level.parse(course.nli)
            assert Level.C4 <= result.nli.value <= Level.T10


def test_p01_walks_at_week_52() -> None:
    result = graded(P01.final.exam)
    assert result.ais.value is AIS.D
    assert result.totals.lower_extremity == 26
    assert P01.final.wisci == 9


def test_an_exam_has_all_134_values_as_strings() -> None:
    exam = praxis_exam(P01.final.exam)
    cells = [
        value
        for side in ("right", "left")
        for grid in ("motor", "lightTouch", "pinPrick")
        for value in exam[side][grid].values()
    ]
    assert len(cells) + 2 == 134
    assert all(isinstance(v, str) for v in cells)
    assert (exam["voluntaryAnalContraction"], exam["deepAnalPressure"]) == ("Yes", "Yes")
    assert praxis_exam(P01.final.exam) == exam  # deterministic


def test_sensation_follows_level_zone_and_sparing() -> None:
    spec = ExamSpec(("C4", "C5"), ("10000 00000", "30000 00000"), zone=(2, 1), sparing=SACRAL)
    right, left = praxis_exam(spec)["right"], praxis_exam(spec)["left"]
    assert [right["lightTouch"][lv] for lv in ("C4", "C5", "C6", "C7", "S3", "S4_5")] == [
        "2", "1", "1", "0", "0", "1",
    ]  # fmt: skip
    assert [right["pinPrick"][lv] for lv in ("C5", "C6", "S4_5")] == ["1", "0", "0"]
    assert [left["lightTouch"][lv] for lv in ("C5", "C6", "C7")] == ["2", "1", "0"]
    broad = praxis_exam(ExamSpec(("T6", "T6"), ("55555 00000",) * 2, sparing=BROAD))
    assert broad["left"]["pinPrick"]["L3"] == "1"


def test_the_engine_decides_not_the_sketch() -> None:
    """Sacral sensation alone is B; with leg movement far below the level it is C."""
    sensory = ExamSpec(("C4", "C4"), ("10000 00000",) * 2, sparing=SACRAL)
    assert graded(sensory).ais.value is AIS.B
    moving = ExamSpec(("C4", "C4"), ("10000 10000", "10000 00000"), sparing=SACRAL)
    assert graded(moving).ais.value is AIS.C
    assert graded(ExamSpec(("C4", "C4"), ("10000 10000",) * 2, sparing=NONE)).ais.value is AIS.A


@pytest.mark.parametrize("motor", ["1000000000 0", "10000 0000", "6000000000"])
def test_motor_must_be_ten_grades(motor: str) -> None:
    with pytest.raises(ValueError, match="ten grades"):
        ExamSpec(("C4", "C4"), (motor, "0000000000")).grades(0)
