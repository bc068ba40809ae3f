"""A stored classification reads back to the same result (to_praxis round trip)."""

from __future__ import annotations

import pytest

from regencord.isncsci import Exam, classify
from regencord.isncsci.stored import StoredClassificationError, classification_from_praxis
from regencord.isncsci.synthetic import generate_exams


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_round_trip_on_generated_exams_with_nt_and_tags(seed: int) -> None:
    for raw in generate_exams(300, seed=seed, nt_rate=0.05, tag_rate=0.03, non_key_rate=0.05):
        result = classify(Exam.from_praxis(raw))
        back = classification_from_praxis(result.to_praxis())
        assert back.to_praxis() == result.to_praxis()
        assert back.ais == result.ais
        assert back.neurological_level == result.neurological_level
        assert back.totals == result.totals


def test_bad_notation_names_the_field() -> None:
    data = classify(Exam.from_praxis(generate_exams(1, seed=4)[0])).to_praxis()
    data["classification"]["neurologicalLevels"]["motorLeft"] = "C9"
    with pytest.raises(StoredClassificationError, match="motorLeft: unknown value 'C9'"):
        classification_from_praxis(data)


def test_missing_part_is_refused() -> None:
    with pytest.raises(StoredClassificationError, match="missing"):
        classification_from_praxis({"classification": {}})
