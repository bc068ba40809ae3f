"""The synthetic exam generator: valid, deterministic, realistic enough."""

from __future__ import annotations

import random
import statistics
from collections import Counter
from typing import Any

import pytest

from regencord.isncsci import AIS, Exam, Level, classify
from regencord.isncsci.synthetic import (
    PATTERNS,
    Pattern,
    generate_exam,
    generate_exams,
    synthetic_id,
)
from tests.isncsci.strategies import GRIDS, SIDES, nt_paths

NKM = "lowestNonKeyMuscleWithMotorFunction"


def _cells(exam: dict[str, Any]) -> list[tuple[str, str]]:
    return [(grid, v) for side in SIDES for grid in GRIDS for v in exam[side][grid].values()]


def test_ids_and_count() -> None:
    exams = generate_exams(12, seed=3)
    assert [e["id"] for e in exams] == [f"SYN-{i:06d}" for i in range(1, 13)]
    assert synthetic_id(7) == "SYN-000007"
    assert generate_exams(0, seed=3) == []


def test_deterministic_for_a_seed() -> None:
    kw: dict[str, Any] = {"nt_rate": 0.05, "tag_rate": 0.05, "non_key_rate": 0.3}
    assert generate_exams(50, seed=11, **kw) == generate_exams(50, seed=11, **kw)
    assert generate_exams(50, seed=11, **kw) != generate_exams(50, seed=12, **kw)
    assert generate_exams(50, seed=11, **kw)[:20] == generate_exams(20, seed=11, **kw)
    assert generate_exam(random.Random(5)) == generate_exam(random.Random(5))


@pytest.mark.parametrize(
    "rates",
    [
        {},
        {"nt_rate": 0.03, "tag_rate": 0.02, "non_key_rate": 0.1},
        {"nt_rate": 0.5, "tag_rate": 0.5, "non_key_rate": 1.0},
        {"nt_rate": 1.0, "tag_rate": 1.0},
    ],
)
def test_every_exam_is_valid_and_round_trips(rates: dict[str, float]) -> None:
    for raw in generate_exams(300, seed=1, **rates):
        exam = Exam.from_praxis(raw)
        assert exam.to_praxis() == raw


def test_no_nt_tags_or_non_key_muscles_unless_asked() -> None:
    for exam in generate_exams(300, seed=2):
        assert not nt_paths(exam)
        assert all("*" not in v for _, v in _cells(exam))
        assert all(NKM not in exam[side] for side in SIDES)


def test_tags_only_on_below_normal_or_nt_cells() -> None:
    tagged = 0
    for exam in generate_exams(300, seed=4, nt_rate=0.1, tag_rate=0.2):
        for grid, value in _cells(exam):
            if "*" in value:
                tagged += 1
                score = value.rstrip("*")
                assert score == "NT" or int(score) < (5 if grid == "motor" else 2)
                assert value.count("*") in (1, 2)
    assert tagged > 100


def test_rates_are_roughly_respected() -> None:
    exams = generate_exams(400, seed=5, nt_rate=0.05, non_key_rate=0.5)
    cells = [v for e in exams for _, v in _cells(e)]
    nt_share = sum(v == "NT" for v in cells) / len(cells)
    assert 0.04 <= nt_share <= 0.12  # single cells at 5%, plus some whole limbs
    nkm_share = sum(NKM in e[side] for e in exams for side in SIDES) / (2 * len(exams))
    assert 0.4 <= nkm_share <= 0.6
    vac_nt = sum(e["voluntaryAnalContraction"] == "NT" for e in exams) / len(exams)
    assert 0.02 <= vac_nt <= 0.2


def test_non_key_muscles_are_valid_levels() -> None:
    for exam in generate_exams(200, seed=6, non_key_rate=1.0):
        for side in SIDES:
            assert Level.C5 <= Level.parse(exam[side][NKM]) <= Level.S1


def test_injury_levels_and_grades_look_like_a_registry() -> None:
    results = [classify(Exam.from_praxis(e)) for e in generate_exams(1000, seed=7)]
    nli = [r.neurological_level.value for r in results]
    cervical = sum(isinstance(v, Level) and v <= Level.C8 for v in nli) / len(nli)
    assert 0.45 <= cervical <= 0.65
    grades = Counter(r.ais.value for r in results)
    assert set(grades) == set(AIS)
    assert 0.005 <= grades[AIS.E] / len(results) <= 0.08
    assert 0.25 <= grades[AIS.A] / len(results) <= 0.5
    high = sum(isinstance(v, Level) and v <= Level.C3 for v in nli)
    assert 0 < high < 0.1 * len(results)


@pytest.mark.parametrize(
    ("pattern", "grades"),
    [
        ("normal", {AIS.E}),
        ("complete", {AIS.A}),
        ("sensory_incomplete", {AIS.B}),
    ],
)
def test_forced_patterns(pattern: Pattern, grades: set[AIS]) -> None:
    rng = random.Random(8)
    found = Counter(
        classify(Exam.from_praxis(generate_exam(rng, pattern=pattern))).ais.value
        for _ in range(200)
    )
    share = sum(found[g] for g in grades) / 200
    assert share >= 0.9, found


def test_motor_incomplete_patterns_are_c_or_d() -> None:
    rng = random.Random(9)
    patterns: tuple[Pattern, ...] = (
        "motor_incomplete_weak",
        "motor_incomplete_strong",
        "central_cord",
    )
    for pattern in patterns:
        found = Counter(
            classify(Exam.from_praxis(generate_exam(rng, pattern=pattern))).ais.value
            for _ in range(200)
        )
        assert (found[AIS.C] + found[AIS.D]) / 200 >= 0.85, (pattern, found)


def test_central_cord_arms_weaker_than_legs() -> None:
    rng = random.Random(10)
    totals = [
        classify(Exam.from_praxis(generate_exam(rng, pattern="central_cord"))).totals
        for _ in range(200)
    ]
    uems = statistics.mean(t.upper_extremity or 0 for t in totals)
    lems = statistics.mean(t.lower_extremity or 0 for t in totals)
    assert uems < lems


def test_patterns_are_weighted() -> None:
    assert {p for p, _ in PATTERNS} == {
        "normal",
        "complete",
        "sensory_incomplete",
        "motor_incomplete_weak",
        "motor_incomplete_strong",
        "central_cord",
    }


@pytest.mark.parametrize("bad", [{"nt_rate": -0.1}, {"tag_rate": 1.5}, {"non_key_rate": 2.0}])
def test_bad_rates_are_rejected(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        generate_exam(random.Random(0), **bad)


def test_negative_n_is_rejected() -> None:
    with pytest.raises(ValueError):
        generate_exams(-1, seed=0)
