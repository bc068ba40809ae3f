"""Responder specs: parsing with precise errors, presets, judging participants."""

from __future__ import annotations

from pathlib import Path

import pytest

from regencord.outcomes.events import Verdict
from regencord.outcomes.responders import (
    PRESETS,
    InvalidSpec,
    count_responders,
    judge,
    load_spec,
    parse_spec,
)
from regencord.outcomes.trajectory import Trajectory, trajectory
from tests.outcomes.builders import (
    GRADE_A,
    GRADE_C,
    GRADE_D,
    exam_point,
    measure,
    participant,
    with_nt,
)


def _people() -> list[Trajectory]:
    a = exam_point("baseline", 17, GRADE_A)
    return [
        trajectory(
            participant(
                "P01",
                (a, exam_point("week 24", 200, GRADE_C), exam_point("week 52", 380, GRADE_D)),
                (
                    measure("baseline", 17, "scim", 10),
                    measure("week 52", 380, "scim", 31),
                    measure("baseline", 17, "wisci", 0),
                    measure("week 52", 380, "wisci", 9),
                ),
            )
        ),
        trajectory(participant("P02", (a, exam_point("week 52", 380, GRADE_C)))),
        trajectory(participant("P03", (a, exam_point("week 52", 380, GRADE_A)))),
        trajectory(
            participant(
                "P04",
                (a, exam_point("week 52", 380, with_nt(GRADE_A, ("right", "lightTouch", "S4_5")))),
            )
        ),
        trajectory(participant("P05", (a,))),
    ]


def test_spec_file_round_trip(tmp_path: Path) -> None:
    spec = tmp_path / "responders.yaml"
    spec.write_text(
        "responders:\n"
        "  - {name: C/D at week 52, event: ais_conversion, to: motor_incomplete, visit: week 52}\n"
        "  - {name: SCIM +10, event: score_gain, metric: scim, min_gain: 10}\n"
        "  - {name: ML +2, event: motor_level_gain, min_levels: 2, side: both}\n",
        encoding="utf-8",
    )
    rules = load_spec(spec)
    assert [r.name for r in rules] == ["C/D at week 52", "SCIM +10", "ML +2"]
    assert rules[0].visit == "week 52"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"responders": []}, "responders"),
        ({"responders": [{"name": "x", "event": "cure"}]}, "event"),
        (
            {"responders": [{"name": "x", "event": "score_gain", "metric": "grip", "min_gain": 1}]},
            "metric",
        ),
        (
            {"responders": [{"name": "x", "event": "score_gain", "metric": "scim", "min_gain": 0}]},
            "min_gain",
        ),
        ({"responders": [{"name": "x", "event": "ais_conversion", "to": "e"}]}, "to"),
        ({"responders": [{"name": "x", "event": "ais_conversion", "colour": 1}]}, "colour"),
    ],
)
def test_bad_spec_names_the_field(data: object, message: str) -> None:
    with pytest.raises(InvalidSpec, match=message):
        parse_spec(data, "trial spec")


def test_unreadable_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("responders: [", encoding="utf-8")
    with pytest.raises(InvalidSpec, match=r"bad\.yaml"):
        load_spec(bad)


def test_presets_judge_the_cohort() -> None:
    people = _people()
    by_name = {r.name: count_responders(r, people) for r in PRESETS}
    motor_incomplete = by_name["AIS to motor incomplete (C/D)"]
    assert [j.verdict for j in motor_incomplete.judgements] == [
        Verdict.YES,
        Verdict.YES,
        Verdict.NO,
        Verdict.NO,  # NT at S4-5 leaves A or B: neither is motor incomplete
        Verdict.NO_DATA,
    ]
    assert motor_incomplete.responders == 2
    assert by_name["AIS to D"].responders == 1
    scim = by_name["SCIM III +10 (substantial)"]
    assert scim.responders == 1 and scim.count(Verdict.NO_DATA) == 4
    assert by_name["WISCI II gain (any)"].judgements[0].detail == "WISCI II 0 → 9"


def test_nt_leaves_any_conversion_undetermined() -> None:
    p04 = _people()[3]
    any_grade = next(r for r in PRESETS if r.name == "AIS improved (any grade)")
    j = judge(any_grade, p04)
    assert j.verdict is Verdict.UNDETERMINED
    assert j.detail == "AIS A → A,B"


def test_named_visit_without_data_is_no_data() -> None:
    rule = parse_spec(
        {"responders": [{"name": "x", "event": "ais_conversion", "visit": "week 24"}]}
    )[0]
    assert judge(rule, _people()[1]).verdict is Verdict.NO_DATA
    assert judge(rule, _people()[0]).verdict is Verdict.YES
