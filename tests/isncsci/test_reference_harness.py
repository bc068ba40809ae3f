"""The comparison harness itself: notation, completions, generator, and the oracle's two
modes agreeing with each other."""

from __future__ import annotations

import copy
import itertools
import random
from typing import Any

import pytest

from regencord.isncsci.synthetic import generate_exam
from tests.isncsci.reference.compare import REFERENCE_MISSES, REFERENCE_TAGS, _verdict
from tests.isncsci.reference.completions import (
    Reach,
    completion_choices,
    completion_count,
    exactness_problems,
    reference_unions,
    reference_witnesses,
)
from tests.isncsci.reference.generator import CATEGORIES, generate
from tests.isncsci.reference.notation import (
    CLASSIFICATION_FIELDS,
    FIELDS,
    flatten,
    normalise,
    untagged,
)
from tests.isncsci.reference.oracle import classify_reference, require_reference


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("C6*,C5", "C5,C6*"),
        (" C5 , C6* ", "C5,C6*"),
        ("C5,C5", "C5"),
        ("NA,S1*", "S1*,NA"),
        ("INT,S3,C1", "C1,S3,INT"),
        ("D*,B,C", "B,C,D*"),
        ("C5*,C5", "C5,C5*"),
        ("ND", "ND"),
        (12, "12"),
    ],
)
def test_normalise_changes_notation_only(value: object, expected: str) -> None:
    assert normalise(value) == expected


def test_normalise_keeps_tags_and_nd_distinct() -> None:
    assert normalise("C5") != normalise("C5*")
    assert normalise("ND") != normalise("0")
    assert untagged("C5,C6*,C6**") == {"C5", "C6"}


def test_there_are_25_fields() -> None:
    assert len(FIELDS) == len(set(FIELDS)) == 25
    assert len(CLASSIFICATION_FIELDS) == 11


def test_flatten_marks_a_missing_field() -> None:
    flat = flatten({"classification": {"injuryComplete": "C"}, "totals": {}})
    assert flat["injuryComplete"] == "C"
    assert flat["ASIAImpairmentScale"] == "<missing>"


def _exam_with(cells: dict[tuple[str, ...], str]) -> dict[str, Any]:
    exam = generate_exam(random.Random(1), pattern="normal")
    for path, value in cells.items():
        node = exam
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return exam


def test_completions_of_plain_and_tagged_nt() -> None:
    exam = _exam_with(
        {
            ("right", "motor", "C5"): "NT",
            ("left", "motor", "L2"): "NT*",
            ("right", "lightTouch", "T4"): "NT**",
            ("left", "pinPrick", "S1"): "NT",
            ("deepAnalPressure",): "NT",
        }
    )
    choices = {tuple(path): values for path, values in completion_choices(exam)}
    assert choices == {
        ("right", "motor", "C5"): ["0", "1", "2", "3", "4", "5"],
        ("left", "motor", "L2"): ["0*", "1*", "2*", "3*", "4*"],
        ("right", "lightTouch", "T4"): ["0**", "1**"],
        ("left", "pinPrick", "S1"): ["0", "1", "2"],
        ("deepAnalPressure",): ["Yes", "No"],
    }
    assert completion_count(exam) == 6 * 5 * 2 * 3 * 2


def test_exactness_problems_name_missing_and_extra() -> None:
    ours = dict.fromkeys(FIELDS, "A")
    ours["ASIAImpairmentScale"] = "B*,C"
    union = {f: frozenset({"A"}) for f in CLASSIFICATION_FIELDS}
    union["ASIAImpairmentScale"] = frozenset({"B", "D"})
    assert exactness_problems(ours, union) == {
        "ASIAImpairmentScale": (frozenset({"D"}), frozenset({"C"}))
    }


def test_generator_is_seeded_and_categories_have_their_cells() -> None:
    for category in CATEGORIES:
        assert generate(category, 30, seed=5) == generate(category, 30, seed=5)
        assert generate(category, 30, seed=5)[:10] == generate(category, 10, seed=5)

    def cells(category: str) -> list[str]:
        return [
            str(v)
            for e in generate(category, 200, seed=3)
            for side in ("right", "left")
            for grid in ("motor", "lightTouch", "pinPrick")
            for v in e[side][grid].values()
        ]

    assert not any("NT" in c or "*" in c for c in cells("plain"))
    assert any("NT" in c for c in cells("nt")) and not any("*" in c for c in cells("nt"))
    assert any("*" in c for c in cells("tags")) and not any("NT" in c for c in cells("tags"))
    assert any(c.startswith("NT*") for c in cells("mixed"))


