"""Walking prognosis: the van Middendorp 2011 rule, the Hicks 2017 refits, and the observed
outcome definition.

Expected probabilities are worked out by hand from the published logistic coefficients
(no paper reachable here tabulates probabilities per score)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from regencord.isncsci import Exam
from regencord.outcomes.prognosis import (
    FULL_ITEMS,
    LIGHT_TOUCH_S1,
    MOTOR_L3,
    MOTOR_S1,
    WISCI_INDEPENDENT_LEVELS,
    WISCI_LEVELS,
    PrognosisModel,
    SideChoice,
    independent_walking,
    walking_probability,
    walking_prognosis,
    walking_score,
)
from tests.isncsci.builders import make_exam

VM = PrognosisModel.VAN_MIDDENDORP_2011
HICKS = PrognosisModel.HICKS_2017
SIMPLE = PrognosisModel.HICKS_2017_SIMPLIFIED

# Rule items below L2: motor L3/S1 and light touch L3/S1 are 0 unless set.
BELOW_L2 = {"level_right": "L2", "level_left": "L2"}


def exam(cells: dict[str, str] | None = None, **kwargs: Any) -> Exam:
    return Exam.from_praxis(make_exam(**{**BELOW_L2, **kwargs}, cells=cells))


def score(**kwargs: int) -> int:
    values = {"age": 40, "motor_l3": 0, "motor_s1": 0, "light_touch_l3": 0, "light_touch_s1": 0}
    return walking_score(**{**values, **kwargs})


# The rule -----------------------------------------------------------------------------------


def test_published_coefficients() -> None:
    """Weights -10 (age >= 65), 2, 2, 5, 5; logits 0.267*s - 3.273 (van Middendorp),
    0.125*s - 1.763 and 0.211*s - 1.425 (Hicks)."""
    assert [(i.label, i.weight) for i in FULL_ITEMS] == [
        ("motor L3", 2),
        ("motor S1", 2),
        ("light touch L3", 5),
        ("light touch S1", 5),
    ]
    assert (VM.spec.slope, VM.spec.intercept) == (0.267, -3.273)
    assert (HICKS.spec.slope, HICKS.spec.intercept) == (0.125, -1.763)
    assert (SIMPLE.spec.slope, SIMPLE.spec.intercept) == (0.211, -1.425)
    assert SIMPLE.spec.items == (MOTOR_L3, LIGHT_TOUCH_S1)
    assert VM.spec.score_bounds == HICKS.spec.score_bounds == (-10, 40)
    assert SIMPLE.spec.score_bounds == (-10, 20)


@pytest.mark.parametrize(
    ("model", "score_", "expected"),
    [
        (VM, -10, 0.0026),
        (VM, 0, 0.0365),
        (VM, 12, 0.4828),
        (VM, 13, 0.5493),
        (VM, 25, 0.9678),
        (VM, 30, 0.9913),
        (VM, 40, 0.9994),
        (HICKS, -10, 0.0468),
        (HICKS, 0, 0.1464),
        (HICKS, 20, 0.6763),
        (HICKS, 40, 0.9622),
        (SIMPLE, -10, 0.0283),
        (SIMPLE, 0, 0.1939),
        (SIMPLE, 10, 0.6649),
        (SIMPLE, 20, 0.9424),
    ],
)
def test_probability_worked_values(model: PrognosisModel, score_: int, expected: float) -> None:
    assert walking_probability(score_, model) == pytest.approx(expected, abs=5e-5)


@pytest.mark.parametrize("model", list(PrognosisModel))
def test_probability_is_the_logistic_of_the_score(model: PrognosisModel) -> None:
    low, high = model.spec.score_bounds
    probabilities = [walking_probability(s, model) for s in range(low, high + 1)]
    for s, p in zip(range(low, high + 1), probabilities, strict=True):
        logit = model.spec.intercept + model.spec.slope * s
        assert p == pytest.approx(1 / (1 + math.exp(-logit)))
    assert probabilities == sorted(probabilities)


def test_van_middendorp_probability_crosses_half_between_12_and_13() -> None:
    assert walking_probability(12) < 0.5 < walking_probability(13)


@pytest.mark.parametrize(("age", "expected"), [(18, 40), (64, 40), (65, 30), (90, 30)])
def test_score_all_normal(age: int, expected: int) -> None:
    assert score(age=age, motor_l3=5, motor_s1=5, light_touch_l3=2, light_touch_s1=2) == expected


@pytest.mark.parametrize(("age", "expected"), [(30, 0), (64, 0), (65, -10), (120, -10)])
def test_score_all_zero(age: int, expected: int) -> None:
    assert score(age=age) == expected


def test_score_weights() -> None:
    assert score(motor_l3=4, motor_s1=3, light_touch_l3=2, light_touch_s1=1) == 8 + 6 + 10 + 5
    assert score(age=70, motor_l3=1) == -8


@pytest.mark.parametrize(
    ("argument", "value"),
    [
        ("age", -1),
        ("age", 121),
        ("age", 40.0),
        ("motor_l3", 6),
        ("motor_l3", -1),
        ("motor_s1", 7),
        ("motor_s1", True),
        ("light_touch_l3", 3),
        ("light_touch_s1", -1),
        ("light_touch_s1", "2"),
    ],
)
def test_score_validation_names_argument_and_value(argument: str, value: object) -> None:
    with pytest.raises(ValueError, match=rf"^{argument} must be .* got {value!r}$"):
        score(**{argument: value})  # type: ignore[arg-type]


@pytest.mark.parametrize(("model", "bad"), [(VM, 41), (VM, -11), (SIMPLE, 21)])
def test_probability_validation(model: PrognosisModel, bad: int) -> None:
    with pytest.raises(ValueError, match=rf"^score must be .* got {bad}$"):
        walking_probability(bad, model)


# From the exam ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "age", "expected"),
    [(VM, 40, 40), (VM, 70, 30), (HICKS, 40, 40), (SIMPLE, 40, 20), (SIMPLE, 65, 10)],
)
def test_normal_exam(model: PrognosisModel, age: int, expected: int) -> None:
    p = walking_prognosis(Exam.from_praxis(make_exam()), age, model)
    assert p.determined
    assert p.score == expected
    assert p.probability == walking_probability(expected, model)
    assert p.reasons == ()


@pytest.mark.parametrize(
    ("model", "age", "expected"), [(VM, 40, 0), (VM, 70, -10), (SIMPLE, 70, -10)]
)
def test_complete_thoracic_exam(model: PrognosisModel, age: int, expected: int) -> None:
    p = walking_prognosis(exam(level_right="T10", level_left="T10"), age, model)
    assert p.score == expected


def test_better_side_per_item() -> None:
    e = exam(
        {
            "right.motor.L3": "4",
            "left.motor.L3": "2",
            "right.motor.S1": "1",
            "left.motor.S1": "3",
            "both.lightTouch.L3": "1",
            "left.lightTouch.S1": "2",
        }
    )
    p = walking_prognosis(e, 40)
    assert [(i.item, i.value, i.side) for i in p.inputs] == [
        (MOTOR_L3, 4, SideChoice.RIGHT),
        (MOTOR_S1, 3, SideChoice.LEFT),
        (FULL_ITEMS[2], 1, SideChoice.EQUAL),
        (LIGHT_TOUCH_S1, 2, SideChoice.LEFT),
    ]
    assert p.score == 2 * 4 + 2 * 3 + 5 * 1 + 5 * 2
    assert p.score == score(motor_l3=4, motor_s1=3, light_touch_l3=1, light_touch_s1=2)
    assert str(p.inputs[0].right) == "4" and str(p.inputs[0].left) == "2"


def test_sentence() -> None:
    e = exam(
        {
            "right.motor.L3": "4",
            "left.motor.S1": "3",
            "right.lightTouch.L3": "2",
            "left.lightTouch.S1": "1",
        }
    )
    assert walking_prognosis(e, 40).sentence() == (
        "van Middendorp 2011 rule: score 29 (age <65; motor L3 4, S1 3; light touch L3 2, "
        "S1 1) → 99% probability of independent walking at 1 year."
    )
    assert walking_prognosis(e, 65, SIMPLE).sentence() == (
        "Hicks 2017 simplified rule: score 3 (age ≥65; motor L3 4; light touch S1 1) "
        "→ 31% probability of independent walking at 1 year."
    )


def test_sentence_extremes() -> None:
    normal = walking_prognosis(Exam.from_praxis(make_exam()), 40).sentence()
    assert normal.endswith("score 40 (age <65; motor L3 5, S1 5; light touch L3 2, S1 2) → "
                           ">99% probability of independent walking at 1 year.")  # fmt: skip
    old = walking_prognosis(exam(level_right="T10", level_left="T10"), 80).sentence()
    assert "score -10 (age ≥65;" in old and "→ <1% probability" in old


def test_nt_one_side_gives_a_range() -> None:
    p = walking_prognosis(exam({"right.motor.L3": "NT", "left.motor.L3": "3"}), 40)
    assert not p.determined
    assert p.score is None and p.probability is None
    assert p.score_range == (6, 10)
    assert p.probability_range == (walking_probability(6), walking_probability(10))
    assert p.inputs[0].side is SideChoice.OPEN
    assert (p.inputs[0].low, p.inputs[0].high, p.inputs[0].value) == (3, 5, None)
    assert p.reasons == ("right motor L3 is NT",)
    assert p.sentence() == (
        "van Middendorp 2011 rule: score 6 to 10 (age <65; motor L3 3–5 (NT), S1 0; "
        "light touch L3 0, S1 0) → 16–35% probability of independent walking at 1 year; "
        "not determined: right motor L3 is NT."
    )


def test_nt_both_sides_and_several_items() -> None:
    cells = {"both.motor.S1": "NT", "left.lightTouch.L3": "NT*", "right.lightTouch.L3": "1"}
    p = walking_prognosis(exam(cells), 70)
    assert p.score_range == (-10 + 5, -10 + 2 * 5 + 5 * 2)
    assert p.reasons == (
        "right motor S1 is NT",
        "left motor S1 is NT",
        "left light touch L3 is NT*",
    )


def test_nt_beside_a_normal_side_is_determined() -> None:
    p = walking_prognosis(exam({"right.motor.L3": "NT", "left.motor.L3": "5"}), 40)
    assert p.determined and p.score == 10
    assert p.inputs[0].side is SideChoice.LEFT
    assert p.reasons == ()


def test_nt_outside_the_model_items_is_ignored() -> None:
    cells = {"both.motor.S1": "NT", "both.lightTouch.L3": "NT", "both.motor.L4": "NT"}
    assert walking_prognosis(exam(cells), 40, SIMPLE).determined
    assert not walking_prognosis(exam(cells), 40, VM).determined


def test_tagged_cells_use_the_recorded_score_and_are_noted() -> None:
    p = walking_prognosis(exam({"right.motor.L3": "3*", "left.motor.L3": "2**"}), 40)
    assert p.score == 6
    assert p.notes == ("right motor L3 is 3* (non-SCI condition); the recorded score is used",)


def test_age_validation_and_minor_note() -> None:
    with pytest.raises(ValueError, match=r"^age must be an integer from 0 to 120, got 130$"):
        walking_prognosis(exam(), 130)
    assert walking_prognosis(exam(), 16).notes == (
        "age 16 is under 18: the rule was derived in adults",
    )


def test_citation() -> None:
    p = walking_prognosis(exam(), 40)
    assert p.citation.startswith("van Middendorp JJ") and "Lancet. 2011;377" in p.citation
    assert "Spine J. 2017;17(10):1383-1392" in walking_prognosis(exam(), 40, HICKS).citation
    assert "secondary" in VM.spec.coefficient_source


# Observed outcome ---------------------------------------------------------------------------


def test_wisci_levels() -> None:
    assert sorted(WISCI_LEVELS) == list(range(21))
    assert WISCI_LEVELS[9] == "walker, braces, no physical assistance, 10 m"
    assert WISCI_LEVELS[0].startswith("unable to stand")
    assert sorted(WISCI_INDEPENDENT_LEVELS) == [9, 12, 13, 15, 16, 18, 19, 20]


@pytest.mark.parametrize(
    ("wisci", "expected"),
    [
        (0, False),
        (5, False),  # parallel bars, no physical assistance
        (8, False),
        (9, True),
        (9.0, True),
        (14, False),
        (17, False),  # no devices, but physical assistance of one person
        (18, True),
        (20, True),
    ],
)
def test_independent_walking_from_wisci(wisci: float, expected: bool) -> None:
    assert independent_walking(wisci, None) is expected


@pytest.mark.parametrize(
    ("grade", "expected"), [(0, False), (2, False), (3, False), (4, True), (8, True)]
)
def test_independent_walking_from_scim_item_12(grade: int, expected: bool) -> None:
    assert independent_walking(None, grade) is expected


def test_scim_is_preferred_over_wisci() -> None:
    assert independent_walking(20, 2) is False
    assert independent_walking(0, 5) is True
    assert independent_walking(None, None) is None


@pytest.mark.parametrize(
    ("wisci", "scim", "argument"),
    [
        (9.5, None, "wisci"),
        (21, None, "wisci"),
        (-1, None, "wisci"),
        (None, 9, "scim_indoor_mobility"),
    ],
)
def test_independent_walking_validation(
    wisci: float | None, scim: int | None, argument: str
) -> None:
    with pytest.raises(ValueError, match=f"^{argument} must be"):
        independent_walking(wisci, scim)
