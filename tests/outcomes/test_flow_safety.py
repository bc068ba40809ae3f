"""Participant flow from status histories; the safety summary."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from regencord.outcomes.flow import participant_flow
from regencord.outcomes.model import AdverseEventPoint, ImagingPoint
from regencord.outcomes.safety import safety_summary
from tests.outcomes.builders import GRADE_A, exam_point, participant


def _ae(
    term: str, grade: int, *, serious: bool = False, cells: str = "not_related"
) -> AdverseEventPoint:
    return AdverseEventPoint(
        term=term,
        onset_day=30,
        onset_date=date(2025, 1, 31),
        resolution_date=None,
        ctcae_grade=grade,
        serious=serious,
        related_to_cells=cells,
        related_to_surgery="not_related",
        related_to_immunosuppression="possible" if term == "hyperglycaemia" else "unlikely",
        outcome="recovered",
    )


def test_flow_counts_from_status_history() -> None:
    a = (exam_point("baseline", 17, GRADE_A),)
    people = [
        participant("P01", a, statuses=("screening", "enrolled", "transplanted", "completed")),
        participant("P02", a, status="transplanted"),
        participant("P03", a, transplant_day=None, status="screening"),
        participant(
            "P04",
            a,
            transplant_day=None,
            status="withdrawn",
            statuses=("screening", "enrolled", "withdrawn"),
            withdrawal_reason="moved away",
        ),
        participant("P05", a, status="withdrawn", withdrawal_reason="consent withdrawn"),
        participant(
            "P06", a, transplant_day=None, status="withdrawn", statuses=("screening", "withdrawn")
        ),
    ]
    f = participant_flow(people)
    assert (f.screened, f.enrolled, f.transplanted, f.completed, f.in_follow_up) == (6, 4, 3, 1, 1)
    assert (f.withdrawn_before_transplant, f.withdrawn_after_transplant, f.withdrawn) == (2, 1, 3)
    assert f.withdrawal_reasons[0] == ("P04", "moved away")


def test_safety_summary_by_grade_relatedness_and_serious() -> None:
    a = (exam_point("baseline", 17, GRADE_A),)
    p1 = participant(
        "P01",
        a,
        adverse_events=(
            _ae("pain", 1),
            _ae("pneumonia", 3, serious=True),
            _ae("hyperglycaemia", 2),
        ),
        imaging=(
            ImagingPoint(100, date(2025, 4, 11), "mri", "no mass", False, False, 12.0),
            ImagingPoint(380, date(2026, 1, 16), "mri", "small syrinx", False, True, 12.0),
        ),
    )
    p2 = participant("P02", a, adverse_events=(_ae("fever", 1, cells="possible"),))
    p3 = participant("P03", a, transplant_day=None)
    s = safety_summary([p1, p2, p3])
    assert (s.total.events, s.total.participants) == (4, 2)
    assert [(r.label, r.events, r.participants) for r in s.by_grade] == [
        ("Grade 1", 2, 2),
        ("Grade 2", 1, 1),
        ("Grade 3", 1, 1),
    ]
    related = {r.label: r.events for r in s.by_relatedness}
    assert related == {
        "Related to cells": 1,
        "Related to surgery": 0,
        "Related to immunosuppression": 1,
        "Serious": 1,
    }
    assert [(e.study_id, e.event.term) for e in s.serious] == [("P01", "pneumonia")]
    assert (s.imaging_scans, s.imaging_participants) == (2, 1)
    assert s.suspected_masses == () and len(s.syrinx) == 1
    assert [c.qc_passed for c in s.chains] == [True, True, False]
    assert s.chains[2].lot is None


def test_failed_qc_shows_in_chain() -> None:
    p = participant("P01", (exam_point("baseline", 17, GRADE_A),))
    assert p.transplant is not None
    lot = p.transplant.lot
    bad = replace(lot, qc=(replace(lot.qc[0], passed=False),))
    failed = replace(p, transplant=replace(p.transplant, lot=bad))
    assert not safety_summary([failed]).chains[0].qc_passed