def test_the_reference_classifies_a_normal_exam() -> None:
    require_reference()
    run = classify_reference([_exam_with({})])
    flat = run.flat[0]
    assert flat["ASIAImpairmentScale"] == "E"
    assert flat["neurologicalLevelOfInjury"] == "INT"
    assert flat["totals.upperExtremity"] == "50"
    assert run.seconds > 0


def test_the_unions_are_the_union_of_each_completion_classified() -> None:
    require_reference()
    exam = _exam_with(
        {
            ("right", "motor", "C6"): "NT",
            ("right", "motor", "C7"): "0",
            ("right", "motor", "C8"): "0",
            ("right", "lightTouch", "C7"): "NT*",
            ("voluntaryAnalContraction",): "NT",
        }
    )
    choices = completion_choices(exam)
    completed = []
    for combination in itertools.product(*(values for _, values in choices)):
        e = copy.deepcopy(exam)
        for (path, _), value in zip(choices, combination, strict=True):
            node: Any = e
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
        completed.append(e)
    assert len(completed) == completion_count(exam) == 6 * 2 * 2
    each = classify_reference(completed).flat
    [union] = reference_unions([exam])
    for field in CLASSIFICATION_FIELDS:
        assert union[field] == frozenset().union(*(untagged(r[field]) for r in each))


def test_sampled_witnesses_are_reachable_values() -> None:
    require_reference()
    exam = _exam_with(
        {
            ("left", "motor", "L3"): "NT",
            ("left", "motor", "L4"): "0",
            ("left", "pinPrick", "L3"): "NT",
            ("deepAnalPressure",): "NT",
        }
    )
    [union] = reference_unions([exam])
    [witnessed] = reference_witnesses([exam], sample=10, seed=3)
    assert witnessed == reference_witnesses([exam], sample=10, seed=3)[0]
    for field in CLASSIFICATION_FIELDS:
        assert witnessed[field] <= union[field]


def test_a_difference_is_the_references_miss_only_when_completions_prove_it() -> None:
    field = "zoneOfPartialPreservations.motorRight"
    exam = _exam_with({("right", "motor", "L4"): "NT"})
    union: dict[str, frozenset[str]] = {f: frozenset() for f in CLASSIFICATION_FIELDS} | {
        field: frozenset({"C5", "NA"})
    }
    # every completion classified: ours must equal the union, the reference miss a value
    assert (
        _verdict(exam, field, "C5,NA", "S1,NA", Reach(union, {}, True)).verdict == REFERENCE_MISSES
    )
    assert _verdict(exam, field, "C5,C6,NA", "NA", Reach(union, {}, True)).verdict == "unexplained"
    assert _verdict(exam, field, "NA", "C5,NA", Reach(union, {}, True)).verdict == "unexplained"
    # sampled completions: ours add only witnessed values to the reference's
    assert (
        _verdict(exam, field, "C5*,NA", "NA", Reach(union, {}, False)).verdict == REFERENCE_MISSES
    )
    assert _verdict(exam, field, "C5,NA", "S1,NA", Reach(union, {}, False)).verdict == "unexplained"
    assert _verdict(exam, field, "C5,NA", "C5,NA", Reach(union, {}, False)).verdict == "unexplained"
    assert _verdict(exam, field, "T1,NA", "NA", None).verdict == "unexplained"


def test_a_tag_difference_is_the_references_only_when_its_completions_say_so() -> None:
    field = "zoneOfPartialPreservations.motorRight"
    exam = _exam_with({("right", "motor", "L4"): "NT"})
    union: dict[str, frozenset[str]] = {f: frozenset() for f in CLASSIFICATION_FIELDS} | {
        field: frozenset({"C5", "NA"})
    }
    tags: dict[str, dict[str, bool]] = {f: {} for f in CLASSIFICATION_FIELDS}
    tags[field] = {"C5": True, "NA": False}
    every = Reach(union, tags, True)
    # ours follow the completions' tags (T1 across completions), the reference does not
    assert _verdict(exam, field, "C5*,NA", "C5,NA", every).verdict == REFERENCE_TAGS
    assert _verdict(exam, field, "C5,NA", "C5*,NA", every).verdict == "unexplained"
    assert _verdict(exam, field, "C5*,NA*", "C5,NA", every).verdict == "unexplained"
    # sampled completions prove only that a value is reached untagged
    sampled = Reach(union, tags, False)
    assert _verdict(exam, field, "C5*,NA", "C5,NA", sampled).verdict == "unexplained"
    assert _verdict(exam, field, "C5*,NA", "C5*,NA*", sampled).verdict == REFERENCE_TAGS
