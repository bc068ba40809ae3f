"""Efficacy against natural history: cohorts, matched rows, exact comparisons."""

from __future__ import annotations

from scipy import stats

from regencord.demo.exams import ExamSpec
from regencord.outcomes.efficacy import cohort_efficacy, cohorts
from regencord.outcomes.natural_history import NaturalHistoryOutcome, load_benchmarks
from regencord.outcomes.trajectory import Metric, Trajectory, trajectory
from tests.outcomes.builders import GRADE_A, GRADE_B, GRADE_C, GRADE_D, exam_point, participant


def _keio_like() -> list[Trajectory]:
    a = exam_point("baseline", 17, GRADE_A)
    ends = [GRADE_D, GRADE_C, GRADE_B, GRADE_A]
    return [
        trajectory(participant(f"P0{i + 1}", (a, exam_point("week 52", 382, end))))
        for i, end in enumerate(ends)
    ]


def test_cohort_is_the_shared_baseline_grade_level_group_and_latest_baseline_day() -> None:
    groups, left_out = cohorts(_keio_like())
    assert left_out == []
    (cohort,) = groups
    assert (cohort.baseline_ais, cohort.level_group, cohort.baseline_day) == ("A", "cervical", 17)
    assert cohort.describe() == (
        "4 participants with AIS A at baseline (4 cervical); baseline exam 17–17 days after injury"
    )


def test_two_of_four_to_motor_incomplete_against_kirshblum_2016() -> None:
    (cohort,) = cohorts(_keio_like())[0]
    eff = cohort_efficacy(cohort, load_benchmarks())
    conv = {c.outcome: c for c in eff.conversions}
    mi = conv[NaturalHistoryOutcome.TO_MOTOR_INCOMPLETE]
    assert (mi.k, mi.n) == (2, 4)
    by_source = {row.source: cmp for row, cmp in mi.comparisons}
    k2016 = by_source["Kirshblum 2016 (SCIMS)"]
    p = 0.171
    assert abs(k2016.p_at_least - (1 - (1 - p) ** 4 - 4 * p * (1 - p) ** 3)) < 1e-12
    assert round(k2016.p_at_least, 2) == 0.14
    assert "2 of 4 (50%, 95% CI 6.8–93.2%)" in k2016.sentence()
    # Marino 1999 (<= 7 days) cannot match a cohort examined at day 17.
    assert all(m.row.source != "Marino 1999 (SCIMS)" for m in mi.screened if m.included)
    assert conv[NaturalHistoryOutcome.ANY_CONVERSION].k == 3
    assert conv[NaturalHistoryOutcome.TO_D].k == 1


def test_motor_change_positions_use_the_cervical_row() -> None:
    (cohort,) = cohorts(_keio_like())[0]
    eff = cohort_efficacy(cohort, load_benchmarks())
    uems = [m for m in eff.motor if m.metric is Metric.UEMS]
    assert [m.study_id for m in uems] == ["P01", "P02", "P03", "P04"]
    p01 = uems[0]
    assert (p01.row.mean, p01.row.sd) == (7.8, 6.5)
    z = (GRADE_D.uems - 7.8) / 6.5
    assert abs(p01.position.z - z) < 1e-12
    assert abs(p01.position.percentile - 100 * stats.norm.cdf(z)) < 1e-9


def test_undetermined_baseline_is_left_out() -> None:
    from tests.outcomes.builders import with_nt

    nt = exam_point("baseline", 17, with_nt(GRADE_A, ("left", "pinPrick", "S4_5")))
    t = trajectory(participant("P09", (nt,)))
    groups, left_out = cohorts([*_keio_like(), t])
    assert left_out == ["P09"] and len(groups[0].members) == 4


def test_mixed_levels_compare_conversion_on_all_levels_and_motor_per_participant() -> None:
    thoracic_a = ExamSpec(("T6", "T6"), ("55555 00000", "55555 00000"))
    thoracic = trajectory(
        participant(
            "P05",
            (exam_point("baseline", 20, thoracic_a), exam_point("week 52", 382, thoracic_a)),
        )
    )
    (cohort,) = cohorts([*_keio_like(), thoracic])[0]
    assert cohort.level_group == "all"
    eff = cohort_efficacy(cohort, load_benchmarks())
    mi = next(c for c in eff.conversions if c.outcome is NaturalHistoryOutcome.TO_MOTOR_INCOMPLETE)
    assert all(row.level_group == "all" for row, _ in mi.comparisons)
    placed = {(m.study_id, m.metric) for m in eff.motor}
    assert ("P01", Metric.UEMS) in placed and ("P05", Metric.UEMS) not in placed


def test_intact_or_ambiguous_nli_has_no_level_group() -> None:
    from regencord.demo.exams import Sparing
    from regencord.outcomes.efficacy import level_group

    normal = ExamSpec(
        ("S4_5", "S4_5"),
        ("55555 55555", "55555 55555"),
        sparing=Sparing(sacral=(2, 2), vac=True, dap=True),
    )
    point = trajectory(participant("P", (exam_point("baseline", 17, normal),))).baseline
    assert point is not None and point.nli == "INT"
    assert level_group(point) is None
    (cohort,) = cohorts([trajectory(participant("P", (exam_point("baseline", 17, normal),)))])[0]
    assert (cohort.baseline_ais, cohort.level_group) == ("E", "all")
    assert "1 level not determined" in cohort.describe()
