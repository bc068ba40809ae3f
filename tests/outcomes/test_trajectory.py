"""Trajectories: points per visit, values from the engine, change from baseline."""

from __future__ import annotations

from regencord.isncsci import AIS
from regencord.outcomes.trajectory import Metric, trajectory
from tests.outcomes.builders import (
    GRADE_A,
    GRADE_C,
    GRADE_D,
    exam_point,
    measure,
    participant,
    with_nt,
)


def test_sketched_exams_classify_as_intended() -> None:
    for spec, grade in ((GRADE_A, AIS.A), (GRADE_C, AIS.C), (GRADE_D, AIS.D)):
        point = exam_point("v", 10, spec)
        assert set(point.result.ais) == {grade}


def test_points_in_time_order_with_exams_and_measures_joined_by_visit() -> None:
    p = participant(
        "P01",
        (exam_point("week 52", 380, GRADE_D), exam_point("baseline", 17, GRADE_A)),
        (
            measure("baseline", 17, "wisci", 0),
            measure("week 52", 381, "wisci", 9),
            measure("week 52", 381, "ten_metre_walk", 25.0),
            measure("week 24", 200, "scim", 40, scim_items={"mobility_indoors": 2}),
        ),
    )
    t = trajectory(p)
    assert [pt.visit for pt in t.points] == ["baseline", "week 24", "week 52"]
    assert t.baseline is t.points[0] and t.latest is t.points[2]
    week24 = t.points[1]
    assert week24.exam is None and week24.ais_text == "-" and week24.day == 200
    assert week24.scim_indoor_mobility() == 2
    assert t.points[2].value(Metric.TEN_MWT_SPEED) == 10 / 25.0


def test_change_from_baseline_uses_the_engine_totals() -> None:
    base, last = exam_point("baseline", 17, GRADE_A), exam_point("week 52", 380, GRADE_D)
    t = trajectory(participant("P01", (base, last), (measure("baseline", 17, "wisci", 0),)))
    lems = GRADE_D.lems  # 33 + 33 - 2 as sketched
    assert last.result.totals.lower_extremity == lems
    assert t.change(Metric.LEMS, t.points[-1]) == lems
    assert t.change(Metric.UEMS, t.points[-1]) == GRADE_D.uems
    assert t.change(Metric.WISCI, t.points[-1]) is None  # no WISCI at week 52
    assert t.series(Metric.LEMS) == [(17, 0), (380, lems)]


def test_score_left_open_by_nt_is_none_never_zero() -> None:
    nt = exam_point("week 52", 380, with_nt(GRADE_D, ("right", "motor", "L2")))
    t = trajectory(participant("P01", (exam_point("baseline", 17, GRADE_A), nt)))
    assert t.points[-1].value(Metric.LEMS) is None
    assert t.change(Metric.LEMS, t.points[-1]) is None
    assert t.points[-1].value(Metric.UEMS) == GRADE_D.uems
    assert t.latest_value(Metric.LEMS) == 0  # the last determinable value is the baseline's
