"""Participant narratives: every fact from the data."""

from __future__ import annotations

from regencord.outcomes.trajectory import trajectory
from regencord.reports.narrative import dose_text, participant_narrative
from tests.outcomes.builders import (
    GRADE_A,
    GRADE_B,
    GRADE_C,
    GRADE_D,
    exam_point,
    measure,
    participant,
    with_nt,
)


def test_dose_text() -> None:
    assert dose_text(2_000_000) == "2.0×10⁶ cells"
    assert dose_text(10_000_000) == "1.0×10⁷ cells"
    assert dose_text(500_000) == "5.0×10⁵ cells"


def test_converted_participant() -> None:
    p = participant(
        "P01",
        (
            exam_point("baseline", 17, GRADE_A),
            exam_point("week 6", 60, GRADE_B),
            exam_point("week 24", 200, GRADE_D),
            exam_point("week 52", 382, GRADE_D),
        ),
        (measure("baseline", 17, "wisci", 0), measure("week 52", 382, "wisci", 9)),
    )
    text = participant_narrative(trajectory(p))
    assert text == (
        "P01 (C4, AIS A at baseline, transplanted 18 days after injury with lot NSPC-0021, "
        f"2.0×10⁶ cells) converted to AIS D by week 24 (B at week 6); UEMS 0→{GRADE_D.uems}; "
        f"LEMS 0→{GRADE_D.lems}; WISCI II 0→9: walker, braces, no physical assistance, 10 m."
    )


def test_unchanged_and_undetermined() -> None:
    a = exam_point("baseline", 17, GRADE_A)
    same = participant("P03", (a, exam_point("week 52", 382, GRADE_A)), transplant_day=None)
    assert participant_narrative(trajectory(same)) == (
        "P03 (C4, AIS A at baseline, not transplanted) remained AIS A at week 52."
    )
    nt = exam_point("week 52", 382, with_nt(GRADE_A, ("right", "lightTouch", "S4_5")))
    open_grade = participant("P04", (a, nt))
    assert "had AIS A or B at week 52 (not determinable: NT cells)" in participant_narrative(
        trajectory(open_grade)
    )


def test_withdrawn_and_no_exam() -> None:
    c = participant(
        "P05",
        (exam_point("baseline", 17, GRADE_A), exam_point("week 12", 100, GRADE_C)),
        status="withdrawn",
        withdrawal_reason="moved abroad",
    )
    text = participant_narrative(trajectory(c))
    assert "converted to AIS C by week 12" in text and text.endswith("Withdrawn: moved abroad.")
    assert participant_narrative(trajectory(participant("P06", ()))) == (
        "P06: no classified exam recorded."
    )
